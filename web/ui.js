// Reusable pieces of the panel's pages: labelled fields, modal dialogs, tables, paging, and the
// loading / empty / error states. Dialogs are native <dialog> elements opened with showModal(),
// so focus is trapped, Escape cancels and focus returns to the opener.

import { ApiError } from './api.js';
import { h, icon, replace, uid } from './dom.js';

// ---- buttons and fields -------------------------------------------------------------------

/** A real <button type="button">; `variant`: primary, secondary, danger, ghost, link. */
export function button(label, onclick, { variant = 'secondary', iconName, small, ...attrs } = {}) {
  return h('button', {
    type: 'button', class: `btn ${variant}${small ? ' small' : ''}`, onclick, ...attrs,
  }, iconName ? icon(iconName) : null, h('span', { class: 'btn-label' }, label));
}

/**
 * A labelled input (or textarea with `rows`). `name` is the API parameter it feeds, so an API
 * error about that parameter is shown right under it.
 */
export function field({ name, label, type = 'text', value = '', hint, optional, rows, errorFor,
  ...attrs }) {
  const id = uid(name);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const common = {
    id, name, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '), ...attrs,
  };
  const control = rows
    ? h('textarea', { rows, ...common, value })
    : h('input', { type, ...common, value });
  return h('div', { class: 'field', dataset: { field: [name, ...(errorFor ?? [])].join(' ') } },
    h('label', { for: id }, label, optional ? h('span', { class: 'optional' }, ' (optional)') : null),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }));
}

/** Removes every error shown in `form`. */
export function clearErrors(form) {
  for (const error of form.querySelectorAll('.field-error, .form-error')) {
    error.hidden = true;
    error.replaceChildren();
  }
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}

/**
 * Shows an error beside the field fed by the parameter it names (err.param), or at the top of
 * the form when no field matches. Focuses the offending control.
 */
export function showError(form, err) {
  const message = err instanceof Error ? err.message : String(err);
  const param = err?.param ?? null;
  const container = param ? form.querySelector(`[data-field~="${CSS.escape(param)}"]`) : null;
  const slot = container?.querySelector('.field-error') ?? form.querySelector('.form-error');
  replace(slot, icon('alert'), h('span', {}, message));
  slot.hidden = false;
  const control = container?.querySelector('[data-error-focus]:not([disabled])') ??
    container?.querySelector('input:not([type="radio"]), textarea, select');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.focus();
  } else {
    slot.focus();
  }
}

/** An error about one field, raised by a form's own checks before calling the API. */
export function fieldError(param, message) {
  return Object.assign(new Error(message), { param });
}

// ---- dialogs ------------------------------------------------------------------------------

/**
 * Opens a modal form. `onSubmit(form)` runs on submit; if it throws, the error is shown in the
 * form (by its field when possible) and the dialog stays open. Resolves with onSubmit's result,
 * or null when cancelled.
 */
export function formDialog({ title, intro, fields = [], submitLabel, danger, onSubmit, wide }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const submit = h('button', { type: 'submit', class: `btn ${danger ? 'danger' : 'primary'}` },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { class: 'btn-label' }, submitLabel));
    const cancel = button('Cancel', () => dialog.close(), { variant: 'secondary' });
    const form = h('form', { class: 'dialog-form', novalidate: true },
      h('header', { class: 'dialog-head' },
        h('h2', { id: titleId }, title),
        h('button', { type: 'button', class: 'btn ghost icon-only', 'aria-label': 'Close',
          onclick: () => dialog.close() }, icon('close'))),
      h('div', { class: 'dialog-body' },
        intro ? h('div', { class: 'dialog-intro' }, intro) : null,
        h('p', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
        fields),
      h('footer', { class: 'dialog-foot' }, cancel, submit));
    const dialog = h('dialog', { class: `dialog${wide ? ' wide' : ''}`, 'aria-labelledby': titleId }, form);
    let busy = false;
    let result = null;

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      clearErrors(form);
      submit.disabled = true;
      submit.classList.add('is-busy');
      form.setAttribute('aria-busy', 'true');
      try {
        result = (await onSubmit(form)) ?? true;
        dialog.close();
      } catch (err) {
        showError(form, err);
      } finally {
        busy = false;
        submit.disabled = false;
        submit.classList.remove('is-busy');
        form.removeAttribute('aria-busy');
      }
    });
    dialog.addEventListener('cancel', (event) => { if (busy) event.preventDefault(); });
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
    const first = form.querySelector('.dialog-body input:not([readonly]), .dialog-body textarea');
    (first ?? (danger ? cancel : submit)).focus();
  });
}

/** A confirmation dialog whose confirm button runs `onConfirm` (errors are shown inside). */
export function confirmDialog({ title, message, confirmLabel, onConfirm }) {
  return formDialog({ title, intro: message, submitLabel: confirmLabel, danger: true, onSubmit: onConfirm });
}

