// Applications page: list with search and paging, create, rename, delete.

import { call } from './api.js';
import { h, icon, notify, offsetParam, plural, replace, setRouteQuery, timestampCell } from './dom.js';
import {
  button, confirmDialog, dataTable, emptyState, field, formDialog, lastPageOffset, loadPage,
  pageHeader, pager, searchBar,
} from './ui.js';

const PAGE_SIZE = 20;
const NAME_HINT = 'Lowercase letters, digits and hyphens, starting with a letter (2–65 characters).';

/** The Applications page for `route` (#/apps?search=&offset=). `names` caches id → full name. */
export function appsView(route, names) {
  let search = route.query.get('search') ?? '';
  let offset = offsetParam(route.query.get('offset'));
  const results = h('div', { class: 'results' });
  const page = h('section', { class: 'page', id: 'applications-page' },
    pageHeader('Applications', 'Each application keeps its own secrets and key-value items.',
      button('New application', create, { variant: 'primary', iconName: 'plus', id: 'new-application' })),
    h('div', { class: 'panel' },
      searchBar({ label: 'Search applications', value: search, placeholder: 'Part of the name',
        onSearch: (text) => { search = text.trim(); offset = 0; load(); } }),
      results));
  load();
  return page;

  function load() {
    setRouteQuery('/apps', { search, offset });
    return loadPage(results, {
      loadingText: 'Loading applications…',
      fetchPage: () => call('GetApplications', {
        application_name: search || undefined, count: PAGE_SIZE, offset,
      }),
      earlierOffset: (data) => lastPageOffset(data, offset, PAGE_SIZE),
      moveTo: (earlier) => { offset = earlier; load(); },
      show: (data) => {
        for (const app of data.result) names.set(app.application_id, app.application_name);
        show(data);
      },
      retry: load,
    });
  }

  function show(data) {
    if (data.result.length === 0) {
      replace(results, search
        ? emptyState({ iconName: 'search', title: 'No matching applications',
          text: `No application name contains “${search}”.` })
        : emptyState({ iconName: 'apps', title: 'No applications yet',
          text: 'Create an application to store its secrets and key-value items.',
          action: button('New application', create, { variant: 'primary', iconName: 'plus' }) }));
      return;
    }
    const rows = data.result.map((app) => {
      const short = shortName(app.application_name);
      return {
        attrs: { dataset: { appId: app.application_id } },
        cells: [
          h('div', { class: 'name-cell' },
            h('a', { href: `#/apps/${app.application_id}/secrets`, class: 'row-link' }, short),
            h('span', { class: 'muted small' }, app.application_name)),
          h('span', { class: 'mono' }, String(app.application_id)),
          timestampCell(app.modified),
          h('div', { class: 'row-actions' },
            h('a', { href: `#/apps/${app.application_id}/secrets`, class: 'btn ghost small wide-only' },
              icon('lock'), h('span', { class: 'btn-label' }, 'Secrets')),
            h('a', { href: `#/apps/${app.application_id}/kv`, class: 'btn ghost small wide-only' },
              icon('database'), h('span', { class: 'btn-label' }, 'Key-Value')),
            button('Rename', () => rename(app), { variant: 'ghost', iconName: 'edit', small: true,
              'aria-label': `Rename ${short}` }),
            button('Delete', () => remove(app), { variant: 'ghost danger-text', iconName: 'trash',
              small: true, 'aria-label': `Delete ${short}` })),
        ],
      };
    });
    replace(results,
      dataTable({
        caption: 'Applications',
        columns: [{ label: 'Name' }, { label: 'ID', className: 'narrow' },
          { label: 'Modified', className: 'nowrap' }, { label: '', className: 'actions' }],
        rows,
      }),
      pager({ offset, shown: data.result.length, total: data.total_count, pageSize: PAGE_SIZE,
        noun: data.total_count === 1 ? 'application' : 'applications',
        onPage: (next) => { offset = next; load(); } }));
  }

  async function create() {
    const created = await formDialog({
      title: 'New application',
      submitLabel: 'Create application',
      fields: [field({ name: 'application_name', label: 'Name', hint: NAME_HINT,
        autocomplete: 'off', spellcheck: 'false', placeholder: 'my-app' })],
      onSubmit: (form) => call('AddApplication', {
        application_name: form.elements.application_name.value.trim(),
      }),
    });
    if (created) {
      notify(`Application ${shortName(created.application_name)} created.`);
      load();
    }
  }

  async function rename(app) {
    const done = await formDialog({
      title: `Rename ${shortName(app.application_name)}`,
      submitLabel: 'Rename',
      fields: [field({ name: 'application_name', label: 'New name', hint: NAME_HINT,
        value: shortName(app.application_name), autocomplete: 'off', spellcheck: 'false' })],
      onSubmit: (form) => call('SetApplicationInfo', {
        application_id: app.application_id,
        application_name: form.elements.application_name.value.trim(),
      }),
    });
    if (done) {
      notify(`Application renamed to ${shortName(done.application_name ?? '')}.`);
      load();
    }
  }

  async function remove(app) {
    const short = shortName(app.application_name);
    const what = h('li', {}, 'all its secrets and key-value items');
    const intro = h('div', {},
      h('p', {}, 'This permanently deletes the application ',
        h('strong', {}, app.application_name), ' together with:'),
      h('ul', { class: 'loss-list' }, what),
      h('p', {}, 'Scenarios that use them will no longer find them. This cannot be undone.'));
    countContents(app.application_id).then((counts) => {
      replace(what.parentNode, h('li', {}, plural(counts.secrets, 'secret')),
        h('li', {}, counts.items));
    }, () => { /* keep the generic wording */ });
    const done = await confirmDialog({
      title: `Delete application ${short}?`,
      message: intro,
      confirmLabel: 'Delete application',
      onConfirm: () => call('DelApplication', { application_id: app.application_id }),
    });
    if (done) {
      notify(`Application ${short} deleted.`);
      load();
    }
  }
}

/** How many secrets and key-value items an application holds (items capped at 50+). */
async function countContents(applicationId) {
  const [secrets, keys] = await Promise.all([
    call('GetSecrets', { application_id: applicationId, count: 1 }),
    call('GetKeyValueKeys', { application_id: applicationId, count: 50 }),
  ]);
  const n = keys.result.length;
  return {
    secrets: secrets.total_count,
    items: n === 50 ? 'at least 50 key-value items' : plural(n, 'key-value item'),
  };
}

function shortName(fullName) {
  return String(fullName).split('.')[0];
}
