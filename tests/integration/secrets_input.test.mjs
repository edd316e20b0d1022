// SPEC 1.3 / 1.4 applied to the Secrets methods: where parameters come from (ISO-8859-1 multipart
// parts, body over query, JSON bodies), integer syntax, characters as code points, invalid UTF-8,
// and uniqueness under concurrent requests.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectError, expectOk, multipart } from './lib/api.mjs';
import { request } from './lib/http.mjs';
import { bearer } from './lib/jwt.mjs';
import {
  addSecret,
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
let app;
suiteServer(async (s) => {
  server = s;
  app = await newApp(server, 'input-app');
});

const form = 'application/x-www-form-urlencoded';

/** A raw AddSecret (see rawCall) in `app` that must succeed; returns the new secret's value item. */
async function rawAddAndRead(opts) {
  const id = expectOk(await rawCall(server, 'AddSecret', opts)).result[0].secret_id;
  return secretValue(server, app, { secret_id: id });
}

describe('parameter sources', () => {
  test('a multipart part declared ISO-8859-1 is converted to UTF-8 (Java client)', async () => {
    const mp = multipart([
      { name: 'application_id', value: String(app.id) },
      { name: 'secret_name', value: 'latin', headers: ['Content-Type: text/plain; charset=ISO-8859-1'] },
      { name: 'secret_value', value: Buffer.from([0x63, 0x61, 0x66, 0xe9]), headers: ['Content-Type: text/plain; charset=ISO-8859-1'] },
      { name: 'description', value: Buffer.from([0xc4, 0x72, 0x67, 0x65, 0x72]), headers: ['Content-Type: text/plain; charset=ISO-8859-1'] },
      { name: 'account_id', value: String(server.creds.account_id) },
    ]);
    const res = await request(server, {
      method: 'POST',
      path: '/platform_api/AddSecret',
      headers: { Authorization: bearer(server.creds), 'Content-Type': mp.contentType },
      body: mp.body,
    });
    const id = expectOk(res).result[0].secret_id;
    const item = await secretValue(server, app, { secret_id: id });
    assert.equal(item.secret_value, 'café');
    assert.equal(item.description, 'Ärger');
  });

  test('multipart values keep their bytes exactly, including CR LF at the end', async () => {
    const value = 'line one\r\nline two\r\n';
    const body = expectOk(
      await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'crlf', secret_value: value, description: ' x\r\n' }, { form: 'multipart' }),
    );
    const item = await secretValue(server, app, { secret_id: body.result[0].secret_id });
    assert.equal(item.secret_value, value);
    assert.equal(item.description, ' x\r\n');
  });

  test('a body value overrides the query value of the same name', async () => {
    const item = await rawAddAndRead({
      query: `application_id=${app.id}&secret_name=prec&secret_value=from-query&description=query-desc`,
      body: 'secret_value=from-body',
      contentType: form,
    });
    assert.equal(item.secret_value, 'from-body');
    assert.equal(item.description, 'query-desc');
  });

  test('within one source the last occurrence of a name wins', async () => {
    const item = await rawAddAndRead({
      body: `application_id=${app.id}&secret_name=first&secret_name=last_wins&secret_value=a&secret_value=b`,
      contentType: form,
    });
    assert.equal(item.secret_name, 'last_wins');
    assert.equal(item.secret_value, 'b');
  });

  test('JSON body: numbers become their decimal text, null is absent', async () => {
    const item = await rawAddAndRead({
      body: JSON.stringify({ application_id: app.id, secret_name: 'json_num', secret_value: 12345, description: null }),
      contentType: 'application/json',
    });
    assert.equal(item.secret_value, '12345');
    assert.ok(!('description' in item));

    // null description on SetSecretInfo is absent, not a clear
    const withDesc = await addSecret(server, app, 'json_null', 'v', { description: 'kept' });
    expectOk(
      await rawCall(server, 'SetSecretInfo', {
        body: JSON.stringify({ application_id: app.id, secret_id: withDesc, description: null, secret_value: true }),
        contentType: 'application/json',
      }),
    );
    const after = await secretValue(server, app, { secret_id: withDesc });
    assert.equal(after.description, 'kept');
    assert.equal(after.secret_value, 'true');
  });

  test('unknown parameters (account_id, with_rules, cmd on a path call) are ignored', async () => {
    const id = await addSecret(server, app, 'extras', 'v', { account_id: 1, with_rules: true, cmd: 'GetSecrets' });
    assert.equal((await secretValue(server, app, { secret_id: id, foo: 'bar' })).secret_value, 'v');
  });
});

