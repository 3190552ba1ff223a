// Building elements without HTML strings: text always goes in as text nodes, so a nickname such as
// "<img src=x onerror=...>" is shown, never parsed. No page uses innerHTML.

/**
 * el('td', {class: 'code', 'data-order-id': id}, 'text', child) - props: class, text, on<event> listeners;
 * everything else is an attribute. Children are nodes or strings (as text).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Replaces an element's content with the given children. */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

/** The page's message line (the element with id "message"): shown with the text, hidden without one. */
export function say(text, isError = false) {
  const node = byId('message');
  node.hidden = !text;
  node.classList.toggle('error', isError);
  fill(node, text || '');
}
