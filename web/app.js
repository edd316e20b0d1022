// Entry point of the Coffer control panel: the page frame, sign-in, and hash routing.
//   #/apps                       applications (query: search, offset)
//   #/apps/<id>/secrets          secrets of one application (query: search, offset)
//   #/apps/<id>/kv               key-value items of one application (query: prefix, offset)
// A reload keeps the route; the key is memory-only, so it asks to sign in again first.

import { ApiError, call, currentAccount, events, signIn, signOut } from './api.js';
import { appsView } from './apps.js';
import { h, icon, notify, replace } from './dom.js';
import { keyValueView } from './keyvalue.js';
import { secretsView } from './secrets.js';
import { button } from './ui.js';

const main = document.getElementById('main');
const accountBox = document.getElementById('account');
const busyBar = document.getElementById('busy');

let appCache = new Map(); // application id → full name, for the side menu

events.addEventListener('busy', (event) => {
  const busy = event.detail > 0;
  busyBar.hidden = !busy;
  main.setAttribute('aria-busy', String(busy));
});
events.addEventListener('unauthorized', () => {
  notify('The server rejected your key (Authorization failed). Sign out and sign in again.', 'error');
});

window.addEventListener('hashchange', () => render(true));
render(false);

function parseRoute() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/apps';
  const [path, query = ''] = raw.split('?');
  return { path, parts: path.split('/').filter(Boolean), query: new URLSearchParams(query) };
}

function render(navigated) {
  // In-page anchors such as the skip link are not routes: following one keeps the page.
  if (navigated && location.hash && !location.hash.startsWith('#/')) return;
  const route = parseRoute();
  if (!currentAccount()) {
    renderSignedOut();
    return;
  }
  renderAccount();
  const view = routeView(route);
  replace(main, view);
  if (navigated) view.querySelector('h1')?.focus({ preventScroll: true });
}

function routeView(route) {
  const [section, id, page] = route.parts;
  if (route.parts.length === 0 || (section === 'apps' && route.parts.length === 1)) {
    document.title = 'Applications · Coffer';
    return appsView(route, appCache);
  }
  if (section === 'apps' && /^[1-9]\d{0,17}$/.test(id ?? '') && route.parts.length <= 3) {
    if (!page) {
      history.replaceState(null, '', `#/apps/${id}/secrets`);
      return applicationLayout(Number(id), 'secrets', { ...route, path: `/apps/${id}/secrets` });
    }
    if (page === 'secrets' || page === 'kv') return applicationLayout(Number(id), page, route);
  }
  document.title = 'Not found · Coffer';
  return h('section', { class: 'page' },
    h('div', { class: 'state empty' },
      h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'There is nothing at this address.'),
      h('a', { class: 'btn primary', href: '#/apps' }, 'Go to applications')));
}

// ---- one application: side menu + page ----------------------------------------------------

function applicationLayout(id, page, route) {
  const app = { id, name: appCache.get(id) ?? null };
  const ident = h('div', { class: 'app-ident' });
  const link = (target, label, iconName) => h('a', {
    href: `#/apps/${id}/${target}`, class: 'sidenav-link',
    'aria-current': target === page ? 'page' : null,
  }, icon(iconName), h('span', {}, label));
  const content = h('div', { class: 'app-content' });
  const layout = h('div', { class: 'app-layout' },
    h('aside', { class: 'sidenav' },
      h('a', { href: '#/apps', class: 'back-link' }, icon('back'), h('span', {}, 'All applications')),
      ident,
      h('nav', { 'aria-label': 'Application' },
        h('ul', {}, h('li', {}, link('secrets', 'Secrets', 'lock')),
          h('li', {}, link('kv', 'Key-Value', 'database'))))),
    content);
  const pageName = page === 'secrets' ? 'Secrets' : 'Key-Value';
  const showIdent = () => {
    const short = app.name ? app.name.split('.')[0] : `Application ${id}`;
    document.title = `${pageName} · ${short} · Coffer`;
    replace(ident, h('span', { class: 'app-short' }, short),
      app.name ? h('span', { class: 'app-full', title: app.name }, app.name) : null,
      h('span', { class: 'app-id' }, `ID ${id}`));
  };
  showIdent();
  replace(content, page === 'secrets' ? secretsView(app, route) : keyValueView(app, route));

  call('GetApplications', { application_id: id, count: 1 }).then((data) => {
    const found = data.result?.[0];
    if (!found) {
      replace(content, h('section', { class: 'page' },
        h('div', { class: 'state empty' },
          h('h1', { tabindex: '-1' }, 'Application not found'),
          h('p', {}, `There is no application with ID ${id} in this account.`),
          h('a', { class: 'btn primary', href: '#/apps' }, 'Go to applications'))));
      return;
    }
    app.name = found.application_name;
    appCache.set(id, app.name);
    showIdent();
  }, () => { /* the page itself shows the error */ });
  return layout;
}

