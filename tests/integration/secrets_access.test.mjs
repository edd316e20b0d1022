// SPEC 2.4, 3, 4.2 and 14 (isolation) for the Secrets methods: finding the application (id or
// full/short name, 485/116/558), roles (104 before any parameter check), legacy credentials, other
// accounts' secrets and applications behaving as non-existent, and deleting an application
// deleting its secrets.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectError, expectOk, fullName, newAccount } from './lib/api.mjs';
import {
  MSG_NO_APP,
  SECRET_METHODS,
  addSecret,
  expectMissing,
  expectParamError,
  listSecrets,
  newApp,
  sCall,
  secretIds,
  secretValue,
  suiteServer,
} from './lib/secrets.mjs';

let server;
let a; // account 1 (dev)
let b; // a second account, created with `coffer account create`
let appA;
let appB;
const secA = {}; // name -> id in appA
suiteServer(async (s) => {
  server = s;
  a = server.creds;
  b = await newAccount(server, 'tenant-b');
  assert.notEqual(b.account_id, a.account_id);
  appA = await newApp(server, 'vault');
  appB = await newApp(server, 'vault', { creds: b }); // the same short name in account B
  assert.notEqual(appA.id, appB.id);
  assert.equal(appB.name, fullName('vault', 'tenant-b'));
  secA.token = await addSecret(server, appA, 'token', 'a-token-value', { description: 'A only' });
  secA.other = await addSecret(server, appA, 'other', 'a-other-value');
});

/** Minimal valid parameters (besides the application) of each method, for secret `id`/`name`. */
const paramsFor = {
  AddSecret: () => ({ secret_name: `fresh_${Math.random().toString(36).slice(2, 10)}`, secret_value: 'v' }),
  GetSecrets: () => ({}),
  GetSecretValue: () => ({ secret_name: 'token' }),
  SetSecretInfo: () => ({ secret_name: 'token' }),
  DelSecret: () => ({ secret_name: 'nothing_here' }),
};

describe('finding the application', () => {
  for (const method of SECRET_METHODS) {
    test(`${method}: no application -> 485; bad id -> 116; unknown name -> 558`, async () => {
      const p = paramsFor[method]();
      expectMissing(await sCall(server, method, p), MSG_NO_APP);
      expectMissing(await sCall(server, method, { ...p, application_id: '0' }), MSG_NO_APP);
      expectMissing(await sCall(server, method, { ...p, application_id: '', application_name: '' }), MSG_NO_APP);
      for (const bad of ['987654', 'abc', '-1', '1.0', '1;2', 'all']) {
        expectParamError(await sCall(server, method, { ...p, application_id: bad }), 116, 'application_id');
      }
      // the id decides; a valid name beside an unknown id does not rescue it
      expectError(await sCall(server, method, { ...p, application_id: 987654, application_name: appA.name }), 116);
      for (const bad of ['nope', 'vault.dev', 'vault.dev.example.com', 'vault.tenant-b.voximplant.com', 'vaul']) {
        const err = expectError(await sCall(server, method, { ...p, application_name: bad }), 558);
        assert.equal(err.msg, 'Application is not found.');
      }
    });

    test(`${method}: by id, full name, short name (any case); the id wins over a wrong name`, async () => {
      const variants = [
        { application_id: appA.id },
        { application_name: appA.name },
        { application_name: appA.name.toUpperCase() },
        { application_name: 'vault' },
        { application_name: 'VAULT' },
        { application_id: appA.id, application_name: 'no-such-app' },
        { application_id: '0', application_name: 'vault' },
      ];
      for (const v of variants) {
        const res = await sCall(server, method, { ...paramsFor[method](), ...v });
        if (method === 'DelSecret') {
          // resolves the application, then finds no such secret there
          expectParamError(res, 496, 'secret_name');
        } else {
          const body = expectOk(res);
          if (method === 'AddSecret') {
            // it went to A's application; remove it again so later tests see only A's two secrets
            const id = body.result[0].secret_id;
            expectOk(await sCall(server, 'DelSecret', { application_id: appA.id, secret_id: id }));
          }
        }
      }
      assert.deepEqual(await secretIds(server, appA), [secA.token, secA.other]);
    });
  }
});

