// SPEC 6.1, 6.5, 6.6: listing order by UTF-8 bytes, literal case-sensitive prefix matching (no
// wildcard a key could inject), count (default 10, at most 50) and offset paging, expired items
// left out of pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { expectOk } from './lib/api.mjs';
import { byUtf8, closeKvAgent, createApp, kvCall, listAll } from './lib/kv.mjs';

let server;
let app; // holds KEYS
let pages; // holds the paging keys
before(async () => {
  server = await startServer();
  app = await createApp(server, 'kv-list');
  pages = await createApp(server, 'kv-pages');
  for (const key of KEYS) {
    expectOk(await kvCall(server, 'SetKeyValueItem', { application_id: app.id, key, value: `v=${key}` }));
  }
  // Already expired (ttl=0): must never show up, nor shift a page.
  for (const key of ['test:0', 'яа', 'a_a', '+0']) {
    expectOk(await kvCall(server, 'SetKeyValueItem', { application_id: app.id, key, value: 'gone', ttl: 0 }));
  }
  for (let i = 0; i < 25; i++) {
    const key = `p:${String(i).padStart(2, '0')}`;
    expectOk(await kvCall(server, 'SetKeyValueItem', { application_id: pages.id, key, value: `page ${i}` }));
    if (i % 6 === 5) {
      expectOk(await kvCall(server, 'SetKeyValueItem', { application_id: pages.id, key: `${key}x`, value: 'gone', ttl: 0 }));
    }
  }
  expectOk(await kvCall(server, 'SetKeyValueItem', { application_id: pages.id, key: 'q', value: 'other' }));
});
after(async () => {
  if (server) closeKvAgent(server);
  await server?.stop();
});

const KEYS = [
  'z', 'a', 'b', 'A', 'Z', '_', '#', '+', '-', '.', '0', '9', ':', ';',
  'ё', 'Ё', 'я', 'а', 'А', 'Я',
  'test', 'test:1', 'testing', 'tes', 'tesu', 'TEST', 'atest', 'test:2', 'test:10',
  'a_b', 'axb', 'aXb', 'a+b', 'a++', 'я1', 'яя', 'ключ:1', 'ключ:2', 'ключи', 'ключ',
];

/** The expected order, spelled out (UTF-8 byte order; code-point order for these keys). */
const ORDER = [
  '#', '+', '-', '.', '0', '9', ':', ';', 'A', 'TEST', 'Z', '_', 'a', 'a++', 'a+b', 'aXb', 'a_b',
  'atest', 'axb', 'b', 'tes', 'test', 'test:1', 'test:10', 'test:2', 'testing', 'tesu', 'z',
  'Ё', 'А', 'Я', 'а', 'ключ', 'ключ:1', 'ключ:2', 'ключи', 'я', 'я1', 'яя', 'ё',
];

const items = (params, form) => kvCall(server, 'GetKeyValueItems', { application_id: app.id, ...params }, { form });
const keysOf = (params, form) => kvCall(server, 'GetKeyValueKeys', { application_id: app.id, ...params }, { form });

describe('order (SPEC 6.1): ascending by UTF-8 bytes', () => {
  test('the spelled-out order is the byte order', () => {
    assert.deepEqual([...KEYS].sort(byUtf8), ORDER);
    assert.equal(ORDER.length, KEYS.length);
  });

  test('GetKeyValueKeys without a pattern lists every live key in byte order', async () => {
    const all = await listAll(server, 'GetKeyValueKeys', { application_id: app.id });
    assert.deepEqual(all.map((e) => e.key), ORDER);
    const first = expectOk(await keysOf({ count: 50 }, 'json'));
    assert.deepEqual(first.result.map((e) => e.key), ORDER);
  });

  test('GetKeyValueItems lists items (with values) in the same order', async () => {
    // Every key starts with some character; list each one-character prefix and concatenate.
    const firstChars = [...new Set(ORDER.map((k) => [...k][0]))];
    const got = [];
    for (const c of firstChars) {
      const body = expectOk(await items({ key: c, count: 50 }, 'multipart'));
      for (const item of body.result) {
        assert.equal(item.value, `v=${item.key}`);
        assert.ok(item.key.startsWith(c));
      }
      got.push(...body.result.map((x) => x.key));
    }
    assert.deepEqual(got, ORDER);
  });
});

