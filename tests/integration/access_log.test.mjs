// SPEC 16 logs: `--access-log FILE|-` writes one line per API request (method, status, code,
// latency, account, key id, application id, client address) and never a value, name, token or
// api_key; `--log-format json` makes every line of the server's log, access lines included, one
// JSON object.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir, removeDir, runCoffer, startServer } from './lib/harness.mjs';
import { call, expectError, expectOk } from './lib/api.mjs';
import { bearer } from './lib/jwt.mjs';
import { createApp } from './lib/kv.mjs';
import { marker } from './lib/secrets.mjs';

const dir = makeTempDir('coffer-access-');
after(() => removeDir(dir));

async function linesOf(file, count) {
  let lines = [];
  for (let i = 0; i < 100; i++) {
    lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length >= count) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return lines;
}

/** The requests both formats are checked with; returns what must never be logged. */
async function traffic(server) {
  const secretValue = marker('ACCESS-SECRET-VALUE-', 48);
  const itemValue = marker('ACCESS-ITEM-VALUE-', 40);
  const token = bearer(server.creds);
  const app = await createApp(server, 'access-app');
  expectOk(await call(server, 'SetKeyValueItem', { application_id: app.id, key: 'access-key-name', value: itemValue }, { auth: token }));
  expectOk(await call(server, 'AddSecret', { application_id: app.id, secret_name: 'access_secret_name', secret_value: secretValue }, { auth: token }));
  expectOk(await call(server, 'GetSecretValue', { application_id: app.id, secret_name: 'access_secret_name' }, { auth: token }));
  expectError(await call(server, 'NoSuchMethod', { secret_value: secretValue }), 103);
  expectError(await call(server, 'GetSecrets', { application_id: app.id, api_key: 'not-the-api-key', account_id: server.creds.account_id }, { auth: null }), 100);
  return { app, never: [secretValue, itemValue, 'access-key-name', 'access_secret_name', 'access-app', 'NoSuchMethod',
    'not-the-api-key', token.slice(7), token.split('.')[2]] };
}

describe('--access-log FILE', () => {
  test('one text line per request, no value, name or token; the file is private', async () => {
    const file = path.join(dir, 'access.log');
    const server = await startServer({ args: ['--access-log', file] });
    try {
      const { app, never } = await traffic(server);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const lines = await linesOf(file, 6);
      assert.equal(lines.length, 6, lines.join('\n'));
      const fields = lines.map((line) => {
        const m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3} access (.*)$/.exec(line);
        assert.ok(m, line);
        return Object.fromEntries(m[1].split(' ').map((pair) => pair.split('=')));
      });
      assert.deepEqual(fields.map((f) => [f.method, f.status, f.code]), [
        ['AddApplication', '200', '0'], ['SetKeyValueItem', '200', '0'], ['AddSecret', '200', '0'],
        ['GetSecretValue', '200', '0'], ['unknown', '200', '103'], ['GetSecrets', '200', '100'],
      ]);
      for (const f of fields.slice(0, 4)) {
        assert.equal(f.account, String(server.creds.account_id));
        assert.equal(f.key, server.creds.key_id);
        assert.equal(f.application, String(app.id));
        assert.equal(f.client, '127.0.0.1');
        assert.match(f.latency_us, /^\d+$/);
      }
      assert.deepEqual([fields[4].account, fields[4].key, fields[4].application], ['0', '-', '-']);
      for (const line of lines) {
        for (const secret of never) assert.ok(!line.includes(secret), `${secret} in ${line}`);
      }
    } finally {
      assert.equal((await server.stop()).code, 0);
    }
  });

  test('an unwritable file is a one-line start-up error, before anything is created', async () => {
    const data = path.join(dir, 'never-created');
    const r = await runCoffer(['serve', '--data', data, '--listen', '127.0.0.1:0',
      '--access-log', path.join(dir, 'missing-dir', 'access.log')]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--access-log/);
    assert.ok(!fs.existsSync(data), 'no data directory made');
  });
});

describe('--log-format json', () => {
  test('every line of standard error is a JSON object; access lines carry the fields', async () => {
    const server = await startServer({ args: ['--access-log', '-', '--log-format', 'json'] });
    let never;
    try {
      ({ never } = await traffic(server));
    } finally {
      assert.equal((await server.stop()).code, 0);
    }
    const lines = server.output.stderr.split('\n').filter(Boolean);
    const objects = lines.map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        assert.fail(`not JSON: ${line}`);
      }
    });
    for (const o of objects) assert.match(o.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const access = objects.filter((o) => 'method' in o);
    assert.deepEqual(access.map((o) => [o.method, o.status, o.code]), [
      ['AddApplication', 200, 0], ['SetKeyValueItem', 200, 0], ['AddSecret', 200, 0],
      ['GetSecretValue', 200, 0], ['unknown', 200, 103], ['GetSecrets', 200, 100],
    ]);
    assert.equal(access[1].key_id, server.creds.key_id);
    assert.equal(access[1].client, '127.0.0.1');
    assert.equal(typeof access[1].application_id, 'number');
    assert.equal(access[4].application_id, null);
    assert.ok(objects.some((o) => o.level === 'info' && /^listening on https:/.test(o.msg)));
    for (const line of lines) {
      for (const secret of never) assert.ok(!line.includes(secret), `${secret} in ${line}`);
    }
  });
});
