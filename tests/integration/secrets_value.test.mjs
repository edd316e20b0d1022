// SPEC 7.4: GetSecretValue — by secret_id or secret_name (the id wins), a one-element array with
// the value item, and 485/496 for missing, malformed or unknown identifiers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectError, expectOk } from './lib/api.mjs';
import {
  FORMS,
  MSG_NO_APP,
  MSG_NO_SECRET,
  addSecret,
  assertTimestampBetween,
  expectMissing,
  expectParamError,
  newApp,
  rawCall,
  sCall,
  secretValue,
  suiteServer,
} from './lib/secrets.mjs';

let server;
let app;
let other; // a second application of the same account
const ids = {};
let t0;
let t1;
suiteServer(async (s) => {
  server = s;
  app = await newApp(server, 'value-app');
  other = await newApp(server, 'value-other');
  t0 = Date.now();
  ids.plain = await addSecret(server, app, 'plain', 'secret123');
  ids.described = await addSecret(server, app, 'described', 'пароль 😀', { description: 'Production API key' });
  ids.lower = await addSecret(server, app, 'name', 'lower-case');
  ids.upper = await addSecret(server, app, 'Name', 'capitalised');
  ids.inOther = await addSecret(server, other, 'only_other', 'elsewhere');
  t1 = Date.now();
});

describe('reading a value', () => {
  for (const form of FORMS) {
    test(`form ${form}: by id -> [value item]`, async () => {
      const body = expectOk(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: ids.described }, { form }));
      assert.deepEqual(Object.keys(body), ['result']);
      assert.ok(Array.isArray(body.result));
      const [item] = body.result;
      assert.deepEqual(body.result, [
        {
          secret_id: ids.described,
          secret_name: 'described',
          secret_value: 'пароль 😀',
          description: 'Production API key',
          created: item.created,
          modified: item.created,
        },
      ]);
      assertTimestampBetween(item.created, t0, t1);
    });

    test(`form ${form}: by name -> [value item] without description when none`, async () => {
      const body = expectOk(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_name: 'plain' }, { form }));
      const [item] = body.result;
      assert.deepEqual(body.result, [
        { secret_id: ids.plain, secret_name: 'plain', secret_value: 'secret123', created: item.created, modified: item.created },
      ]);
    });
  }

  test('by application_name (full or short) instead of the id', async () => {
    for (const name of [app.name, app.short, app.short.toUpperCase()]) {
      const body = expectOk(await sCall(server, 'GetSecretValue', { application_name: name, secret_name: 'plain' }));
      assert.equal(body.result.length, 1);
      assert.equal(body.result[0].secret_id, ids.plain);
      assert.equal(body.result[0].secret_value, 'secret123');
    }
  });

  test('names are looked up case-sensitively', async () => {
    assert.equal((await secretValue(server, app, { secret_name: 'name' })).secret_value, 'lower-case');
    assert.equal((await secretValue(server, app, { secret_name: 'Name' })).secret_value, 'capitalised');
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_name: 'NAME' }), 496, 'secret_name');
  });

  test('secret_id wins over secret_name (even an unknown or malformed name)', async () => {
    const a = await secretValue(server, app, { secret_id: ids.plain, secret_name: 'described' });
    assert.equal(a.secret_id, ids.plain);
    const b = await secretValue(server, app, { secret_id: ids.plain, secret_name: 'does_not_exist' });
    assert.equal(b.secret_id, ids.plain);
    const c = await secretValue(server, app, { secret_id: ids.plain, secret_name: '1 bad name' });
    assert.equal(c.secret_id, ids.plain);
  });

  test('a present secret_id decides even when it is unknown and the name exists', async () => {
    expectParamError(
      await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: 987654, secret_name: 'plain' }),
      496,
      'secret_id',
    );
  });

  test('an empty secret_id is absent: the name is used', async () => {
    const item = await secretValue(server, app, { secret_id: '', secret_name: 'plain' });
    assert.equal(item.secret_id, ids.plain);
  });

  test('reading does not change modified', async () => {
    const first = await secretValue(server, app, { secret_id: ids.plain });
    // Timestamps have whole seconds: read again in a later second, so a write would show.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await secretValue(server, app, { secret_id: ids.plain });
    assert.deepEqual(again, first);
  });
});

describe('errors in the documented order', () => {
  test('no application -> 485 (before the secret parameters)', async () => {
    expectMissing(await sCall(server, 'GetSecretValue', { secret_id: ids.plain }), MSG_NO_APP);
    expectMissing(await sCall(server, 'GetSecretValue', {}), MSG_NO_APP);
  });

  test('unknown or malformed application -> 116 / 558 before the secret parameters', async () => {
    expectError(await sCall(server, 'GetSecretValue', { application_id: 987654 }), 116);
    expectError(await sCall(server, 'GetSecretValue', { application_id: 'abc', secret_id: ids.plain }), 116);
    expectError(await sCall(server, 'GetSecretValue', { application_name: 'value-none', secret_id: 'x' }), 558);
  });

  test('neither secret_id nor secret_name -> 485 with the exact message', async () => {
    expectMissing(await sCall(server, 'GetSecretValue', { application_id: app.id }), MSG_NO_SECRET);
    expectMissing(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: '', secret_name: '' }), MSG_NO_SECRET);
  });

  test('secret_id not an id -> 496 secret_id', async () => {
    for (const bad of ['abc', '0', '-1', '1.5', '+1', ' 1', '1;2', 'all', '99999999999999999999']) {
      expectParamError(
        await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: bad }),
        496,
        'secret_id',
      );
    }
  });

  test('secret_id unknown in the application -> 496 secret_id', async () => {
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: 987654 }), 496, 'secret_id');
    // a secret of another application of the same account is unknown here
    expectParamError(
      await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: ids.inOther }),
      496,
      'secret_id',
    );
    assert.equal((await secretValue(server, other, { secret_id: ids.inOther })).secret_value, 'elsewhere');
  });

  test('secret_name unknown (or not even a valid name) -> 496 secret_name', async () => {
    for (const name of ['missing', 'only_other', '1bad', 'with space']) {
      expectParamError(
        await sCall(server, 'GetSecretValue', { application_id: app.id, secret_name: name }),
        496,
        'secret_name',
      );
    }
  });

  test('secret_name that is not valid UTF-8 -> 496 secret_name', async () => {
    const res = await rawCall(server, 'GetSecretValue', { query: `application_id=${app.id}&secret_name=ab%FF` });
    expectParamError(res, 496, 'secret_name');
  });

  test('a deleted secret is unknown afterwards', async () => {
    const id = await addSecret(server, app, 'short_lived', 'gone soon');
    expectOk(await sCall(server, 'DelSecret', { application_id: app.id, secret_id: id }));
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: id }), 496, 'secret_id');
    expectParamError(
      await sCall(server, 'GetSecretValue', { application_id: app.id, secret_name: 'short_lived' }),
      496,
      'secret_name',
    );
  });
});
