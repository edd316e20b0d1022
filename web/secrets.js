// Secrets page of one application: list (never values), search by name part, paging, add,
// edit, delete, and reveal-on-click of a single value.

import { call } from './api.js';
import { h, notify, offsetParam, replace, setRouteQuery, timestampCell } from './dom.js';
import {
  button, confirmDialog, dataTable, emptyState, field, fieldError, formDialog, lastPageOffset,
  loadPage, pageHeader, pager, searchBar,
} from './ui.js';

const PAGE_SIZE = 20;
const NAME_HINT = 'Starts with a letter; letters, digits and underscores; up to 64 characters.';

/** The Secrets page of `app` ({ id, name }) for `route` (query: search, offset). */
export function secretsView(app, route) {
  let search = route.query.get('search') ?? '';
  let offset = offsetParam(route.query.get('offset'));
  const results = h('div', { class: 'results' });
  const page = h('section', { class: 'page', id: 'secrets-page' },
    pageHeader('Secrets',
      'Values are encrypted at rest and never listed. Reveal one only when you need it.',
      button('Add secret', add, { variant: 'primary', iconName: 'plus', id: 'add-secret' })),
    h('div', { class: 'panel' },
      searchBar({ label: 'Filter secrets', value: search, placeholder: 'Part of the name',
        onSearch: (text) => { search = text.trim(); offset = 0; load(); } }),
      results));
  load();
  return page;

  function load() {
    setRouteQuery(`/apps/${app.id}/secrets`, { search, offset });
    return loadPage(results, {
      loadingText: 'Loading secrets…',
      fetchPage: () => call('GetSecrets', {
        application_id: app.id, secret_name_part: search || undefined, count: PAGE_SIZE, offset,
      }),
      earlierOffset: (data) => lastPageOffset(data, offset, PAGE_SIZE),
      moveTo: (earlier) => { offset = earlier; load(); },
      show,
      retry: load,
    });
  }

  function show(data) {
    if (data.result.length === 0) {
      replace(results, search
        ? emptyState({ iconName: 'search', title: 'No matching secrets',
          text: `No secret name contains “${search}”.` })
        : emptyState({ iconName: 'lock', title: 'No secrets yet',
          text: 'Add a secret to make a value available to this application\u2019s scenarios.',
          action: button('Add secret', add, { variant: 'primary', iconName: 'plus' }) }));
      return;
    }
    const rows = data.result.map((secret) => ({
      attrs: { dataset: { secretId: secret.secret_id, secretName: secret.secret_name } },
      cells: [
        h('span', { class: 'mono strong' }, secret.secret_name),
        secret.description
          ? h('span', { class: 'description' }, secret.description)
          : h('span', { class: 'muted' }, '—'),
        timestampCell(secret.created),
        timestampCell(secret.modified),
        valueCell(secret),
        h('div', { class: 'row-actions' },
          button('Edit', () => edit(secret), { variant: 'ghost', iconName: 'edit', small: true,
            'aria-label': `Edit ${secret.secret_name}` }),
          button('Delete', () => remove(secret), { variant: 'ghost danger-text', iconName: 'trash',
            small: true, 'aria-label': `Delete ${secret.secret_name}` })),
      ],
    }));
    replace(results,
      dataTable({
        caption: 'Secrets',
        columns: [{ label: 'Name' }, { label: 'Description', className: 'wide-col' },
          { label: 'Created', className: 'nowrap' }, { label: 'Modified', className: 'nowrap' },
          { label: 'Value', className: 'value-col' }, { label: '', className: 'actions' }],
        rows,
      }),
      pager({ offset, shown: data.result.length, total: data.total_count, pageSize: PAGE_SIZE,
        noun: data.total_count === 1 ? 'secret' : 'secrets',
        onPage: (next) => { offset = next; load(); } }));
  }

  // The value is fetched only on an explicit click and dropped from the page on Hide.
  function valueCell(secret) {
    const cell = h('div', { class: 'secret-value-cell' });
    const hidden = () => {
      const reveal = button('Reveal', async () => {
        reveal.disabled = true;
        try {
          const data = await call('GetSecretValue', { application_id: app.id, secret_id: secret.secret_id });
          shown(data.result[0].secret_value);
        } catch (err) {
          reveal.disabled = false;
          notify(`Could not reveal ${secret.secret_name}: ${err.message}`, 'error');
        }
      }, { variant: 'ghost', iconName: 'eye', small: true, 'aria-label': `Reveal value of ${secret.secret_name}`,
        class: 'btn ghost small reveal' });
      replace(cell, h('span', { class: 'masked', 'aria-hidden': 'true' }, '••••••••'), reveal);
      return reveal;
    };
    const shown = (value) => {
      const hide = button('Hide', () => hidden().focus(), { variant: 'ghost', iconName: 'eyeOff',
        small: true, 'aria-label': `Hide value of ${secret.secret_name}`, class: 'btn ghost small hide' });
      const copy = navigator.clipboard
        ? button('Copy', () => navigator.clipboard.writeText(value).then(
          () => notify(`Value of ${secret.secret_name} copied.`),
          () => notify('Copying was not allowed by the browser.', 'error')),
        { variant: 'ghost', iconName: 'copy', small: true, 'aria-label': `Copy value of ${secret.secret_name}` })
        : null;
      replace(cell, h('code', { class: 'secret-value' }, value), h('span', { class: 'value-actions' }, hide, copy));
      hide.focus();
    };
    hidden();
    return cell;
  }

  async function add() {
    const done = await formDialog({
      title: 'Add secret',
      intro: h('p', { class: 'muted' }, `The value is encrypted at rest; it is shown only when you reveal it.`),
      submitLabel: 'Add secret',
      fields: [
        field({ name: 'secret_name', label: 'Name', hint: NAME_HINT, autocomplete: 'off',
          spellcheck: 'false', placeholder: 'apiKeyProd' }),
        field({ name: 'secret_value', label: 'Value', rows: 3, hint: 'Up to 8192 characters.',
          autocomplete: 'off', spellcheck: 'false', class: 'mono' }),
        field({ name: 'description', label: 'Description', optional: true,
          hint: 'Up to 200 characters; longer text is cut.', autocomplete: 'off' }),
      ],
      onSubmit: async (form) => {
        const { secret_name: name, secret_value: value, description } = form.elements;
        await call('AddSecret', {
          application_id: app.id, secret_name: name.value.trim(), secret_value: value.value,
          description: description.value || undefined,
        });
        return name.value.trim();
      },
    });
    if (done) {
      notify(`Secret ${done} added.`);
      load();
    }
  }

  async function edit(secret) {
    const done = await formDialog({
      title: `Edit ${secret.secret_name}`,
      submitLabel: 'Save changes',
      fields: [
        field({ name: 'new_secret_name', label: 'Name', value: secret.secret_name, hint: NAME_HINT,
          autocomplete: 'off', spellcheck: 'false' }),
        field({ name: 'secret_value', label: 'New value', rows: 3, optional: true,
          hint: 'Leave empty to keep the current value.', autocomplete: 'off', spellcheck: 'false',
          class: 'mono', placeholder: 'Unchanged' }),
        field({ name: 'description', label: 'Description', optional: true,
          value: secret.description ?? '', hint: 'Clear it to remove the description.', autocomplete: 'off' }),
      ],
      onSubmit: async (form) => {
        const { new_secret_name: name, secret_value: value, description } = form.elements;
        const params = { application_id: app.id, secret_id: secret.secret_id };
        if (name.value.trim() === '') throw fieldError('new_secret_name', 'Enter a name for the secret.');
        if (name.value.trim() !== secret.secret_name) params.new_secret_name = name.value.trim();
        if (value.value !== '') params.secret_value = value.value;
        if (description.value !== (secret.description ?? '')) params.description = description.value;
        if (Object.keys(params).length > 2) await call('SetSecretInfo', params);
        return name.value.trim();
      },
    });
    if (done) {
      notify(`Secret ${done} saved.`);
      load();
    }
  }

  async function remove(secret) {
    const appName = app.name ? app.name.split('.')[0] : `application ${app.id}`;
    const done = await confirmDialog({
      title: `Delete secret ${secret.secret_name}?`,
      message: h('div', {},
        h('p', {}, 'The secret ', h('strong', { class: 'mono' }, secret.secret_name),
          ` and its value will be permanently deleted from ${appName}.`),
        h('p', {}, 'Scenarios that read it will get ', h('code', {}, 'undefined'), '. This cannot be undone.')),
      confirmLabel: 'Delete secret',
      onConfirm: () => call('DelSecret', { application_id: app.id, secret_id: secret.secret_id }),
    });
    if (done) {
      notify(`Secret ${secret.secret_name} deleted.`);
      load();
    }
  }
}