describe('roles', () => {
  let noRole;
  let support;
  let developer;
  let admin;
  before(async () => {
    const key = (roles) =>
      server.coffer(['key', 'create'], ['--account', String(a.account_id), ...roles.flatMap((r) => ['--role', r])]);
    noRole = await key([]);
    support = await key(['Support', 'Accountant', 'CallHistory']);
    developer = await key(['Developer']);
    admin = await key(['Admin']);
  });

  for (const method of SECRET_METHODS) {
    test(`${method}: a key without Owner/Admin/Developer -> 104, before the application check`, async () => {
      for (const creds of [noRole, support]) {
        expectError(await sCall(server, method, {}, { creds }), 104);
        expectError(await sCall(server, method, { application_id: 987654, secret_id: 'any' }, { creds }), 104);
        expectError(await sCall(server, method, { application_id: appA.id, ...paramsFor[method]() }, { creds }), 104);
      }
    });

    test(`${method}: authentication comes before the role check`, async () => {
      expectError(await sCall(server, method, { application_id: appA.id }, { auth: null }), 100);
      expectError(await sCall(server, method, { application_id: appA.id }, { auth: 'Bearer x' }), 447);
    });
  }

  test('Developer and Admin keys may use every Secrets method', async () => {
    for (const creds of [developer, admin]) {
      const name = `by_role_${creds.key_id.slice(0, 8)}`;
      const id = await addSecret(server, appA, name, 'role-value', {}, { creds });
      await listSecrets(server, appA, {}, { creds });
      assert.equal((await secretValue(server, appA, { secret_id: id }, { creds })).secret_value, 'role-value');
      expectOk(await sCall(server, 'SetSecretInfo', { application_id: appA.id, secret_id: id, secret_value: 'x' }, { creds }));
      expectOk(await sCall(server, 'DelSecret', { application_id: appA.id, secret_id: id }, { creds }));
    }
    assert.deepEqual(await secretIds(server, appA), [secA.token, secA.other]);
  });

  test('legacy account_id + api_key credentials pass (full permissions)', async () => {
    const { api_key: apiKey } = await server.coffer(['account', 'api-key'], ['--account', String(a.account_id)]);
    const legacy = { account_id: a.account_id, api_key: apiKey, application_id: appA.id };
    const added = expectOk(await sCall(server, 'AddSecret', { ...legacy, secret_name: 'legacy_one', secret_value: 'lv' }, { auth: null }));
    const id = added.result[0].secret_id;
    const got = expectOk(await sCall(server, 'GetSecretValue', { ...legacy, secret_id: id }, { auth: null }));
    assert.equal(got.result[0].secret_value, 'lv');
    expectOk(await sCall(server, 'DelSecret', { ...legacy, secret_id: id }, { auth: null }));
    expectError(await sCall(server, 'GetSecrets', { ...legacy, api_key: `${apiKey}x` }, { auth: null }), 100);
  });
});

