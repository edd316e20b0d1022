// SPEC 7.6: DelSecret — `;` lists of ids and names, `all`, the union of both lists, all-or-nothing
// 496 for unknown entries, malformed lists, a secret literally called `all`, and the documented
// order of its errors.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectError, expectOk } from './lib/api.mjs';
import {
  FORMS,
  MSG_NO_APP,
  MSG_NO_SECRET,
  addSecret,
  expectMissing,
  expectParamError,
  newApp,
  rawCall,
  sCall,
  secretIds,
  secretValue,
  suiteServer,
} from './lib/secrets.mjs';

let server;
let appCounter = 0;
suiteServer((s) => {
  server = s;
});

/** A new application holding secrets `names` (values `v-<name>`); returns {app, id: {name: id}}. */
async function fixture(names) {
  const app = await newApp(server, `del-${++appCounter}`);
  const id = {};
  for (const n of names) id[n] = await addSecret(server, app, n, `v-${n}`);
  return { app, id };
}

const del = (app, params, opts) => sCall(server, 'DelSecret', { application_id: app.id, ...params }, opts);

describe('deleting', () => {
  for (const form of FORMS) {
    test(`form ${form}: an id list "a;b" deletes both -> {"result":1}`, async () => {
      const { app, id } = await fixture(['a', 'b', 'c']);
      const body = expectOk(await del(app, { secret_id: `${id.a};${id.b}` }, { form }));
      assert.deepEqual(body, { result: 1 });
      assert.deepEqual(await secretIds(server, app), [id.c]);
    });
  }

  test('a single id', async () => {
    const { app, id } = await fixture(['a', 'b']);
    assert.deepEqual(expectOk(await del(app, { secret_id: id.b })), { result: 1 });
    assert.deepEqual(await secretIds(server, app), [id.a]);
  });

  test('a name list', async () => {
    const { app, id } = await fixture(['alpha', 'beta', 'gamma']);
    assert.deepEqual(expectOk(await del(app, { secret_name: 'alpha;gamma' })), { result: 1 });
    assert.deepEqual(await secretIds(server, app), [id.beta]);
  });

  test('names are matched case-sensitively', async () => {
    const { app, id } = await fixture(['Key', 'key']);
    expectOk(await del(app, { secret_name: 'key' }));
    assert.deepEqual(await secretIds(server, app), [id.Key]);
    expectParamError(await del(app, { secret_name: 'KEY' }), 496, 'secret_name');
    assert.deepEqual(await secretIds(server, app), [id.Key]);
  });

  test('both lists -> their union; overlaps and duplicates are ignored', async () => {
    const { app, id } = await fixture(['a', 'b', 'c', 'd', 'e']);
    expectOk(await del(app, { secret_id: `${id.a};${id.b};${id.a}`, secret_name: 'b;c;c' }));
    assert.deepEqual(await secretIds(server, app), [id.d, id.e]);
  });

  test('the documented sample: one id and one name', async () => {
    const { app, id } = await fixture(['api_key', 'other', 'keep']);
    const res = await rawCall(server, 'DelSecret', { query: `secret_id=${id.other}&secret_name=api_key&application_id=${app.id}` });
    assert.deepEqual(expectOk(res), { result: 1 });
    assert.deepEqual(await secretIds(server, app), [id.keep]);
  });

  test('a raw `;` in the query string separates list elements', async () => {
    const { app, id } = await fixture(['a', 'b', 'c']);
    const res = await rawCall(server, 'DelSecret', { query: `application_id=${app.id}&secret_id=${id.a};${id.c}` });
    assert.deepEqual(expectOk(res), { result: 1 });
    assert.deepEqual(await secretIds(server, app), [id.b]);
  });

  test('repeated secret_id / secret_name parameters are joined into one list', async () => {
    const { app, id } = await fixture(['a', 'b', 'c', 'd']);
    expectOk(
      await sCall(server, 'DelSecret', [
        ['application_id', app.id],
        ['secret_id', id.a],
        ['secret_id', id.b],
        ['secret_name', 'c'],
      ]),
    );
    assert.deepEqual(await secretIds(server, app), [id.d]);
  });

  test('a JSON body array of ids is a list', async () => {
    const { app, id } = await fixture(['a', 'b', 'c']);
    const res = await rawCall(server, 'DelSecret', {
      body: JSON.stringify({ application_id: app.id, secret_id: [id.a, id.c] }),
      contentType: 'application/json',
    });
    assert.deepEqual(expectOk(res), { result: 1 });
    assert.deepEqual(await secretIds(server, app), [id.b]);
  });

  test('secret_id=all deletes every secret of the application, and only of it', async () => {
    const { app } = await fixture(['a', 'b', 'c']);
    const { app: keep, id: kept } = await fixture(['a', 'b']);
    assert.deepEqual(expectOk(await del(app, { secret_id: 'all' })), { result: 1 });
    assert.deepEqual(await secretIds(server, app), []);
    assert.deepEqual(await secretIds(server, keep), [kept.a, kept.b]);
  });

  test('secret_id=all on an application without secrets succeeds', async () => {
    const { app } = await fixture([]);
    assert.deepEqual(expectOk(await del(app, { secret_id: 'all' })), { result: 1 });
    assert.deepEqual(expectOk(await del(app, { secret_id: 'all' })), { result: 1 });
  });

  test('secret_id=all together with a name list: still everything', async () => {
    const { app } = await fixture(['a', 'b']);
    expectOk(await del(app, { secret_id: 'all', secret_name: 'a' }));
    assert.deepEqual(await secretIds(server, app), []);
  });

  test('secret_name=all means the secret called "all", not every secret', async () => {
    const { app, id } = await fixture(['all', 'other']);
    assert.deepEqual(expectOk(await del(app, { secret_name: 'all' })), { result: 1 });
    assert.deepEqual(await secretIds(server, app), [id.other]);
  });

  test('secret_name=all without such a secret -> 496 secret_name, nothing deleted', async () => {
    const { app, id } = await fixture(['x', 'y']);
    expectParamError(await del(app, { secret_name: 'all' }), 496, 'secret_name');
    assert.deepEqual(await secretIds(server, app), [id.x, id.y]);
  });

  test('deleted secrets are gone for every method', async () => {
    const { app, id } = await fixture(['gone']);
    expectOk(await del(app, { secret_id: id.gone }));
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: id.gone }), 496, 'secret_id');
    expectParamError(await sCall(server, 'SetSecretInfo', { application_id: app.id, secret_id: id.gone, secret_value: 'x' }), 496, 'secret_id');
    expectParamError(await del(app, { secret_id: id.gone }), 496, 'secret_id');
    const again = await addSecret(server, app, 'gone', 'new');
    assert.ok(again > id.gone, 'the name is free, the id is not reused');
    assert.equal((await secretValue(server, app, { secret_name: 'gone' })).secret_value, 'new');
  });
});

