// SPEC 13: coffer serve start-up, restart, shutdown and bad options; operator command outputs.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir, removeDir, runCoffer, startServer, request } from './lib/harness.mjs';
import { call, expectOk, fullName } from './lib/api.mjs';

const dirs = [];
const tempDir = () => {
  const d = makeTempDir('coffer-cli-');
  dirs.push(d);
  return d;
};
after(() => dirs.forEach(removeDir));

const mode = (p) => fs.statSync(p).mode & 0o777;
const nonEmptyLines = (text) => text.split('\n').filter((l) => l.trim() !== '');

describe('first start, restart, shutdown', () => {
  test('first start creates account, Owner key, credentials.json (0600), cert; SIGTERM exits 0', async () => {
    const data = path.join(tempDir(), 'data');
    const server = await startServer({ dataDir: data });
    try {
      assert.match(server.output.stderr, /listening on https:\/\/127\.0\.0\.1:\d+/);
      assert.equal(mode(data), 0o700, 'data dir created 0700');
      assert.equal(mode(server.credsPath), 0o600, 'credentials.json is 0600');
      const creds = server.creds;
      assert.deepEqual(Object.keys(creds).sort(), ['account_email', 'account_id', 'key_id', 'private_key']);
      assert.equal(creds.account_id, 1);
      assert.equal(creds.account_email, 'dev@localhost');
      assert.equal(typeof creds.key_id, 'string');
      assert.match(creds.private_key, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n?$/);
      const key = crypto.createPrivateKey(creds.private_key);
      assert.equal(key.asymmetricKeyType, 'rsa');
      assert.ok(key.asymmetricKeyDetails.modulusLength >= 2048);
      const certPem = fs.readFileSync(server.certPath, 'utf8');
      const cert = new crypto.X509Certificate(certPem);
      assert.ok(cert.checkIP('127.0.0.1'), 'certificate valid for 127.0.0.1');
      assert.ok(cert.checkHost('localhost'), 'certificate valid for localhost');
      const keys = JSON.parse((await runCoffer(['key', 'list', '--account', '1', '--data', data])).stdout);
      assert.deepEqual(keys.map((k) => k.key_id), [creds.key_id]);
      assert.deepEqual(keys[0].roles, ['Owner']);
      const body = expectOk(await call(server, 'AddApplication', { application_name: 'first' }));
      assert.equal(body.application_name, fullName('first', 'dev'));
    } finally {
      const exit = await server.stop({ keepData: true });
      assert.deepEqual({ code: exit.code, signal: exit.signal, timedOut: exit.timedOut }, { code: 0, signal: null, timedOut: undefined });
    }
  });

  test('a second start keeps credentials.json, the certificate and the data', async () => {
    const data = path.join(tempDir(), 'data');
    const first = await startServer({ dataDir: data });
    const credsText = fs.readFileSync(first.credsPath, 'utf8');
    const certText = fs.readFileSync(first.certPath, 'utf8');
    const app = expectOk(await call(first, 'AddApplication', { application_name: 'survivor' }));
    assert.equal((await first.stop({ keepData: true })).code, 0);
    const credsStat = fs.statSync(path.join(data, 'credentials.json'));

    const second = await startServer({ dataDir: data });
    try {
      assert.equal(fs.readFileSync(second.credsPath, 'utf8'), credsText, 'credentials.json not overwritten');
      assert.equal(fs.statSync(second.credsPath).mtimeMs, credsStat.mtimeMs);
      assert.equal(mode(second.credsPath), 0o600);
      assert.equal(fs.readFileSync(second.certPath, 'utf8'), certText, 'certificate reused');
      const list = expectOk(await call(second, 'GetApplications', {}));
      assert.deepEqual(list.result.map((a) => a.application_id), [app.application_id]);
      const keys = JSON.parse((await runCoffer(['key', 'list', '--account', '1', '--data', data])).stdout);
      assert.equal(keys.length, 1, 'no second Owner key on restart');
    } finally {
      assert.equal((await second.stop()).code, 0);
    }
  });

  test('--plain-http logs an http:// address and serves plain HTTP', async () => {
    const server = await startServer({ plain: true });
    try {
      assert.match(server.output.stderr, /listening on http:\/\/127\.0\.0\.1:\d+/);
      assert.equal(server.tls, false);
      const res = await request(server, { method: 'GET', path: '/healthz' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { status: 'ok' });
    } finally {
      assert.equal((await server.stop()).code, 0);
    }
  });

  test('SIGTERM with an idle keep-alive connection open still exits 0 promptly', async () => {
    const server = await startServer({ plain: true });
    const sock = net.connect({ host: '127.0.0.1', port: server.port });
    await new Promise((r) => sock.once('connect', r));
    sock.on('error', () => {});
    sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => sock.once('data', r));
    const started = Date.now();
    const exit = await server.stop();
    sock.destroy();
    assert.equal(exit.code, 0);
    assert.ok(!exit.timedOut && Date.now() - started < 10000);
  });
});

