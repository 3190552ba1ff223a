// zh-CN / en for every page: chosen from navigator.language (Chinese -> zh-CN, anything else -> en),
// overridden by the page's switch (remembered in localStorage). Pages add their own messages with add(),
// mark static text with data-i18n="key" (and data-i18n-placeholder="key"), and re-render on onChange().

export const LANGUAGES = ['zh-CN', 'en'];
const KEY = 'linli.lang';
const messages = { 'zh-CN': {}, en: {} };
const listeners = [];

add({
  'zh-CN': {
    'lang.other': 'English',
    'lang.switch': '切换语言',
    'error.network': '连不上服务器，请检查网络后重试。',
    'error.generic': '出错了：{detail}',
    'who.VIEWER': '你',
    'who.STAFF': '店员',
    'who.LEADER': '团长',
    'who.SYSTEM': '系统',
  },
  en: {
    'lang.other': '中文',
    'lang.switch': 'Switch language',
    'error.network': 'Cannot reach the server; check the connection and try again.',
    'error.generic': 'Something went wrong: {detail}',
    'who.VIEWER': 'you',
    'who.STAFF': 'store staff',
    'who.LEADER': 'leader',
    'who.SYSTEM': 'system',
  },
});

function initial() {
  let chosen = null;
  try {
    chosen = localStorage.getItem(KEY);
  } catch {
    // storage disabled: follow the browser
  }
  if (LANGUAGES.includes(chosen)) return chosen;
  const browser = (navigator.languages && navigator.languages[0]) || navigator.language || '';
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

let current = initial();

/** Adds a page's messages: {'zh-CN': {key: text}, en: {key: text}}. */
export function add(table) {
  for (const lang of LANGUAGES) Object.assign(messages[lang], table[lang] || {});
}

export function lang() {
  return current;
}

/** The message for key in the current language, with {name} filled from params; the key if unknown. */
export function t(key, params = {}) {
  const text = messages[current][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (params[name] === undefined ? m : String(params[name])));
}

/** Whether a message exists (for tables that fall back to something else). */
export function has(key) {
  return key in messages[current] || key in messages.en;
}

export function setLang(next) {
  if (!LANGUAGES.includes(next) || next === current) return;
  current = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // not remembered; still switched
  }
  translate();
  listeners.forEach((fn) => fn(current));
}

export function onChange(fn) {
  listeners.push(fn);
}

/** Fills the static text of the page (or of root) in the current language. */
export function translate(root = document) {
  document.documentElement.lang = current;
  root.querySelectorAll('[data-i18n]').forEach((node) => {
    node.textContent = t(node.dataset.i18n);
  });
  root.querySelectorAll('[data-i18n-placeholder]').forEach((node) => {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  });
  root.querySelectorAll('[data-i18n-title]').forEach((node) => {
    node.title = t(node.dataset.i18nTitle);
  });
  if (document.body && document.body.dataset.i18nDocTitle) {
    document.title = t(document.body.dataset.i18nDocTitle);
  }
}

/** Makes a button the page's language switch: it names the other language and switches to it. */
export function languageSwitch(button) {
  const label = () => {
    button.textContent = t('lang.other');
    button.title = t('lang.switch');
    button.lang = current === 'en' ? 'zh-CN' : 'en';
  };
  label();
  onChange(label);
  button.addEventListener('click', () => setLang(current === 'en' ? 'zh-CN' : 'en'));
}

/** A failed call in words a person can act on. */
export function problemText(error) {
  if (!error || error.status === 0) return t('error.network');
  return t('error.generic', { detail: error.message });
}
