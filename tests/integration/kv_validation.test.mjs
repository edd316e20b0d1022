// SPEC 4.2, 5 and 6.2-6.6: every parameter rule of the five key-value methods, with its error
// code and message, and the order of the checks. Each error case is sent in three request forms
// (path + query with a JSON body {}, urlencoded body, cmd + chunked multipart) over HTTPS, and
// afterwards the application must hold exactly what the successful calls stored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, request } from './lib/harness.mjs';
import { bearer, nowSeconds } from './lib/jwt.mjs';
import { expectError, expectOk, multipart } from './lib/api.mjs';
import {
  DEFAULT_TTL,
  KV_METHODS,
  MAX_TTL,
  assertTimeWindow,
  byUtf8,
  closeKvAgent,
  createApp,
  kvAgent,
  kvCall,
  listAll,
  timedCall,
} from './lib/kv.mjs';

const FORMS = ['json', 'urlencoded', 'multipart'];

let server;
let app; // {id, name, short}
before(async () => {
  server = await startServer();
  app = await createApp(server, 'kv-rules');
});
after(async () => {
  if (server) closeKvAgent(server);
  await server?.stop();
});

const A = () => ({ application_id: app.id });

const MSG = {
  app485: "Specify the 'application_id' or 'application_name' parameter.",
  app116: "The 'application_id' parameter is invalid.",
  app558: 'Application is not found.',
  missing: (p) => `Specify the '${p}' parameter.`,
  tooLong: (p, n) => `The '${p}' parameter length should not exceed ${n} symbols.`,
  invalid: (p) => `The '${p}' parameter is invalid.`,
  range: (p, lo, hi) => `${p} should be in range of ${lo}..${hi}`,
  both: 'Specify only one of the following parameters: ttl, expires_at',
};

/** Sends `params` to `method` in every form; each answer must be error `code` with `msg`. */
async function rejects(method, params, code, msg) {
  for (const form of FORMS) {
    const res = await kvCall(server, method, params, { form });
    let err;
    try {
      err = expectError(res, code);
    } catch (e) {
      e.message = `${method} ${JSON.stringify(params).slice(0, 160)} [${form}]: ${e.message}`;
      throw e;
    }
    if (msg !== undefined) {
      assert.equal(err.msg, msg, `${method} ${JSON.stringify(params).slice(0, 160)} [${form}]`);
    }
  }
}

/** Sends `params` in one form; must succeed; returns the body. */
async function ok(method, params, form = 'urlencoded') {
  const res = await kvCall(server, method, params, { form });
  try {
    return expectOk(res);
  } catch (e) {
    e.message = `${method} ${JSON.stringify(params).slice(0, 160)} [${form}]: ${e.message}`;
    throw e;
  }
}

const cyr200 = 'ж'.repeat(200);
const cyr201 = 'ж'.repeat(201);
// Every key the successful calls below store; checked against GetKeyValueKeys at the end.
const stored = new Map(); // key -> value