describe('all or nothing', () => {
  test('one unknown id among known ones -> 496 secret_id, nothing deleted', async () => {
    const { app, id } = await fixture(['a', 'b']);
    expectParamError(await del(app, { secret_id: `${id.a};987654;${id.b}` }), 496, 'secret_id');
    assert.deepEqual(await secretIds(server, app), [id.a, id.b]);
  });

  test('one unknown name among known ones -> 496 secret_name, nothing deleted', async () => {
    const { app, id } = await fixture(['a', 'b']);
    expectParamError(await del(app, { secret_name: 'a;nope;b' }), 496, 'secret_name');
    assert.deepEqual(await secretIds(server, app), [id.a, id.b]);
  });

  test('known ids but an unknown name in the other list -> 496 secret_name, nothing deleted', async () => {
    const { app, id } = await fixture(['a', 'b', 'c']);
    expectParamError(await del(app, { secret_id: `${id.a};${id.b}`, secret_name: 'c;missing' }), 496, 'secret_name');
    assert.deepEqual(await secretIds(server, app), [id.a, id.b, id.c]);
  });

  test('unknown id with known names -> 496 secret_id, nothing deleted', async () => {
    const { app, id } = await fixture(['a', 'b']);
    expectParamError(await del(app, { secret_id: '987654', secret_name: 'a;b' }), 496, 'secret_id');
    assert.deepEqual(await secretIds(server, app), [id.a, id.b]);
  });

  test("a secret of another application of the same account is unknown here", async () => {
    const { app, id } = await fixture(['a']);
    const { app: other, id: otherId } = await fixture(['a', 'b']);
    expectParamError(await del(app, { secret_id: `${id.a};${otherId.b}` }), 496, 'secret_id');
    expectParamError(await del(app, { secret_name: 'a;b' }), 496, 'secret_name');
    assert.deepEqual(await secretIds(server, app), [id.a]);
    assert.deepEqual(await secretIds(server, other), [otherId.a, otherId.b]);
  });
});

