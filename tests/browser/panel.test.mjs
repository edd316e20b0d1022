// Browser tests of the control panel: a real `coffer serve` on a free port, driven through
// Debian's chromium by playwright-core. Run with `npm test` (or `node --test panel.test.mjs`)
// in this folder; COFFER_BIN names the server binary, CHROMIUM the browser.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { access, constants, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const COFFER_BIN = process.env.COFFER_BIN
  ? path.resolve(process.env.COFFER_BIN)
  : path.resolve(here, '../../build/coffer');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WEB_DIR = path.resolve(here, '../../web');
const ARTIFACTS = path.join(here, 'artifacts');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server;

before(async () => {
  await access(COFFER_BIN, constants.X_OK).catch(() => {
    throw new Error(`coffer binary not found or not executable at ${COFFER_BIN}. Build it ` +
      '(cmake --build build --target coffer) or set COFFER_BIN to its path.');
  });
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

// ---- the panel, end to end ------------------------------------------------------------------

test('panel: sign in, applications, secrets, key-value, sign out', async (t) => {
  const { chromium } = await loadPlaywright();
  await access(CHROMIUM, constants.X_OK).catch(() => {
    throw new Error(`chromium not found at ${CHROMIUM}. Install Debian's package ` +
      '(apt-get install chromium) or set CHROMIUM to the browser binary.');
  });
  const profile = await mkdtemp(path.join(tmpdir(), 'coffer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC',
  });
  t.after(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  context.setDefaultTimeout(15000);
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const shot = async (name) => {
    await page.locator('#toast').evaluate((toast) => { toast.hidden = true; }); // status messages come and go
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const dialog = page.locator('dialog[open]');

  // Sign-in page; a wrong file and a corrupt key get clear messages.
  await page.goto(`${server.base}/panel/`);
  await page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
  await shot('signin');
  const fileInput = page.getByLabel('Credentials file');
  await fileInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await assertText(page.locator('#signin-error'), /not valid JSON/);
  const credentials = JSON.parse(await readFile(server.credentials, 'utf8'));
  const corrupt = { ...credentials, private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' };
  await fileInput.setInputFiles({ name: 'credentials.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(corrupt)) });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await assertText(page.locator('#signin-error'), /private key is corrupt/);
  const { privateKey: strangerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = { ...credentials, private_key: strangerKey.export({ type: 'pkcs8', format: 'pem' }) };
  await fileInput.setInputFiles({ name: 'credentials.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(stranger)) });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await assertText(page.locator('#signin-error'), /did not accept this key \(Authorization failed\)/);
  assert.ok(await page.locator('#toast').isHidden(), 'a rejected sign-in shows no session toast');

  await fileInput.setInputFiles(server.credentials);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
  await assertText(page.locator('#account'), new RegExp(escapeRegExp(credentials.account_email)));
  await page.getByText('No applications yet').waitFor();

  // Applications: create (mouse and keyboard only), search, rename, delete with confirmation.
  await page.locator('#new-application').click();
  await dialog.getByLabel('Name').fill('shop-bot');
  await dialog.getByRole('button', { name: 'Create application' }).click();
  await page.getByRole('link', { name: 'shop-bot', exact: true }).waitFor();

  await page.locator('#new-application').focus();
  await page.keyboard.press('Enter');
  await dialog.getByLabel('Name').waitFor();
  await page.keyboard.type('Bad_Name');
  await page.keyboard.press('Enter');
  await assertText(dialog.locator('[data-field~="application_name"] .field-error'), /Invalid application name/);
  await dialog.getByLabel('Name').fill('billing');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'billing', exact: true }).waitFor();
  assert.equal(await dialog.count(), 0, 'the create dialog closes after success');

  await page.getByLabel('Search applications').fill('shop');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'billing', exact: true }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'shop-bot', exact: true }).waitFor();
  assert.match(page.url(), /#\/apps\?search=shop$/);
  await page.getByLabel('Search applications').fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'billing', exact: true }).waitFor();

  await page.getByRole('button', { name: 'Rename billing' }).click();
  await dialog.getByLabel('New name').fill('billing-v2');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('link', { name: 'billing-v2', exact: true }).waitFor();
  await shot('applications');

  await page.getByRole('button', { name: 'Delete billing-v2' }).click();
  await assertText(dialog, /billing-v2\.dev\./);
  await assertText(dialog, /0 secrets/);
  await assertText(dialog, /0 key-value items/);
  await dialog.getByRole('button', { name: 'Delete application' }).click();
  await page.getByRole('link', { name: 'billing-v2', exact: true }).waitFor({ state: 'detached' });

  // Secrets page of shop-bot.
  await page.getByRole('link', { name: 'shop-bot', exact: true }).click();
  await page.getByRole('heading', { name: 'Secrets', level: 1 }).waitFor();
  assert.match(page.url(), /#\/apps\/\d+\/secrets$/);
  const appId = /#\/apps\/(\d+)\//.exec(page.url())[1];
  await page.getByText('No secrets yet').waitFor();

  await page.locator('#add-secret').click();
  await dialog.getByLabel('Name').fill('1bad');
  await dialog.getByLabel('Value').fill('x');
  await dialog.getByRole('button', { name: 'Add secret' }).click();
  const nameError = dialog.locator('[data-field~="secret_name"] .field-error');
  await assertText(nameError, /^The 'secret_name' parameter is invalid\.$/);
  assert.equal(await dialog.getByLabel('Name').getAttribute('aria-invalid'), 'true');
  await shot('secret-validation');

  await dialog.getByLabel('Name').fill('apiKeyProd');
  await dialog.getByLabel('Value').fill('s3cr3t-value');
  await dialog.getByLabel('Description').fill('Production API key');
  await dialog.getByRole('button', { name: 'Add secret' }).click();
  const row = (name) => page.locator(`tr[data-secret-name="${name}"]`);
  await row('apiKeyProd').waitFor();
  await assertText(row('apiKeyProd'), /Production API key/);
  await addSecret(page, dialog, 'dbPassword', 'hunter2', 'Primary database');
  assert.ok(!(await page.content()).includes('s3cr3t-value'), 'values are never listed');

  await page.getByRole('button', { name: 'Edit apiKeyProd' }).click();
  await dialog.getByLabel('Name').fill('apiKeyLive');
  await dialog.getByLabel('New value').fill('n3w-value');
  await dialog.getByLabel('Description').fill('Live API key for the payment provider');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await row('apiKeyLive').waitFor();
  await assertText(row('apiKeyLive'), /Live API key for the payment provider/);
  assert.equal(await row('apiKeyProd').count(), 0);
  await shot('secrets');

  await page.getByRole('button', { name: 'Reveal value of apiKeyLive' }).click();
  await assertText(row('apiKeyLive').locator('.secret-value'), /^n3w-value$/);
  await shot('secrets-revealed');
  await page.getByRole('button', { name: 'Hide value of apiKeyLive' }).click();
  await row('apiKeyLive').getByRole('button', { name: 'Reveal value of apiKeyLive' }).waitFor();
  assert.ok(!(await page.content()).includes('n3w-value'), 'a hidden value leaves the page');

  await page.getByRole('button', { name: 'Delete apiKeyLive' }).click();
  await assertText(dialog, /apiKeyLive/);
  await dialog.getByRole('button', { name: 'Delete secret' }).click();
  await row('apiKeyLive').waitFor({ state: 'detached' });
  await row('dbPassword').waitFor();

  // Key-Value page: an item with a TTL, one with an expiry date, prefix filter, delete.
  await page.getByRole('navigation', { name: 'Application' }).getByRole('link', { name: 'Key-Value' }).click();
  await page.getByRole('heading', { name: 'Key-Value storage', level: 1 }).waitFor();
  assert.match(page.url(), new RegExp(`#/apps/${appId}/kv$`));
  await page.getByText('No items yet').waitFor();

  await page.locator('#add-item').click();
  await dialog.getByLabel('Key').fill('session:42');
  await dialog.getByLabel('Value').fill('{"user":"ann","cart":3}');
  await dialog.getByLabel('Expire after').check();
  await dialog.getByLabel('Time to live').fill('2');
  await dialog.getByLabel('Time unit').selectOption({ label: 'hours' });
  await shot('key-value-add');
  await dialog.getByRole('button', { name: 'Add item' }).click();
  const item = (key) => page.locator(`tr[data-key="${key}"]`);
  await item('session:42').waitFor();
  await assertText(item('session:42').locator('.remaining'), /^in (2 h|1 h 59 min)$/);

  await page.locator('#add-item').click();
  await dialog.getByLabel('Key').fill('config:theme');
  await dialog.getByLabel('Value').fill('dark');
  await dialog.getByLabel('Expire at', { exact: true }).check();
  const inThreeDays = new Date(Date.now() + 3 * 86400e3).toISOString().slice(0, 16);
  await dialog.getByLabel('Expiry date and time').fill(inThreeDays);
  await dialog.getByRole('button', { name: 'Add item' }).click();
  await assertText(item('config:theme').locator('.remaining'), /^in (3 d|2 d 23 h)$/);

  await page.getByRole('button', { name: 'Edit config:theme' }).click();
  assert.equal(await dialog.getByLabel('Key').getAttribute('readonly'), '', 'the key is fixed when editing');
  assert.ok(await dialog.getByLabel('Keep current expiry').isChecked());
  await dialog.getByLabel('Value').fill('light');
  await dialog.getByRole('button', { name: 'Save item' }).click();
  await assertText(item('config:theme').locator('.kv-value'), /^light$/);
  await assertText(item('config:theme').locator('.remaining'), /^in (3 d|2 d 23 h)$/);
  await shot('key-value');

  await page.getByLabel('Key prefix').fill('session');
  await page.getByRole('button', { name: 'Search' }).click();
  await item('config:theme').waitFor({ state: 'detached' });
  await item('session:42').waitFor();
  assert.match(page.url(), /\?prefix=session$/);

  await page.getByRole('button', { name: 'Delete session:42' }).click();
  await dialog.getByRole('button', { name: 'Delete item' }).click();
  await page.getByText('No matching items').waitFor();
  await page.getByLabel('Key prefix').fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await item('config:theme').waitFor();

  // Phone width: nothing overflows sideways.
  await page.setViewportSize({ width: 375, height: 812 });
  await assertNoHorizontalOverflow(page);
  await shot('key-value-phone');
  await page.goto(`${server.base}/panel/#/apps/${appId}/secrets`);
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor(); // reload forgets the key
  await page.getByLabel('Credentials file').setInputFiles(server.credentials);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await row('dbPassword').waitFor(); // and the route survives the reload
  await assertNoHorizontalOverflow(page);
  await shot('secrets-phone');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Secrets paging and search by name part (case-insensitive); a slow call shows the busy bar.
  // The secrets are made through the panel's own signed-in API module.
  await page.evaluate(async (id) => {
    const api = await import('/panel/api.js');
    for (let i = 1; i <= 21; i += 1) {
      await api.call('AddSecret', { application_id: id, secret_name: `bulk${String(i).padStart(2, '0')}`,
        secret_value: `v${i}` });
    }
  }, appId);
  await page.getByLabel('Filter secrets').fill('BULK');
  await page.getByRole('button', { name: 'Search' }).click();
  await assertText(page.locator('.pager-summary'), /^Showing 1–20 of 21 secrets$/);
  await row('dbPassword').waitFor({ state: 'detached' });
  await page.route('**/platform_api/GetSecrets', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await route.continue();
  });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.locator('#busy').waitFor({ state: 'visible' });
  assert.equal(await page.locator('main').getAttribute('aria-busy'), 'true');
  await assertText(page.locator('.pager-summary'), /^Showing 21–21 of 21 secrets$/);
  await page.locator('#busy').waitFor({ state: 'hidden' });
  await page.unroute('**/platform_api/GetSecrets');
  await row('bulk21').waitFor();
  assert.match(page.url(), /\?search=BULK&offset=20$/);
  await page.getByRole('button', { name: 'Previous' }).click();
  await row('bulk01').waitFor();

  // Key-value paging by prefix (20 per page; the API gives no total).
  await page.getByRole('navigation', { name: 'Application' }).getByRole('link', { name: 'Key-Value' }).click();
  await item('config:theme').waitFor();
  await page.evaluate(async (id) => {
    const api = await import('/panel/api.js');
    for (let i = 1; i <= 21; i += 1) {
      await api.call('SetKeyValueItem', { application_id: id, key: `zz:${String(i).padStart(2, '0')}`,
        value: `item ${i}`, ttl: 600 });
    }
  }, appId);
  await page.getByLabel('Key prefix').fill('zz:');
  await page.getByRole('button', { name: 'Search' }).click();
  await item('config:theme').waitFor({ state: 'detached' });
  await assertText(page.locator('.pager-summary'), /^Showing 1–20 items$/);
  await page.getByRole('button', { name: 'Next' }).click();
  await assertText(page.locator('.pager-summary'), /^Showing 21–21 items$/);
  await item('zz:21').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);

  // An application that does not exist gets an error page, not a broken one.
  await page.goto(`${server.base}/panel/#/apps/999999/secrets`);
  await page.getByRole('heading', { name: 'Application not found' }).waitFor();

  // Deleting the application names what it holds; Escape cancels.
  await page.getByRole('link', { name: 'All applications' }).click();
  await page.getByRole('button', { name: 'Delete shop-bot' }).click();
  await assertText(dialog, /22 secrets/);
  await assertText(dialog, /22 key-value items/);
  await shot('delete-application');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'shop-bot', exact: true }).waitFor();

  // Nothing of the session is persisted in the browser.
  const stored = await page.evaluate(async () => ({
    local: localStorage.length, session: sessionStorage.length,
    idb: (await indexedDB.databases()).length, cookies: document.cookie,
  }));
  assert.deepEqual(stored, { local: 0, session: 0, idb: 0, cookies: '' });

  // Sign out: the list is gone, the sign-in form is back and the API can no longer be called.
  const apiCalls = [];
  page.on('request', (request) => { if (request.url().includes('/platform_api')) apiCalls.push(request.url()); });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'shop-bot' }).count(), 0);
  assert.ok(await page.locator('#account').isHidden());
  const attempt = await page.evaluate(async () => {
    const api = await import('/panel/api.js');
    try {
      await api.call('GetApplications');
      return 'call succeeded';
    } catch (err) {
      return err.message;
    }
  });
  assert.match(attempt, /signed out/);
  assert.deepEqual(apiCalls, [], 'no API request is made after signing out');

  assert.deepEqual(problems, [], 'no console errors (e.g. CSP violations) or page errors');
});