describe('application (SPEC 4.2), checked before every parameter of the method', () => {
  for (const method of KV_METHODS) {
    test(`${method}: 485 / 116 / 558`, async () => {
      // No application at all; also no key: the application error comes first.
      await rejects(method, {}, 485, MSG.app485);
      await rejects(method, { key: 'k', value: 'v' }, 485, MSG.app485);
      // Empty and 0 count as absent.
      await rejects(method, { application_id: '', key: 'k', value: 'v' }, 485, MSG.app485);
      await rejects(method, { application_id: 0, key: 'k', value: 'v' }, 485, MSG.app485);
      await rejects(method, { application_name: '', key: 'k', value: 'v' }, 485, MSG.app485);
      // Malformed or unknown ids -> 116, even when the key is bad too.
      for (const id of ['abc', '1.0', '-1', ' 1', '+1', '1x', '99999999999999999999', 987654]) {
        await rejects(method, { application_id: id, key: 'k', value: 'v' }, 116, MSG.app116);
      }
      await rejects(method, { application_id: 987654, key: '%bad', count: 0 }, 116, MSG.app116);
      // The id wins over a valid name.
      await rejects(method, { application_id: 987654, application_name: app.name, key: 'k', value: 'v' }, 116);
      // Unknown names -> 558.
      for (const name of ['nope', 'kv-rules.other.voximplant.com', 'kv-rule', 'kv-rules.dev']) {
        await rejects(method, { application_name: name, key: 'k', value: 'v' }, 558, MSG.app558);
      }
      await rejects(method, { application_name: 'nope', key: '%bad' }, 558, MSG.app558);
    });
  }

  test('the application is found by id, short name and full name, names ignoring case', async () => {
    const ways = [
      { application_id: app.id },
      { application_name: app.short },
      { application_name: app.name },
      { application_name: app.name.toUpperCase() },
      { application_name: 'KV-Rules' },
      { application_id: 0, application_name: app.short },
      { application_id: app.id, application_name: 'ignored-because-id-wins' },
    ];
    for (const [i, way] of ways.entries()) {
      const key = `app:way${i}`;
      const set = await ok('SetKeyValueItem', { ...way, key, value: `v${i}` });
      assert.equal(set.result.key, key);
      stored.set(key, `v${i}`);
      const got = await ok('GetKeyValueItem', { ...way, key });
      assert.deepEqual(got.result, set.result);
      const items = await ok('GetKeyValueItems', { ...way, key });
      assert.deepEqual(items.result, [set.result]);
      const keys = await ok('GetKeyValueKeys', { ...way, key });
      assert.deepEqual(keys.result, [{ key, expires_at: set.result.expires_at }]);
    }
    // Deleting through the short name removes the item stored through the id.
    assert.deepEqual(await ok('DelKeyValueItem', { application_name: app.short, key: 'app:way0' }), { result: 1 });
    assert.deepEqual(await ok('DelKeyValueItem', { application_id: app.id, key: 'app:way0' }), { result: 0 });
    stored.delete('app:way0');
  });
});

