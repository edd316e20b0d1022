// Key-Value page of one application: items by key prefix with paging, add/edit with a TTL or an
// expiry date, delete. Without a prefix the keys come from GetKeyValueKeys and each value from
// GetKeyValueItem (GetKeyValueItems needs a prefix).

import { call } from './api.js';
import { formatRemaining, formatUnix, h, notify, offsetParam, replace, setRouteQuery, uid } from './dom.js';
import {
  button, confirmDialog, dataTable, emptyState, field, fieldError, formDialog, loadPage,
  pageHeader, pager, searchBar,
} from './ui.js';

const PAGE_SIZE = 20; // one more is asked for, to know whether a next page exists (API max 50)
const MAX_TTL = 7776000;
const KEY_HINT = 'Letters (Latin or Cyrillic), digits and _ - : ; . # +, up to 200 characters. ' +
  'The part before the first “:” is the namespace.';

/** The Key-Value page of `app` ({ id, name }) for `route` (query: prefix, offset). */
export function keyValueView(app, route) {
  let prefix = route.query.get('prefix') ?? '';
  let offset = offsetParam(route.query.get('offset'));
  const results = h('div', { class: 'results' });
  const page = h('section', { class: 'page', id: 'key-value-page' },
    pageHeader('Key-Value storage',
      'Items expire on their own: after 30 days unless you choose otherwise, 90 days at most.',
      button('Add item', () => edit(null), { variant: 'primary', iconName: 'plus', id: 'add-item' })),
    h('div', { class: 'panel' },
      searchBar({ label: 'Key prefix', value: prefix, placeholder: 'e.g. order:',
        hint: 'Shows items whose key starts with this text (case-sensitive).',
        onSearch: (text) => { prefix = text.trim(); offset = 0; load(); } }),
      results));
  const ticker = setInterval(() => {
    if (!page.isConnected) clearInterval(ticker);
    else for (const el of page.querySelectorAll('[data-expires]')) el.textContent = formatRemaining(+el.dataset.expires);
  }, 30000);
  load();
  return page;

  function load() {
    setRouteQuery(`/apps/${app.id}/kv`, { prefix, offset });
    return loadPage(results, {
      loadingText: 'Loading items…',
      fetchPage,
      // The list methods give no total: an empty page past the end steps back one page.
      earlierOffset: ({ items }) => (items.length === 0 && offset > 0 ? Math.max(0, offset - PAGE_SIZE) : null),
      moveTo: (earlier) => { offset = earlier; load(); },
      show: ({ items, hasMore }) => show(items, hasMore),
      retry: load,
    });
  }

  // One page of items and whether another page follows.
  async function fetchPage() {
    const paging = { application_id: app.id, count: PAGE_SIZE + 1, offset };
    if (prefix) {
      const items = (await call('GetKeyValueItems', { ...paging, key: prefix })).result;
      return { items: items.slice(0, PAGE_SIZE), hasMore: items.length > PAGE_SIZE };
    }
    const keys = (await call('GetKeyValueKeys', paging)).result;
    const items = await Promise.all(keys.slice(0, PAGE_SIZE).map((entry) =>
      call('GetKeyValueItem', { application_id: app.id, key: entry.key }).then(
        (data) => data.result,
        (err) => (err.code === 496 ? null : Promise.reject(err))))); // expired in between
    return { items: items.filter(Boolean), hasMore: keys.length > PAGE_SIZE };
  }

  function show(items, hasMore) {
    if (items.length === 0) {
      replace(results, prefix
        ? emptyState({ iconName: 'search', title: 'No matching items',
          text: `No live item has a key starting with “${prefix}”.` })
        : emptyState({ iconName: 'database', title: 'No items yet',
          text: 'Add an item, or let the application\u2019s scenarios store some.',
          action: button('Add item', () => edit(null), { variant: 'primary', iconName: 'plus' }) }));
      return;
    }
    const rows = items.map((item) => ({
      attrs: { dataset: { key: item.key } },
      cells: [
        h('code', { class: 'kv-key' }, item.key),
        item.value === ''
          ? h('span', { class: 'muted' }, '(empty)')
          : h('span', { class: 'kv-value', title: item.value }, item.value),
        h('div', { class: 'expiry-cell' },
          h('time', { datetime: new Date(item.expires_at * 1000).toISOString() }, formatUnix(item.expires_at)),
          h('span', { class: 'remaining', dataset: { expires: item.expires_at } }, formatRemaining(item.expires_at))),
        h('div', { class: 'row-actions' },
          button('Edit', () => edit(item), { variant: 'ghost', iconName: 'edit', small: true,
            'aria-label': `Edit ${item.key}` }),
          button('Delete', () => remove(item), { variant: 'ghost danger-text', iconName: 'trash',
            small: true, 'aria-label': `Delete ${item.key}` })),
      ],
    }));
    replace(results,
      dataTable({
        caption: 'Key-value items',
        columns: [{ label: 'Key' }, { label: 'Value', className: 'wide-col' },
          { label: 'Expires', className: 'nowrap' }, { label: '', className: 'actions' }],
        rows,
      }),
      pager({ offset, shown: items.length, total: null, hasMore, pageSize: PAGE_SIZE,
        noun: items.length === 1 && offset === 0 ? 'item' : 'items',
        onPage: (next) => { offset = next; load(); } }));
  }

  async function edit(item) {
    const done = await formDialog({
      title: item ? `Edit ${item.key}` : 'Add item',
      submitLabel: item ? 'Save item' : 'Add item',
      wide: true,
      fields: [
        field({ name: 'key', label: 'Key', value: item?.key ?? '', hint: item ? null : KEY_HINT,
          readonly: Boolean(item), autocomplete: 'off', spellcheck: 'false', class: 'mono',
          placeholder: 'order:1234' }),
        field({ name: 'value', label: 'Value', value: item?.value ?? '', rows: 4,
          hint: 'Any text up to 2000 characters; may be empty.', autocomplete: 'off', spellcheck: 'false' }),
        expiryFieldset(item),
      ],
      onSubmit: async (form) => {
        const params = { application_id: app.id, key: form.elements.key.value.trim(),
          value: form.elements.value.value, ...expiryParams(form, item) };
        return (await call('SetKeyValueItem', params)).result;
      },
    });
    if (done) {
      notify(`Item ${done.key} saved; it expires ${formatRemaining(done.expires_at)}.`);
      load();
    }
  }

  async function remove(item) {
    const done = await confirmDialog({
      title: `Delete item ${item.key}?`,
      message: h('div', {},
        h('p', {}, 'The item ', h('strong', { class: 'mono' }, item.key), ' will be deleted now.'),
        h('p', {}, 'Scenarios that read it will get ', h('code', {}, 'null'), '.')),
      confirmLabel: 'Delete item',
      onConfirm: () => call('DelKeyValueItem', { application_id: app.id, key: item.key }),
    });
    if (done) {
      notify(`Item ${item.key} deleted.`);
      load();
    }
  }
}