describe('tenant isolation', () => {
  const asB = (method, params) => sCall(server, method, params, { creds: b });

  test("B's own application with A's secret_id -> 496, as an unknown secret", async () => {
    expectParamError(await asB('GetSecretValue', { application_id: appB.id, secret_id: secA.token }), 496, 'secret_id');
    expectParamError(
      await asB('SetSecretInfo', { application_id: appB.id, secret_id: secA.token, secret_value: 'stolen' }),
      496,
      'secret_id',
    );
    expectParamError(await asB('DelSecret', { application_id: appB.id, secret_id: secA.token }), 496, 'secret_id');
    expectParamError(await asB('DelSecret', { application_id: appB.id, secret_id: `${secA.token};${secA.other}` }), 496, 'secret_id');
    // the same secret_id through the short name that both accounts use
    expectParamError(await asB('GetSecretValue', { application_name: 'vault', secret_id: secA.token }), 496, 'secret_id');
  });

  test("B's own application with A's secret names -> 496, as unknown names", async () => {
    expectParamError(await asB('GetSecretValue', { application_id: appB.id, secret_name: 'token' }), 496, 'secret_name');
    expectParamError(await asB('SetSecretInfo', { application_id: appB.id, secret_name: 'token', description: 'x' }), 496, 'secret_name');
    expectParamError(await asB('DelSecret', { application_id: appB.id, secret_name: 'token' }), 496, 'secret_name');
  });

  test("B cannot resolve A's application: 116 by id, 558 by name", async () => {
    for (const method of SECRET_METHODS) {
      const p = paramsFor[method]();
      expectParamError(await asB(method, { ...p, application_id: appA.id }), 116, 'application_id');
      expectError(await asB(method, { ...p, application_name: appA.name }), 558);
      expectError(await asB(method, { ...p, application_name: fullName('vault', 'dev').toUpperCase() }), 558);
    }
    expectParamError(await asB('GetSecretValue', { application_id: appA.id, secret_id: secA.token }), 116, 'application_id');
    expectParamError(await asB('DelSecret', { application_id: appA.id, secret_id: 'all' }), 116, 'application_id');
  });

  test("B's answers about A's secrets are identical to answers about secrets that never existed", async () => {
    const real = await asB('GetSecretValue', { application_id: appB.id, secret_id: secA.token });
    const never = await asB('GetSecretValue', { application_id: appB.id, secret_id: 987654 });
    assert.equal(real.text, never.text);
    const realApp = await asB('GetSecrets', { application_id: appA.id });
    const neverApp = await asB('GetSecrets', { application_id: 987654 });
    assert.equal(realApp.text, neverApp.text);
  });

  test("B's short name resolves to B's own application, with its own secrets", async () => {
    const id = await addSecret(server, appB.id, 'token', 'b-token-value', {}, { creds: b });
    assert.notEqual(id, secA.token);
    const body = expectOk(await asB('GetSecretValue', { application_name: 'vault', secret_name: 'token' }));
    assert.equal(body.result[0].secret_id, id);
    assert.equal(body.result[0].secret_value, 'b-token-value');
    const list = expectOk(await asB('GetSecrets', { application_name: 'VAULT' }));
    assert.deepEqual(list.result.map((s) => s.secret_id), [id]);
    assert.equal(list.total_count, 1);
    // DelSecret all in B's application leaves A's secrets alone
    expectOk(await asB('DelSecret', { application_id: appB.id, secret_id: 'all' }));
    assert.deepEqual(expectOk(await asB('GetSecrets', { application_id: appB.id })).result, []);
  });

  test("nothing of A changed through B's attempts", async () => {
    assert.deepEqual(await secretIds(server, appA), [secA.token, secA.other]);
    const token = await secretValue(server, appA, { secret_id: secA.token });
    assert.equal(token.secret_value, 'a-token-value');
    assert.equal(token.description, 'A only');
    assert.equal(token.modified, token.created);
  });
});

describe('deleting an application deletes its secrets', () => {
  test('secrets of a deleted application are gone; a new application starts empty', async () => {
    const app = await newApp(server, 'doomed');
    const id = await addSecret(server, app, 'token', 'doomed-value');
    expectOk(await sCall(server, 'DelApplication', { application_id: app.id }));
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: id }), 116, 'application_id');
    const again = await newApp(server, 'doomed');
    assert.notEqual(again.id, app.id);
    assert.deepEqual(await listSecrets(server, again), { result: [], count: 0, total_count: 0 });
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: again.id, secret_id: id }), 496, 'secret_id');
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: again.id, secret_name: 'token' }), 496, 'secret_name');
  });
});
