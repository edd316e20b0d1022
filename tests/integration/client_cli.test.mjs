// SPEC 17 client commands against a real server: `coffer call` in every parameter form, and the
// shorthands `app`, `secret`, `kv`. Tokens are signed from the credentials file; the server's
// self-signed certificate is trusted through the data directory, never by skipping verification.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { COFFER_BIN, makeTempDir, removeDir, startServer } from './lib/harness.mjs';
import { call, expectOk } from './lib/api.mjs';
import { marker } from './lib/secrets.mjs';

const dir = makeTempDir('coffer-client-');
let server;
let plain;

/** Runs `coffer ...args` with `input` on stdin; resolves {code, stdout, stderr, json}. */
function client(args, { input = '', env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(COFFER_BIN, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, COFFER_SERVER: '', COFFER_CREDENTIALS: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = null;
      }
      resolve({ code, stdout, stderr, json });
    });
    child.stdin.end(input);
  });
}

const at = (s) => ['--server', `${s.tls ? 'https' : 'http'}://127.0.0.1:${s.port}`, '--data', s.dataDir];

before(async () => {
  server = await startServer();
  plain = await startServer({ plain: true });
});

after(async () => {
  if (server) await server.stop();
  if (plain) await plain.stop();
  removeDir(dir);
});