describe('key (SPEC 6.1, 6.2): 485, then 477, then 496', () => {
  test('absent or empty key -> 485 on the four methods that require it', async () => {
    for (const method of ['SetKeyValueItem', 'GetKeyValueItem', 'DelKeyValueItem', 'GetKeyValueItems']) {
      await rejects(method, { ...A(), value: 'v' }, 485, MSG.missing('key'));
      await rejects(method, { ...A(), key: '', value: 'v' }, 485, MSG.missing('key'));
      // key before value, ttl, count
      await rejects(method, { ...A(), ttl: 'x', count: 0, offset: -1 }, 485, MSG.missing('key'));
    }
  });

  test('length is counted in characters: 200 pass, 201 -> 477', async () => {
    for (const [k200, k201] of [
      ['a'.repeat(200), 'a'.repeat(201)],
      [cyr200, cyr201], // 400 and 402 bytes
      ['ё'.repeat(100) + 'Ё'.repeat(100), 'ё'.repeat(101) + 'Ё'.repeat(100)],
    ]) {
      assert.equal(Buffer.byteLength(k200) >= 200, true);
      for (const method of KV_METHODS) {
        await rejects(method, { ...A(), key: k201, value: 'v' }, 477, MSG.tooLong('key', 200));
      }
      for (const form of FORMS) {
        const body = await ok('SetKeyValueItem', { ...A(), key: k200, value: form }, form);
        assert.equal(body.result.key, k200);
        assert.equal(body.result.value, form);
      }
      stored.set(k200, 'multipart');
      const got = await ok('GetKeyValueItem', { ...A(), key: k200 }, 'json');
      assert.equal(got.result.key, k200);
      assert.equal(got.result.value, 'multipart');
      assert.deepEqual((await ok('GetKeyValueItems', { ...A(), key: k200 })).result, [got.result]);
    }
  });

  test('characters outside the alphabet -> 496 on every method', async () => {
    const bad = [
      '%', 'a%b', '100%', 'a b', ' a', 'a ', 'a/b', 'a\\b', 'a*', 'a?', 'a,b', 'a=b', 'a&b', "a'b",
      'a"b', 'a@b', 'a!b', 'a$b', 'a(b)', 'a[b]', 'a{b}', 'a|b', 'a~b', 'a^b', 'a<b>', '`',
      'a\tb', 'a\nb', 'a\u0000b', 'é', 'ß', 'ї', 'Ђ', 'ў', 'ѐ', 'Ѐ', 'ӕ', 'ω', '中', '😀', 'a\u00a0b', 'a\u200bb',
    ];
    for (const key of bad) {
      for (const method of KV_METHODS) {
        await rejects(method, { ...A(), key, value: 'v' }, 496, MSG.invalid('key'));
      }
    }
  });

  test('order inside key: 477 (too long) before 496 (alphabet)', async () => {
    for (const method of KV_METHODS) {
      await rejects(method, { ...A(), key: `${'%'.repeat(201)}`, value: 'v' }, 477, MSG.tooLong('key', 200));
      await rejects(method, { ...A(), key: `${'ж'.repeat(200)}%`, value: 'v' }, 477, MSG.tooLong('key', 200));
    }
  });

  test('invalid UTF-8 in the key -> 496', async () => {
    for (const method of KV_METHODS) {
      for (const bytes of [[0xff], [0x61, 0xd0], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
        const mp = multipart([
          { name: 'cmd', value: method },
          { name: 'application_id', value: String(app.id) },
          { name: 'key', value: Buffer.from(bytes) },
          { name: 'value', value: 'v' },
        ]);
        const res = await request(server, {
  agent: kvAgent(server),
          path: '/platform_api',
          headers: { Authorization: bearer(server.creds), 'Content-Type': mp.contentType },
          body: mp.body,
        });
        assert.equal(expectError(res, 496).msg, MSG.invalid('key'), `${method} ${bytes}`);
        const enc = bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
        const res2 = await request(server, {
  agent: kvAgent(server),
          path: `/platform_api/${method}`,
          headers: { Authorization: bearer(server.creds), 'Content-Type': 'application/x-www-form-urlencoded' },
          body: `application_id=${app.id}&key=${enc}&value=v`,
        });
        assert.equal(expectError(res2, 496).msg, MSG.invalid('key'), `${method} ${enc} urlencoded`);
      }
    }
  });

  test('every character of the alphabet is accepted, case-sensitively', async () => {
    const keys = [
      'ключ:1', 'ёЁ', 'a_b', 'a-b', 'a:b', 'a;b', 'a.b', 'a#b', 'a+b', '+', '#', ';', '.', '_', '-', ':',
      'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789',
      'абвгдежзийклмнопрстуфхцчшщъыьэюя', 'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ', 'Ключ', 'КЛЮЧ',
      'order:1234', 'a+b+c', '++', 'x;y;z', '#1', 'ns:sub:key.1#2+3;4_5-6',
    ];
    for (const [i, key] of keys.entries()) {
      const form = FORMS[i % FORMS.length];
      const body = await ok('SetKeyValueItem', { ...A(), key, value: `val ${key}` }, form);
      assert.equal(body.result.key, key, `key ${key} [${form}]`);
      stored.set(key, `val ${key}`);
    }
    for (const [i, key] of keys.entries()) {
      const form = FORMS[(i + 1) % FORMS.length];
      const body = await ok('GetKeyValueItem', { ...A(), key }, form);
      assert.equal(body.result.key, key, `key ${key} [${form}]`);
      assert.equal(body.result.value, `val ${key}`, `key ${key} [${form}]`);
    }
    // Case-sensitive: Ключ and КЛЮЧ are two items; ключ is none.
    assert.equal((await ok('GetKeyValueItem', { ...A(), key: 'КЛЮЧ' })).result.value, 'val КЛЮЧ');
    expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key: 'ключ' }), 496);
    expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key: 'A_B' }), 496);
  });

  test('"+" in a key survives every encoding; a raw "+" in a query is a space (-> 496)', async () => {
    const auth = () => ({ Authorization: bearer(server.creds) });
    // Percent-encoded %2B in the query: the key a+b stored above.
    const q = expectOk(await request(server, {
  agent: kvAgent(server),
      method: 'GET',
      path: `/platform_api/GetKeyValueItem?application_id=${app.id}&key=a%2Bb`,
      headers: auth(),
    }));
    assert.deepEqual([q.result.key, q.result.value], ['a+b', 'val a+b']);
    // Raw + decodes to a space, which is not in the alphabet.
    const raw = await request(server, {
  agent: kvAgent(server),
      method: 'GET',
      path: `/platform_api/GetKeyValueItem?application_id=${app.id}&key=a+b`,
      headers: auth(),
    });
    assert.equal(expectError(raw, 496).msg, MSG.invalid('key'));
    const rawBody = await request(server, {
  agent: kvAgent(server),
      path: '/platform_api/GetKeyValueItem',
      headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `application_id=${app.id}&key=a+b`,
    });
    assert.equal(expectError(rawBody, 496).msg, MSG.invalid('key'));
    // Set through a percent-encoded urlencoded body with + inside the value too.
    const set = expectOk(await request(server, {
  agent: kvAgent(server),
      path: '/platform_api/SetKeyValueItem',
      headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `application_id=${app.id}&key=plus%2Bkey&value=%2B1+555`,
    }));
    assert.deepEqual([set.result.key, set.result.value], ['plus+key', '+1 555']);
    stored.set('plus+key', '+1 555');
    const items = expectOk(await kvCall(server, 'GetKeyValueItems', { ...A(), key: 'plus+' }, { form: 'query' }));
    assert.deepEqual(items.result.map((x) => [x.key, x.value]), [['plus+key', '+1 555']]);
  });
});

