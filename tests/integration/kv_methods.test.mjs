// SPEC 6.2-6.6: the five key-value methods end to end over HTTPS, in each request form of SPEC 1
// (path + query with JSON {}, GET with a query, urlencoded body, cmd + urlencoded, cmd + chunked
// multipart), with the exact decoded answers; upsert; the item and key-entry shapes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { expectError, expectOk } from './lib/api.mjs';
import { nowSeconds } from './lib/jwt.mjs';
import { DEFAULT_TTL, assertTimeWindow, closeKvAgent, createApp, kvCall, timedCall } from './lib/kv.mjs';

const FORMS = ['json', 'query', 'urlencoded', 'cmd', 'multipart'];

let server;
let app;
before(async () => {
  server = await startServer();
  assert.equal(server.tls, true, 'these tests run over HTTPS');
  app = await createApp(server, 'kv-methods');
});
after(async () => {
  if (server) closeKvAgent(server);
  await server?.stop();
});

const A = () => ({ application_id: app.id });

for (const form of FORMS) {
  describe(`request form: ${form}`, () => {
    const ns = `${form}:`;
    const value = `+1 555 & ключ=${form} %20 ;#`;
    let item; // the first stored item

    test('SetKeyValueItem answers the stored item', async () => {
      const r = await timedCall(server, 'SetKeyValueItem', { ...A(), key: `${ns}1`, value }, { form });
      const body = expectOk(r.res);
      assert.deepEqual(Object.keys(body), ['result']);
      assert.deepEqual(Object.keys(body.result).sort(), ['expires_at', 'key', 'value']);
      assert.equal(body.result.key, `${ns}1`);
      assert.equal(body.result.value, value);
      assertTimeWindow(body.result.expires_at, r, DEFAULT_TTL, 'default expiry', 2);
      item = body.result;
      const second = expectOk(await kvCall(server, 'SetKeyValueItem', { ...A(), key: `${ns}2`, value: '', ttl: 3600 }, { form }));
      assert.equal(second.result.value, '');
    });

    test('GetKeyValueItem answers the same item', async () => {
      const body = expectOk(await kvCall(server, 'GetKeyValueItem', { ...A(), key: `${ns}1` }, { form }));
      assert.deepEqual(body, { result: item });
    });

    test('GetKeyValueItems answers an array of items', async () => {
      const body = expectOk(await kvCall(server, 'GetKeyValueItems', { ...A(), key: ns }, { form }));
      assert.deepEqual(Object.keys(body), ['result'], 'no count members');
      assert.equal(body.result.length, 2);
      assert.deepEqual(body.result[0], item);
      assert.deepEqual(Object.keys(body.result[1]).sort(), ['expires_at', 'key', 'value']);
      assert.equal(body.result[1].key, `${ns}2`);
      assert.equal(body.result[1].value, '');
    });

    test('GetKeyValueKeys answers an array of key entries', async () => {
      const body = expectOk(await kvCall(server, 'GetKeyValueKeys', { ...A(), key: ns }, { form }));
      assert.deepEqual(Object.keys(body), ['result']);
      assert.deepEqual(body.result.map((e) => Object.keys(e).sort()), [['expires_at', 'key'], ['expires_at', 'key']]);
      assert.deepEqual(body.result[0], { key: item.key, expires_at: item.expires_at });
      assert.equal(body.result[1].key, `${ns}2`);
    });

    test('SetKeyValueItem on an existing key replaces value and expiry (upsert)', async () => {
      const r = await timedCall(server, 'SetKeyValueItem', { ...A(), key: `${ns}1`, value: 'second', ttl: 120 }, { form });
      const body = expectOk(r.res);
      assert.equal(body.result.key, `${ns}1`);
      assert.equal(body.result.value, 'second');
      assertTimeWindow(body.result.expires_at, r, 120);
      assert.deepEqual(expectOk(await kvCall(server, 'GetKeyValueItem', { ...A(), key: `${ns}1` }, { form })), body);
      // Longer again, with expires_at this time.
      const target = nowSeconds() + 5000;
      const third = expectOk(await kvCall(server, 'SetKeyValueItem', { ...A(), key: `${ns}1`, value: 'third', expires_at: target }, { form }));
      assert.deepEqual(third.result, { key: `${ns}1`, value: 'third', expires_at: target });
      const keys = expectOk(await kvCall(server, 'GetKeyValueKeys', { ...A(), key: ns }, { form })).result;
      assert.deepEqual(keys[0], { key: `${ns}1`, expires_at: target }, 'still one item under the key');
      assert.equal(keys.length, 2);
    });

    test('DelKeyValueItem answers 1, then 0; the item is gone everywhere', async () => {
      assert.deepEqual(expectOk(await kvCall(server, 'DelKeyValueItem', { ...A(), key: `${ns}1` }, { form })), { result: 1 });
      assert.deepEqual(expectOk(await kvCall(server, 'DelKeyValueItem', { ...A(), key: `${ns}1` }, { form })), { result: 0 });
      const err = expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key: `${ns}1` }, { form }), 496);
      assert.equal(err.msg, "The 'key' parameter is invalid.");
      const items = expectOk(await kvCall(server, 'GetKeyValueItems', { ...A(), key: ns }, { form })).result;
      assert.deepEqual(items.map((x) => x.key), [`${ns}2`]);
      assert.deepEqual(expectOk(await kvCall(server, 'DelKeyValueItem', { ...A(), key: `${ns}2` }, { form })), { result: 1 });
      assert.deepEqual(expectOk(await kvCall(server, 'GetKeyValueKeys', { ...A(), key: ns }, { form })), { result: [] });
      assert.deepEqual(expectOk(await kvCall(server, 'GetKeyValueItems', { ...A(), key: ns }, { form })), { result: [] });
    });

    test('a deleted key can be stored again', async () => {
      const body = expectOk(await kvCall(server, 'SetKeyValueItem', { ...A(), key: `${ns}1`, value: 'again' }, { form }));
      assert.equal(body.result.value, 'again');
      assert.equal(expectOk(await kvCall(server, 'GetKeyValueItem', { ...A(), key: `${ns}1` }, { form })).result.value, 'again');
    });
  });
}

