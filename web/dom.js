// Small DOM and formatting helpers shared by every view. No framework: elements are built with
// h() and updated by replacing children. Text always goes in as text nodes, never as HTML.

let nextId = 0;

/** A unique element id with a readable prefix. */
export function uid(prefix = 'el') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * Creates an element. `props`: `class`, `dataset`, `on<event>` listeners, `value`/`checked`
 * (set as properties) and any other attribute (`true` = present, `false`/null = absent).
 * Children: nodes, strings, numbers, nested arrays; null/false/undefined are skipped.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'value' || name === 'checked') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (same rules as h()). */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** An inline SVG icon from a small fixed set (paths drawn on a 24×24 grid). */
export function icon(name) {
  const paths = ICONS[name] ?? ICONS.dot;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.classList.add('icon');
  for (const d of paths) {
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

const ICONS = {
  plus: ['M12 5v14', 'M5 12h14'],
  search: ['M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z', 'M20 20l-4-4'],
  edit: ['M4 20h4L19 9l-4-4L4 16v4z', 'M13.5 6.5l4 4'],
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13', 'M10 11v6', 'M14 11v6'],
  eye: ['M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z', 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z'],
  eyeOff: ['M3 3l18 18', 'M10.6 5.1A10 10 0 0 1 12 5c6.5 0 10 7 10 7a17 17 0 0 1-3.2 4.2',
    'M6.6 6.6A17 17 0 0 0 2 12s3.5 7 10 7a9.6 9.6 0 0 0 5.4-1.6', 'M9.9 9.9a3 3 0 0 0 4.2 4.2'],
  key: ['M15 9a4 4 0 1 0-3.5 4L9 15.5V18H6.5v2.5H4V18l7.5-7.5', 'M16 7.5h.01'],
  lock: ['M6 11h12v10H6z', 'M8.5 11V7.5a3.5 3.5 0 0 1 7 0V11'],
  database: ['M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3z', 'M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6',
    'M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3'],
  apps: ['M4 4h7v7H4z', 'M13 4h7v7h-7z', 'M4 13h7v7H4z', 'M13 13h7v7h-7z'],
  back: ['M15 5l-7 7 7 7'],
  left: ['M14 6l-6 6 6 6'],
  right: ['M10 6l6 6-6 6'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  upload: ['M12 16V4', 'M7 9l5-5 5 5', 'M4 16v4h16v-4'],
  alert: ['M12 3l10 18H2L12 3z', 'M12 10v5', 'M12 18h.01'],
  signOut: ['M15 4h4v16h-4', 'M10 8l-4 4 4 4', 'M6 12h10'],
  copy: ['M8 8h12v12H8z', 'M16 8V4H4v12h4'],
  dot: ['M12 12h.01'],
};

// ---- formatting ---------------------------------------------------------------------------

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** Parses the API's UTC timestamp text `YYYY-MM-DD HH:MM:SS` into a Date (null if malformed). */
export function parseTimestamp(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text ?? '');
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/** A <time> element showing an API timestamp in local time, the UTC text as its tooltip. */
export function timestampCell(text) {
  const date = parseTimestamp(text);
  if (!date) return h('span', { class: 'muted' }, text ?? '—');
  return h('time', { class: 'stamp', datetime: date.toISOString(), title: `${text} UTC` },
    h('span', {}, dateOnly.format(date)), ' ', h('span', { class: 'stamp-time' }, timeOnly.format(date)));
}

/** A Unix time as a local date and time. */
export function formatUnix(seconds) {
  return dateTime.format(new Date(seconds * 1000));
}

/** "in 2 days 3 h", "in 5 min", "expired" — the time left until `seconds` (Unix time). */
export function formatRemaining(seconds, now = Date.now() / 1000) {
  let left = Math.floor(seconds - now);
  if (left <= 0) return 'expired';
  const days = Math.floor(left / 86400);
  left -= days * 86400;
  const hours = Math.floor(left / 3600);
  left -= hours * 3600;
  const minutes = Math.floor(left / 60);
  if (days > 0) return hours > 0 ? `in ${days} d ${hours} h` : `in ${days} d`;
  if (hours > 0) return minutes > 0 ? `in ${hours} h ${minutes} min` : `in ${hours} h`;
  if (minutes > 0) return `in ${minutes} min`;
  return 'in less than a minute';
}

/** "1 secret", "3 secrets". */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

// ---- status messages ----------------------------------------------------------------------

let toastTimer = 0;

/** Shows a short status message in the polite live region at the bottom of the page. */
export function notify(message, kind = 'ok') {
  const toast = document.getElementById('toast');
  if (!toast) return;
  replace(toast, h('div', { class: `toast-body ${kind}` }, message));
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; toast.replaceChildren(); }, 4000);
}

// ---- hash state ---------------------------------------------------------------------------

/** Rewrites the current route's query (e.g. search text, offset) without a navigation. */
export function setRouteQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== '' && value !== 0 && value !== null && value !== undefined) {
      query.set(name, String(value));
    }
  }
  const text = query.toString();
  history.replaceState(history.state, '', `#${path}${text ? `?${text}` : ''}`);
}

/** A non-negative integer from a query value, else 0. */
export function offsetParam(text) {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
