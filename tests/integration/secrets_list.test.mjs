// SPEC 7.3: GetSecrets — list items without values, ordered by secret_id, paging with count
// (default 20, 1..1000) and offset, count/total_count, and secret_name_part as a case-insensitive
// literal substring in which `_` and `%` are ordinary characters.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectError, expectOk } from './lib/api.mjs';
import {
  FORMS,
  MSG_NO_APP,
  addSecret,
  expectMissing,
  expectParamError,
  listSecrets,
  newApp,
  rawCall,
  sCall,
  secretValue,
  suiteServer,
} from './lib/secrets.mjs';

let server;
suiteServer((s) => {
  server = s;
});

/** Adds `names` in order (concurrency 8); returns their ids in the same order. */
async function addMany(app, names, valueOf = (n) => `value-${n}`) {
  const ids = new Array(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      ids[i] = await addSecret(server, app, names[i], valueOf(names[i]));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

const idsOf = (body) => body.result.map((s) => s.secret_id);
const namesOf = (body) => body.result.map((s) => s.secret_name);

describe('shape and order', () => {
  let app;
  let ids;
  before(async () => {
    app = await newApp(server, 'list-shape');
    // Names deliberately not in id order alphabetically.
    ids = [];
    ids.push(await addSecret(server, app, 'zeta', 'z-value', { description: 'last letter' }));
    ids.push(await addSecret(server, app, 'Alpha', 'a-value'));
    ids.push(await addSecret(server, app, 'mid_one', 'm-value', { description: 'Средний' }));
  });

  for (const form of FORMS) {
    test(`form ${form}: exact list items, no values, ordered by secret_id`, async () => {
      const body = await listSecrets(server, app, {}, { form });
      assert.equal(body.count, 3);
      assert.equal(body.total_count, 3);
      const [z, a, m] = body.result;
      assert.deepEqual(body.result, [
        { secret_id: ids[0], secret_name: 'zeta', description: 'last letter', created: z.created, modified: z.created },
        { secret_id: ids[1], secret_name: 'Alpha', created: a.created, modified: a.created },
        { secret_id: ids[2], secret_name: 'mid_one', description: 'Средний', created: m.created, modified: m.created },
      ]);
    });
  }

  test('the listing never contains a value', async () => {
    const res = await sCall(server, 'GetSecrets', { application_id: app.id });
    expectOk(res);
    for (const v of ['z-value', 'a-value', 'm-value']) assert.ok(!res.text.includes(v), `value ${v} listed`);
    assert.ok(!res.text.includes('secret_value'));
  });

  test('by application_name, full or short, any case', async () => {
    for (const name of [app.name, app.short, app.name.toUpperCase(), 'List-Shape']) {
      const body = expectOk(await sCall(server, 'GetSecrets', { application_name: name }));
      assert.deepEqual(idsOf(body), ids, name);
      assert.equal(body.total_count, 3);
    }
  });

  test('an application without secrets -> empty result, count 0, total_count 0', async () => {
    const empty = await newApp(server, 'list-empty');
    const body = await listSecrets(server, empty);
    assert.deepEqual(body, { result: [], count: 0, total_count: 0 });
  });
});

describe('paging', () => {
  let app;
  let ids;
  before(async () => {
    app = await newApp(server, 'list-paging');
    ids = await addMany(app, Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, '0')}`));
    ids.sort((x, y) => x - y);
  });

  test('default count is 20', async () => {
    const body = await listSecrets(server, app);
    assert.equal(body.count, 20);
    assert.equal(body.total_count, 25);
    assert.deepEqual(idsOf(body), ids.slice(0, 20));
  });

  test('offset 20 with the default count -> the remaining 5', async () => {
    const body = await listSecrets(server, app, { offset: 20 });
    assert.equal(body.count, 5);
    assert.equal(body.total_count, 25);
    assert.deepEqual(idsOf(body), ids.slice(20));
  });

  test('count and offset select a window of the id order', async () => {
    const body = await listSecrets(server, app, { count: 7, offset: 3 });
    assert.deepEqual(idsOf(body), ids.slice(3, 10));
    assert.equal(body.count, 7);
    assert.equal(body.total_count, 25);
    const one = await listSecrets(server, app, { count: 1, offset: 24 });
    assert.deepEqual(idsOf(one), [ids[24]]);
  });

  test('walking pages of 6 visits every secret once, in order', async () => {
    const seen = [];
    for (let offset = 0; offset < 25; offset += 6) {
      const body = await listSecrets(server, app, { count: 6, offset });
      assert.equal(body.total_count, 25);
      seen.push(...idsOf(body));
    }
    assert.deepEqual(seen, ids);
  });

  test('offset at or past the end -> empty page, total_count still 25', async () => {
    for (const offset of [25, 26, 1000, '9223372036854775807']) {
      const body = await listSecrets(server, app, { offset });
      assert.deepEqual(body, { result: [], count: 0, total_count: 25 }, `offset ${offset}`);
    }
  });

  test('offset 0 and count 1000 are accepted', async () => {
    const body = await listSecrets(server, app, { offset: 0, count: 1000 });
    assert.deepEqual(idsOf(body), ids);
    assert.equal(body.count, 25);
  });

  test('empty count/offset are absent (defaults)', async () => {
    const body = expectOk(await sCall(server, 'GetSecrets', { application_id: app.id, count: '', offset: '' }));
    assert.deepEqual(idsOf(body), ids.slice(0, 20));
  });
});

describe('count range', () => {
  let app;
  before(async () => {
    app = await newApp(server, 'list-range');
  });

  test('count outside 1..1000 -> 497 count', async () => {
    for (const count of [0, -1, 1001, 5000, '-9223372036854775808', '9223372036854775807']) {
      const err = expectParamError(await sCall(server, 'GetSecrets', { application_id: app.id, count }), 497, 'count');
      assert.equal(err.msg, 'count should be in range of 1..1000', `count ${count}`);
    }
  });

  test('count that is not an integer -> 496 count', async () => {
    for (const count of ['abc', '1.5', '+5', ' 5', '5 ', '1e3', '0x10', '99999999999999999999', '--1']) {
      expectParamError(await sCall(server, 'GetSecrets', { application_id: app.id, count }), 496, 'count');
    }
  });

  test('negative offset -> 497 offset; a malformed one -> 496 offset', async () => {
    expectParamError(await sCall(server, 'GetSecrets', { application_id: app.id, offset: -1 }), 497, 'offset');
    for (const offset of ['x', '1.0', '+1']) {
      expectParamError(await sCall(server, 'GetSecrets', { application_id: app.id, offset }), 496, 'offset');
    }
  });

  test('count is checked before offset', async () => {
    expectParamError(await sCall(server, 'GetSecrets', { application_id: app.id, count: 0, offset: -1 }), 497, 'count');
    expectParamError(await sCall(server, 'GetSecrets', { application_id: app.id, count: 'x', offset: 'y' }), 496, 'count');
    expectParamError(await sCall(server, 'GetSecrets', { application_id: app.id, count: 5, offset: 'y' }), 496, 'offset');
  });

  test('the application is checked before count and offset', async () => {
    expectMissing(await sCall(server, 'GetSecrets', { count: 0 }), MSG_NO_APP);
    expectError(await sCall(server, 'GetSecrets', { application_id: 987654, count: 0 }), 116);
    expectError(await sCall(server, 'GetSecrets', { application_name: 'nope', offset: -1 }), 558);
  });

  test('count 1000 is the largest page: 1001 secrets -> 1000 listed, total_count 1001', async () => {
    const big = await newApp(server, 'list-big');
    const ids = await addMany(big, Array.from({ length: 1001 }, (_, i) => `big_${i}`), () => 'v');
    ids.sort((x, y) => x - y);
    const page = await listSecrets(server, big, { count: 1000 });
    assert.equal(page.count, 1000);
    assert.equal(page.total_count, 1001);
    assert.deepEqual(idsOf(page), ids.slice(0, 1000));
    const rest = await listSecrets(server, big, { count: 1000, offset: 1000 });
    assert.deepEqual(idsOf(rest), [ids[1000]]);
    expectParamError(await sCall(server, 'GetSecrets', { application_id: big.id, count: 1001 }), 497, 'count');
  });
});

describe('secret_name_part', () => {
  let app;
  const names = ['ab_cd', 'abXcd', 'apiKeyProd', 'API_KEY_TEST', 'dbPassword', 'key', 'Key', 'monkey2', 'x_y_z', 'pct'];
  let byName;
  before(async () => {
    app = await newApp(server, 'list-part');
    const ids = [];
    for (const n of names) ids.push(await addSecret(server, app, n, `v-${n}`));
    byName = Object.fromEntries(names.map((n, i) => [n, ids[i]]));
  });

  const expectNames = async (part, want, params = {}) => {
    const body = await listSecrets(server, app, { secret_name_part: part, ...params });
    assert.deepEqual(namesOf(body), want, `part ${JSON.stringify(part)}`);
    return body;
  };

  test('a case-insensitive substring anywhere in the name', async () => {
    await expectNames('key', ['apiKeyProd', 'API_KEY_TEST', 'key', 'Key', 'monkey2']);
    await expectNames('KEY', ['apiKeyProd', 'API_KEY_TEST', 'key', 'Key', 'monkey2']);
    await expectNames('kEy', ['apiKeyProd', 'API_KEY_TEST', 'key', 'Key', 'monkey2']);
    await expectNames('PROD', ['apiKeyProd']);
    await expectNames('password', ['dbPassword']);
    await expectNames('2', ['monkey2']);
    await expectNames('apikeyprod', ['apiKeyProd']);
  });

  test('`_` is a literal underscore, not a one-character wildcard', async () => {
    await expectNames('b_c', ['ab_cd']);
    await expectNames('_', ['ab_cd', 'API_KEY_TEST', 'x_y_z']);
    await expectNames('x_y', ['x_y_z']);
    await expectNames('i_k', ['API_KEY_TEST']);
  });

  test('`%` and other pattern characters are literal and match nothing here', async () => {
    for (const part of ['%', 'a%d', '%key%', '*', 'a.c', '.*', '[a]', '^api', 'Prod$', '\\', "'", '"']) {
      const body = await listSecrets(server, app, { secret_name_part: part });
      assert.deepEqual(body, { result: [], count: 0, total_count: 0 }, `part ${part}`);
    }
  });

  test('no match is not an error', async () => {
    const body = await listSecrets(server, app, { secret_name_part: 'nothing_like_this' });
    assert.deepEqual(body, { result: [], count: 0, total_count: 0 });
    const cyr = await listSecrets(server, app, { secret_name_part: 'ключ' });
    assert.deepEqual(cyr, { result: [], count: 0, total_count: 0 });
  });

  test('the whole name matches itself; a longer part matches nothing', async () => {
    await expectNames('dbPassword', ['dbPassword']);
    await expectNames('dbPassword1', []);
  });

  test('an empty part is absent: everything is listed', async () => {
    await expectNames('', names);
  });

  test('filter then page: total_count counts the matches before paging', async () => {
    const body = await listSecrets(server, app, { secret_name_part: 'key', count: 2, offset: 1 });
    assert.deepEqual(namesOf(body), ['API_KEY_TEST', 'key']);
    assert.equal(body.count, 2);
    assert.equal(body.total_count, 5);
    const past = await listSecrets(server, app, { secret_name_part: 'key', offset: 5 });
    assert.deepEqual(past, { result: [], count: 0, total_count: 5 });
  });

  test('works in every request form', async () => {
    for (const form of FORMS) {
      const body = expectOk(
        await sCall(server, 'GetSecrets', { application_id: app.id, secret_name_part: 'B_c' }, { form }),
      );
      assert.deepEqual(idsOf(body), [byName.ab_cd], form);
    }
  });

  test('a part that is not valid UTF-8 -> 496 secret_name_part', async () => {
    const res = await rawCall(server, 'GetSecrets', { query: `application_id=${app.id}&secret_name_part=%C3%28` });
    expectParamError(res, 496, 'secret_name_part');
  });

  test('the listed values stay readable (the filter touches only names)', async () => {
    assert.equal((await secretValue(server, app, { secret_id: byName.pct })).secret_value, 'v-pct');
  });
});
