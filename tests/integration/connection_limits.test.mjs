// Connections that never speak cannot lock clients out: a new connection must finish its TLS
// handshake and send its first byte within --first-byte-timeout; one client address may hold
// at most --max-connections-per-client connections; refusals are logged, but not one line each.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { describe, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { call, expectOk } from './lib/api.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A connected socket that sends nothing; `closed` resolves with the ms it stayed open.
async function silentSocket(port, localAddress = '127.0.0.1') {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => {});
  socket.resume();
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const opened = Date.now();
  const closed = new Promise((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  return { socket, closed };
}

// Sends GET /healthz on a raw connection from `localAddress`; resolves the status line, or
// 'closed' when the server closes the connection without answering.
function healthz(port, localAddress = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (data += d));
    socket.on('error', () => {});
    socket.on('close', () => resolve(data ? data.split('\r\n')[0] : 'closed'));
  });
}

const refusalLines = (server) => (server.output.stderr.match(/closed \d+ new connection/g) || []).length;

describe('connections that never speak', () => {
  test('plain HTTP: silent connections are closed after the first-byte timeout, then clients are served', async () => {
    const server = await startServer({ plain: true,
      args: ['--max-connections', '8', '--first-byte-timeout', '1'] });
    try {
      const silent = await Promise.all(Array.from({ length: 8 }, () => silentSocket(server.port)));
      await sleep(100);
      assert.equal(await healthz(server.port), 'closed', 'the limit is reached');
      const lifetimes = await Promise.all(silent.map((s) => s.closed));
      for (const ms of lifetimes) {
        assert.ok(ms >= 800 && ms < 5000, `a silent connection lived ${ms} ms`);
      }
      assert.equal(await healthz(server.port), 'HTTP/1.1 200 OK');
      expectOk(await call(server, 'GetApplications', {}));
    } finally {
      await server.stop();
    }
  });

  test('HTTPS: a connection that never starts its handshake is closed after the timeout', async () => {
    const server = await startServer({ args: ['--first-byte-timeout', '1'] });
    try {
      const { closed } = await silentSocket(server.port);
      const ms = await closed;
      assert.ok(ms >= 800 && ms < 5000, `lived ${ms} ms`);
      expectOk(await call(server, 'GetApplications', {}));
    } finally {
      await server.stop();
    }
  });

  test('a kept-alive connection between requests still gets the idle timeout', async () => {
    const server = await startServer({ plain: true,
      args: ['--first-byte-timeout', '1', '--idle-timeout', '4'] });
    try {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.setEncoding('latin1');
      let data = '';
      socket.on('data', (d) => (data += d));
      await new Promise((resolve) => socket.once('connect', resolve));
      const opened = Date.now();
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      const closedAfter = await new Promise((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
      assert.match(data, /^HTTP\/1\.1 200 OK/);
      assert.ok(closedAfter >= 3500, `closed after ${closedAfter} ms, before the idle timeout`);
    } finally {
      await server.stop();
    }
  });
});

describe('connections per client address', () => {
  test('one address cannot take every slot; another is still served; refusals are not logged one by one', async () => {
    const server = await startServer({ plain: true,
      args: ['--max-connections-per-client', '4', '--first-byte-timeout', '30'] });
    try {
      const held = await Promise.all(Array.from({ length: 4 }, () => silentSocket(server.port)));
      await sleep(100);
      const refused = await Promise.all(Array.from({ length: 30 }, () => healthz(server.port)));
      assert.deepEqual(new Set(refused), new Set(['closed']));
      assert.equal(await healthz(server.port, '127.0.0.2'), 'HTTP/1.1 200 OK');
      assert.equal(refusalLines(server), 1, server.output.stderr);
      assert.match(server.output.stderr, /--max-connections-per-client reached/);
      // A slot freed is a slot for the same address again.
      held[0].socket.destroy();
      await held[0].closed;
      await sleep(100);
      assert.equal(await healthz(server.port), 'HTTP/1.1 200 OK');
      for (const h of held) h.socket.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe('the end of a burst and the end of file descriptors', () => {
  test('the refusals at the end of a burst are reported by the next report, without a new event', async () => {
    const server = await startServer({ plain: true,
      args: ['--max-connections-per-client', '2', '--first-byte-timeout', '30'] });
    try {
      const held = await Promise.all(Array.from({ length: 2 }, () => silentSocket(server.port)));
      await sleep(100);
      await Promise.all(Array.from({ length: 25 }, () => healthz(server.port)));
      assert.match(server.output.stderr, /closed 1 new connection\(s\)/);
      // The other 24 are counted, and reported within one report interval (10 s).
      const deadline = Date.now() + 13000;
      while (!/closed 24 new connection\(s\)/.test(server.output.stderr) && Date.now() < deadline) {
        await sleep(250);
      }
      assert.match(server.output.stderr, /closed 24 new connection\(s\) since the last report: --max-connections-per-client reached/);
      for (const h of held) h.socket.destroy();
    } finally {
      await server.stop();
    }
  });

  // A sanitizer's runtime needs descriptors of its own (UBSan checks memory through a pipe), so
  // under one this test would measure the sanitizer; the release build is the one it is about.
  const sanitized = process.env.COFFER_TEST_SANITIZER;
  test('out of file descriptors: no busy loop, no log flood, served again once connections end',
    { skip: sanitized && `a ${sanitized}-sanitized server cannot run out of descriptors` }, async () => {
    const server = await startServer({ plain: true, args: ['--first-byte-timeout', '2'] });
    const pid = server.proc.pid;
    const cpuTicks = () => {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]);  // utime + stime
    };
    try {
      const open = fs.readdirSync(`/proc/${pid}/fd`).length;
      // Lowering a limit needs no privilege: room for a few connections only.
      execFileSync('prlimit', ['--pid', String(pid), `--nofile=${open + 8}:${open + 8}`]);
      const silent = await Promise.all(Array.from({ length: 30 }, () => silentSocket(server.port)));
      const linesBefore = server.output.stderr.split('\n').length;
      const ticksBefore = cpuTicks();
      await sleep(1500);
      const ticks = cpuTicks() - ticksBefore;
      // A spinning accept loop burns the whole 1.5 s (150 ticks); waiting costs almost nothing.
      assert.ok(ticks < 40, `the server used ${ticks} ticks of CPU in 1.5 s while out of descriptors`);
      assert.ok(server.output.stderr.split('\n').length - linesBefore <= 3, server.output.stderr.slice(-2000));
      assert.match(server.output.stderr, /accept failed 1 time\(s\) since the last report: Too many open files/);
      // The silent connections reach their first-byte timeout; the queued ones are admitted and
      // time out in turn; then a client is served again.
      await Promise.all(silent.map((s) => s.closed));
      assert.equal(await healthz(server.port), 'HTTP/1.1 200 OK');
      expectOk(await call(server, 'GetApplications', {}));
    } finally {
      await server.stop();
    }
  });
});

describe('the open-file limit', () => {
  const softLimit = (pid) => Number(/^Max open files\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'))[1]);

  test('a soft limit below the hard one is raised to it at start, without a warning', async () => {
    const server = await startServer({ plain: true, launcher: ['prlimit', '--nofile=256:4096'] });
    try {
      assert.equal(softLimit(server.proc.pid), 4096);
      assert.doesNotMatch(server.output.stderr, /open-file limit/);
    } finally {
      await server.stop();
    }
  });

  test('a hard limit too low for --max-connections is named in one warning, and the server serves', async () => {
    const server = await startServer({ plain: true, launcher: ['prlimit', '--nofile=200:200'] });
    try {
      assert.equal(softLimit(server.proc.pid), 200);
      assert.match(server.output.stderr, /the open-file limit \(200\) leaves room for about 136 connections, below --max-connections \(1024\); raise it/);
      expectOk(await call(server, 'GetApplications', {}));
    } finally {
      await server.stop();
    }
  });
});