describe('value (SPEC 6.2): 485, 477; may be empty', () => {
  test('absent value -> 485; key errors come first', async () => {
    await rejects('SetKeyValueItem', { ...A(), key: 'v:absent' }, 485, MSG.missing('value'));
    await rejects('SetKeyValueItem', { ...A(), key: 'v:absent', ttl: 'x' }, 485, MSG.missing('value'));
    await rejects('SetKeyValueItem', { ...A(), key: '%' }, 496, MSG.invalid('key'));
    await rejects('SetKeyValueItem', { ...A(), key: cyr201 }, 477, MSG.tooLong('key', 200));
    await rejects('SetKeyValueItem', { ...A() }, 485, MSG.missing('key'));
  });

  test('an empty value is stored as the empty string in every form', async () => {
    for (const form of [...FORMS, 'query', 'cmd']) {
      const key = `v:empty:${form}`;
      const body = await ok('SetKeyValueItem', { ...A(), key, value: '' }, form);
      assert.deepEqual(Object.keys(body.result).sort(), ['expires_at', 'key', 'value']);
      assert.equal(body.result.value, '');
      stored.set(key, '');
      assert.equal((await ok('GetKeyValueItem', { ...A(), key }, form)).result.value, '');
    }
  });

  test('length is counted in characters: 2000 pass, 2001 -> 477', async () => {
    const cases = [
      ['ascii', 'x'],
      ['cyrillic', 'я'], // 2 bytes each
      ['cjk', '中'], // 3 bytes each
      ['emoji', '😀'], // 4 bytes, 2 UTF-16 units each
    ];
    for (const [name, ch] of cases) {
      await rejects('SetKeyValueItem', { ...A(), key: `v:len:${name}`, value: ch.repeat(2001) }, 477, MSG.tooLong('value', 2000));
      for (const form of FORMS) {
        const body = await ok('SetKeyValueItem', { ...A(), key: `v:len:${name}`, value: ch.repeat(2000) }, form);
        assert.equal(body.result.value, ch.repeat(2000), `${name} [${form}]`);
      }
      stored.set(`v:len:${name}`, ch.repeat(2000));
      assert.equal((await ok('GetKeyValueItem', { ...A(), key: `v:len:${name}` })).result.value, ch.repeat(2000));
    }
    // 477 for the value comes before any ttl error
    await rejects('SetKeyValueItem', { ...A(), key: 'v:len', value: 'x'.repeat(2001), ttl: 'bad' }, 477, MSG.tooLong('value', 2000));
    await rejects('SetKeyValueItem', { ...A(), key: 'v:len', value: 'x'.repeat(2001), ttl: 1, expires_at: 1 }, 477);
  });

  test('invalid UTF-8 in the value -> 496', async () => {
    const mp = multipart([
      { name: 'cmd', value: 'SetKeyValueItem' },
      { name: 'application_id', value: String(app.id) },
      { name: 'key', value: 'v:badutf8' },
      { name: 'value', value: Buffer.from([0x61, 0xff, 0x62]) },
    ]);
    const res = await request(server, {
  agent: kvAgent(server),
      path: '/platform_api',
      headers: { Authorization: bearer(server.creds), 'Content-Type': mp.contentType },
      body: mp.body,
    });
    assert.equal(expectError(res, 496).msg, MSG.invalid('value'));
    expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key: 'v:badutf8' }), 496);
  });

  test('any text round-trips exactly', async () => {
    const values = [
      '+15551234567', 'a&b=c%20d+e', 'line1\nline2\r\nline3', '"quoted" \\ back\'slash', '<b>x</b>',
      '  spaces  ', '\t', '😀 ключ 中文 é', '{"json":[1,2]}', 'semi;colon;list', '%', '+', '=', '&',
      '\u0000nul', 'null', '0', 'true',
    ];
    for (const [i, value] of values.entries()) {
      for (const form of [...FORMS, 'query', 'cmd']) {
        if (value.includes('\u0000') && form !== 'multipart' && form !== 'urlencoded') continue;
        const key = `v:text:${i}`;
        const body = await ok('SetKeyValueItem', { ...A(), key, value }, form);
        assert.equal(body.result.value, value, `value #${i} [${form}] set`);
        const got = await ok('GetKeyValueItem', { ...A(), key }, form);
        assert.equal(got.result.value, value, `value #${i} [${form}] get`);
        stored.set(key, value);
      }
    }
  });

  test('sources (SPEC 1.3): body over query, last occurrence wins, an empty body value counts', async () => {
    const post = (query, body) => request(server, {
      agent: kvAgent(server),
      path: `/platform_api/SetKeyValueItem?${query}`,
      headers: { Authorization: bearer(server.creds), 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
    const a = expectOk(await post('value=from-query&key=src:q', `application_id=${app.id}&key=src:1&value=from-body`));
    assert.deepEqual([a.result.key, a.result.value], ['src:1', 'from-body']);
    const b = expectOk(await post('value=from-query', `application_id=${app.id}&key=src:2&value=`));
    assert.deepEqual([b.result.key, b.result.value], ['src:2', ''], 'the empty body value overrides the query');
    const c = expectOk(await post(`application_id=${app.id}`, 'key=src:3&value=first&value=last'));
    assert.deepEqual([c.result.key, c.result.value], ['src:3', 'last']);
    for (const key of ['src:1', 'src:2', 'src:3']) stored.set(key, key === 'src:1' ? 'from-body' : key === 'src:2' ? '' : 'last');
    expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key: 'src:q' }), 496);
    // A percent-encoding error in the body is a transport failure: HTTP 400, code 101, nothing stored.
    const bad = await post('', `application_id=${app.id}&key=src:bad&value=%ZZ`);
    expectError(bad, 101, { status: 400 });
    expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key: 'src:bad' }), 496);
  });

  test('JSON body members are parameters: numbers become text, null is absent', async () => {
    const send = (obj) => request(server, {
  agent: kvAgent(server),
      path: '/platform_api/SetKeyValueItem',
      headers: { Authorization: bearer(server.creds), 'Content-Type': 'application/json' },
      body: JSON.stringify(obj),
    });
    const num = expectOk(await send({ application_id: app.id, key: 'v:json:num', value: 42, ttl: 100 }));
    assert.equal(num.result.value, '42');
    stored.set('v:json:num', '42');
    const empty = expectOk(await send({ application_id: app.id, key: 'v:json:empty', value: '' }));
    assert.equal(empty.result.value, '');
    stored.set('v:json:empty', '');
    assert.equal(expectError(await send({ application_id: app.id, key: 'v:json:null', value: null }), 485).msg, MSG.missing('value'));
    assert.equal(expectError(await send({ application_id: app.id, key: 'v:json:ttl', value: 'x', ttl: -1 }), 497).msg, MSG.range('ttl', 0, MAX_TTL));
  });
});

