// Small safe DOM helpers. Every piece of text goes in through text nodes or
// attributes set one by one: nothing here ever parses a string as HTML.

/**
 * h builds an element: h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child).
 * Attribute values are set with setAttribute (or as properties for value,
 * checked, disabled, hidden, selected); children may be strings, nodes,
 * arrays, or null/undefined/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** svg builds an element in the SVG namespace, like h. */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'multiple', 'required', 'readOnly', 'open']);

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false && !PROPS.has(k)) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (PROPS.has(k)) {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

/** append adds children (strings become text nodes) to el. */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** clear empties el and appends the given children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let idSeq = 0;
/** uid gives a fresh element id with the given prefix. */
export function uid(prefix) {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

let statusTimer = 0;
/** status shows a short message in the page's live region. */
export function status(text, kind = 'info') {
  const el = document.getElementById('status');
  if (!el) return;
  el.className = `status-${kind}`;
  el.textContent = text;
  clearTimeout(statusTimer);
  if (text && kind !== 'error') {
    statusTimer = setTimeout(() => { el.textContent = ''; el.className = ''; }, 6000);
  }
}

/** confirmDialog asks a yes/no question in the page's modal dialog. */
export function confirmDialog(title, text, yesLabel = 'Delete') {
  const dlg = document.getElementById('confirm-dialog');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-yes').textContent = yesLabel;
  dlg.returnValue = '';
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'yes'), { once: true });
    dlg.showModal();
    document.getElementById('confirm-no').focus();
  });
}

/** fmtNumber formats a number for people; money gets the currency code. */
export function fmtNumber(n, currency, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: digits }).format(n);
    } catch {
      // Not an ISO code: fall through to a plain number with the code after it.
      return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(n)} ${currency}`;
    }
  }
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(n);
}

/** fmtCompact formats money short (€6.9M), for tables in the narrow side panel. */
export function fmtCompact(n, currency) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const o = { notation: 'compact', maximumFractionDigits: 1 };
  try {
    return new Intl.NumberFormat(undefined, currency ? { ...o, style: 'currency', currency } : o).format(n);
  } catch {
    return `${new Intl.NumberFormat(undefined, o).format(n)} ${currency}`;
  }
}

/** fmtPercent formats a fraction (0.18) as a percentage (18 %). */
export function fmtPercent(f) {
  if (f === null || f === undefined || Number.isNaN(f)) return '—';
  return new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 }).format(f);
}
