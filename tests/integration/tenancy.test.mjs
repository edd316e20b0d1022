// SPEC 2.4 and 14: another account's applications behave exactly as non-existent ones.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { call, expectError, expectOk, fullName } from './lib/api.mjs';

let server;
let a; // account 1 (dev), credentials.json
let b; // a second account
let appA; // {id, name} of an application of account A
let appA2;
before(async () => {
  server = await startServer();
  a = server.creds;
  const created = await server.coffer(['account', 'create'], ['--name', 'tenant-b', '--email', 'b@example.com']);
  assert.equal(typeof created.account_id, 'number');
  assert.notEqual(created.account_id, a.account_id);
  assert.equal(created.account_email, 'b@example.com');
  assert.match(created.private_key, /^-----BEGIN PRIVATE KEY-----/);
  b = created;
  const add = async (creds, short) => {
    const body = expectOk(await call(server, 'AddApplication', { application_name: short }, { creds }));
    return { id: body.application_id, name: body.application_name };
  };
  appA = await add(a, 'shared');
  appA2 = await add(a, 'only-a');
  await add(b, 'own-b');
});
after(async () => {
  await server?.stop();
});

const asB = (method, params) => call(server, method, params, { creds: b });
const listA = async () => expectOk(await call(server, 'GetApplications', { count: 1000 }, { creds: a })).result;

describe('tenant isolation', () => {
  test('the same short name may exist in both accounts', async () => {
    const body = expectOk(await asB('AddApplication', { application_name: 'shared' }));
    assert.equal(body.application_name, fullName('shared', 'tenant-b'));
    assert.notEqual(body.application_id, appA.id);
  });

  test('GetApplications shows only the caller\'s own applications', async () => {
    const mine = expectOk(await asB('GetApplications', { count: 1000 }));
    const names = mine.result.map((x) => x.application_name).sort();
    assert.deepEqual(names, [fullName('own-b', 'tenant-b'), fullName('shared', 'tenant-b')]);
    assert.equal(mine.total_count, 2);
    const byId = expectOk(await asB('GetApplications', { application_id: appA.id }));
    assert.deepEqual(byId.result, []);
    assert.equal(byId.total_count, 0);
    const byName = expectOk(await asB('GetApplications', { application_name: '.dev.' }));
    assert.deepEqual(byName.result, []);
    const ofA = (await listA()).map((x) => x.application_name);
    assert.ok(!ofA.some((n) => n.includes('tenant-b')));
  });

  test('SetApplicationInfo cannot reach another account\'s application', async () => {
    expectError(await asB('SetApplicationInfo', { application_id: appA.id, application_name: 'stolen' }), 116);
    expectError(await asB('SetApplicationInfo', { required_application_name: appA2.name, application_name: 'stolen' }), 558);
    expectError(await asB('SetApplicationInfo', { required_application_name: 'only-a', secure_record_storage: true }), 558);
    const mine = (await listA()).find((x) => x.application_id === appA2.id);
    assert.equal(mine.application_name, appA2.name);
    assert.equal(mine.secure_record_storage, false);
  });

  test('DelApplication cannot reach another account\'s application', async () => {
    expectError(await asB('DelApplication', { application_id: appA.id }), 116);
    expectError(await asB('DelApplication', { application_name: appA2.name }), 558);
    expectError(await asB('DelApplication', { application_name: 'only-a' }), 558);
    assert.deepEqual((await listA()).map((x) => x.application_id).filter((id) => id === appA.id || id === appA2.id), [appA.id, appA2.id]);
  });

  test('B cannot create an application in A\'s namespace', async () => {
    expectError(await asB('AddApplication', { application_name: fullName('intruder', 'dev') }), 107);
  });

  test('DelApplication all of B leaves A alone', async () => {
    const before = await listA();
    expectOk(await asB('DelApplication', { application_id: 'all' }));
    assert.deepEqual(expectOk(await asB('GetApplications', {})).result, []);
    assert.deepEqual(await listA(), before);
  });

  test('applications created with the operator CLI belong to the given account', async () => {
    const out = await server.coffer(['app', 'create'], ['--account', String(b.account_id), '--name', 'cli-app']);
    assert.deepEqual(Object.keys(out).sort(), ['application_id', 'application_name']);
    assert.equal(out.application_name, fullName('cli-app', 'tenant-b'));
    const mine = expectOk(await asB('GetApplications', { application_name: 'cli-app' }));
    assert.deepEqual(mine.result.map((x) => x.application_id), [out.application_id]);
    const theirs = expectOk(await call(server, 'GetApplications', { application_name: 'cli-app' }, { creds: a }));
    assert.deepEqual(theirs.result, []);
  });
});
