// SPEC 7.1 / 7.2: AddSecret — every request form, the name format and case-sensitive uniqueness,
// value lengths in characters, descriptions cut to 200 characters, the one-element array answer,
// and the documented order of its errors.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectError, expectOk } from './lib/api.mjs';
import {
  FORMS,
  MSG_NO_APP,
  addSecret,
  assertTimestampBetween,
  expectMissing,
  expectParamError,
  listSecrets,
  newApp,
  rawCall,
  sCall,
  secretIds,
  secretValue,
  suiteServer,
} from './lib/secrets.mjs';

let server;
suiteServer((s) => {
  server = s;
});

describe('AddSecret in every request form', () => {
  for (const form of FORMS) {
    test(`form ${form}: one-element array with the new id; the secret reads back`, async () => {
      const app = await newApp(server, `add-form-${form}`);
      const t0 = Date.now();
      const res = await sCall(
        server,
        'AddSecret',
        { application_id: app.id, secret_name: `s_${form}`, secret_value: `value of ${form} ;&=+%`, description: 'd é' },
        { form },
      );
      const t1 = Date.now();
      const body = expectOk(res);
      assert.deepEqual(Object.keys(body), ['result']);
      assert.ok(Array.isArray(body.result));
      assert.equal(body.result.length, 1);
      const id = body.result[0].secret_id;
      assert.ok(Number.isInteger(id) && id >= 1);
      assert.deepEqual(body.result, [{ secret_id: id }]);

      const item = await secretValue(server, app, { secret_id: id }, { form });
      assert.deepEqual(item, {
        secret_id: id,
        secret_name: `s_${form}`,
        secret_value: `value of ${form} ;&=+%`,
        description: 'd é',
        created: item.created,
        modified: item.created,
      });
      assertTimestampBetween(item.created, t0, t1);
    });
  }

  test('by application_name (full and short name, any letter case)', async () => {
    const app = await newApp(server, 'add-by-name');
    const a = expectOk(await sCall(server, 'AddSecret', { application_name: app.name, secret_name: 'one', secret_value: '1' }));
    const b = expectOk(
      await sCall(server, 'AddSecret', { application_name: 'ADD-BY-NAME', secret_name: 'two', secret_value: '2' }),
    );
    const c = expectOk(
      await sCall(server, 'AddSecret', {
        application_name: app.name.toUpperCase(),
        secret_name: 'three',
        secret_value: '3',
      }),
    );
    const ids = [a, b, c].map((x) => x.result[0].secret_id);
    assert.deepEqual(await secretIds(server, app), ids);
  });
});

describe('ids', () => {
  test('secret ids increase and are never reused after a delete', async () => {
    const app = await newApp(server, 'add-ids');
    const first = await addSecret(server, app, 'a', 'x');
    const second = await addSecret(server, app, 'b', 'x');
    assert.ok(second > first);
    expectOk(await sCall(server, 'DelSecret', { application_id: app.id, secret_id: second }));
    const third = await addSecret(server, app, 'b', 'x');
    assert.ok(third > second, `id ${third} reused or not increasing (deleted ${second})`);
    const otherApp = await newApp(server, 'add-ids-other');
    const fourth = await addSecret(server, otherApp, 'a', 'x');
    assert.ok(fourth > third, 'ids are unique on the server, not per application');
  });
});

describe('secret_name', () => {
  let app;
  before(async () => {
    app = await newApp(server, 'add-names');
  });

  test('valid names: one letter, letters digits and underscores, 64 characters', async () => {
    const names = ['a', 'Z', 'a1', 'A_b_9', 'x_', 'api_KEY_2024', `n${'x'.repeat(63)}`, `B${'_9'.repeat(31)}a`];
    for (const name of names) {
      assert.ok(name.length <= 64);
      const id = await addSecret(server, app, name, 'v');
      const item = await secretValue(server, app, { secret_id: id });
      assert.equal(item.secret_name, name);
    }
    assert.equal(names[6].length, 64);
  });

  test('invalid names -> 496 secret_name, nothing added', async () => {
    const before = await secretIds(server, app);
    const bad = [
      '1bad',
      '_lead',
      `n${'x'.repeat(64)}`, // 65 characters
      'with-dash',
      'with space',
      'dot.name',
      'semi;colon',
      'Яname',
      'nameЯ',
      'é',
      ' lead',
      'trail ',
      'tab\tname',
      '9',
    ];
    for (const name of bad) {
      expectParamError(
        await sCall(server, 'AddSecret', { application_id: app.id, secret_name: name, secret_value: 'v' }),
        496,
        'secret_name',
      );
    }
    assert.equal(bad[2].length, 65);
    assert.deepEqual(await secretIds(server, app), before);
  });

  test('uniqueness is case-sensitive: Key and key coexist; a repeat -> 493 secret_name', async () => {
    const app2 = await newApp(server, 'add-case');
    const upper = await addSecret(server, app2, 'Key', 'upper');
    const lower = await addSecret(server, app2, 'key', 'lower');
    const caps = await addSecret(server, app2, 'KEY', 'caps');
    assert.equal(new Set([upper, lower, caps]).size, 3);
    assert.equal((await secretValue(server, app2, { secret_name: 'Key' })).secret_value, 'upper');
    assert.equal((await secretValue(server, app2, { secret_name: 'key' })).secret_value, 'lower');
    assert.equal((await secretValue(server, app2, { secret_name: 'KEY' })).secret_value, 'caps');

    const err = expectParamError(
      await sCall(server, 'AddSecret', { application_id: app2.id, secret_name: 'key', secret_value: 'again' }),
      493,
      'secret_name',
    );
    assert.equal(err.msg, "The 'secret_name' is not unique.");
    assert.equal((await secretValue(server, app2, { secret_name: 'key' })).secret_value, 'lower', 'not replaced');
    assert.deepEqual(await secretIds(server, app2), [upper, lower, caps]);
  });

  test('the same name in two applications are unrelated secrets', async () => {
    const a = await newApp(server, 'add-same-a');
    const b = await newApp(server, 'add-same-b');
    const ia = await addSecret(server, a, 'shared', 'in a');
    const ib = await addSecret(server, b, 'shared', 'in b');
    assert.notEqual(ia, ib);
    assert.equal((await secretValue(server, a, { secret_name: 'shared' })).secret_value, 'in a');
    assert.equal((await secretValue(server, b, { secret_name: 'shared' })).secret_value, 'in b');
  });
});

