// SPEC 13.1: the self-signed certificate users are told to trust is a leaf for localhost,
// 127.0.0.1 and ::1 that cannot sign others; a CA certificate left by an earlier version is
// replaced on start.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, test } from 'node:test';
import { makeTempDir, removeDir, startServer } from './lib/harness.mjs';
import { call, expectOk } from './lib/api.mjs';

const dir = makeTempDir('coffer-tls-');
after(() => removeDir(dir));

const openssl = (args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

// Serves `cert` + `key` over HTTPS on loopback and connects as a client that trusts only `ca`,
// for `servername`; resolves 'trusted' or the verification error's code.
async function clientVerdict({ cert, key, ca, servername }) {
  const server = https.createServer({ cert, key }, (req, res) => res.end('ok'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise((resolve) => {
      const req = https.get({ host: '127.0.0.1', port: server.address().port, ca, servername,
        agent: false }, (res) => { res.resume(); resolve('trusted'); });
      req.on('error', (e) => resolve(e.code || e.message));
    });
  } finally {
    server.close();
  }
}

test('the certificate is a leaf for localhost, 127.0.0.1 and ::1', async () => {
  const server = await startServer();
  try {
    const cert = new crypto.X509Certificate(server.ca);
    assert.equal(cert.ca, false);
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');
    assert.equal(cert.checkHost('example.com'), undefined);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extended key usage: server auth only');
    expectOk(await call(server, 'GetApplications', {}));
  } finally {
    await server.stop();
  }
});

test('a certificate signed with the served key for another host is not trusted', async () => {
  const server = await startServer();
  try {
    const work = fs.mkdtempSync(path.join(dir, 'forge-'));
    const forgedKey = path.join(work, 'forged.key');
    const csr = path.join(work, 'forged.csr');
    const forgedCert = path.join(work, 'forged.pem');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', forgedKey, '-subj', '/CN=evil.example', '-out', csr]);
    const ext = path.join(work, 'ext.cnf');
    fs.writeFileSync(ext, 'subjectAltName=DNS:evil.example\n');
    openssl(['x509', '-req', '-in', csr, '-CA', path.join(server.dataDir, 'tls', 'cert.pem'),
      '-CAkey', path.join(server.dataDir, 'tls', 'key.pem'), '-CAcreateserial', '-days', '30',
      '-extfile', ext, '-out', forgedCert]);
    const verdict = await clientVerdict({
      cert: fs.readFileSync(forgedCert), key: fs.readFileSync(forgedKey), ca: server.ca,
      servername: 'evil.example',
    });
    assert.notEqual(verdict, 'trusted');
    // The same client trusts the genuine certificate.
    const genuine = await clientVerdict({
      cert: server.ca, key: fs.readFileSync(path.join(server.dataDir, 'tls', 'key.pem')),
      ca: server.ca, servername: 'localhost',
    });
    assert.equal(genuine, 'trusted');
  } finally {
    await server.stop();
  }
});

test('a CA certificate left by an earlier version is replaced by a leaf on start', async () => {
  const data = path.join(dir, 'upgrade');
  const first = await startServer({ dataDir: data });
  await first.stop();
  const certPath = path.join(data, 'tls', 'cert.pem');
  const keyPath = path.join(data, 'tls', 'key.pem');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '3650', '-subj', '/O=Coffer/CN=localhost',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  assert.equal(new crypto.X509Certificate(fs.readFileSync(certPath)).ca, true);
  const second = await startServer({ dataDir: data });
  try {
    const cert = new crypto.X509Certificate(fs.readFileSync(certPath));
    assert.equal(cert.ca, false);
    assert.match(second.output.stderr, /replacing it/);
    expectOk(await call(second, 'GetApplications', {}));
  } finally {
    await second.stop();
  }
  // A leaf is kept across restarts.
  const kept = fs.readFileSync(certPath, 'utf8');
  const third = await startServer({ dataDir: data });
  await third.stop();
  assert.equal(fs.readFileSync(certPath, 'utf8'), kept);
});