describe('bad options -> one stderr line, exit 2', () => {
  const expectBadStart = (r) => {
    assert.equal(r.code, 2, `exit status (stderr: ${r.stderr})`);
    assert.equal(nonEmptyLines(r.stderr).length, 1, `exactly one stderr line, got:\n${r.stderr}`);
  };

  test('an unknown flag, before anything is created', async () => {
    const data = path.join(tempDir(), 'data');
    const r = await runCoffer(['serve', '--data', data, '--listen', '127.0.0.1:0', '--no-such-flag']);
    expectBadStart(r);
    assert.ok(!fs.existsSync(path.join(data, 'credentials.json')), 'nothing created');
  });

  test('an occupied port', async () => {
    const blocker = net.createServer();
    await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address();
    try {
      const data = path.join(tempDir(), 'data');
      const r = await runCoffer(['serve', '--data', data, '--listen', `127.0.0.1:${port}`]);
      expectBadStart(r);
      assert.match(r.stderr, new RegExp(String(port)), 'the error names the address');
      assert.ok(!fs.existsSync(path.join(data, 'credentials.json')), 'nothing created before failing');
    } finally {
      blocker.close();
    }
  });

  test('an unreadable --tls-cert', async () => {
    const dir = tempDir();
    const r = await runCoffer([
      'serve', '--data', path.join(dir, 'data'), '--listen', '127.0.0.1:0',
      '--tls-cert', path.join(dir, 'missing-cert.pem'), '--tls-key', path.join(dir, 'missing-key.pem'),
    ]);
    expectBadStart(r);
  });

  test('a malformed --listen value', async () => {
    const r = await runCoffer(['serve', '--data', path.join(tempDir(), 'data'), '--listen', 'not-an-address']);
    expectBadStart(r);
  });
});

describe('operator commands while the server runs', () => {
  test('account create, key create, app create, api-key: outputs', async () => {
    const server = await startServer();
    try {
      const acct = await server.coffer(['account', 'create'], ['--name', 'ops', '--email', 'ops@example.com']);
      assert.deepEqual(Object.keys(acct).sort(), ['account_email', 'account_id', 'key_id', 'private_key']);
      assert.equal(acct.account_email, 'ops@example.com');
      assert.ok(Number.isInteger(acct.account_id) && acct.account_id > 1);
      assert.match(acct.private_key, /^-----BEGIN PRIVATE KEY-----/);
      expectOk(await call(server, 'GetApplications', {}, { creds: acct }));

      const dup = await server.cofferRaw(['account', 'create'], ['--name', 'ops', '--email', 'other@example.com']);
      assert.notEqual(dup.code, 0, 'account names are unique');
      assert.ok(nonEmptyLines(dup.stderr).length >= 1);

      const key = await server.coffer(['key', 'create'], ['--account', String(acct.account_id), '--role', 'Developer', '--description', 'ci key']);
      assert.equal(key.account_id, acct.account_id);
      assert.notEqual(key.key_id, acct.key_id);
      const keys = await server.coffer(['key', 'list'], ['--account', String(acct.account_id)]);
      const listed = keys.find((k) => k.key_id === key.key_id);
      assert.deepEqual(listed.roles, ['Developer']);
      assert.equal(listed.description, 'ci key');

      const app = await server.coffer(['app', 'create'], ['--account', String(acct.account_id), '--name', 'opsapp']);
      assert.equal(app.application_name, fullName('opsapp', 'ops'));
      assert.ok(Number.isInteger(app.application_id));
      const seen = expectOk(await call(server, 'GetApplications', {}, { creds: key }));
      assert.deepEqual(seen.result.map((a) => a.application_id), [app.application_id]);

      const badApp = await server.cofferRaw(['app', 'create'], ['--account', String(acct.account_id), '--name', 'Bad_Name']);
      assert.notEqual(badApp.code, 0);

      const apiKey = await server.coffer(['account', 'api-key'], ['--account', String(acct.account_id)]);
      assert.deepEqual(Object.keys(apiKey).sort(), ['account_id', 'api_key']);
      assert.equal(apiKey.account_id, acct.account_id);

      const del = await server.coffer(['key', 'delete'], ['--key-id', key.key_id]);
      assert.deepEqual(del, { result: 1 });
      const missing = await server.cofferRaw(['key', 'delete'], ['--key-id', 'no-such-key']);
      assert.notEqual(missing.code, 0);
    } finally {
      assert.equal((await server.stop()).code, 0);
    }
  });
});
