// SPEC 8.2 GetApplications: paging, filters, totals and parameter errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { call, expectError, expectOk, fullName, newAccount } from './lib/api.mjs';

const N = 25;
let server;
let acct;
const apps = []; // {id, name}, in creation order
before(async () => {
  server = await startServer();
  acct = await newAccount(server, 'lister');
  for (let i = 1; i <= N; i += 1) {
    const short = `n${String(i).padStart(2, '0')}`;
    const body = expectOk(await call(server, 'AddApplication', { application_name: short, secure_record_storage: i % 2 === 0 }, { creds: acct }));
    apps.push({ id: body.application_id, name: fullName(short, 'lister'), srs: i % 2 === 0 });
  }
});
after(async () => {
  await server?.stop();
});

const get = (params, opts = {}) => call(server, 'GetApplications', params, { creds: acct, ...opts });
const ids = (body) => body.result.map((a) => a.application_id);

describe('paging', () => {
  test('defaults: 20 items from offset 0, ascending ids, totals', async () => {
    const body = expectOk(await get({}));
    assert.deepEqual(ids(body), apps.slice(0, 20).map((a) => a.id));
    assert.equal(body.count, 20);
    assert.equal(body.total_count, N);
  });

  test('items have exactly the documented members', async () => {
    const body = expectOk(await get({ count: N }));
    const now = Date.now();
    body.result.forEach((item, i) => {
      assert.deepEqual(Object.keys(item).sort(), ['application_id', 'application_name', 'modified', 'secure_record_storage']);
      assert.equal(item.application_id, apps[i].id);
      assert.equal(item.application_name, apps[i].name);
      assert.equal(item.secure_record_storage, apps[i].srs);
      assert.match(item.modified, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const t = Date.parse(`${item.modified.replace(' ', 'T')}Z`);
      assert.ok(Math.abs(now - t) < 120000, `modified ${item.modified} is UTC and recent`);
    });
  });

  test('count and offset', async () => {
    let body = expectOk(await get({ count: 5, offset: 3 }));
    assert.deepEqual(ids(body), apps.slice(3, 8).map((a) => a.id));
    assert.equal(body.count, 5);
    assert.equal(body.total_count, N);
    body = expectOk(await get({ offset: 24 }));
    assert.deepEqual(ids(body), [apps[24].id]);
    assert.equal(body.count, 1);
    for (const offset of [25, 1000]) {
      body = expectOk(await get({ offset }));
      assert.deepEqual(body.result, []);
      assert.equal(body.count, 0);
      assert.equal(body.total_count, N);
    }
    body = expectOk(await get({ count: 1000 }));
    assert.equal(body.result.length, N);
    body = expectOk(await get({ count: 1 }));
    assert.deepEqual(ids(body), [apps[0].id]);
  });

  test('empty count and offset are absent', async () => {
    const body = expectOk(await get({ count: '', offset: '' }));
    assert.equal(body.count, 20);
  });

  test('out of range -> 497; not an integer -> 496', async () => {
    for (const count of [0, -1, 1001, 1000000]) expectError(await get({ count }), 497);
    expectError(await get({ offset: -1 }), 497);
    for (const count of ['abc', '1.5', '5x', '+5', ' 5', '99999999999999999999']) expectError(await get({ count }), 496);
    for (const offset of ['abc', '0.5', '1e3']) expectError(await get({ offset }), 496);
  });

  test('a fresh account has no applications', async () => {
    const fresh = await newAccount(server, 'lister-empty');
    const body = expectOk(await call(server, 'GetApplications', {}, { creds: fresh }));
    assert.deepEqual(body.result, []);
    assert.equal(body.count, 0);
    assert.equal(body.total_count, 0);
  });
});

describe('filters', () => {
  test('application_id is an exact filter; unknown -> empty, not an error', async () => {
    let body = expectOk(await get({ application_id: apps[4].id }));
    assert.deepEqual(ids(body), [apps[4].id]);
    assert.equal(body.total_count, 1);
    body = expectOk(await get({ application_id: apps[N - 1].id + 1000 }));
    assert.deepEqual(body.result, []);
    assert.equal(body.total_count, 0);
    assert.equal(body.count, 0);
  });

  test('application_id=0 or empty is absent', async () => {
    assert.equal(expectOk(await get({ application_id: 0 })).total_count, N);
    assert.equal(expectOk(await get({ application_id: '' })).total_count, N);
  });

  test('a malformed application_id -> 116', async () => {
    for (const id of ['abc', '1;2', '1.0', '-x']) expectError(await get({ application_id: id }), 116);
  });

  test('application_name keeps full names containing it, ignoring case', async () => {
    let body = expectOk(await get({ application_name: 'N1' }));
    const tens = apps.filter((a) => /^n1\d\./.test(a.name)).map((a) => a.id);
    assert.equal(tens.length, 10);
    assert.deepEqual(ids(body), tens);
    assert.equal(body.total_count, 10);
    body = expectOk(await get({ application_name: 'n1', count: 3, offset: 2 }));
    assert.deepEqual(ids(body), tens.slice(2, 5));
    assert.equal(body.total_count, 10);
    assert.equal(body.count, 3);
    body = expectOk(await get({ application_name: 'LISTER.VOXIMPLANT' }));
    assert.equal(body.total_count, N);
    body = expectOk(await get({ application_name: apps[6].name }));
    assert.deepEqual(ids(body), [apps[6].id]);
    body = expectOk(await get({ application_name: 'no-such-thing' }));
    assert.deepEqual(body.result, []);
    assert.equal(body.total_count, 0);
  });

  test('both filters apply together', async () => {
    assert.deepEqual(ids(expectOk(await get({ application_id: apps[11].id, application_name: 'n12' }))), [apps[11].id]);
    assert.deepEqual(expectOk(await get({ application_id: apps[11].id, application_name: 'n13' })).result, []);
  });

  test('with_rules and with_scenarios are accepted and change nothing', async () => {
    const plain = expectOk(await get({ count: 7 }));
    const withBoth = expectOk(await get({ count: 7, with_rules: true, with_scenarios: 'false' }));
    assert.deepEqual(withBoth, plain);
  });
});