// ---- page pieces --------------------------------------------------------------------------

/** The heading block of a page; the <h1> takes focus after navigation. */
export function pageHeader(title, subtitle, ...actions) {
  return h('header', { class: 'page-head' },
    h('div', { class: 'page-title' },
      h('h1', { tabindex: '-1' }, title),
      subtitle ? h('p', { class: 'subtitle' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

/** A search form; `onSearch(text)` runs on submit and, debounced, while typing. */
export function searchBar({ label, value, placeholder, onSearch, hint }) {
  const id = uid('search');
  const input = h('input', { type: 'search', id, name: 'search', value, placeholder,
    autocomplete: 'off', spellcheck: 'false' });
  let timer = 0;
  let last = value;
  const run = () => {
    clearTimeout(timer);
    if (input.value === last) return;
    last = input.value;
    onSearch(input.value);
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 350); });
  const form = h('form', { class: 'toolbar', role: 'search', novalidate: true,
    onsubmit: (event) => { event.preventDefault(); run(); } },
  h('label', { for: id, class: 'toolbar-label' }, label),
  h('div', { class: 'search-box' }, icon('search'), input),
  h('button', { type: 'submit', class: 'btn secondary' }, h('span', { class: 'btn-label' }, 'Search')),
  hint ? h('p', { class: 'hint toolbar-hint' }, hint) : null);
  return form;
}

/**
 * "Showing 21–40 of 57" with Previous / Next. `total` may be null when the API gives no total;
 * then `hasMore` decides whether Next is enabled.
 */
export function pager({ offset, shown, total, pageSize, hasMore, onPage, noun }) {
  const more = total === null || total === undefined ? hasMore : offset + shown < total;
  if (offset === 0 && !more) {
    return h('p', { class: 'pager-summary solo' },
      total !== null && total !== undefined ? `${total} ${noun}` : `${shown} ${noun}`);
  }
  const range = shown > 0 ? `${offset + 1}–${offset + shown}` : 'none';
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('p', { class: 'pager-summary' }, `Showing ${range}`,
      total !== null && total !== undefined ? ` of ${total}` : '', ` ${noun}`),
    h('div', { class: 'pager-buttons' },
      button('Previous', () => onPage(Math.max(0, offset - pageSize)),
        { iconName: 'left', disabled: offset === 0, small: true }),
      button('Next', () => onPage(offset + pageSize),
        { iconName: 'right', disabled: !more, small: true, class: 'btn secondary small icon-end' })));
}

/**
 * A table that turns into stacked cards at phone width. `columns`: [{ label, className }];
 * `rows`: [{ cells: [node|string], attrs }].
 */
export function dataTable({ caption, columns, rows }) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.className }, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', row.attrs ?? {},
        row.cells.map((cell, i) => h('td', {
          class: columns[i].className, dataset: columns[i].label ? { label: columns[i].label } : {},
        }, cell)))))));
}

/**
 * Loads one page into `results`: a loading state the first time, a `stale` marker while a
 * reload runs, an error state with a retry. When `earlierOffset(page)` names an offset (the
 * page is empty because it lies past the end), `moveTo` is called with it instead of `show`.
 */
export async function loadPage(results, { loadingText, fetchPage, earlierOffset, moveTo, show, retry }) {
  if (!results.firstChild) replace(results, loadingState(loadingText));
  results.classList.add('stale');
  try {
    const page = await fetchPage();
    const earlier = earlierOffset(page);
    if (earlier !== null) {
      moveTo(earlier);
      return;
    }
    show(page);
  } catch (err) {
    replace(results, errorState(err, retry));
  } finally {
    results.classList.remove('stale');
  }
}

/** Where an empty page past the end of `total` items goes back to: the last page's offset. */
export function lastPageOffset(page, offset, pageSize) {
  if (page.result.length > 0 || offset === 0 || page.total_count === 0) return null;
  return Math.floor((page.total_count - 1) / pageSize) * pageSize;
}

export function loadingState(text = 'Loading…') {
  return h('div', { class: 'state loading', role: 'status' }, h('span', { class: 'spinner' }), text);
}

export function emptyState({ iconName = 'dot', title, text, action }) {
  return h('div', { class: 'state empty' },
    h('div', { class: 'state-icon' }, icon(iconName)),
    h('h2', {}, title),
    text ? h('p', {}, text) : null,
    action ?? null);
}

export function errorState(err, retry) {
  const code = err instanceof ApiError && err.code ? ` (error ${err.code})` : '';
  return h('div', { class: 'state error', role: 'alert' },
    h('div', { class: 'state-icon' }, icon('alert')),
    h('h2', {}, 'Something went wrong'),
    h('p', {}, `${err.message}${code}`),
    retry ? button('Try again', retry, { variant: 'secondary' }) : null);
}