describe('ttl and expires_at (SPEC 6.2)', () => {
  const set = (extra, form) => timedCall(server, 'SetKeyValueItem', { ...A(), key: 't:k', value: 'v', ...extra }, { form });

  test('neither: expires_at = now + 2592000', async () => {
    for (const form of FORMS) {
      const r = await set({}, form);
      assertTimeWindow(expectOk(r.res).result.expires_at, r, DEFAULT_TTL, 'default expiry', 2);
      const e = await set({ ttl: '', expires_at: '' }, form); // empty = absent
      assertTimeWindow(expectOk(e.res).result.expires_at, e, DEFAULT_TTL, 'default expiry', 2);
    }
    stored.set('t:k', 'v');
  });

  test('ttl: stored expires_at = now + ttl, above 7776000 lowered', async () => {
    for (const [ttl, delta] of [
      ['-0', 0], // "-0" is an integer (SPEC 1.4) and not below 0: an already expired item
      [1, 1], [100, 100], [86400, 86400], [MAX_TTL - 1, MAX_TTL - 1], [MAX_TTL, MAX_TTL],
      [MAX_TTL + 1, MAX_TTL], [99999999999, MAX_TTL], ['9223372036854775807', MAX_TTL], ['007', 7],
    ]) {
      const form = FORMS[delta % FORMS.length];
      const r = await set({ ttl }, form);
      const body = expectOk(r.res);
      assertTimeWindow(body.result.expires_at, r, delta, `ttl=${ttl}`);
      if (delta === 0) {
        expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key: 't:k' }), 496);
        continue;
      }
      const got = await ok('GetKeyValueItem', { ...A(), key: 't:k' });
      assert.deepEqual(got.result, body.result, `ttl=${ttl}: the stored item is the answered one`);
    }
  });

  test('ttl not an integer -> 496; negative -> 497 with the range message', async () => {
    for (const ttl of ['abc', '1.5', '1e3', '+5', ' 5', '5 ', '0x10', '--1', '1-', '99999999999999999999', '-', 'NaN']) {
      await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl }, 496, MSG.invalid('ttl'));
    }
    for (const ttl of [-1, -100, '-7776000', '-9223372036854775808']) {
      await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl }, 497, MSG.range('ttl', 0, MAX_TTL));
    }
    expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key: 't:bad' }), 496);
  });

  test('expires_at: kept as given, beyond now + 90 days lowered', async () => {
    const now = nowSeconds();
    for (const target of [now + 10, now + 3600, now + 1000000]) {
      const r = await set({ expires_at: target });
      assert.equal(expectOk(r.res).result.expires_at, target);
      assert.equal((await ok('GetKeyValueItem', { ...A(), key: 't:k' })).result.expires_at, target);
    }
    for (const target of [now + MAX_TTL + 5000, now + 10 * MAX_TTL, '9223372036854775807']) {
      const r = await set({ expires_at: target }, 'multipart');
      assertTimeWindow(expectOk(r.res).result.expires_at, r, MAX_TTL, `expires_at=${target}`);
    }
  });

  test('expires_at not an integer or in the past -> 496', async () => {
    const now = nowSeconds();
    for (const expiresAt of ['abc', '1.5', `${now + 100}.0`, '+1', '2030-01-01 00:00:00', '99999999999999999999',
      now - 10, now - 86400, 1, -1, '-9223372036854775808']) {
      await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', expires_at: expiresAt }, 496, MSG.invalid('expires_at'));
    }
  });

  test('both ttl and expires_at -> 458, after each of them is checked', async () => {
    const now = nowSeconds();
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl: 100, expires_at: now + 100 }, 458, MSG.both);
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl: 0, expires_at: now + 100 }, 458, MSG.both);
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl: MAX_TTL + 1, expires_at: now + 10 * MAX_TTL }, 458);
    // Order: ttl 496, ttl 497, expires_at 496, then 458.
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl: 'x', expires_at: 'y' }, 496, MSG.invalid('ttl'));
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl: 'x', expires_at: now + 100 }, 496, MSG.invalid('ttl'));
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl: -1, expires_at: 'y' }, 497, MSG.range('ttl', 0, MAX_TTL));
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl: -1, expires_at: now + 100 }, 497);
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl: 100, expires_at: 'y' }, 496, MSG.invalid('expires_at'));
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', value: 'v', ttl: 100, expires_at: now - 100 }, 496, MSG.invalid('expires_at'));
    // Value and key errors come before all of these.
    await rejects('SetKeyValueItem', { ...A(), key: 't:bad', ttl: 100, expires_at: now + 100 }, 485, MSG.missing('value'));
    await rejects('SetKeyValueItem', { ...A(), key: 't bad', value: 'v', ttl: -1 }, 496, MSG.invalid('key'));
  });

  test('ttl and expires_at are ignored by the read methods', async () => {
    const got = await ok('GetKeyValueItem', { ...A(), key: 't:k', ttl: 'x', expires_at: 'y', value: 'z' });
    assert.equal(got.result.value, 'v');
  });
});

