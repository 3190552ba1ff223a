// The printable pick list of one deal (GET /api/deals/{id}/pick-list): one sheet per pickup point with the
// units to take and a bag table to tick off, then one sheet per delivery slot with the addresses. Printing
// starts every sheet on a new page; the CSV is the same list from the same endpoint, saved as a file.
import { ApiError, blob, call, saveAs, staffToken } from '/assets/api.js';
import { add, lang, languageSwitch, onChange, problemText, t, translate } from '/assets/i18n.js';
import { byId, el, fill, say } from '/assets/dom.js';
import { statusWord } from '/assets/statuses.js';

add({
  'zh-CN': {
    'pick.docTitle': 'Linli · 拣货单',
    'pick.title': '拣货单',
    'pick.print': '打印',
    'pick.csv': '下载 CSV',
    'pick.summary': '团购 {deal} · {bags} 袋 · 共 {units} 件 · 生成于 {at}',
    'pick.noDeal': '请在地址中带上团购编号：/store/pick-list.html?deal=<编号>',
    'pick.loading': '正在读取拣货单…',
    'pick.empty': '这个团购还没有要打包的订单。',
    'pick.forbidden': '你不是这家店的店员，不能查看这个拣货单。',
    'pick.notFound': '没有这个团购。',
    'pick.counter': '门店自提',
    'pick.take': '取货：',
    'pick.bagCount': '{bags} 袋',
    'pick.delivery': '送货上门 · {label}',
    'pick.col.nickname': '昵称',
    'pick.col.phone': '手机尾号',
    'pick.col.quantity': '数量',
    'pick.col.status': '状态',
    'pick.col.code': '取货码',
    'pick.col.community': '小区',
    'pick.col.address': '地址',
    'pick.col.tick': '✓',
    'pick.hours': '营业时间 {hours}',
  },
  en: {
    'pick.docTitle': 'Linli · Pick list',
    'pick.title': 'Pick list',
    'pick.print': 'Print',
    'pick.csv': 'Download CSV',
    'pick.summary': 'Deal {deal} · {bags} bags · {units} units · made {at}',
    'pick.noDeal': 'Put the deal in the address: /store/pick-list.html?deal=<id>',
    'pick.loading': 'Loading the pick list…',
    'pick.empty': 'This deal has no bags to pack yet.',
    'pick.forbidden': 'You are not staff of this deal\'s store, so you cannot see its pick list.',
    'pick.notFound': 'There is no such deal.',
    'pick.counter': 'Store counter',
    'pick.take': 'Take: ',
    'pick.bagCount': '{bags} bags',
    'pick.delivery': 'Delivery · {label}',
    'pick.col.nickname': 'Nickname',
    'pick.col.phone': 'Phone tail',
    'pick.col.quantity': 'Qty',
    'pick.col.status': 'Status',
    'pick.col.code': 'Pickup code',
    'pick.col.community': 'Community',
    'pick.col.address': 'Address',
    'pick.col.tick': '✓',
    'pick.hours': 'Open {hours}',
  },
});

const dealId = new URLSearchParams(location.search).get('deal');
let list = null;
let madeAt = null;
let problem = null; // a function giving the message in the current language

function toSignIn() {
  location.replace(`/store/?next=${encodeURIComponent(location.pathname + location.search)}`);
}

function table(columns, rows) {
  return el('table', { class: 'bags' },
    el('thead', {}, el('tr', {}, columns.map(([key, cls]) => el('th', { class: cls, text: t(key) })))),
    el('tbody', {}, rows));
}

// A household's bag: who, how many, where it stands, then what this kind of sheet needs, then a box to tick.
const BAG_COLUMNS = [['pick.col.nickname'], ['pick.col.phone'], ['pick.col.quantity', 'num'], ['pick.col.status']];