describe('integers and ids', () => {
  let id;
  before(async () => {
    id = await addSecret(server, app, 'int_target', 'int-value');
  });

  test('leading zeros are still integers (1-19 digits)', async () => {
    const padded = String(id).padStart(5, '0');
    assert.equal((await secretValue(server, app, { secret_id: padded })).secret_id, id);
    const body = await listSecrets(server, app, { count: '0002', offset: '00' });
    assert.equal(body.count, 2);
    expectOk(await sCall(server, 'GetSecrets', { application_id: `000${app.id}` }));
  });

  test('an id beyond signed 64-bit -> 496', async () => {
    for (const big of ['9223372036854775808', '9999999999999999999']) {
      expectParamError(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: big }), 496, 'secret_id');
      expectParamError(await sCall(server, 'DelSecret', { application_id: app.id, secret_id: big }), 496, 'secret_id');
    }
    // the largest 64-bit id is well-formed, just unknown
    expectParamError(
      await sCall(server, 'GetSecretValue', { application_id: app.id, secret_id: '9223372036854775807' }),
      496,
      'secret_id',
    );
  });
});

describe('characters and encodings', () => {
  test('a character is a code point: 300 code points of combining pairs -> first 200 code points', async () => {
    const desc = 'e\u0301'.repeat(150); // 150 user-perceived letters, 300 code points
    const id = await addSecret(server, app, 'combining', 'v', { description: desc });
    const got = (await secretValue(server, app, { secret_id: id })).description;
    assert.equal(got, 'e\u0301'.repeat(100));
  });

  test('a value with a U+0000 character is kept whole', async () => {
    const item = await rawAddAndRead({ body: `application_id=${app.id}&secret_name=with_nul&secret_value=a%00b`, contentType: form });
    assert.equal(item.secret_value, 'a\u0000b');
  });

  test('invalid UTF-8 (bad byte, truncated, overlong, surrogate) -> 496 naming the parameter', async () => {
    for (const bad of ['%FF', '%C3', '%E2%82', '%C0%AF', '%ED%A0%80', '%F8%88%80%80%80']) {
      expectParamError(
        await rawCall(server, 'AddSecret', { body: `application_id=${app.id}&secret_name=enc&secret_value=x${bad}`, contentType: form }),
        496,
        'secret_value',
      );
      expectParamError(
        await rawCall(server, 'AddSecret', {
          body: `application_id=${app.id}&secret_name=enc&secret_value=v&description=${bad}`,
          contentType: form,
        }),
        496,
        'description',
      );
    }
    expectParamError(
      await rawCall(server, 'AddSecret', { body: `application_id=${app.id}&secret_name=n%FF&secret_value=v`, contentType: form }),
      496,
      'secret_name',
    );
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_name: 'enc' }), 496, 'secret_name');
  });

  test('invalid UTF-8 in a multipart part -> 496 naming it', async () => {
    const mp = multipart([
      { name: 'cmd', value: 'AddSecret' },
      { name: 'application_id', value: String(app.id) },
      { name: 'secret_name', value: 'mp_enc' },
      { name: 'secret_value', value: Buffer.from([0x61, 0xff, 0x62]) },
    ]);
    const res = await request(server, {
      method: 'POST',
      path: '/platform_api',
      headers: { Authorization: bearer(server.creds), 'Content-Type': mp.contentType },
      chunks: [mp.body],
    });
    expectParamError(res, 496, 'secret_value');
  });
});