describe('GetKeyValueItem / DelKeyValueItem (SPEC 6.3, 6.4)', () => {
  test('a missing key -> 496 "The \'key\' parameter is invalid." in every form', async () => {
    await rejects('GetKeyValueItem', { ...A(), key: 'never:set' }, 496, MSG.invalid('key'));
    await rejects('GetKeyValueItem', { ...A(), key: 'ключ:2' }, 496, MSG.invalid('key'));
  });

  test('DelKeyValueItem answers 1, then 0', async () => {
    for (const form of [...FORMS, 'query', 'cmd']) {
      const key = `d:${form}`;
      await ok('SetKeyValueItem', { ...A(), key, value: 'x' }, form);
      assert.deepEqual(await ok('DelKeyValueItem', { ...A(), key }, form), { result: 1 });
      assert.deepEqual(await ok('DelKeyValueItem', { ...A(), key }, form), { result: 0 });
      expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key }, { form }), 496);
    }
    assert.deepEqual(await ok('DelKeyValueItem', { ...A(), key: 'never:set' }), { result: 0 });
  });
});

describe('GetKeyValueItems / GetKeyValueKeys parameters (SPEC 6.5, 6.6)', () => {
  test('count: default 10, 1..50, else 497; not an integer -> 496', async () => {
    for (const method of ['GetKeyValueItems', 'GetKeyValueKeys']) {
      for (const count of [0, 51, -1, 100, '9223372036854775807']) {
        await rejects(method, { ...A(), key: 'a', count }, 497, MSG.range('count', 1, 50));
      }
      for (const count of ['x', '1.0', '+1', ' 1', '99999999999999999999']) {
        await rejects(method, { ...A(), key: 'a', count }, 496, MSG.invalid('count'));
      }
      for (const offset of [-1, '-9223372036854775808']) {
        await rejects(method, { ...A(), key: 'a', offset }, 497);
      }
      for (const offset of ['x', '1.5', '+0']) {
        await rejects(method, { ...A(), key: 'a', offset }, 496, MSG.invalid('offset'));
      }
      // Order: key, then count, then offset.
      await rejects(method, { ...A(), key: '%', count: 0, offset: -1 }, 496, MSG.invalid('key'));
      await rejects(method, { ...A(), key: cyr201, count: 0 }, 477, MSG.tooLong('key', 200));
      await rejects(method, { ...A(), key: 'a', count: 0, offset: -1 }, 497, MSG.range('count', 1, 50));
      await rejects(method, { ...A(), key: 'a', count: 'x', offset: -1 }, 496, MSG.invalid('count'));
      await rejects(method, { ...A(), key: 'a', count: 5, offset: 'x' }, 496, MSG.invalid('offset'));
      // Leading zeros are digits like any other (SPEC 1.4).
      assert.ok(Array.isArray((await ok(method, { ...A(), key: 'a', count: '050', offset: '00' })).result));
      // Empty = absent = default.
      for (const form of FORMS) {
        const body = await ok(method, { ...A(), key: 'a', count: '', offset: '' }, form);
        assert.ok(Array.isArray(body.result));
      }
    }
    // The pattern is required by GetKeyValueItems only.
    await rejects('GetKeyValueItems', { ...A(), count: 0 }, 485, MSG.missing('key'));
    await rejects('GetKeyValueItems', { ...A(), key: '' }, 485, MSG.missing('key'));
    await rejects('GetKeyValueKeys', { ...A(), count: 0 }, 497, MSG.range('count', 1, 50));
  });
});

