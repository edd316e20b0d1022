// SPEC 3: roles allowed on the application methods; the role check precedes parameter checks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { bearer } from './lib/jwt.mjs';
import { call, expectError, expectOk, fullName } from './lib/api.mjs';

let server;
const keys = {};
before(async () => {
  server = await startServer();
  const make = (roles, description) =>
    server.coffer(['key', 'create'], ['--account', '1', ...roles.flatMap((r) => ['--role', r]), '--description', description]);
  keys.none = await make([], 'no roles');
  keys.developer = await make(['Developer'], 'developer');
  keys.admin = await make(['Admin'], 'admin');
  keys.support = await make(['Support'], 'support');
  keys.mixed = await make(['Support', 'Developer'], 'support and developer');
  keys.accountant = await make(['Accountant', 'CallList Manager'], 'no allowed role');
});
after(async () => {
  await server?.stop();
});

const methods = {
  AddApplication: {},
  GetApplications: {},
  SetApplicationInfo: {},
  DelApplication: {},
};

describe('keys without an allowed role -> 104', () => {
  for (const who of ['none', 'support', 'accountant']) {
    test(`${who}: every application method, before parameter checks`, async () => {
      for (const method of Object.keys(methods)) {
        // All of these lack required parameters: a principal with a role would get 485.
        expectError(await call(server, method, methods[method], { creds: keys[who] }), 104);
      }
      expectError(await call(server, 'AddApplication', { application_name: `r-${who}` }, { creds: keys[who] }), 104);
      expectError(await call(server, 'AddApplication', { application_name: 'Bad_Name' }, { creds: keys[who] }), 104);
      expectError(await call(server, 'GetApplications', { count: 0 }, { creds: keys[who] }), 104);
      expectError(await call(server, 'DelApplication', { application_id: 'all' }, { creds: keys[who] }), 104);
    });
  }

  test('a forbidden call changes nothing', async () => {
    const apps = expectOk(await call(server, 'GetApplications', { application_name: 'r-none' }));
    assert.equal(apps.total_count, 0);
  });

  test('authentication errors come before the role check', async () => {
    const now = Math.floor(Date.now() / 1000);
    const auth = bearer(keys.none, { claims: { iat: now - 100, exp: now - 10 } });
    expectError(await call(server, 'AddApplication', {}, { auth }), 456);
  });
});

describe('allowed roles', () => {
  for (const who of ['developer', 'admin', 'mixed']) {
    test(`${who} can use every application method`, async () => {
      const creds = keys[who];
      expectError(await call(server, 'AddApplication', {}, { creds }), 485);
      const add = expectOk(await call(server, 'AddApplication', { application_name: `r-${who}` }, { creds }));
      assert.equal(add.application_name, fullName(`r-${who}`));
      const list = expectOk(await call(server, 'GetApplications', { application_name: `r-${who}` }, { creds }));
      assert.equal(list.total_count, 1);
      expectOk(await call(server, 'SetApplicationInfo', { application_id: add.application_id, application_name: `r2-${who}` }, { creds }));
      expectOk(await call(server, 'DelApplication', { application_id: add.application_id }, { creds }));
    });
  }

  test('the Owner key of credentials.json can use every method', async () => {
    const add = expectOk(await call(server, 'AddApplication', { application_name: 'r-owner' }));
    expectOk(await call(server, 'DelApplication', { application_id: add.application_id }));
  });
});

describe('key list shows roles and descriptions', () => {
  test('coffer key list', async () => {
    const list = await server.coffer(['key', 'list'], ['--account', '1']);
    assert.ok(Array.isArray(list));
    const byId = Object.fromEntries(list.map((k) => [k.key_id, k]));
    assert.deepEqual(byId[keys.none.key_id].roles, []);
    assert.deepEqual(byId[keys.developer.key_id].roles, ['Developer']);
    assert.deepEqual([...byId[keys.mixed.key_id].roles].sort(), ['Developer', 'Support']);
    assert.deepEqual([...byId[keys.accountant.key_id].roles].sort(), ['Accountant', 'CallList Manager']);
    assert.equal(byId[keys.support.key_id].description, 'support');
    assert.deepEqual(byId[server.creds.key_id].roles, ['Owner']);
    for (const k of list) {
      for (const member of Object.keys(k)) {
        assert.ok(['key_id', 'roles', 'description', 'created'].includes(member), `unexpected member ${member}`);
      }
      assert.ok('key_id' in k && Array.isArray(k.roles) && 'created' in k);
      assert.ok(!JSON.stringify(k).includes('PRIVATE KEY'), 'never key material');
      assert.ok(!('private_key' in k) && !('public_key' in k));
    }
  });
});
