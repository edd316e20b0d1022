// Silent connections: how long sockets that connect and never send a byte can lock clients
// out, and how many log lines a flood of refused connections costs.
//
// Three measurements, each on a fresh server with `--max-connections 16` and defaults otherwise
// (--first-byte-timeout 10 s, --max-connections-per-client 128; HTTPS unless COFFER_PLAIN=1):
//   lock-out   16 silent sockets from 127.0.0.1 take every slot; a new client from 127.0.0.1
//              then tries `GET /healthz` every 250 ms (a new connection each time). Reports the
//              seconds from the 16th silent socket's connect until the first 200, and how long
//              the server let the silent sockets live.
//   per-client with `--max-connections-per-client 8` as well: 12 silent sockets from 127.0.0.1
//              (8 are held, the rest refused), then `GET /healthz` from 127.0.0.2 (localAddress)
//              and from 127.0.0.1. Reports whether 127.0.0.2 is served at once, and how fast.
//   log lines  16 silent sockets from 127.0.0.1 take every slot; then a burst of 1,000 connects
//              (50 at a time, nothing sent) that the server refuses. Reports the warning lines the
//              server wrote to stderr during the burst, and the refusals they account for.
//              Refusals are summed up in one line per 10 s; to show that the burst was counted,
//              slots are taken again after 10.5 s and one more connect is refused, which logs
//              the next line.
//
// Run from the repository root:
//   COFFER_BIN=build/coffer node bench/abuse/silent_connections.mjs
// Options (environment): COFFER_PLAIN=1 (plain HTTP), COFFER_EXTRA_ARGS (more `coffer serve`
// flags), JSON=1 (also print the figures as one JSON line).
import net from 'node:net';
import { request, startServer } from '../../tests/integration/lib/harness.mjs';
import { forEachLimited, serverOptions, sleep } from './common.mjs';

const MAX_CONNECTIONS = 16;
const PER_CLIENT = 8;
const POLL_MS = 250;
const GIVE_UP_MS = 90000;
const BURST = 1000;
const BURST_IN_FLIGHT = 50;
const ATTACKER = '127.0.0.1';
const OTHER = '127.0.0.2';

// A connected socket that sends nothing. Resolves once connected, with `closed` (resolving the
// ms it stayed open) and `refused` (whether the server closed it within 500 ms).
async function silentSocket(port, localAddress = ATTACKER) {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => {});
  socket.resume();
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const opened = Date.now();
  const closed = new Promise((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  return { socket, opened, closed };
}

// Connects, sends nothing, and resolves true when the server closes the connection within
// `withinMs` (a refusal), false when it is still open then (it was admitted; closed here).
function refusedConnect(port, withinMs = 2000, localAddress = ATTACKER) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => {});
    socket.resume();
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

// GET /healthz on a new connection from `localAddress`; resolves {status or error, ms}.
async function healthz(server, localAddress) {
  const started = performance.now();
  try {
    const res = await request(server, { method: 'GET', path: '/healthz', localAddress, timeoutMs: 5000 });
    return { status: res.status, ms: performance.now() - started };
  } catch (err) {
    return { error: err.code || err.message, ms: performance.now() - started };
  }
}

const warningLines = (text) => text.split('\n').filter((line) => / warning /.test(line));
const refusalCounts = (lines) => lines
  .map((line) => /closed (\d+) new connection/.exec(line))
  .filter(Boolean)
  .map((m) => Number(m[1]));

async function lockOut() {
  const server = await startServer(serverOptions(['--max-connections', String(MAX_CONNECTIONS)]));
  try {
    const silent = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) silent.push(await silentSocket(server.port));
    const lockedAt = silent[silent.length - 1].opened;
    let attempts = 0;
    let failures = 0;
    let servedAfterMs = null;
    let firstFailure = null;
    while (Date.now() - lockedAt < GIVE_UP_MS) {
      const tick = Date.now();
      attempts += 1;
      const r = await healthz(server, ATTACKER);
      if (r.status === 200) {
        servedAfterMs = Date.now() - lockedAt;
        break;
      }
      failures += 1;
      firstFailure ??= r.error || `HTTP ${r.status}`;
      await sleep(Math.max(0, POLL_MS - (Date.now() - tick)));
    }
    const lifetimes = await Promise.all(silent.map((s) => Promise.race([s.closed, sleep(1000).then(() => null)])));
    for (const s of silent) s.socket.destroy();
    const open = lifetimes.filter((ms) => ms === null).length;
    const closedMs = lifetimes.filter((ms) => ms !== null);
    return {
      lockOutSeconds: servedAfterMs === null ? null : servedAfterMs / 1000,
      attempts,
      refusedAttempts: failures,
      refusedAs: firstFailure,
      silentClosedByServer: closedMs.length,
      silentStillOpen: open,
      silentLifetimeSeconds: closedMs.length
        ? [Math.min(...closedMs) / 1000, Math.max(...closedMs) / 1000] : null,
    };
  } finally {
    await server.stop();
  }
}