describe('secret_value', () => {
  let app;
  before(async () => {
    app = await newApp(server, 'add-values');
  });

  test('8192 Cyrillic characters are accepted and read back exactly', async () => {
    const value = 'Ж'.repeat(8192);
    const id = await addSecret(server, app, 'cyr_max', value);
    assert.equal((await secretValue(server, app, { secret_id: id })).secret_value, value);
  });

  test('8193 Cyrillic characters -> 477 secret_value, nothing added', async () => {
    const before = await secretIds(server, app);
    const err = expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'cyr_over', secret_value: 'Ж'.repeat(8193) }),
      477,
      'secret_value',
    );
    assert.equal(err.msg, "The 'secret_value' parameter length should not exceed 8192 symbols.");
    assert.deepEqual(await secretIds(server, app), before);
  });

  test('characters outside the BMP count once each: 8192 OK, 8193 -> 477', async () => {
    const value = '😀'.repeat(8192); // 16384 UTF-16 units, 32768 UTF-8 bytes
    const id = await addSecret(server, app, 'emoji_max', value);
    assert.equal((await secretValue(server, app, { secret_id: id })).secret_value, value);
    expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'emoji_over', secret_value: '😀'.repeat(8193) }),
      477,
      'secret_value',
    );
  });

  test('8192 ASCII characters OK, 8193 -> 477', async () => {
    const id = await addSecret(server, app, 'ascii_max', 'a'.repeat(8192));
    assert.equal((await secretValue(server, app, { secret_id: id })).secret_value.length, 8192);
    expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'ascii_over', secret_value: 'a'.repeat(8193) }),
      477,
      'secret_value',
    );
  });

  test('a maximal Cyrillic value fits in the query string (documentation form)', async () => {
    const value = 'Щ'.repeat(8192);
    const body = expectOk(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'cyr_query', secret_value: value }, { form: 'query' }),
    );
    const id = body.result[0].secret_id;
    assert.equal((await secretValue(server, app, { secret_id: id }, { form: 'query' })).secret_value, value);
  });

  test('one character is the minimum; special characters survive unchanged', async () => {
    const values = ['x', ' ', 'line1\nline2\r\n', 'tab\tquote"back\\slash', '{"json":[1,2]}', 'a;b&c=d+e%20f', '\u00a0日本語 😀'];
    for (const [i, value] of values.entries()) {
      const id = await addSecret(server, app, `special_${i}`, value);
      assert.equal((await secretValue(server, app, { secret_id: id })).secret_value, value, JSON.stringify(value));
    }
  });

  test('secret_value that is not valid UTF-8 -> 496 secret_value', async () => {
    const res = await rawCall(server, 'AddSecret', {
      body: `application_id=${app.id}&secret_name=bad_utf8&secret_value=ab%FFcd`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expectParamError(res, 496, 'secret_value');
    expectError(
      await sCall(server, 'GetSecretValue', { application_id: app.id, secret_name: 'bad_utf8' }),
      496,
    );
  });
});

