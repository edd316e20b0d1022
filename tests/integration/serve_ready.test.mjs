// SPEC 13.1: `coffer serve` accepts connections only once it can serve them. A client that
// waits for the port on a first start finds the credentials file and the TLS certificate
// written, and its first call succeeds.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { COFFER_BIN, assertBinary, makeTempDir, removeDir } from './lib/harness.mjs';
import { call, expectOk } from './lib/api.mjs';

const dir = makeTempDir('coffer-ready-');
after(() => removeDir(dir));

// A port that was free a moment ago (coffer must be given it up front: with port 0 only the
// "listening on" line, logged once ready, would tell the port).
async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// Connects as soon as the port accepts, retrying at once on refusal.
async function firstConnection(port, proc, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    assert.equal(proc.exitCode, null, 'coffer serve exited before accepting');
    const connected = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
  }
  throw new Error(`port ${port} did not accept within ${timeoutMs} ms`);
}

for (const mode of ['https', 'http']) {
  test(`${mode}: a client that connects the moment the port opens can read the credentials and call`, async () => {
    assertBinary();
    const data = path.join(dir, mode);
    const port = await freePort();
    const args = ['serve', '--data', data, '--listen', `127.0.0.1:${port}`];
    if (mode === 'http') args.push('--plain-http');
    const proc = spawn(COFFER_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    try {
      await firstConnection(port, proc);
      // At once, with no wait: everything a client needs is on disk already.
      const creds = JSON.parse(fs.readFileSync(path.join(data, 'credentials.json'), 'utf8'));
      const server = { port, tls: mode === 'https', creds };
      if (server.tls) server.ca = fs.readFileSync(path.join(data, 'tls', 'cert.pem'));
      const apps = expectOk(await call(server, 'GetApplications', {}));
      assert.deepEqual(apps.result, []);
    } catch (e) {
      e.message += `\nserver log:\n${stderr}`;
      throw e;
    } finally {
      proc.kill('SIGTERM');
      await new Promise((resolve) => (proc.exitCode !== null ? resolve() : proc.once('exit', resolve)));
    }
  });
}