// ---- security headers -----------------------------------------------------------------------

test('panel: security headers on every response', async () => {
  const files = (await readdir(WEB_DIR, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(WEB_DIR, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'));
  assert.ok(files.includes('index.html') && files.includes('app.js'), `web/ holds the panel: ${files}`);
  const paths = ['/panel/', '/panel', '/panel/no-such-file.js', '/panel/../etc/passwd',
    ...files.map((file) => `/panel/${file}`)];
  for (const target of paths) {
    const { status, headers } = await get(target);
    const csp = headers['content-security-policy'] ?? '';
    assert.match(csp, /frame-ancestors 'none'/, `${target}: CSP forbids framing`);
    assert.match(csp, /default-src 'none'/, `${target}: CSP defaults to none`);
    assert.match(csp, /script-src 'self'(;|$)/, `${target}: scripts only from the panel`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${target}: no inline code`);
    assert.equal(headers['x-content-type-options'], 'nosniff', `${target}: nosniff`);
    assert.equal(headers['referrer-policy'], 'no-referrer', `${target}: no-referrer`);
    if (target === '/panel/no-such-file.js') assert.equal(status, 404);
  }
  const types = { html: /^text\/html/, js: /^text\/javascript/, css: /^text\/css/, svg: /^image\/svg\+xml/ };
  for (const file of files) {
    const { status, headers } = await get(`/panel/${file}`);
    assert.equal(status, 200, `/panel/${file}`);
    const expected = types[file.split('.').pop()];
    if (expected) assert.match(headers['content-type'], expected, `/panel/${file}: content type`);
  }
  // The CSP holds only because the panel has no inline code: check the sources stay that way.
  for (const file of files.filter((f) => /\.(html|js)$/.test(f))) {
    const text = await readFile(path.join(WEB_DIR, file), 'utf8');
    assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\bon[a-z]+=["']/i, `${file}: inline code`);
    assert.doesNotMatch(text, /\binnerHTML\b|\beval\(|new Function\(/, `${file}: HTML or code from strings`);
  }
});

// ---- helpers --------------------------------------------------------------------------------

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (err) {
    throw new Error('playwright-core is not installed: run `npm ci` in tests/browser ' +
      `(${err.message})`);
  }
}

async function startServer() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'coffer-panel-'));
  const child = spawn(COFFER_BIN, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coffer did not start within 30 s:\n${log}`)), 30000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`coffer exited (${code}) before listening:\n${log}`));
    });
  });
  const credentials = path.join(dataDir, 'credentials.json');
  for (let i = 0; i < 50; i += 1) {
    if (await access(credentials).then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    base: `https://127.0.0.1:${port}`,
    credentials,
    ca: await readFile(path.join(dataDir, 'tls', 'cert.pem')),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await once(child, 'exit');
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** GET over HTTPS, trusting the server's own self-signed certificate. */
function get(target) {
  return new Promise((resolve, reject) => {
    // `path` is sent as is (a URL string would have its dot segments removed first).
    const { hostname, port } = new URL(server.base);
    const request = https.get({ hostname, port, path: target, ca: server.ca }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers }));
    });
    request.on('error', reject);
  });
}

async function assertText(locator, pattern) {
  await locator.first().waitFor();
  const deadline = Date.now() + 10000;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.first().innerText()).trim();
    if (pattern.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`expected ${pattern} in: ${text}`);
}

async function assertNoHorizontalOverflow(page) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  assert.ok(widths.scroll <= widths.client, `page overflows sideways at phone width: ${JSON.stringify(widths)}`);
}

async function addSecret(page, dialog, name, value, description) {
  await page.locator('#add-secret').click();
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Value').fill(value);
  await dialog.getByLabel('Description').fill(description);
  await dialog.getByRole('button', { name: 'Add secret' }).click();
  await page.locator(`tr[data-secret-name="${name}"]`).waitFor();
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