describe('description', () => {
  let app;
  before(async () => {
    app = await newApp(server, 'add-desc');
  });

  test('250 Cyrillic characters are cut to the first 200 characters (not bytes)', async () => {
    const desc = 'Привет, мир! '.repeat(20).slice(0, 250);
    assert.equal(desc.length, 250);
    const id = await addSecret(server, app, 'cyr_desc', 'v', { description: desc });
    const item = await secretValue(server, app, { secret_id: id });
    assert.equal(item.description, desc.slice(0, 200));
    const listed = (await listSecrets(server, app)).result.find((s) => s.secret_id === id);
    assert.equal(listed.description, desc.slice(0, 200));
  });

  test('characters outside the BMP are counted as one: 250 emoji -> the first 200', async () => {
    const desc = '😀🙂'.repeat(125);
    const id = await addSecret(server, app, 'emoji_desc', 'v', { description: desc });
    const got = (await secretValue(server, app, { secret_id: id })).description;
    assert.equal([...got].length, 200);
    assert.equal(got, '😀🙂'.repeat(100));
  });

  test('exactly 200 characters are kept whole, 201 lose the last one', async () => {
    const d200 = `${'д'.repeat(199)}!`;
    const id200 = await addSecret(server, app, 'd200', 'v', { description: d200 });
    assert.equal((await secretValue(server, app, { secret_id: id200 })).description, d200);
    const d201 = `${'д'.repeat(200)}?`;
    const id201 = await addSecret(server, app, 'd201', 'v', { description: d201 });
    assert.equal((await secretValue(server, app, { secret_id: id201 })).description, 'д'.repeat(200));
  });

  test('no description, or an empty one, -> the member is omitted', async () => {
    const none = await addSecret(server, app, 'no_desc', 'v');
    const empty = await addSecret(server, app, 'empty_desc', 'v', { description: '' });
    for (const id of [none, empty]) {
      const item = await secretValue(server, app, { secret_id: id });
      assert.ok(!('description' in item), `description must be omitted: ${JSON.stringify(item)}`);
      const listed = (await listSecrets(server, app)).result.find((s) => s.secret_id === id);
      assert.ok(!('description' in listed), `description must be omitted: ${JSON.stringify(listed)}`);
    }
  });

  test('a description with spaces and punctuation is kept verbatim', async () => {
    const desc = '  Production API key; used by "billing" & <ops>  ';
    const id = await addSecret(server, app, 'verbatim_desc', 'v', { description: desc });
    assert.equal((await secretValue(server, app, { secret_id: id })).description, desc);
  });
});

describe('errors in the documented order', () => {
  let app;
  let taken;
  before(async () => {
    app = await newApp(server, 'add-order');
    taken = await addSecret(server, app, 'taken', 'original');
  });

  test('no application -> 485 naming both application parameters', async () => {
    expectMissing(await sCall(server, 'AddSecret', { secret_name: 'x', secret_value: 'y' }), MSG_NO_APP);
    expectMissing(await sCall(server, 'AddSecret', {}), MSG_NO_APP);
    expectMissing(await sCall(server, 'AddSecret', { application_id: '0', secret_name: '1bad' }), MSG_NO_APP);
  });

  test('the application is checked before the secret parameters', async () => {
    expectError(await sCall(server, 'AddSecret', { application_id: 987654, secret_name: '1bad' }), 116);
    expectError(await sCall(server, 'AddSecret', { application_id: 'x1', secret_name: 'taken', secret_value: 'v' }), 116);
    expectError(await sCall(server, 'AddSecret', { application_name: 'no-such-app', secret_value: 'a'.repeat(9000) }), 558);
  });

  test('secret_name absent -> 485, before anything about the value', async () => {
    const err = expectParamError(await sCall(server, 'AddSecret', { application_id: app.id }), 485, 'secret_name');
    assert.equal(err.msg, "Specify the 'secret_name' parameter.");
    expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_value: 'a'.repeat(9000) }),
      485,
      'secret_name',
    );
    expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: '', secret_value: 'v' }),
      485,
      'secret_name',
    );
  });

  test('secret_name malformed -> 496 even when the value is missing or too long', async () => {
    expectParamError(await sCall(server, 'AddSecret', { application_id: app.id, secret_name: '1bad' }), 496, 'secret_name');
    expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: '1bad', secret_value: 'a'.repeat(9000) }),
      496,
      'secret_name',
    );
  });

  test('secret_value absent or empty -> 485 before the name is found taken', async () => {
    const err = expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'taken' }),
      485,
      'secret_value',
    );
    assert.equal(err.msg, "Specify the 'secret_value' parameter.");
    expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'taken', secret_value: '' }),
      485,
      'secret_value',
    );
  });

  test('secret_value too long -> 477 before the name is found taken', async () => {
    expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'taken', secret_value: 'a'.repeat(8193) }),
      477,
      'secret_value',
    );
  });

  test('last: name taken -> 493; nothing was changed by any of these', async () => {
    expectParamError(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'taken', secret_value: 'new' }),
      493,
      'secret_name',
    );
    assert.deepEqual(await secretIds(server, app), [taken]);
    const item = await secretValue(server, app, { secret_id: taken });
    assert.equal(item.secret_value, 'original');
    assert.equal(item.modified, item.created);
  });
});
