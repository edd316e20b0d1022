// SPEC 2.4, 4.2 and 14 (isolation): items belong to one application; the same key in two
// applications of one account, or of two accounts, are unrelated; another account's
// application behaves as non-existent (116 by id, 558 by name) for all five methods; deleting an
// application deletes its items.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { expectError, expectOk, newAccount } from './lib/api.mjs';
import { KV_METHODS, closeKvAgent, createApp, kvCall } from './lib/kv.mjs';

let server;
let a; // account 1 (dev)
let b; // a second account
let a1;
let a2;
let bApp; // B's application with the same short name as a1
before(async () => {
  server = await startServer();
  a = server.creds;
  b = await newAccount(server, 'kv-tenant-b');
  a1 = await createApp(server, 'same');
  a2 = await createApp(server, 'other');
  bApp = await createApp(server, 'same', { creds: b });
  assert.notEqual(bApp.id, a1.id);
  assert.equal(bApp.name, 'same.kv-tenant-b.voximplant.com');
});
after(async () => {
  if (server) closeKvAgent(server);
  await server?.stop();
});

const asA = (method, params, form) => kvCall(server, method, params, { form });
const asB = (method, params, form) => kvCall(server, method, params, { creds: b, form });
const value = async (caller, appParams, key) => expectOk(await caller('GetKeyValueItem', { ...appParams, key })).result.value;
const keyList = async (caller, appParams) =>
  expectOk(await caller('GetKeyValueKeys', { ...appParams, count: 50 })).result.map((e) => e.key);

describe('two applications of one account', () => {
  test('the same key holds different values', async () => {
    expectOk(await asA('SetKeyValueItem', { application_id: a1.id, key: 'shared:key', value: 'in a1' }));
    expectOk(await asA('SetKeyValueItem', { application_id: a2.id, key: 'shared:key', value: 'in a2' }, 'multipart'));
    expectOk(await asA('SetKeyValueItem', { application_id: a1.id, key: 'only:a1', value: 'x' }));
    assert.equal(await value(asA, { application_id: a1.id }, 'shared:key'), 'in a1');
    assert.equal(await value(asA, { application_id: a2.id }, 'shared:key'), 'in a2');
    assert.equal(await value(asA, { application_name: 'other' }, 'shared:key'), 'in a2');
    expectError(await asA('GetKeyValueItem', { application_id: a2.id, key: 'only:a1' }), 496);
    assert.deepEqual(await keyList(asA, { application_id: a1.id }), ['only:a1', 'shared:key']);
    assert.deepEqual(await keyList(asA, { application_id: a2.id }), ['shared:key']);
    const items = expectOk(await asA('GetKeyValueItems', { application_id: a2.id, key: 'shared' }, 'json')).result;
    assert.deepEqual(items.map((x) => [x.key, x.value]), [['shared:key', 'in a2']]);
  });

  test('writing or deleting in one leaves the other alone', async () => {
    expectOk(await asA('SetKeyValueItem', { application_id: a2.id, key: 'shared:key', value: 'a2 again', ttl: 0 }));
    assert.equal(await value(asA, { application_id: a1.id }, 'shared:key'), 'in a1');
    assert.deepEqual(expectOk(await asA('DelKeyValueItem', { application_id: a1.id, key: 'shared:key' })), { result: 1 });
    assert.deepEqual(expectOk(await asA('DelKeyValueItem', { application_id: a2.id, key: 'only:a1' })), { result: 0 });
    assert.equal(await value(asA, { application_id: a1.id }, 'only:a1'), 'x');
    expectOk(await asA('SetKeyValueItem', { application_id: a2.id, key: 'shared:key', value: 'in a2' }));
    expectError(await asA('GetKeyValueItem', { application_id: a1.id, key: 'shared:key' }), 496);
    expectOk(await asA('SetKeyValueItem', { application_id: a1.id, key: 'shared:key', value: 'in a1' }));
  });
});

describe('two accounts', () => {
  test('B\'s same-named application is B\'s own, with its own items', async () => {
    expectOk(await asB('SetKeyValueItem', { application_name: 'same', key: 'shared:key', value: 'in b' }));
    assert.equal(await value(asB, { application_id: bApp.id }, 'shared:key'), 'in b');
    assert.equal(await value(asB, { application_name: bApp.name }, 'shared:key'), 'in b');
    assert.equal(await value(asA, { application_name: 'same' }, 'shared:key'), 'in a1');
    assert.deepEqual(await keyList(asB, { application_name: 'same' }), ['shared:key']);
  });

  test('B cannot reach A\'s applications: 116 by id, 558 by name, for every method', async () => {
    for (const method of KV_METHODS) {
      for (const form of ['json', 'urlencoded', 'multipart']) {
        const params = { key: 'shared:key', value: 'stolen' };
        expectError(await asB(method, { application_id: a1.id, ...params }, form), 116);
        expectError(await asB(method, { application_id: a2.id, ...params }, form), 116);
        expectError(await asB(method, { application_name: a1.name, ...params }, form), 558);
        expectError(await asB(method, { application_name: 'other', ...params }, form), 558);
        expectError(await asB(method, { application_name: a2.name, ...params }, form), 558);
        // A's id with B's own name: the id wins and is not B's.
        expectError(await asB(method, { application_id: a1.id, application_name: 'same', ...params }, form), 116);
        // The answers equal those for applications that do not exist.
        expectError(await asB(method, { application_id: 987654, ...params }, form), 116);
        expectError(await asB(method, { application_name: 'missing-app', ...params }, form), 558);
      }
      // ... and A cannot reach B's.
      expectError(await asA(method, { application_id: bApp.id, key: 'shared:key', value: 'x' }), 116);
      expectError(await asA(method, { application_name: bApp.name, key: 'shared:key', value: 'x' }), 558);
    }
  });

  test('nothing of A changed', async () => {
    assert.equal(await value(asA, { application_id: a1.id }, 'shared:key'), 'in a1');
    assert.equal(await value(asA, { application_id: a2.id }, 'shared:key'), 'in a2');
    assert.deepEqual(await keyList(asA, { application_id: a1.id }), ['only:a1', 'shared:key']);
    assert.deepEqual(await keyList(asA, { application_id: a2.id }), ['shared:key']);
    assert.equal(await value(asB, { application_id: bApp.id }, 'shared:key'), 'in b');
  });
});

describe('deleting an application deletes its items (SPEC 4.2)', () => {
  test('a re-created application of the same name starts empty', async () => {
    expectOk(await asA('DelApplication', { application_id: a2.id }));
    for (const method of KV_METHODS) {
      expectError(await asA(method, { application_id: a2.id, key: 'shared:key', value: 'x' }), 116);
      expectError(await asA(method, { application_name: 'other', key: 'shared:key', value: 'x' }), 558);
    }
    const again = await createApp(server, 'other');
    assert.notEqual(again.id, a2.id, 'ids are never reused');
    assert.deepEqual(await keyList(asA, { application_id: again.id }), []);
    expectError(await asA('GetKeyValueItem', { application_id: again.id, key: 'shared:key' }), 496);
    // The other applications keep their items.
    assert.equal(await value(asA, { application_id: a1.id }, 'shared:key'), 'in a1');
    assert.equal(await value(asB, { application_id: bApp.id }, 'shared:key'), 'in b');
  });
});
