// The household's order page (/o/<orderId> or /order.html?id=<orderId>), phone-first. It shows the order as
// the server has it (GET /api/orders/{id}: the truth) and listens on the personal socket (/ws/me): every
// order.updated or order.refund notice for this order makes it read the order again, so status, refunds, timeline
// and the pickup code change in place. After a drop it reconnects with ?after=<the last eventId it saw> and reads the order once
// more, so nothing that happened meanwhile is missed.
import { ApiError, blob, call, viewerToken, yuan } from './api.js';
import { add, lang, languageSwitch, onChange, problemText, t, translate } from './i18n.js';
import { byId, el, fill, say } from './dom.js';
import { CODE_STATUSES, statusWord } from './statuses.js';

add({
  'zh-CN': {
    'order.docTitle': 'Linli · 我的订单',
    'order.title': '我的订单',
    'order.whoAreYou': '先起个昵称，再看订单。',
    'order.nickname': '昵称',
    'order.field.nickname': '昵称要 1–30 个字。',
    'order.continue': '继续',
    'order.loading': '正在读取订单…',
    'order.noId': '链接里没有订单编号。',
    'order.forbidden': '这是另一户的订单，你不能查看。请用下单时的手机打开这个链接。',
    'order.notFound': '没有这个订单，请检查链接。',
    'order.signedOut': '登录已过期，请重新起个昵称。之前的订单要用下单时的手机查看。',
    'order.quantity': '数量',
    'order.amount': '金额',
    'order.deliveryFee': '（含配送费 {fee}）',
    'order.pickupPoint': '自提点',
    'order.deliverTo': '送货地址',
    'order.hours': '营业时间 {hours}',
    'order.slot': '送达时段 {slot}',
    'order.code': '取货码',
    'order.qrAlt': '取货码二维码',
    'order.codeHintPickup': '到自提点时出示取货码或二维码。',
    'order.codeHintDelivery': '收货时把取货码告诉配送员。',
    'order.history': '订单进度',
    'order.refunds': '退款',
    'refund.PENDING': '退款中',
    'refund.SUCCEEDED': '已退回',
    'refund.FAILED': '未能退回，门店会重新退款',
    'refund.FAILED_RETRIED': '未能退回，已重新退款',
    'refund.reason.DEAL_FAILED': '未成团',
    'refund.reason.LATE_PAYMENT': '付款晚于订单保留时间',
    'refund.reason.TIER_PRICE': '阶梯价差额',
    'refund.reason.BUYER_LEFT': '取消订单',
    'refund.reason.CLAIM': '售后',
    'order.placed': '下单',
    'order.by': '操作：{who}',
    'live.connecting': '正在连接实时更新…',
    'live.live': '实时更新中',
    'live.reconnecting': '连接断开，正在重新连接…',
    'live.stopped': '实时更新已停止，请刷新页面。',
  },
  en: {
    'order.docTitle': 'Linli · My order',
    'order.title': 'My order',
    'order.whoAreYou': 'Pick a nickname first, then see the order.',
    'order.nickname': 'Nickname',
    'order.field.nickname': 'A nickname has 1 to 30 characters.',
    'order.continue': 'Continue',
    'order.loading': 'Loading the order…',
    'order.noId': 'The link has no order in it.',
    'order.forbidden': 'This order belongs to another household, so you cannot see it. Open the link on the phone that placed the order.',
    'order.notFound': 'There is no such order; check the link.',
    'order.signedOut': 'Your session has expired; pick a nickname again. Earlier orders open on the phone that placed them.',
    'order.quantity': 'Quantity',
    'order.amount': 'Amount',
    'order.deliveryFee': ' (delivery fee {fee} included)',
    'order.pickupPoint': 'Pickup point',
    'order.deliverTo': 'Deliver to',
    'order.hours': 'Open {hours}',
    'order.slot': 'Arrives {slot}',
    'order.code': 'Pickup code',
    'order.qrAlt': 'Pickup code as a QR code',
    'order.codeHintPickup': 'Show the code or the QR at the pickup point.',
    'order.codeHintDelivery': 'Tell the courier this code when the bag arrives.',
    'order.history': 'Progress',
    'order.refunds': 'Refunds',
    'refund.PENDING': 'On its way back',
    'refund.SUCCEEDED': 'Returned',
    'refund.FAILED': 'Could not be returned; the store will refund it again',
    'refund.FAILED_RETRIED': 'Could not be returned; refunded again',
    'refund.reason.DEAL_FAILED': 'The group did not form',
    'refund.reason.LATE_PAYMENT': 'Paid after the order was released',
    'refund.reason.TIER_PRICE': 'Lower tier price',
    'refund.reason.BUYER_LEFT': 'Order cancelled',
    'refund.reason.CLAIM': 'After-sales',
    'order.placed': 'Ordered',
    'order.by': 'by {who}',
    'live.connecting': 'Connecting to live updates…',
    'live.live': 'Live updates on',
    'live.reconnecting': 'Connection lost, reconnecting…',
    'live.stopped': 'Live updates stopped; reload the page.',
  },
});