describe('malformed lists -> 496', () => {
  let app;
  let id;
  before(async () => {
    ({ app, id } = await fixture(['a', 'b']));
  });

  test('secret_id: `any`, other words, empty elements, non-ids, `all` mixed or in another case', async () => {
    const bad = ['any', 'ALL', 'All', 'all;1', `all;${id.a}`, `${id.a};all`, 'abc', `${id.a};;${id.b}`, `;${id.a}`,
      `${id.a};`, ';', '0', '-1', '1.5', `${id.a},${id.b}`, `${id.a}; ${id.b}`, '99999999999999999999', ' all'];
    for (const list of bad) {
      expectParamError(await del(app, { secret_id: list }), 496, 'secret_id');
    }
    assert.deepEqual(await secretIds(server, app), [id.a, id.b]);
  });

  test('secret_name: an element that is not a valid name, or empty', async () => {
    for (const list of ['1bad', 'a;1bad', 'a;;b', ';a', 'a;', ';', 'a b', 'a,b', `a;${'n'.repeat(65)}`, 'Я']) {
      expectParamError(await del(app, { secret_name: list }), 496, 'secret_name');
    }
    assert.deepEqual(await secretIds(server, app), [id.a, id.b]);
  });

  test('a secret_name list element that is not valid UTF-8 -> 496 secret_name', async () => {
    const res = await rawCall(server, 'DelSecret', { query: `application_id=${app.id}&secret_name=a%3Bb%FF` });
    expectParamError(res, 496, 'secret_name');
    assert.deepEqual(await secretIds(server, app), [id.a, id.b]);
  });
});

describe('errors in the documented order', () => {
  let app;
  let id;
  before(async () => {
    ({ app, id } = await fixture(['a']));
  });

  test('application first: 485 / 116 / 558 before the lists are looked at', async () => {
    expectMissing(await sCall(server, 'DelSecret', { secret_id: 'all' }), MSG_NO_APP);
    expectMissing(await sCall(server, 'DelSecret', { secret_id: 'any' }), MSG_NO_APP);
    expectError(await sCall(server, 'DelSecret', { application_id: 987654, secret_id: 'all' }), 116);
    expectError(await sCall(server, 'DelSecret', { application_id: 'x', secret_id: 'all' }), 116);
    expectError(await sCall(server, 'DelSecret', { application_name: 'del-none', secret_id: 'all' }), 558);
    assert.deepEqual(await secretIds(server, app), [id.a]);
  });

  test('neither list -> 485 with the exact message', async () => {
    expectMissing(await del(app, {}), MSG_NO_SECRET);
    expectMissing(await del(app, { secret_id: '', secret_name: '' }), MSG_NO_SECRET);
  });

  test('malformed lists before missing secrets; secret_id before secret_name', async () => {
    // secret_id well-formed but unknown; secret_name malformed -> the malformed list is reported
    expectParamError(await del(app, { secret_id: '987654', secret_name: '1bad' }), 496, 'secret_name');
    // both malformed -> secret_id
    expectParamError(await del(app, { secret_id: 'any', secret_name: '1bad' }), 496, 'secret_id');
    // secret_id malformed, names unknown
    expectParamError(await del(app, { secret_id: 'any', secret_name: 'zzz' }), 496, 'secret_id');
    // both well-formed, both unknown -> secret_id (the list checked first)
    expectParamError(await del(app, { secret_id: '987654', secret_name: 'zzz' }), 496, 'secret_id');
    assert.deepEqual(await secretIds(server, app), [id.a]);
  });
});
