// SPEC 16 audit log, black-box: every secrets call (success or failure) and every application,
// key or account change (operator commands included) is recorded with who, from where, what and
// how it ended, never a value or a description; `coffer audit list` filters by time and
// application; `coffer audit verify` passes an intact chain and, on PostgreSQL (where psql can
// reach the records), names a record changed, removed or inserted in the database.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ON_POSTGRES, databaseUrl, runCoffer, startServer } from './lib/harness.mjs';
import { call, expectError, expectOk } from './lib/api.mjs';
import { createApp } from './lib/kv.mjs';
import { marker } from './lib/secrets.mjs';

let server;
let app;
let other;
const value = marker('AUDIT-VALUE-', 40);
const description = marker('AUDIT-DESCRIPTION-', 40);
before(async () => {
  server = await startServer();
  app = await createApp(server, 'audited');
  other = await createApp(server, 'unrelated');
  const id = expectOk(await call(server, 'AddSecret', { application_id: app.id, secret_name: 'db', secret_value: value, secret_description: description })).result[0].secret_id;
  expectOk(await call(server, 'GetSecretValue', { application_id: app.id, secret_id: id }));
  expectOk(await call(server, 'GetSecrets', { application_id: app.id }));
  expectOk(await call(server, 'SetSecretInfo', { application_id: app.id, secret_name: 'db', secret_value: `${value}-2` }));
  expectError(await call(server, 'AddSecret', { application_id: app.id, secret_name: 'db', secret_value: value }), 493);
  expectError(await call(server, 'GetSecrets', { application_id: app.id }, { auth: null }), 100);
  expectOk(await call(server, 'SetKeyValueItem', { application_id: app.id, key: 'not-audited', value: 'v' }));
  expectOk(await call(server, 'DelSecret', { application_id: app.id, secret_name: 'db' }));
  expectOk(await call(server, 'SetApplicationInfo', { application_id: other.id, secure_record_storage: true }));
  const key = await runCoffer(['key', 'create', '--account', '1', '--data', server.dataDir]);
  assert.equal(key.code, 0, key.stderr);
});
after(async () => {
  if (server) await server.stop();
});