const orderId = (() => {
  const path = location.pathname.match(/^\/o\/([0-9A-Za-z]{1,32})$/);
  return path ? path[1] : new URLSearchParams(location.search).get('id');
})();

let order = null;
let message = null; // a function giving the page's message in the current language, or null
let lastEventId = 0; // the newest notice applied: a reconnect asks for what came after it
let qr = { code: null, url: null };

// ---- what the page shows ----

function when(iso) {
  const options = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23' };
  const zone = order && order.store && order.store.timezone;
  try {
    // The store's clock, wherever the phone is: "the bag arrived at 18:05" means the store's 18:05.
    return new Intl.DateTimeFormat(lang(), { ...options, timeZone: zone || undefined }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(lang(), options).format(new Date(iso));
  }
}

function where() {
  if (order.fulfillment === 'DELIVERY' && order.delivery) {
    const d = order.delivery;
    const slot = d.slot ? [d.slot.label, d.slot.date].filter(Boolean).join(' ') : null;
    return [t('order.deliverTo'), [
      el('span', { class: 'address', text: [d.community, d.address].filter(Boolean).join(' ') }),
      slot ? el('span', { class: 'muted slot' }, el('br'), t('order.slot', { slot })) : null]];
  }
  const p = order.pickupPoint || {};
  return [t('order.pickupPoint'), [
    el('strong', { class: 'point-name', text: p.name || '' }),
    el('br'), el('span', { class: 'address', text: p.address || '' }),
    p.openingHours ? el('span', { class: 'muted' }, el('br'), t('order.hours', { hours: p.openingHours })) : null]];
}

function timeline() {
  const entries = [el('li', {}, el('time', { datetime: order.createdAt, text: when(order.createdAt) }),
    el('span', { class: 'what', text: t('order.placed') }))];
  for (const h of order.history || []) {
    const who = t(`who.${h.by && h.by.kind}`);
    entries.push(el('li', { 'data-status': h.status, 'data-event-id': h.eventId },
      el('time', { datetime: h.at, text: when(h.at) }),
      el('span', { class: 'what', text: statusWord(h.status) }),
      el('span', { class: 'muted who' }, ' · ', t('order.by', { who })),
      h.reason && h.reason !== 'system' ? el('span', { class: 'muted why' }, ' · ', h.reason) : null));
  }
  return entries;
}

/** Each refund of the order: how much, why, and whether the money is back (one line per attempt). */
function refunds() {
  return (order.refunds || []).map((r) => {
    const state = r.status === 'FAILED' && r.retriedBy ? 'FAILED_RETRIED' : r.status;
    return el('li', { 'data-status': r.status, 'data-refund-id': r.id },
      el('strong', { class: 'amount', text: yuan(r.amountFen) }), ' ',
      el('span', { class: 'what', text: t(`refund.${state}`) }),
      el('span', { class: 'muted why' }, ' · ', t(`refund.reason.${r.reason}`)),
      r.settledAt || r.createdAt ? el('time', { datetime: r.settledAt || r.createdAt,
        text: when(r.settledAt || r.createdAt) }) : null);
  });
}

async function showQr(code) {
  if (qr.code === code) return;
  qr.code = code;
  try {
    // An <img src> cannot carry the token, so the image comes through fetch and is shown from a blob URL.
    const png = await blob(`/api/orders/${encodeURIComponent(orderId)}/pickup-code.png`,
      { token: viewerToken.get(), accept: 'image/png' });
    if (qr.code !== code) return;
    if (qr.url) URL.revokeObjectURL(qr.url);
    qr.url = URL.createObjectURL(png);
    byId('qr').src = qr.url;
  } catch {
    qr.code = null; // the digits still show; the next change tries again
  }
}

function hideQr() {
  if (qr.url) URL.revokeObjectURL(qr.url);
  qr = { code: null, url: null };
  byId('qr').removeAttribute('src');
}

function render() {
  if (message) say(message(), true);
  else say('');
  if (!order) {
    byId('order').hidden = true;
    return;
  }
  byId('order').hidden = false;
  fill(byId('store'), (order.store && order.store.name) || '');
  const unit = order.product && order.product.unit ? ` ${order.product.unit}` : '';
  fill(byId('product'), (order.product && order.product.name) || '');
  const status = byId('status');
  status.dataset.status = order.status;
  fill(status, statusWord(order.status));
  fill(byId('quantity'), `${order.quantity}${unit}`);
  fill(byId('amount'), yuan(order.amountFen),
    order.deliveryFeeFen > 0 ? t('order.deliveryFee', { fee: yuan(order.deliveryFeeFen) }) : '');
  const [label, value] = where();
  fill(byId('where-label'), label);
  fill(byId('where'), value);
  fill(byId('timeline'), timeline());
  byId('refunds').hidden = !(order.refunds && order.refunds.length);
  fill(byId('refund-list'), refunds());

  const code = CODE_STATUSES.has(order.status) ? order.pickupCode : null;
  byId('pickup').hidden = !code;
  if (code) {
    fill(byId('code'), code);
    byId('qr').alt = t('order.qrAlt');
    fill(byId('code-hint'), t(order.status === 'OUT_FOR_DELIVERY' ? 'order.codeHintDelivery' : 'order.codeHintPickup'));
    showQr(code);
  } else {
    hideQr();
  }
}

// ---- reading the order ----

let reading = null;
let readAgain = false;

/** Reads the order; a request while a read runs makes one more read after it, never two at once. */
function read() {
  if (reading) {
    readAgain = true;
    return reading;
  }
  reading = (async () => {
    do {
      readAgain = false;
      await readOnce();
    } while (readAgain);
    reading = null;
  })();
  return reading;
}

async function readOnce() {
  try {
    order = await call(`/api/orders/${encodeURIComponent(orderId)}`, { token: viewerToken.get() });
    message = null;
    for (const h of order.history || []) lastEventId = Math.max(lastEventId, h.eventId || 0);
    render();
    live.start();
  } catch (error) {
    if (order && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500)) {
      // A passing failure (no network, a node restarting): keep showing what we had and ask again soon.
      message = () => problemText(error);
      render();
      setTimeout(read, 3000);
      return;
    }
    order = null;
    live.stop();
    if (error instanceof ApiError && error.status === 401) {
      viewerToken.clear();
      message = () => t('order.signedOut');
      render();
      askForNickname();
      return;
    }
    if (error instanceof ApiError && error.status === 403) message = () => t('order.forbidden');
    else if (error instanceof ApiError && error.status === 404) message = () => t('order.notFound');
    else message = () => problemText(error);
    render();
  }
}

