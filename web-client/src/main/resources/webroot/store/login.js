// Staff sign-in: phone + password -> POST /api/sessions; the token is kept for this tab (sessionStorage).
// The server's problem+json decides what is wrong, and its message is shown under the field at fault.
import { ApiError, call, staffToken } from '/assets/api.js';
import { add, languageSwitch, onChange, problemText, t, translate } from '/assets/i18n.js';
import { byId, fill } from '/assets/dom.js';

add({
  'zh-CN': {
    'login.docTitle': 'Linli · 店员登录',
    'login.title': '店员登录',
    'login.phone': '手机号',
    'login.password': '密码',
    'login.submit': '登录',
    'login.wrong': '手机号或密码不对。',
    'login.field.phone': '请填写手机号（6–15 位数字）。',
    'login.field.password': '请填写密码。',
    'login.signedIn': '已登录',
    'login.stores': '门店',
    'login.deal': '团购编号（打开拣货单）',
    'login.openPickList': '打开拣货单',
    'login.signOut': '退出登录',
  },
  en: {
    'login.docTitle': 'Linli · Staff sign-in',
    'login.title': 'Staff sign-in',
    'login.phone': 'Phone',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.wrong': 'Phone or password is wrong.',
    'login.field.phone': 'Enter the phone number (6 to 15 digits).',
    'login.field.password': 'Enter the password.',
    'login.signedIn': 'Signed in',
    'login.stores': 'Stores',
    'login.deal': 'Deal id (opens its pick list)',
    'login.openPickList': 'Open the pick list',
    'login.signOut': 'Sign out',
  },
});

const STORES = 'linli.staff.stores';
const FIELDS = ['phone', 'password'];
let lastError = null;

/** Only a page of ours may be the way back after signing in (never another site). */
function nextPage() {
  const next = new URLSearchParams(location.search).get('next');
  return next && /^\/store\/[^/]/.test(next) && !next.startsWith('//') ? next : null;
}

function showErrors(error) {
  lastError = error;
  for (const field of FIELDS) {
    const input = byId(field);
    let message = error instanceof ApiError ? error.fieldMessage(field, t(`login.field.${field}`)) : null;
    if (!message && field === 'password' && error) {
      // A refusal names no field: it belongs under the password, where the person will look.
      const listed = error instanceof ApiError && (error.problem.errors || []).length > 0;
      if (!listed) message = error instanceof ApiError && error.status === 401 ? t('login.wrong') : problemText(error);
    }
    fill(byId(`${field}-error`), message || '');
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
  }
}

function showSignedIn() {
  const signedIn = Boolean(staffToken.get());
  byId('login').hidden = signedIn;
  byId('signed-in').hidden = !signedIn;
  if (signedIn) {
    let stores = [];
    try {
      stores = JSON.parse(sessionStorage.getItem(STORES) || '[]');
    } catch {
      stores = [];
    }
    fill(byId('stores'), stores.map((s) => s.name).join(', '));
  }
}

async function signIn(event) {
  event.preventDefault();
  const button = byId('submit');
  button.disabled = true;
  showErrors(null);
  try {
    const session = await call('/api/sessions', {
      method: 'POST',
      body: { phone: byId('phone').value.trim(), password: byId('password').value },
    });
    staffToken.set(session.token);
    sessionStorage.setItem(STORES, JSON.stringify(session.stores || []));
    const next = nextPage();
    if (next) {
      location.assign(next);
      return;
    }
    byId('password').value = '';
    showSignedIn();
  } catch (error) {
    showErrors(error);
  } finally {
    button.disabled = false;
  }
}

translate();
languageSwitch(byId('lang'));
onChange(() => {
  if (lastError) showErrors(lastError);
});
byId('login').addEventListener('submit', signIn);
byId('open-pick-list').addEventListener('submit', (event) => {
  event.preventDefault();
  const deal = byId('deal').value.trim();
  if (deal) location.assign(`/store/pick-list.html?deal=${encodeURIComponent(deal)}`);
});
byId('sign-out').addEventListener('click', () => {
  staffToken.clear();
  sessionStorage.removeItem(STORES);
  showSignedIn();
});
showSignedIn();
