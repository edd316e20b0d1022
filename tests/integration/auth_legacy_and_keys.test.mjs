// SPEC 2.3 legacy account_id + api_key, and SPEC 13.2 keys changed while the server runs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, request } from './lib/harness.mjs';
import { bearer } from './lib/jwt.mjs';
import { call, expectError, expectOk, fullName, newAccount, urlencode } from './lib/api.mjs';

let server;
let apiKey;
before(async () => {
  server = await startServer();
  const out = await server.coffer(['account', 'api-key'], ['--account', '1']);
  assert.equal(out.account_id, 1);
  assert.equal(typeof out.api_key, 'string');
  assert.ok(out.api_key.length >= 16, 'an api_key should be long enough to be a secret');
  apiKey = out.api_key;
});
after(async () => {
  await server?.stop();
});

const legacy = (params, opts = {}) => call(server, 'GetApplications', params, { auth: null, ...opts });

describe('legacy credentials', () => {
  test('account_id + api_key works, in the query or in the body', async () => {
    expectOk(await legacy({ account_id: 1, api_key: apiKey }));
    expectOk(await legacy({ account_id: 1, api_key: apiKey }, { form: 'query' }));
    expectOk(await legacy({ account_id: 1, api_key: apiKey }, { form: 'multipart' }));
  });

  test('account_name or account_email identify the account too', async () => {
    expectOk(await legacy({ account_name: 'dev', api_key: apiKey }));
    expectOk(await legacy({ account_email: 'dev@localhost', api_key: apiKey }));
  });

  test('a legacy principal has full permissions', async () => {
    const res = await call(server, 'AddApplication', { account_id: 1, api_key: apiKey, application_name: 'legacy-app' }, { auth: null });
    assert.equal(expectOk(res).application_name, fullName('legacy-app'));
  });

  test('wrong or missing api_key, wrong account -> 100', async () => {
    expectError(await legacy({ account_id: 1, api_key: `${apiKey}x` }), 100);
    expectError(await legacy({ account_id: 1, api_key: apiKey.slice(0, -1) }), 100);
    expectError(await legacy({ account_id: 1, api_key: '' }), 100);
    expectError(await legacy({ account_id: 1 }), 100);
    expectError(await legacy({ api_key: apiKey }), 100);
    expectError(await legacy({ account_id: 2, api_key: apiKey }), 100);
    expectError(await legacy({ account_id: 999, api_key: apiKey }), 100);
    expectError(await legacy({ account_name: 'nobody', api_key: apiKey }), 100);
    expectError(await legacy({ account_email: 'nobody@localhost', api_key: apiKey }), 100);
  });

  test('unsupported legacy forms (password, session) -> 100', async () => {
    expectError(await legacy({ account_id: 1, account_password: 'x' }), 100);
    expectError(await legacy({ account_id: 1, session_id: 'x' }), 100);
  });

  test('ignored when an Authorization header is present', async () => {
    // A bad bearer token is not rescued by correct legacy parameters...
    const res = await call(server, 'GetApplications', { account_id: 1, api_key: apiKey }, { auth: 'Bearer x.y.z' });
    assert.ok(res.body && res.body.error, `legacy parameters must be ignored: ${res.text}`);
    expectError(await call(server, 'GetApplications', { account_id: 1, api_key: apiKey }, { auth: 'Basic eDp5' }), 100);
    // ...and a good token is not spoiled by a wrong api_key or another account_id (Java sends it).
    expectOk(await call(server, 'GetApplications', { account_id: 1, api_key: 'wrong' }));
    expectOk(await call(server, 'GetApplications', { account_id: 77 }));
  });

  test('a new api_key replaces the old one', async () => {
    const acct = await newAccount(server, 'legacy-rot');
    const id = String(acct.account_id);
    const first = (await server.coffer(['account', 'api-key'], ['--account', id])).api_key;
    expectOk(await legacy({ account_id: id, api_key: first }));
    const second = (await server.coffer(['account', 'api-key'], ['--account', id])).api_key;
    assert.notEqual(first, second);
    expectError(await legacy({ account_id: id, api_key: first }), 100);
    expectOk(await legacy({ account_id: id, api_key: second }));
  });

  test('an api_key authenticates only its own account', async () => {
    const acct = await newAccount(server, 'legacy-b');
    const key = (await server.coffer(['account', 'api-key'], ['--account', String(acct.account_id)])).api_key;
    expectOk(await legacy({ account_id: acct.account_id, api_key: key }));
    expectError(await legacy({ account_id: 1, api_key: key }), 100);
    expectError(await legacy({ account_name: 'dev', api_key: key }), 100);
  });
});

describe('keys changed while the server runs', () => {
  test('a key created while running works at once', async () => {
    const creds = await server.coffer(['key', 'create'], ['--account', '1', '--role', 'Owner']);
    assert.equal(creds.account_id, 1);
    assert.match(creds.private_key, /^-----BEGIN PRIVATE KEY-----\n/);
    expectOk(await call(server, 'GetApplications', {}, { creds }));
  });

  test('a deleted key stops authenticating on the very next request, cached token or not', async () => {
    const creds = await server.coffer(['key', 'create'], ['--account', '1', '--role', 'Developer']);
    const auth = bearer(creds);
    expectOk(await call(server, 'GetApplications', {}, { auth }));
    expectOk(await call(server, 'GetApplications', {}, { auth })); // now surely cached
    const del = await server.coffer(['key', 'delete'], ['--key-id', creds.key_id]);
    assert.deepEqual(del, { result: 1 });
    expectError(await call(server, 'GetApplications', {}, { auth }), 100);
    expectError(await call(server, 'GetApplications', {}, { creds }), 100);
    // Other keys are unaffected.
    expectOk(await call(server, 'GetApplications', {}));
  });

  test('a deleted key is no longer listed', async () => {
    const creds = await server.coffer(['key', 'create'], ['--account', '1', '--description', 'temp key']);
    let list = await server.coffer(['key', 'list'], ['--account', '1']);
    assert.ok(list.some((k) => k.key_id === creds.key_id));
    await server.coffer(['key', 'delete'], ['--key-id', creds.key_id]);
    list = await server.coffer(['key', 'list'], ['--account', '1']);
    assert.ok(!list.some((k) => k.key_id === creds.key_id));
  });

  test('legacy requests do not need an Authorization header at all', async () => {
    const res = await request(server, {
      method: 'POST',
      path: '/platform_api/GetApplications',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: urlencode({ account_id: 1, api_key: apiKey, count: 1 }),
    });
    expectOk(res);
  });
});