// ---- the personal socket ----

const PERMANENT = new Set([4400, 4401, 4403]);
const live = {
  socket: null,
  wanted: false,
  dropped: false,
  retryMs: 1000,
  timer: null,

  start() {
    this.wanted = true;
    if (!this.socket && !this.timer) this.connect();
  },

  stop() {
    this.wanted = false;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.socket) this.socket.close(1000);
  },

  state(name) {
    const node = byId('live');
    node.dataset.state = name;
    fill(node, t(`live.${name}`));
  },

  connect() {
    this.timer = null;
    if (!this.wanted) return;
    const url = new URL('/ws/me', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', viewerToken.get() || '');
    if (lastEventId > 0) url.searchParams.set('after', String(lastEventId));
    const socket = new WebSocket(url);
    this.socket = socket;
    this.state(this.dropped ? 'reconnecting' : 'connecting');
    socket.addEventListener('message', (event) => this.frame(socket, event));
    socket.addEventListener('close', (event) => this.closed(socket, event));
  },

  frame(socket, event) {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (frame.type === 'me.ready') {
      this.state('live');
      this.retryMs = 1000;
      if (this.dropped) read(); // the notices replayed after ?after= arrive next; the order is the truth
      this.dropped = false;
    } else if (frame.type === 'order.updated' || frame.type === 'order.refund') {
      if (typeof frame.eventId === 'number') lastEventId = Math.max(lastEventId, frame.eventId);
      if (frame.orderId === orderId) read();
    } else if (frame.type === 'notices.replayed' && frame.truncated) {
      socket.send(JSON.stringify({ type: 'resume', after: lastEventId }));
    } else if (frame.type === 'notices.gap') {
      read();
    }
  },

  closed(socket, event) {
    if (this.socket !== socket) return;
    this.socket = null;
    if (!this.wanted) return;
    if (PERMANENT.has(event.code)) {
      this.wanted = false;
      this.state('stopped');
      if (event.code === 4401) read(); // the order read says what to do about the token
      return;
    }
    this.dropped = true;
    this.state('reconnecting');
    this.timer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 15000);
  },

  /** The phone is back online or the page is visible again: try now rather than at the next backoff. */
  nudge() {
    if (this.wanted && !this.socket && this.timer) {
      clearTimeout(this.timer);
      this.retryMs = 1000;
      this.connect();
    }
  },
};

// ---- a guest token when the phone has none ----

function askForNickname() {
  byId('viewer-form').hidden = false;
  byId('nickname').focus();
}

async function createViewer(event) {
  event.preventDefault();
  const input = byId('nickname');
  fill(byId('nickname-error'), '');
  try {
    const viewer = await call('/api/viewers', { method: 'POST', body: { nickname: input.value.trim() } });
    viewerToken.set(viewer.token);
    byId('viewer-form').hidden = true;
    message = null;
    say(t('order.loading'));
    await read();
  } catch (error) {
    const text = (error instanceof ApiError && error.fieldMessage('nickname', t('order.field.nickname')))
      || problemText(error);
    fill(byId('nickname-error'), text);
    input.setAttribute('aria-invalid', 'true');
  }
}

translate();
languageSwitch(byId('lang'));
onChange(() => {
  render();
  if (byId('live').dataset.state) live.state(byId('live').dataset.state);
});
byId('viewer-form').addEventListener('submit', createViewer);
window.addEventListener('online', () => live.nudge());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') live.nudge();
});

if (!orderId) {
  message = () => t('order.noId');
  render();
} else if (!viewerToken.get()) {
  askForNickname();
} else {
  say(t('order.loading'));
  read();
}