describe('roles (SPEC 3): Owner, Admin, Developer; others 104 before any parameter check', () => {
  test('104 for keys without an allowed role, success for Developer and Admin', async () => {
    const make = (roles) => server.coffer(['key', 'create'], ['--account', '1', ...roles.flatMap((r) => ['--role', r])]);
    for (const roles of [[], ['Support'], ['Accountant', 'Scenarios']]) {
      const creds = await make(roles);
      for (const method of KV_METHODS) {
        expectError(await kvCall(server, method, {}, { creds }), 104);
        expectError(await kvCall(server, method, { ...A(), key: 'r:1', value: 'v' }, { creds }), 104);
        expectError(await kvCall(server, method, { application_id: 'bad', key: '%' }, { creds }), 104);
      }
    }
    expectError(await kvCall(server, 'GetKeyValueItem', { ...A(), key: 'r:1' }), 496, 'a forbidden Set stored nothing');
    for (const roles of [['Developer'], ['Admin'], ['Support', 'Developer']]) {
      const creds = await make(roles);
      const key = `r:${roles.join('-')}`;
      expectOk(await kvCall(server, 'SetKeyValueItem', { ...A(), key, value: 'v' }, { creds }));
      assert.equal(expectOk(await kvCall(server, 'GetKeyValueItem', { ...A(), key }, { creds })).result.value, 'v');
      assert.equal(expectOk(await kvCall(server, 'GetKeyValueItems', { ...A(), key }, { creds })).result.length, 1);
      assert.equal(expectOk(await kvCall(server, 'GetKeyValueKeys', { ...A(), key }, { creds })).result.length, 1);
      assert.deepEqual(expectOk(await kvCall(server, 'DelKeyValueItem', { ...A(), key }, { creds })), { result: 1 });
    }
  });
});