describe('concurrency', () => {
  test('16 concurrent AddSecret with one name: exactly one succeeds, the rest get 493', async () => {
    const a = await newApp(server, 'input-race');
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => sCall(server, 'AddSecret', { application_id: a.id, secret_name: 'race', secret_value: `v${i}` })),
    );
    const winners = answers.filter((r) => !r.body.error);
    assert.equal(winners.length, 1, answers.map((r) => r.text).join('\n'));
    for (const r of answers.filter((x) => x.body.error)) expectParamError(r, 493, 'secret_name');
    const winner = answers.indexOf(winners[0]);
    const item = await secretValue(server, a, { secret_name: 'race' });
    assert.equal(item.secret_id, winners[0].body.result[0].secret_id);
    assert.equal(item.secret_value, `v${winner}`);
    assert.equal((await listSecrets(server, a)).total_count, 1);
  });

  test('8 concurrent renames to one free name: exactly one succeeds', async () => {
    const a = await newApp(server, 'input-rename-race');
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await addSecret(server, a, `r${i}`, 'v'));
    const answers = await Promise.all(
      ids.map((id) => sCall(server, 'SetSecretInfo', { application_id: a.id, secret_id: id, new_secret_name: 'target' })),
    );
    assert.equal(answers.filter((r) => !r.body.error).length, 1, answers.map((r) => r.text).join('\n'));
    for (const r of answers.filter((x) => x.body.error)) expectParamError(r, 493, 'new_secret_name');
    const names = (await listSecrets(server, a)).result.map((s) => s.secret_name).sort();
    assert.equal(names.filter((n) => n === 'target').length, 1);
    assert.equal(names.length, 8);
  });

  test('concurrent adds in many applications get distinct increasing ids', async () => {
    const apps = [];
    for (let i = 0; i < 4; i++) apps.push(await newApp(server, `input-par-${i}`));
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sCall(server, 'AddSecret', { application_id: apps[i % 4].id, secret_name: `s${i}`, secret_value: `v${i}` }),
      ),
    );
    const ids = answers.map((r) => expectOk(r).result[0].secret_id);
    assert.equal(new Set(ids).size, 40);
    for (const [i, a] of apps.entries()) {
      const listed = await secretIds(server, a);
      assert.equal(listed.length, 10, `app ${i}`);
      for (let k = 1; k < listed.length; k++) assert.ok(listed[k] > listed[k - 1]);
    }
    for (let i = 0; i < 40; i += 7) {
      assert.equal((await secretValue(server, apps[i % 4], { secret_id: ids[i] })).secret_value, `v${i}`);
    }
  });

  test('concurrent partial updates of one secret: no update is lost', async () => {
    // Each SetSecretInfo changes one field and leaves the others unchanged (SPEC 7.5); whatever
    // order they run in, all three changes must be there afterwards.
    const a = await newApp(server, 'input-lost-update');
    const lost = [];
    for (let round = 0; round < 20; round++) {
      const id = await addSecret(server, a, `n${round}`, 'v0', { description: 'd0' });
      const answers = await Promise.all([
        sCall(server, 'SetSecretInfo', { application_id: a.id, secret_id: id, secret_value: `v${round}` }),
        sCall(server, 'SetSecretInfo', { application_id: a.id, secret_id: id, description: `d${round}` }),
        sCall(server, 'SetSecretInfo', { application_id: a.id, secret_id: id, new_secret_name: `m${round}` }),
      ]);
      for (const r of answers) assert.deepEqual(expectOk(r), { result: 1 });
      const item = await secretValue(server, a, { secret_id: id });
      const got = [item.secret_name, item.secret_value, item.description];
      const want = [`m${round}`, `v${round}`, `d${round}`];
      if (JSON.stringify(got) !== JSON.stringify(want)) lost.push({ want, got });
    }
    assert.deepEqual(lost, [], `acknowledged SetSecretInfo changes were lost in ${lost.length} of 20 rounds`);
  });

  test('concurrent DelSecret of the same secret: one succeeds, the others find it gone (496)', async () => {
    // Serially, a second DelSecret of a deleted id answers 496; concurrent ones must not all
    // claim success (each request behaves as if it ran alone, in some order).
    const a = await newApp(server, 'input-del-race');
    const rounds = [];
    for (let round = 0; round < 10; round++) {
      const id = await addSecret(server, a, `once${round}`, 'v');
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => sCall(server, 'DelSecret', { application_id: a.id, secret_id: id })),
      );
      for (const r of answers.filter((x) => x.body.error)) expectParamError(r, 496, 'secret_id');
      rounds.push(answers.filter((r) => !r.body.error).length);
    }
    assert.deepEqual(await secretIds(server, a), []);
    assert.deepEqual(rounds, Array(10).fill(1), `successful deletes of one secret per round: ${rounds.join(',')}`);
  });
});