async function perClient() {
  const server = await startServer(serverOptions([
    '--max-connections', String(MAX_CONNECTIONS), '--max-connections-per-client', String(PER_CLIENT)]));
  try {
    const attempts = PER_CLIENT + 4;
    const silent = [];
    for (let i = 0; i < attempts; i++) silent.push(await silentSocket(server.port));
    await sleep(200);
    const held = (await Promise.all(silent.map((s) => Promise.race([s.closed.then(() => false), sleep(0).then(() => true)]))))
      .filter(Boolean).length;
    const other = await healthz(server, OTHER);
    const same = await healthz(server, ATTACKER);
    const heldFor = (Date.now() - silent[0].opened) / 1000;
    const stillHeld = (await Promise.all(silent.map((s) => Promise.race([s.closed.then(() => false), sleep(0).then(() => true)]))))
      .filter(Boolean).length;
    for (const s of silent) s.socket.destroy();
    return {
      silentOpened: attempts,
      silentHeld: held,
      silentStillHeldAfterChecks: stillHeld,
      secondsSinceFirstSilent: heldFor,
      otherClient: other.status === 200 ? `HTTP 200 in ${other.ms.toFixed(1)} ms` : `not served (${other.error || other.status})`,
      otherServed: other.status === 200,
      otherMs: other.ms,
      sameClient: same.status === 200 ? `HTTP 200 in ${same.ms.toFixed(1)} ms` : `not served (${same.error || same.status})`,
    };
  } finally {
    await server.stop();
  }
}

async function logLines() {
  const server = await startServer(serverOptions(['--max-connections', String(MAX_CONNECTIONS)]));
  try {
    const silent = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) silent.push(await silentSocket(server.port));
    await sleep(100);
    const before = server.output.stderr.length;
    const started = Date.now();
    let refused = 0;
    await forEachLimited(BURST, BURST_IN_FLIGHT, async () => {
      if (await refusedConnect(server.port)) refused += 1;
    });
    const burstSeconds = (Date.now() - started) / 1000;
    await sleep(500);
    const burstLines = warningLines(server.output.stderr.slice(before));

    // The next summary line: after the 10 s interval, with every slot taken again, one more
    // refused connect.
    for (const s of silent) s.socket.destroy();
    await sleep(Math.max(0, started + 10500 - Date.now()));
    const again = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) again.push(await silentSocket(server.port));
    await sleep(100);
    const afterBurst = server.output.stderr.length;
    const oneMore = await refusedConnect(server.port);
    await sleep(500);
    const nextLines = warningLines(server.output.stderr.slice(afterBurst));
    for (const s of again) s.socket.destroy();
    return {
      burst: BURST,
      refused,
      burstSeconds,
      warningLinesDuringBurst: burstLines.length,
      refusalsLoggedDuringBurst: refusalCounts(burstLines).reduce((a, b) => a + b, 0),
      oneMoreRefused: oneMore,
      nextLines: nextLines.length,
      refusalsInNextLine: refusalCounts(nextLines).reduce((a, b) => a + b, 0),
      lines: [...burstLines, ...nextLines].map((l) => l.replace(/^\S+ /, '')),
    };
  } finally {
    await server.stop();
  }
}

const mode = serverOptions().plain ? 'plain HTTP' : 'HTTPS';
const a = await lockOut();
console.log(`lock-out (${mode}, --max-connections ${MAX_CONNECTIONS}, 16 silent sockets from ${ATTACKER}):`);
console.log(`  first GET /healthz 200 from ${ATTACKER} after ${a.lockOutSeconds === null ? `none within ${GIVE_UP_MS / 1000} s` : `${a.lockOutSeconds.toFixed(2)} s`}` +
  ` (${a.attempts} attempts, ${a.refusedAttempts} refused: ${a.refusedAs})`);
console.log(`  silent sockets closed by the server: ${a.silentClosedByServer}/16` +
  (a.silentLifetimeSeconds ? `, after ${a.silentLifetimeSeconds[0].toFixed(2)}-${a.silentLifetimeSeconds[1].toFixed(2)} s` : ''));

const b = await perClient();
console.log(`per-client cap (--max-connections ${MAX_CONNECTIONS} --max-connections-per-client ${PER_CLIENT}):`);
console.log(`  ${b.silentOpened} silent sockets from ${ATTACKER}: ${b.silentHeld} held, ${b.silentOpened - b.silentHeld} refused (${b.silentStillHeldAfterChecks} still held after the checks, ${b.secondsSinceFirstSilent.toFixed(2)} s in)`);
console.log(`  client from ${OTHER}: ${b.otherClient}; client from ${ATTACKER}: ${b.sameClient}`);

const c = await logLines();
console.log(`log lines (--max-connections ${MAX_CONNECTIONS}, slots held by 16 silent sockets):`);
console.log(`  burst of ${c.burst} connects in ${c.burstSeconds.toFixed(2)} s: ${c.refused} refused; ` +
  `${c.warningLinesDuringBurst} warning line(s) on stderr, accounting for ${c.refusalsLoggedDuringBurst} refusal(s)`);
console.log(`  one more refusal after 10.5 s: ${c.nextLines} line(s), accounting for ${c.refusalsInNextLine} refusal(s)`);
for (const line of c.lines) console.log(`    ${line}`);
if (process.env.JSON === '1') console.log(JSON.stringify({ lockOut: a, perClient: b, logLines: c }));