async function listed(...args) {
  const r = await runCoffer(['audit', 'list', '--data', server.dataDir, ...args]);
  assert.equal(r.code, 0, r.stderr);
  return { text: r.stdout, records: r.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
}

describe('what is recorded', () => {
  test('each audited call once, in order, with its outcome; nothing else', async () => {
    const { text, records } = await listed();
    const calls = records.filter((r) => r.key_id !== 'operator');
    assert.deepEqual(calls.map((r) => [r.method, r.code]), [
      ['AddApplication', 0], ['AddApplication', 0], ['AddSecret', 0], ['GetSecretValue', 0], ['GetSecrets', 0],
      ['SetSecretInfo', 0], ['AddSecret', 493], ['GetSecrets', 100], ['DelSecret', 0], ['SetApplicationInfo', 0],
    ]);
    const read = calls[3];
    assert.equal(read.account_id, server.creds.account_id);
    assert.equal(read.key_id, server.creds.key_id);
    assert.equal(read.client, '127.0.0.1');
    assert.equal(read.application_id, app.id);
    assert.match(read.secrets[0], /^id:\d+$/);
    assert.equal(calls[7].account_id, 0, 'not authenticated');
    assert.deepEqual(calls[8].secrets, ['name:db']);
    assert.equal(calls[9].application_id, other.id);
    assert.deepEqual(calls[9].named, [`application_id:${other.id}`]);
    assert.deepEqual(calls[0].named, ['application_name:audited']);
    assert.deepEqual(calls[7].secrets, [], 'nothing an unauthenticated caller named is kept');
    const operator = records.filter((r) => r.key_id === 'operator').map((r) => r.method);
    assert.deepEqual(operator, ['first start', 'key create']);
    const del = await runCoffer(['key', 'delete', '--key-id', 'no-such-key', '--data', server.dataDir]);
    assert.equal(del.code, 1);
    const again = (await listed()).records;
    assert.equal(again.length, records.length, 'a failed command changes nothing and is not recorded');
    assert.deepEqual(records.map((r) => r.seq), records.map((_, i) => i + 1));
    for (const secret of [value, description, 'not-audited']) assert.ok(!text.includes(secret), secret);
  });

  test('--application and --since filter', async () => {
    const mine = (await listed('--application', String(other.id))).records;
    assert.deepEqual(mine.map((r) => r.method), ['SetApplicationInfo']);
    const all = (await listed()).records;
    const last = all[all.length - 1];
    const since = (await listed('--since', String(last.time))).records;
    assert.ok(since.length >= 1 && since.every((r) => r.time >= last.time));
    assert.deepEqual((await listed('--since', '2999-01-01T00:00:00Z')).records, []);
    const bad = await runCoffer(['audit', 'list', '--data', server.dataDir, '--since', 'yesterday']);
    assert.equal(bad.code, 2);
  });

  test('reading the log never creates a store', { skip: ON_POSTGRES && 'a PostgreSQL database exists whatever the directory' }, async () => {
    const missing = path.join(os.tmpdir(), `coffer-no-store-${process.pid}`);
    for (const command of ['list', 'verify']) {
      const r = await runCoffer(['audit', command, '--data', missing]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /no Coffer store at/);
      assert.ok(!fs.existsSync(missing), 'nothing created');
    }
  });

  test('verify passes an intact chain', async () => {
    const r = await runCoffer(['audit', 'verify', '--data', server.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.intact, true);
    assert.equal(r.json.records, (await listed()).records.length);
    assert.match(r.json.head, /^[0-9a-f]{64}$/);
  });

  test('--audit off records no call', async () => {
    const quiet = await startServer({ args: ['--audit', 'off'] });
    try {
      assert.match(quiet.output.stderr, /audit log is off/);
      await createApp(quiet, 'quiet');
      const r = await runCoffer(['audit', 'list', '--data', quiet.dataDir]);
      assert.deepEqual(r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l).method), ['first start']);
    } finally {
      await quiet.stop();
    }
  });
});

describe('tampering, seen by verify', { skip: !ON_POSTGRES && 'psql reaches the PostgreSQL records; SQLite is covered by service_test' }, () => {
  const psql = async (sql) => execFileSync('psql', [await databaseUrl(server.dataDir), '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
  const verify = () => runCoffer(['audit', 'verify', '--data', server.dataDir]);

  test('a changed, a removed and an inserted record are each named', async () => {
    await psql("UPDATE audit_log SET entry = replace(entry, '\"code\":493', '\"code\":0') WHERE entry LIKE '%\"code\":493%'");
    let r = await verify();
    assert.equal(r.code, 1);
    assert.match(r.stderr, /record \d+ was changed/);
    const changed = r.json.first_bad;
    await psql(`UPDATE audit_log SET entry = replace(entry, '"code":0', '"code":493') WHERE seq = ${changed}`);
    assert.equal((await verify()).code, 0, 'restored');

    await psql('CREATE TABLE kept AS SELECT * FROM audit_log WHERE seq = 4; DELETE FROM audit_log WHERE seq = 4');
    r = await verify();
    assert.equal(r.code, 1);
    assert.equal(r.json.first_bad, 4);
    assert.match(r.stderr, /record 4 is missing/);
    await psql('INSERT INTO audit_log SELECT * FROM kept; DROP TABLE kept');

    await psql("UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3; UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1003; " +
      "INSERT INTO audit_log (seq, time, application_id, entry, prev_hash, hash) SELECT 3, time, application_id, entry, prev_hash, hash FROM audit_log WHERE seq = 2");
    r = await verify();
    assert.equal(r.code, 1);
    assert.match(r.stderr, /record 3 does not follow/);
  });
});