describe('nothing is changed by a request that ends in an error (SPEC 5.2)', () => {
  test('failed writes leave the existing item and the key list untouched', async () => {
    const before = await ok('SetKeyValueItem', { ...A(), key: 'guard', value: 'original', ttl: 5000 });
    stored.set('guard', 'original');
    const now = nowSeconds();
    for (const bad of [
      { value: 'x'.repeat(2001) }, { value: 'changed', ttl: -1 }, { value: 'changed', ttl: 'x' },
      { value: 'changed', expires_at: now - 5 }, { value: 'changed', ttl: 1, expires_at: now + 5 },
      {},
    ]) {
      expectError(await kvCall(server, 'SetKeyValueItem', { ...A(), key: 'guard', ...bad }), expectCode(bad));
    }
    const got = await ok('GetKeyValueItem', { ...A(), key: 'guard' });
    assert.deepEqual(got.result, before.result);
  });

  test('the application holds exactly the keys the successful calls stored', async () => {
    const keys = await listAll(server, 'GetKeyValueKeys', A());
    const expected = [...stored.keys()].sort(byUtf8);
    assert.deepEqual(keys.map((k) => k.key), expected);
    for (const entry of keys) {
      assert.deepEqual(Object.keys(entry).sort(), ['expires_at', 'key']);
    }
    const items = await listAll(server, 'GetKeyValueItems', A(), 'v:text:');
    for (const item of items) assert.equal(item.value, stored.get(item.key), item.key);
  });
});

function expectCode(bad) {
  if (bad.value === undefined) return 485;
  if (bad.value && bad.value.length > 2000) return 477;
  if (bad.ttl === -1) return 497;
  if (bad.ttl !== undefined && bad.expires_at !== undefined) return 458;
  return 496;
}