// ---- account and sign-in ------------------------------------------------------------------

function renderAccount() {
  const account = currentAccount();
  replace(accountBox,
    h('span', { class: 'account-who' },
      h('span', { class: 'account-email' }, account.email || `Account ${account.id}`),
      h('span', { class: 'account-id' }, `Account ${account.id}`)),
    button('Sign out', doSignOut, { variant: 'secondary', iconName: 'signOut', small: true,
      id: 'sign-out' }));
  accountBox.hidden = false;
}

function doSignOut() {
  signOut();
  appCache = new Map();
  main.replaceChildren();
  accountBox.replaceChildren();
  // A fresh document drops every object that ever saw the key or API data.
  history.replaceState(null, '', '#/apps');
  location.reload();
}

function renderSignedOut() {
  accountBox.hidden = true;
  accountBox.replaceChildren();
  document.title = 'Sign in · Coffer';
  const input = h('input', { type: 'file', id: 'credentials-file', name: 'credentials',
    accept: '.json,application/json', 'aria-describedby': 'credentials-hint signin-error' });
  const error = h('p', { class: 'form-error', id: 'signin-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn primary wide', id: 'sign-in' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { class: 'btn-label' }, 'Sign in'));
  const form = h('form', { class: 'signin-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'credentials-file' }, 'Credentials file'),
      h('div', { class: 'file-drop' }, icon('upload'), input),
      h('p', { class: 'hint', id: 'credentials-hint' },
        'The service-account JSON file the API clients use. A new server writes one to ',
        h('code', {}, 'credentials.json'), ' in its data directory.')),
    error,
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    submit.classList.add('is-busy');
    try {
      await signIn(input.files?.[0]);
      input.value = '';
      render(true);
    } catch (err) {
      const text = err instanceof ApiError && err.code === 100
        ? 'The server did not accept this key (Authorization failed). It may have been deleted, ' +
          'or the file belongs to another server.'
        : err instanceof ApiError && err.code === 104
          ? 'This key has no role that may manage applications (Forbidden command).'
          : err.message;
      replace(error, icon('alert'), h('span', {}, text));
      error.hidden = false;
      input.focus();
    } finally {
      submit.disabled = false;
      submit.classList.remove('is-busy');
    }
  });
  input.addEventListener('change', () => { error.hidden = true; });

  replace(main, h('section', { class: 'signin' },
    h('div', { class: 'signin-card' },
      h('img', { src: 'favicon.svg', alt: '', class: 'signin-logo', width: '48', height: '48' }),
      h('h1', { tabindex: '-1' }, 'Sign in to Coffer'),
      h('p', { class: 'subtitle' }, 'Manage applications, secrets and key-value storage.'),
      form,
      h('p', { class: 'signin-note' }, icon('lock'), h('span', {},
        'Your private key never leaves this tab: it is kept in memory only and forgotten when ' +
        'you sign out or close the tab.')))));
}