describe('coffer call', () => {
  test('calls any method and prints its JSON answer, compact when not on a terminal', async () => {
    const r = await client(['call', 'GetApplications', ...at(server)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json, expectOk(await call(server, 'GetApplications', {})));
    assert.equal(r.stdout.trim().split('\n').length, 1, 'one line on a pipe');
  });

  test('takes name=value and name@FILE (- for standard input)', async () => {
    const secret = marker('CLIENT-CALL-', 40);
    const file = path.join(dir, 'value');
    fs.writeFileSync(file, `${secret}\n`);
    expectOk(await call(server, 'AddApplication', { application_name: 'callapp' }));
    const added = await client(['call', 'AddSecret', 'application_name=callapp', 'secret_name=fromfile',
      `secret_value@${file}`, ...at(server)]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(typeof added.json.result[0].secret_id, 'number');
    const stdin = await client(['call', 'AddSecret', 'application_name=callapp', 'secret_name=fromstdin',
      'secret_value@-', 'description=a b+c&d=e', ...at(server)], { input: `${secret}-stdin` });
    assert.equal(stdin.code, 0, stdin.stderr);
    const value = expectOk(await call(server, 'GetSecretValue', { application_name: 'callapp', secret_name: 'fromfile' }));
    assert.equal(value.result[0].secret_value, secret, 'one final newline is dropped');
    const other = expectOk(await call(server, 'GetSecretValue', { application_name: 'callapp', secret_name: 'fromstdin' }));
    assert.equal(other.result[0].secret_value, `${secret}-stdin`);
    assert.equal(other.result[0].description, 'a b+c&d=e', 'reserved characters arrive as sent');
    assert.ok(!added.stdout.includes(secret) && !added.stderr.includes(secret));
  });

  for (const form of ['urlencoded', 'query', 'json', 'multipart', 'cmd']) {
    test(`--form ${form} carries every byte of a value, and lists`, async () => {
      const value = `${marker(`FORM-${form}-`, 20)} +&=%;ü\n"{}"`;
      const file = path.join(dir, `form-${form}`);
      fs.writeFileSync(file, `${value}\n`);
      const name = `form_${form}`;
      const args = ['--form', form, ...at(server)];
      const added = await client(['call', 'AddSecret', 'application_name=callapp', `secret_name=${name}`,
        `secret_value@${file}`, ...args]);
      assert.equal(added.code, 0, added.stderr);
      const got = await client(['call', 'GetSecretValue', 'application_name=callapp', `secret_name=${name}`, ...args]);
      assert.equal(got.json.result[0].secret_value, value);
      expectOk(await call(server, 'AddSecret', { application_name: 'callapp', secret_name: `${name}_b`, secret_value: 'b' }));
      const deleted = await client(['call', 'DelSecret', 'application_name=callapp', `secret_name=${name}`,
        `secret_name=${name}_b`, ...args]);
      assert.equal(deleted.code, 0, deleted.stderr);
      const left = expectOk(await call(server, 'GetSecrets', { application_name: 'callapp', secret_name_part: name }));
      assert.equal(left.total_count, 0, 'both names of the list were deleted');
    });
  }

  test('an error answer prints the envelope and exits 1 with the message', async () => {
    const r = await client(['call', 'GetSecretValue', 'application_name=callapp', 'secret_name=nosuch', ...at(server)]);
    assert.equal(r.code, 1);
    assert.equal(r.json.error.code, 496);
    assert.match(r.stderr, /^coffer: .*\(code 496\)\n$/);
    const unknown = await client(['call', 'NoSuchMethod', ...at(server)]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.json.error.code, 103);
  });

  test('reads the server and credentials from COFFER_SERVER and COFFER_CREDENTIALS', async () => {
    const r = await client(['call', 'GetApplications', '--data', server.dataDir], {
      env: { COFFER_SERVER: `https://127.0.0.1:${server.port}`, COFFER_CREDENTIALS: server.credsPath },
    });
    assert.equal(r.code, 0, r.stderr);
    const wrong = await client(['call', 'GetApplications', '--data', server.dataDir], {
      env: { COFFER_SERVER: `https://127.0.0.1:${server.port}`, COFFER_CREDENTIALS: path.join(dir, 'missing.json') },
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /cannot read credentials file .*missing\.json/);
  });

  test('trusts only the data directory certificate or --ca-file, and plain HTTP when asked', async () => {
    const stranger = makeTempDir('coffer-client-stranger-');
    const untrusted = await client(['call', 'GetApplications', '--server', `https://127.0.0.1:${server.port}`,
      '--data', stranger, '--credentials', server.credsPath]);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /certificate verify failed/);
    const viaCa = await client(['call', 'GetApplications', '--server', `https://127.0.0.1:${server.port}`,
      '--data', stranger, '--credentials', server.credsPath, '--ca-file', server.certPath]);
    assert.equal(viaCa.code, 0, viaCa.stderr);
    const byName = await client(['call', 'GetApplications', '--server', `https://localhost:${server.port}`,
      ...at(server).slice(2)]);
    assert.equal(byName.code, 0, `the certificate names localhost too: ${byName.stderr}`);
    const overPlain = await client(['call', 'GetApplications', ...at(plain)]);
    assert.equal(overPlain.code, 0, overPlain.stderr);
    const refused = await client(['call', 'GetApplications', '--server', 'http://127.0.0.1:1', ...at(server).slice(2)]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cannot reach http:\/\/127\.0\.0\.1:1/);
    removeDir(stranger);
  });

  test('refuses malformed parameters and servers on the command line', async () => {
    const bad = await client(['call', 'GetApplications', 'novalue', ...at(server)]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /name=value or name@FILE/);
    const scheme = await client(['call', 'GetApplications', '--server', 'ftp://x', '--data', server.dataDir]);
    assert.equal(scheme.code, 1);
    assert.match(scheme.stderr, /https:\/\/ or http:\/\//);
  });
});

describe('shorthands', () => {
  test('app add, ls and rm', async () => {
    const added = await client(['app', 'add', 'shorty', ...at(server)]);
    assert.equal(added.code, 0, added.stderr);
    const id = added.json.application_id;
    const listed = await client(['app', 'ls', ...at(server)]);
    assert.ok(listed.json.result.some((a) => a.application_id === id));
    const removed = await client(['app', 'rm', String(id), ...at(server)]);
    assert.equal(removed.code, 0, removed.stderr);
    const gone = await client(['app', 'ls', ...at(server)]);
    assert.ok(!gone.json.result.some((a) => a.application_id === id));
  });

  test('secret add, ls, get, set and rm; values only from a file or standard input', async () => {
    const secret = marker('CLIENT-SECRET-', 40);
    await client(['app', 'add', 'vault', ...at(server)]);
    const noValue = await client(['secret', 'add', 'token', '--app', 'vault', ...at(server)]);
    assert.equal(noValue.code, 2, 'a secret value never comes from argv');
    const added = await client(['secret', 'add', 'token', '--app', 'vault', '--value-file', '-',
      '--description', 'the token', ...at(server)], { input: `${secret}\n` });
    assert.equal(added.code, 0, added.stderr);
    const listed = await client(['secret', 'ls', '--app', 'vault', ...at(server)]);
    assert.equal(listed.json.result[0].secret_name, 'token');
    assert.ok(!listed.stdout.includes(secret), 'ls shows no value');
    const got = await client(['secret', 'get', 'token', '--app', 'vault', ...at(server)]);
    assert.equal(got.json.result[0].secret_value, secret);
    const changed = await client(['secret', 'set', 'token', '--app', 'vault', '--value-file', '-',
      '--new-name', 'renamed', '--description', '', ...at(server)], { input: 'new value' });
    assert.equal(changed.code, 0, changed.stderr);
    const after = await client(['secret', 'get', 'renamed', '--app', 'vault', ...at(server)]);
    assert.equal(after.json.result[0].secret_value, 'new value');
    assert.equal(after.json.result[0].description, undefined, 'an empty description clears it');
    const filtered = await client(['secret', 'ls', '--app', 'vault', '--filter', 'NAME', ...at(server)]);
    assert.equal(filtered.json.total_count, 1);
    const removed = await client(['secret', 'rm', 'renamed', '--app', 'vault', ...at(server)]);
    assert.equal(removed.code, 0, removed.stderr);
    const missing = await client(['secret', 'get', 'renamed', '--app', 'vault', ...at(server)]);
    assert.equal(missing.code, 1);
  });

  test('kv set, get, ls and rm, by application name or id', async () => {
    const app = (await client(['app', 'add', 'store', ...at(server)])).json.application_id;
    const set = await client(['kv', 'set', 'order:1', '--app', 'store', '--value', '+1 555', '--ttl', '60', ...at(server)]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.json.result.value, '+1 555');
    const fromFile = await client(['kv', 'set', 'order:2', '--app', String(app), '--value-file', '-', ...at(server)],
      { input: 'from stdin' });
    assert.equal(fromFile.json.result.value, 'from stdin');
    const empty = await client(['kv', 'set', 'empty', '--app', 'store', '--value', '', ...at(server)]);
    assert.equal(empty.code, 0, empty.stderr);
    const neither = await client(['kv', 'set', 'none', '--app', 'store', ...at(server)]);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /--value or --value-file/);
    const got = await client(['kv', 'get', 'order:1', '--app', String(app), ...at(server)]);
    assert.equal(got.json.result.value, '+1 555');
    assert.ok(got.json.result.expires_at <= Math.floor(Date.now() / 1000) + 61);
    const listed = await client(['kv', 'ls', '--app', 'store', '--prefix', 'order:', ...at(server)]);
    assert.deepEqual(listed.json.result.map((i) => i.key), ['order:1', 'order:2']);
    for (let i = 0; i < 120; i++) {
      expectOk(await call(server, 'SetKeyValueItem', { application_id: app, key: `many:${String(i).padStart(3, '0')}`, value: 'v' }));
    }
    const all = await client(['kv', 'ls', '--app', 'store', '--prefix', 'many:', ...at(server)]);
    assert.equal(all.json.result.length, 120, 'every page of 50, joined');
    assert.equal(all.json.count, 120);
    assert.equal(all.json.result[119].key, 'many:119');
    const removed = await client(['kv', 'rm', 'order:1', '--app', 'store', ...at(server)]);
    assert.equal(removed.json.result, 1);
    const again = await client(['kv', 'rm', 'order:1', '--app', 'store', ...at(server)]);
    assert.equal(again.json.result, 0);
  });
});
