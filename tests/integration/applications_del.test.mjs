// SPEC 8.4 DelApplication: id and name lists, all, union, all-or-nothing; ids never reused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, request } from './lib/harness.mjs';
import { bearer } from './lib/jwt.mjs';
import { call, expectError, expectOk, fullName, newAccount } from './lib/api.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** A fresh account with applications `shorts`; returns {acct, ids, del, list, create}. */
async function fixture(accountName, shorts) {
  const acct = await newAccount(server, accountName);
  const create = async (short) =>
    expectOk(await call(server, 'AddApplication', { application_name: short }, { creds: acct })).application_id;
  const ids = [];
  for (const s of shorts) ids.push(await create(s));
  const del = (params, opts = {}) => call(server, 'DelApplication', params, { creds: acct, ...opts });
  const list = async () =>
    expectOk(await call(server, 'GetApplications', { count: 1000 }, { creds: acct })).result.map((a) => a.application_id);
  return { acct, ids, del, list, create };
}

describe('DelApplication success', () => {
  test('one id', async () => {
    const f = await fixture('del-one', ['a1', 'a2']);
    assert.deepEqual(expectOk(await f.del({ application_id: f.ids[0] })), { result: 1 });
    assert.deepEqual(await f.list(), [f.ids[1]]);
  });

  test('an id list joined with ; (raw and %3B)', async () => {
    const f = await fixture('del-list', ['b1', 'b2', 'b3', 'b4', 'b5']);
    const raw = await request(server, {
      method: 'GET',
      path: `/platform_api/DelApplication?application_id=${f.ids[0]};${f.ids[1]}`,
      headers: { Authorization: bearer(f.acct) },
    });
    assert.deepEqual(expectOk(raw), { result: 1 });
    assert.deepEqual(await f.list(), f.ids.slice(2));
    expectOk(await f.del({ application_id: `${f.ids[2]};${f.ids[3]}` })); // urlencoded as %3B
    assert.deepEqual(await f.list(), [f.ids[4]]);
  });

  test('repeated application_id parameters are joined', async () => {
    const f = await fixture('del-rep', ['c1', 'c2', 'c3']);
    expectOk(await f.del([['application_id', f.ids[0]], ['application_id', f.ids[2]]]));
    assert.deepEqual(await f.list(), [f.ids[1]]);
  });

  test('all deletes every application of the account', async () => {
    const f = await fixture('del-all', ['d1', 'd2', 'd3']);
    const bystander = await fixture('del-all-b', ['d1']);
    expectOk(await f.del({ application_id: 'all' }));
    assert.deepEqual(await f.list(), []);
    assert.deepEqual(await bystander.list(), bystander.ids);
    expectOk(await f.del({ application_id: 'all' })); // nothing left: still fine
  });

  test('names, short or full, any case, as a list', async () => {
    const f = await fixture('del-names', ['e1', 'e2', 'e3', 'e4']);
    expectOk(await f.del({ application_name: `e1;${fullName('e2', 'del-names')}` }));
    assert.deepEqual(await f.list(), f.ids.slice(2));
    expectOk(await f.del({ application_name: 'E3' }));
    assert.deepEqual(await f.list(), [f.ids[3]]);
    expectOk(await f.del([['application_name', fullName('e4', 'del-names').toUpperCase()]]));
    assert.deepEqual(await f.list(), []);
  });

  test('ids and names together: the union', async () => {
    const f = await fixture('del-union', ['f1', 'f2', 'f3', 'f4']);
    expectOk(await f.del({ application_id: f.ids[0], application_name: 'f2;f3' }));
    assert.deepEqual(await f.list(), [f.ids[3]]);
  });

  test('an application named by both id and name is deleted once, fine', async () => {
    const f = await fixture('del-overlap', ['g1', 'g2']);
    expectOk(await f.del({ application_id: f.ids[0], application_name: 'g1' }));
    assert.deepEqual(await f.list(), [f.ids[1]]);
  });

  test('an empty member is absent (Go sends both)', async () => {
    const f = await fixture('del-go', ['h1', 'h2']);
    expectOk(await f.del({ application_id: '', application_name: 'h1' }));
    expectOk(await f.del({ application_id: f.ids[1], application_name: '' }));
    assert.deepEqual(await f.list(), []);
  });

  test('the multipart form of the Node client works', async () => {
    const f = await fixture('del-mp', ['i1', 'i2']);
    expectOk(await f.del({ application_id: `${f.ids[0]};${f.ids[1]}` }, { form: 'multipart' }));
    assert.deepEqual(await f.list(), []);
  });
});