function bagRow(bag, ...cells) {
  return el('tr', { 'data-order-id': bag.orderId },
    el('td', { class: 'nickname', text: bag.nickname }),
    el('td', { class: 'phone', text: bag.phoneTail || '' }),
    el('td', { class: 'num quantity', text: bag.quantity }),
    el('td', { class: 'status', 'data-status': bag.status, text: statusWord(bag.status) }),
    ...cells,
    el('td', { class: 'tick' }));
}

/** "Take: product × units · N bags" for a point's or a slot's sheet. */
function takeLine(sheet) {
  return el('p', { class: 'take' }, t('pick.take'), el('span', { class: 'product', text: sheet.product }), ' × ',
    el('strong', { class: 'units', text: sheet.units }), ' · ', t('pick.bagCount', { bags: sheet.bags.length }));
}

function pointSheet(point) {
  const rows = point.bags.map((bag) => bagRow(bag, el('td', { class: 'code', text: bag.pickupCode || '' })));
  return el('section', { class: 'sheet card point', 'data-pickup-point-id': point.pickupPointId },
    el('h2', { class: 'name', text: point.name || t('pick.counter') }),
    el('p', { class: 'address muted', text: point.address || '' }),
    takeLine(point),
    table([...BAG_COLUMNS, ['pick.col.code'], ['pick.col.tick', 'tick']], rows));
}

function deliverySheet(slot) {
  const label = slot.date ? `${slot.label} ${slot.date}` : slot.label;
  const rows = slot.bags.map((bag) => bagRow(bag, el('td', { class: 'community', text: bag.community || '' }),
    el('td', { class: 'address', text: bag.address || '' })));
  return el('section', { class: 'sheet card delivery', 'data-slot-id': slot.slotId, 'data-date': slot.date },
    el('h2', { class: 'name', text: t('pick.delivery', { label }) }),
    takeLine(slot),
    table([...BAG_COLUMNS, ['pick.col.community'], ['pick.col.address'], ['pick.col.tick', 'tick']], rows));
}

function render() {
  if (problem) {
    say(problem(), true);
    return;
  }
  if (!list) return;
  const sheets = [...list.pickupPoints.map(pointSheet), ...list.deliveries.map(deliverySheet)];
  if (sheets.length > 0) sheets[0].classList.add('first');
  fill(byId('sheets'), sheets);
  const all = [...list.pickupPoints, ...list.deliveries];
  fill(byId('summary'), t('pick.summary', {
    deal: list.dealId,
    bags: all.reduce((n, s) => n + s.bags.length, 0),
    units: all.reduce((n, s) => n + s.units, 0),
    at: madeAt.toLocaleString(lang()),
  }));
  say(sheets.length === 0 ? t('pick.empty') : '');
  byId('print').disabled = false;
  byId('csv').disabled = false;
}

function failed(error) {
  if (error instanceof ApiError && error.status === 401) {
    staffToken.clear();
    toSignIn();
    return;
  }
  if (error instanceof ApiError && error.status === 403) problem = () => t('pick.forbidden');
  else if (error instanceof ApiError && error.status === 404) problem = () => t('pick.notFound');
  else problem = () => problemText(error);
  render();
}

async function load() {
  say(t('pick.loading'));
  try {
    list = await call(`/api/deals/${encodeURIComponent(dealId)}/pick-list`, { token: staffToken.get() });
    madeAt = new Date();
    render();
  } catch (error) {
    failed(error);
  }
}

async function downloadCsv() {
  const button = byId('csv');
  button.disabled = true;
  try {
    const csv = await blob(`/api/deals/${encodeURIComponent(dealId)}/pick-list?format=csv`,
      { token: staffToken.get(), accept: 'text/csv' });
    saveAs(csv, `pick-list-${dealId}.csv`);
  } catch (error) {
    failed(error);
  } finally {
    button.disabled = false;
  }
}

translate();
languageSwitch(byId('lang'));
onChange(render);
byId('print').addEventListener('click', () => window.print());
byId('csv').addEventListener('click', downloadCsv);
if (!dealId) {
  problem = () => t('pick.noDeal');
  render();
} else if (!staffToken.get()) {
  toSignIn();
} else {
  load();
}