describe('the same item through every form', () => {
  test('written in one form, read identically in all', async () => {
    for (const writer of FORMS) {
      const key = `x:${writer}`;
      const value = `ёЁ+${writer}\n`;
      const set = expectOk(await kvCall(server, 'SetKeyValueItem', { ...A(), key, value, ttl: 600 }, { form: writer }));
      for (const reader of FORMS) {
        const got = expectOk(await kvCall(server, 'GetKeyValueItem', { ...A(), key }, { form: reader }));
        assert.deepEqual(got, set, `written ${writer}, read ${reader}`);
      }
    }
    const keys = expectOk(await kvCall(server, 'GetKeyValueKeys', { ...A(), key: 'x:', count: 50 }));
    assert.deepEqual(keys.result.map((e) => e.key), ['x:cmd', 'x:json', 'x:multipart', 'x:query', 'x:urlencoded']);
  });

  test('GetKeyValueKeys without a key lists every key of the application', async () => {
    const all = expectOk(await kvCall(server, 'GetKeyValueKeys', { ...A(), count: 50 }, { form: 'query' }));
    assert.deepEqual(all.result.map((e) => e.key), [
      'cmd:1', 'json:1', 'multipart:1', 'query:1', 'urlencoded:1',
      'x:cmd', 'x:json', 'x:multipart', 'x:query', 'x:urlencoded',
    ]);
    const empty = expectOk(await kvCall(server, 'GetKeyValueKeys', { ...A(), key: '', count: 50 }, { form: 'multipart' }));
    assert.deepEqual(empty, all, 'an empty key is an absent key');
  });
});