describe('prefix matching (SPEC 6.5, Q13): literal and case-sensitive', () => {
  const cases = [
    ['test', ['test', 'test:1', 'test:10', 'test:2', 'testing']],
    ['test:', ['test:1', 'test:10', 'test:2']],
    ['test:1', ['test:1', 'test:10']],
    ['tes', ['tes', 'test', 'test:1', 'test:10', 'test:2', 'testing', 'tesu']],
    ['testing', ['testing']],
    ['testings', []],
    ['TEST', ['TEST']],
    ['Test', []],
    ['a', ['a', 'a++', 'a+b', 'aXb', 'a_b', 'atest', 'axb']],
    ['A', ['A']],
    // `_` is an ordinary character, never a one-character wildcard
    ['a_', ['a_b']],
    ['_', ['_']],
    // `+` is an ordinary character too
    ['a+', ['a++', 'a+b']],
    ['a++', ['a++']],
    ['+', ['+']],
    ['#', ['#']],
    ['.', ['.']],
    [';', [';']],
    [':', [':']],
    ['-', ['-']],
    ['0', ['0']],
    // Cyrillic, including the range edge after я (D1 8F): ё (D1 91) is not in it
    ['я', ['я', 'я1', 'яя']],
    ['Я', ['Я']],
    ['ё', ['ё']],
    ['Ё', ['Ё']],
    ['ключ', ['ключ', 'ключ:1', 'ключ:2', 'ключи']],
    ['ключ:', ['ключ:1', 'ключ:2']],
    ['КЛЮЧ', []],
    ['nothing', []],
    ['z', ['z']],
    ['zz', []],
  ];

  for (const form of ['json', 'urlencoded', 'multipart']) {
    test(`GetKeyValueItems and GetKeyValueKeys [${form}]`, async () => {
      for (const [pattern, expected] of cases) {
        const it = expectOk(await items({ key: pattern, count: 50 }, form));
        assert.deepEqual(it.result.map((x) => x.key), expected, `items, pattern ${pattern}`);
        for (const x of it.result) {
          assert.deepEqual(Object.keys(x).sort(), ['expires_at', 'key', 'value']);
          assert.equal(x.value, `v=${x.key}`);
        }
        const ks = expectOk(await keysOf({ key: pattern, count: 50 }, form));
        assert.deepEqual(ks.result, it.result.map(({ key, expires_at }) => ({ key, expires_at })), `keys, pattern ${pattern}`);
      }
    });
  }
});

describe('count and offset (SPEC 6.5, 6.6)', () => {
  const P = (i) => `p:${String(i).padStart(2, '0')}`;
  const range = (from, to) => Array.from({ length: to - from }, (_, i) => P(from + i));
  const pageItems = (params, form) =>
    kvCall(server, 'GetKeyValueItems', { application_id: pages.id, key: 'p:', ...params }, { form });
  const pageKeys = (params, form) =>
    kvCall(server, 'GetKeyValueKeys', { application_id: pages.id, ...params }, { form });

  test('default count is 10', async () => {
    assert.deepEqual(expectOk(await pageItems({}, 'json')).result.map((x) => x.key), range(0, 10));
    assert.deepEqual(expectOk(await pageKeys({}, 'query')).result.map((x) => x.key), range(0, 10));
    assert.deepEqual(expectOk(await pageKeys({ key: 'p:' }, 'cmd')).result.map((x) => x.key), range(0, 10));
  });

  test('offset pages through the live items, expired ones never counted', async () => {
    for (const form of ['json', 'urlencoded', 'multipart']) {
      const seen = [];
      for (let offset = 0; offset <= 30; offset += 10) {
        const body = expectOk(await pageItems({ offset }, form));
        seen.push(...body.result.map((x) => x.key));
        const expected = range(Math.min(offset, 25), Math.min(offset + 10, 25));
        assert.deepEqual(body.result.map((x) => x.key), expected, `offset ${offset} [${form}]`);
        for (const x of body.result) assert.equal(x.value, `page ${Number(x.key.slice(2))}`);
      }
      assert.deepEqual(seen, range(0, 25));
    }
  });

  test('count 1..50 and odd offsets', async () => {
    const cases = [
      [{ count: 1 }, range(0, 1)],
      [{ count: 1, offset: 24 }, range(24, 25)],
      [{ count: 1, offset: 25 }, []],
      [{ count: 50 }, range(0, 25)],
      [{ count: 7, offset: 3 }, range(3, 10)],
      [{ count: 50, offset: 20 }, range(20, 25)],
      [{ offset: 1000000 }, []],
      [{ offset: '9223372036854775807' }, []],
      [{ count: 3, offset: 0 }, range(0, 3)],
    ];
    for (const [params, expected] of cases) {
      assert.deepEqual(expectOk(await pageItems(params)).result.map((x) => x.key), expected, JSON.stringify(params));
      assert.deepEqual(expectOk(await pageKeys({ key: 'p:', ...params })).result.map((x) => x.key), expected, JSON.stringify(params));
    }
  });

  test('GetKeyValueKeys without a pattern pages through the whole application', async () => {
    assert.deepEqual(expectOk(await pageKeys({ count: 50 })).result.map((x) => x.key), [...range(0, 25), 'q']);
    assert.deepEqual(expectOk(await pageKeys({ count: 5, offset: 22 })).result.map((x) => x.key), [...range(22, 25), 'q']);
    assert.deepEqual(expectOk(await pageKeys({ offset: 26 })).result, []);
  });
});