// ---- expiry input -------------------------------------------------------------------------

function expiryFieldset(item) {
  const keep = item && item.expires_at > Date.now() / 1000;
  const group = uid('expiry');
  const radio = (value, checked) => h('input', { type: 'radio', name: 'expiry', value, checked,
    id: `${group}-${value}` });
  const amount = h('input', { type: 'number', name: 'ttl_amount', min: '0', step: '1', value: '30',
    inputmode: 'numeric', 'aria-label': 'Time to live', class: 'ttl-amount', 'data-error-focus': true });
  const unit = h('select', { name: 'ttl_unit', 'aria-label': 'Time unit', class: 'ttl-unit' },
    h('option', { value: '1' }, 'seconds'), h('option', { value: '60' }, 'minutes'),
    h('option', { value: '3600' }, 'hours'), h('option', { value: '86400', selected: true }, 'days'));
  const at = h('input', { type: 'datetime-local', name: 'expires_at_local', 'aria-label': 'Expiry date and time',
    value: toLocalInput(new Date(((keep ? item.expires_at : Date.now() / 1000 + 86400)) * 1000)),
    min: toLocalInput(new Date()), 'data-error-focus': true });
  const errorSlot = () => h('p', { class: 'field-error', hidden: true });
  const fieldset = h('fieldset', { class: 'expiry' },
    h('legend', {}, 'Expiry'),
    keep ? h('div', { class: 'choice-row' },
      radio('keep', true),
      h('label', { for: `${group}-keep` }, 'Keep current expiry ',
        h('span', { class: 'muted' }, `(${formatUnix(item.expires_at)})`))) : null,
    h('div', { class: 'choice-row', dataset: { field: 'ttl' } },
      radio('ttl', !keep),
      h('label', { for: `${group}-ttl` }, 'Expire after'),
      h('span', { class: 'inline-inputs' }, amount, unit),
      errorSlot()),
    h('div', { class: 'choice-row', dataset: { field: 'expires_at' } },
      radio('at', false),
      h('label', { for: `${group}-at` }, 'Expire at'),
      h('span', { class: 'inline-inputs' }, at),
      errorSlot()),
    h('p', { class: 'hint' }, 'At most 90 days; a later expiry is shortened to 90 days.'));
  const sync = () => {
    const mode = fieldset.querySelector('input[name="expiry"]:checked')?.value;
    amount.disabled = unit.disabled = mode !== 'ttl';
    at.disabled = mode !== 'at';
  };
  fieldset.addEventListener('change', sync);
  sync();
  return fieldset;
}

function expiryParams(form, item) {
  const mode = form.querySelector('input[name="expiry"]:checked')?.value;
  if (mode === 'keep') return { expires_at: item.expires_at };
  if (mode === 'at') {
    const text = form.elements.expires_at_local.value;
    const time = text ? new Date(text).getTime() : NaN;
    if (!Number.isFinite(time)) throw fieldError('expires_at', 'Choose the date and time the item expires.');
    return { expires_at: Math.floor(time / 1000) };
  }
  const amount = form.elements.ttl_amount.value.trim();
  if (!/^\d+$/.test(amount)) throw fieldError('ttl', 'Enter the time to live as a whole number.');
  return { ttl: Math.min(Number(amount) * Number(form.elements.ttl_unit.value), MAX_TTL) };
}

/** A Date as the local "YYYY-MM-DDTHH:MM" text of <input type="datetime-local">. */
function toLocalInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