describe('DelApplication errors (nothing deleted)', () => {
  test('neither list -> 485', async () => {
    const f = await fixture('del-none', ['j1']);
    expectError(await f.del({}), 485);
    expectError(await f.del({ application_id: '', application_name: '' }), 485);
    assert.deepEqual(await f.list(), f.ids);
  });

  test('any unknown id -> 116, all or nothing', async () => {
    const f = await fixture('del-unk', ['k1', 'k2']);
    const missing = f.ids[1] + 100000;
    expectError(await f.del({ application_id: `${f.ids[0]};${missing}` }), 116);
    expectError(await f.del({ application_id: `${missing};${f.ids[0]}` }), 116);
    expectError(await f.del([['application_id', f.ids[0]], ['application_id', missing]]), 116);
    assert.deepEqual(await f.list(), f.ids);
  });

  test('malformed id lists -> 116', async () => {
    const f = await fixture('del-bad', ['l1', 'l2']);
    const [a, b] = f.ids;
    for (const v of ['abc', `${a};;${b}`, `${a};`, `;${a}`, '1.5', '-1', 'ALL', 'any', `all;${a}`, `${a},${b}`, ' 1']) {
      expectError(await f.del({ application_id: v }), 116);
    }
    assert.deepEqual(await f.list(), f.ids);
  });

  test('any unknown name -> 558, all or nothing', async () => {
    const f = await fixture('del-unkname', ['m1', 'm2']);
    expectError(await f.del({ application_name: 'm1;nope' }), 558);
    expectError(await f.del({ application_name: fullName('m1', 'other') }), 558);
    expectError(await f.del({ application_id: f.ids[0], application_name: 'nope' }), 558);
    assert.deepEqual(await f.list(), f.ids);
  });

  test('an empty element in a name list is malformed -> 496', async () => {
    const f = await fixture('del-emptyname', ['n1', 'n2']);
    expectError(await f.del({ application_name: 'n1;;n2' }), 496);
    expectError(await f.del({ application_name: 'n1;' }), 496);
    assert.deepEqual(await f.list(), f.ids);
  });

  test('invalid UTF-8 in a name -> 496', async () => {
    const f = await fixture('del-utf', ['o1']);
    const res = await request(server, {
      method: 'GET',
      path: '/platform_api/DelApplication?application_name=o1%3B%FF',
      headers: { Authorization: bearer(f.acct) },
    });
    expectError(res, 496);
    assert.deepEqual(await f.list(), f.ids);
  });

  test('a deleted application is gone for every method', async () => {
    const f = await fixture('del-gone', ['p1']);
    expectOk(await f.del({ application_id: f.ids[0] }));
    expectError(await f.del({ application_id: f.ids[0] }), 116);
    expectError(await f.del({ application_name: 'p1' }), 558);
    expectError(await call(server, 'SetApplicationInfo', { application_id: f.ids[0], application_name: 'p2' }, { creds: f.acct }), 116);
    const got = expectOk(await call(server, 'GetApplications', { application_id: f.ids[0] }, { creds: f.acct }));
    assert.deepEqual(got.result, []);
  });
});

describe('ids are never reused', () => {
  test('after deleting the newest application, and after all', async () => {
    const f = await fixture('del-reuse', ['q1', 'q2']);
    const highest = f.ids[1];
    expectOk(await f.del({ application_id: highest }));
    const next = await f.create('q3');
    assert.ok(next > highest, `new id ${next} must exceed deleted ${highest}`);
    expectOk(await f.del({ application_id: 'all' }));
    const again = await f.create('q1');
    assert.ok(again > next, `new id ${again} must exceed deleted ${next}`);
  });

  test('a deleted name can be used again, with a new id', async () => {
    const f = await fixture('del-rename', ['r1']);
    expectOk(await f.del({ application_name: 'r1' }));
    const id = await f.create('r1');
    assert.ok(id > f.ids[0]);
  });
});
