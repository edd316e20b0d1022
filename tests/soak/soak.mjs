// Bounded soak: one server (plain HTTP, fresh data directory) under a mixed workload at a fixed
// rate for SOAK_SECONDS, sampled every 30 s. Each window prints one row: requests, unexpected
// answers, latency (p50, p99, max), the server's resident memory and open descriptors.
//
// The workload, over a few keep-alive connections: SetKeyValueItem with short and long TTLs
// (so the expiry sweeper has work), GetKeyValueItem, DelKeyValueItem, GetKeyValueKeys and
// GetKeyValueItems; AddSecret, GetSecretValue (by id and by name) and DelSecret; requests with a
// malformed, wrongly signed or expired token and with a new valid token each time (the token
// cache must stay bounded); malformed requests (bad key, unknown method, undecodable bodies,
// missing or out-of-range parameters); some requests on a new connection; and beside them,
// connections opened and dropped (silent, half a request, a request whose answer is not read).
// Every answer is checked against the one expected, error answers included.
//
// At the end it fails (exit 1, one line per failed check) unless: no request was answered
// unexpectedly; the server stayed up and stopped cleanly; after the warm-up (the first minute,
// or the first window of a 60 s run) memory and descriptors stayed flat; and no window's p99
// stood out from the others.
//
// Environment: SOAK_SECONDS (default 600, at least 60), SOAK_RATE (requests per second, default
// 300), SOAK_SEED (the workload's random seed, default 1); COFFER_BIN and COFFER_TEST_BACKEND as
// for the integration tests.
import http from 'node:http';
import net from 'node:net';
import { request, startServer } from '../integration/lib/harness.mjs';
import { call, urlencode } from '../integration/lib/api.mjs';
import { tokenSource } from '../integration/lib/kv.mjs';
import { bearer, nowSeconds, signToken } from '../integration/lib/jwt.mjs';
import { openFds, percentile, procStatus } from '../integration/lib/process.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 300);
const SEED = Number(process.env.SOAK_SEED ?? 1);
if (!(SECONDS >= 60) || !(RATE > 0) || !Number.isInteger(SEED)) {
  console.error('soak: SOAK_SECONDS must be at least 60, SOAK_RATE positive, SOAK_SEED an integer');
  process.exit(2);
}
const CONNECTIONS = 4; // keep-alive connections sharing the rate
const DROPS_PER_SECOND = 5; // connections opened and dropped, beside the requests
const WINDOW_MS = 30000;
const WINDOWS = Math.ceil((SECONDS * 1000) / WINDOW_MS);
// Warm-up: the first minute, but always leaving one window after it. Allocator arenas (one per
// worker thread that has run a handler), SQLite's page cache and the token cache grow to their
// working size in it; after it nothing should grow.
const WARMUP_WINDOWS = Math.min(2, WINDOWS - 1);
const REQUEST_TIMEOUT_MS = 10000;

// Flatness bounds. Memory: the last window may be at most 25 % or 16 MB (whichever is larger)
// above the end of the warm-up. The server's working set is some tens of MB, so 16 MB absorbs
// allocator fragmentation and a late-touched arena or two; a leak of even 200 bytes a request
// adds 50 MB over the default ten minutes at 300 requests/s, and a leak per connection or per
// token shows the same way. Descriptors: at most 8 above the end of the warm-up (a few new
// connections may be open at the moment of sampling, so the lowest of five samples is taken).
// Latency: the machine these runs share is noisy (other builds and tests), so one window's p99
// may be up to 5 times the median window's p99, or 100 ms above it, before it counts as a
// degradation rather than a neighbour's compile.
const RSS_RATIO = 1.25;
const RSS_SLACK_KB = 16 * 1024;
const FD_SLACK = 8;
const P99_RATIO = 5;
const P99_SLACK_MS = 100;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// mulberry32: a small seeded generator, so that a run's workload can be replayed.
let seedState = SEED >>> 0;
function random() {
  seedState = (seedState + 0x6d2b79f5) >>> 0;
  let t = seedState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (n) => Math.floor(random() * n);
const text = (n) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789 '[pick(37)]).join('');

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Checks of an answer: each returns null when it is the expected one, else what was wrong.
function describe(res) {
  return `HTTP ${res.status} ${res.text.slice(0, 200)}`;
}

function success(res, check = () => true) {
  if (res.status !== 200 || !res.body || typeof res.body !== 'object' || !('result' in res.body) ||
      'error' in res.body || 'errors' in res.body) {
    return `expected success, got ${describe(res)}`;
  }
  return check(res.body) ? null : `unexpected result ${describe(res)}`;
}

function failure(res, code, status = 200) {
  const e = res.body && res.body.error;
  if (res.status !== status || !e || e.code !== code || 'result' in res.body) {
    return `expected HTTP ${status} with error ${code}, got ${describe(res)}`;
  }
  return null;
}

// The state of one workload connection: its keys live under its own prefix, its secrets are its
// own (so that what it reads back is what it wrote).
function workloadState(w) {
  return { w, seq: 0, secrets: [] };
}

// One operation of connection state `s`: {name, call: {method, params, ...request options},
// check(res)} or, for requests the API helpers cannot send, {name, raw: request() options, check}.
function nextOperation(s, ctx) {
  const key = () => `w${s.w}:k${pick(100)}`;
  const app = ctx.app;
  const r = pick(100);
  if (r < 28) {
    const k = key();
    const value = `v:${k}:${s.seq++}:${text(pick(300))}`;
    const ttl = [1, 3, 10, 60, 600, undefined][pick(6)];
    return {
      name: 'SetKeyValueItem',
      call: { method: 'SetKeyValueItem', params: { application_id: app, key: k, value, ttl } },
      check: (res) => success(res, (b) => b.result.key === k && b.result.value === value &&
        Number.isInteger(b.result.expires_at)),
    };
  }
  if (r < 50) {
    const k = key();
    return {
      name: 'GetKeyValueItem',
      call: { method: 'GetKeyValueItem', params: { application_id: app, key: k } },
      // Absent or expired → 496; present → a value this connection wrote under that key.
      check: (res) => (res.body && res.body.error ? failure(res, 496)
        : success(res, (b) => b.result.key === k && b.result.value.startsWith(`v:${k}:`))),
    };
  }
  if (r < 58) {
    const k = key();
    return {
      name: 'DelKeyValueItem',
      call: { method: 'DelKeyValueItem', params: { application_id: app, key: k } },
      check: (res) => success(res, (b) => b.result === 0 || b.result === 1),
    };
  }
  if (r < 65) {
    const pattern = `w${s.w}:k${pick(10)}`;
    return {
      name: 'GetKeyValueKeys',
      call: { method: 'GetKeyValueKeys', params: { application_id: app, key: pattern, count: 50 } },
      check: (res) => success(res, (b) => Array.isArray(b.result) && b.result.length <= 50 &&
        b.result.every((e) => e.key.startsWith(pattern) && !('value' in e))),
    };
  }
  if (r < 70) {
    const pattern = `w${s.w}:k${pick(10)}`;
    return {
      name: 'GetKeyValueItems',
      call: { method: 'GetKeyValueItems', params: { application_id: app, key: pattern, count: 20, offset: pick(3) } },
      check: (res) => success(res, (b) => Array.isArray(b.result) && b.result.length <= 20 &&
        b.result.every((e) => e.key.startsWith(pattern) && e.value.startsWith(`v:${e.key}:`))),
    };
  }
  if (r < 82) return secretOperation(s, ctx, r);
  if (r < 86) return badTokenOperation(s, ctx);
  if (r < 88) {
    // A new valid token each time (lifetimes of real clients, 30 to 64 s): each one verified
    // and cached, the cache bounded.
    const auth = bearer(ctx.creds, { claims: { exp: nowSeconds() + 30 + pick(35) } });
    return {
      name: 'new token',
      call: { method: 'GetKeyValueKeys', params: { application_id: app, count: 1 }, auth },
      check: (res) => success(res, (b) => Array.isArray(b.result)),
    };
  }
  return malformedOperation(s, ctx);
}

function secretOperation(s, ctx, r) {
  const app = ctx.app;
  if (s.secrets.length === 0 || (r < 74 && s.secrets.length < 30)) {
    const name = `s${s.w}_${s.seq++}`;
    const value = text(1 + pick(400));
    const description = pick(2) ? text(pick(250)) : undefined;
    return {
      name: 'AddSecret',
      call: { method: 'AddSecret', params: { application_id: app, secret_name: name, secret_value: value, description } },
      check: (res) => {
        const wrong = success(res, (b) => Array.isArray(b.result) && Number.isInteger(b.result[0]?.secret_id));
        if (!wrong) s.secrets.push({ id: res.body.result[0].secret_id, name, value });
        return wrong;
      },
    };
  }
  if (r < 79 || s.secrets.length < 10) {
    const secret = s.secrets[pick(s.secrets.length)];
    const params = pick(2) ? { secret_id: secret.id } : { secret_name: secret.name };
    return {
      name: 'GetSecretValue',
      call: { method: 'GetSecretValue', params: { application_id: app, ...params } },
      check: (res) => success(res, (b) => b.result.length === 1 && b.result[0].secret_id === secret.id &&
        b.result[0].secret_value === secret.value),
    };
  }
  const secret = s.secrets.shift();
  return {
    name: 'DelSecret',
    call: { method: 'DelSecret', params: { application_id: app, secret_id: secret.id } },
    check: (res) => success(res, (b) => b.result === 1),
  };
}

function badTokenOperation(s, ctx) {
  const params = { application_id: ctx.app, key: `w${s.w}:k1` };
  const kind = pick(3);
  if (kind === 0) {
    return { name: 'malformed token', call: { method: 'GetKeyValueItem', params, auth: `Bearer ${text(20).replace(/ /g, '')}` },
      check: (res) => failure(res, 447) };
  }
  if (kind === 1) {
    // Signed with random bytes: a signature check that fails, every token a new one.
    const token = signToken(ctx.creds, { claims: { exp: nowSeconds() + 1 + pick(600) }, sign: () => Buffer.from(text(256)) });
    return { name: 'bad signature', call: { method: 'GetKeyValueItem', params, auth: `Bearer ${token}` },
      check: (res) => failure(res, 100) };
  }
  const now = nowSeconds();
  const token = signToken(ctx.creds, { claims: { iat: now - 100 - pick(100), exp: now - 1 - pick(30) } });
  return { name: 'expired token', call: { method: 'GetKeyValueItem', params, auth: `Bearer ${token}` },
    check: (res) => failure(res, 456) };
}

function malformedOperation(s, ctx) {
  const app = ctx.app;
  switch (pick(6)) {
    case 0:
      return { name: 'bad key', call: { method: 'SetKeyValueItem', params: { application_id: app, key: 'bad key!', value: 'x' } },
        check: (res) => failure(res, 496) };
    case 1:
      return { name: 'unknown method', call: { method: 'NoSuchMethod', params: { application_id: app } },
        check: (res) => failure(res, 103) };
    case 2:
      return { name: 'missing value', call: { method: 'SetKeyValueItem', params: { application_id: app, key: 'k' } },
        check: (res) => failure(res, 485) };
    case 3:
      return { name: 'count out of range', call: { method: 'GetKeyValueItems', params: { application_id: app, key: 'k', count: 51 } },
        check: (res) => failure(res, 497) };
    case 4:
      // Undecodable bodies are refused by the transport: HTTP 400, and the connection closed.
      return { name: 'bad JSON', raw: { path: '/platform_api/GetKeyValueItem', body: `{"key": "${text(10)}`,
        headers: { 'Content-Type': 'application/json' } }, check: (res) => failure(res, 101, 400) };
    default:
      return { name: 'bad percent-encoding', raw: { path: '/platform_api/GetKeyValueItem', body: 'key=%zz',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, check: (res) => failure(res, 101, 400) };
  }
}

// A window of measurements: requests completed in it and what was wrong with any of them.
function newWindow(index) {
  return { index, started: Date.now(), requests: 0, expectedErrors: 0, latencies: [], unexpected: [], byName: new Map() };
}

let running = null; // the server, stopped however the soak ends

async function main() {
  const server = await startServer({ plain: true });
  running = server;
  const pid = server.proc.pid;
  let stopping = false;
  const stopAll = async (code) => {
    stopping = true;
    await server.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => stopAll(130));
  process.once('SIGTERM', () => stopAll(143));

  const created = await call(server, 'AddApplication', { application_name: 'soak' });
  if (!created.body || !Number.isInteger(created.body.application_id)) {
    console.error(`soak: AddApplication failed: ${describe(created)}`);
    return stopAll(1);
  }
  const ctx = { app: created.body.application_id, creds: server.creds };
  const auth = tokenSource(server.creds);
  let window = newWindow(1);
  const unexpectedTotal = [];
  let requestsTotal = 0;
  let expectedErrorsTotal = 0;
  let dropsTotal = 0;

  const record = (op, ms, wrong, isError) => {
    window.requests += 1;
    requestsTotal += 1;
    window.latencies.push(ms);
    window.byName.set(op.name, (window.byName.get(op.name) || 0) + 1);
    if (isError && !wrong) {
      window.expectedErrors += 1;
      expectedErrorsTotal += 1;
    }
    if (wrong) {
      const line = `${op.name}: ${wrong}`;
      window.unexpected.push(line);
      unexpectedTotal.push(line);
    }
  };

  async function runOne(state, agent) {
    const op = nextOperation(state, ctx);
    const fresh = pick(100) < 3;
    let options;
    if (op.raw) {
      options = { method: 'POST', ...op.raw, headers: { ...op.raw.headers, Authorization: auth() } };
    } else {
      options = {
        method: 'POST',
        path: `/platform_api/${op.call.method}`,
        headers: { Authorization: op.call.auth ?? auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: urlencode(op.call.params),
      };
    }
    const t0 = performance.now();
    try {
      const res = await request(server, { ...options, agent: fresh ? false : agent, timeoutMs: REQUEST_TIMEOUT_MS });
      record(op, performance.now() - t0, op.check(res), Boolean(res.body && res.body.error));
    } catch (err) {
      record(op, performance.now() - t0, `request failed: ${err.message}`, true);
    }
  }

  async function workload(w) {
    const state = workloadState(w);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const interval = (1000 * CONNECTIONS) / RATE;
    let next = performance.now() + (w * interval) / CONNECTIONS;
    try {
      while (!stopping) {
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        if (stopping) break;
        // A fixed rate: a late request is sent at once, but a long stall is not made up for.
        next = Math.max(next + interval, performance.now() - interval);
        await runOne(state, agent);
      }
    } finally {
      agent.destroy();
    }
  }

  // Connections opened and dropped: silent, half a request, or a whole request whose answer is
  // not read. The server must neither mind nor keep anything of them.
  async function dropper() {
    while (!stopping) {
      await sleep(1000 / DROPS_PER_SECOND);
      const kind = pick(4);
      const socket = net.connect({ port: server.port, host: '127.0.0.1' });
      socket.on('error', () => {});
      const connected = await new Promise((resolve) => {
        const guard = setTimeout(() => resolve(false), 5000);
        socket.once('connect', () => { clearTimeout(guard); resolve(true); });
        socket.once('error', () => { clearTimeout(guard); resolve(false); });
      });
      if (!connected) {
        const line = 'dropped connection: could not connect';
        window.unexpected.push(line);
        unexpectedTotal.push(line);
        socket.destroy();
        continue;
      }
      dropsTotal += 1;
      if (kind === 1) socket.write('POST /platform_api/GetKeyValueItem HTTP/1.1\r\nHost: x\r\nContent-Le');
      if (kind === 2) socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      if (kind === 3) socket.write(`POST /platform_api/GetKeyValueKeys HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\napplication_id=${ctx.app}`);
      setTimeout(() => socket.destroy(), pick(200));
    }
  }

  // Descriptors: the lowest of five samples 100 ms apart (connections come and go).
  async function sampleFds() {
    let low = Infinity;
    for (let i = 0; i < 5; i += 1) {
      const n = openFds(pid);
      if (n !== null) low = Math.min(low, n);
      if (i < 4) await sleep(100);
    }
    return low === Infinity ? null : low;
  }

  const began = Date.now();
  console.log(`soak: ${SECONDS} s at ${RATE} requests/s over ${CONNECTIONS} connections, ` +
    `${DROPS_PER_SECOND} dropped connections/s, seed ${SEED}; server pid ${pid}, port ${server.port}; ` +
    `warm-up ${WARMUP_WINDOWS} window(s) of ${WINDOW_MS / 1000} s`);
  const columns = ['window', 'end s', 'requests', 'req/s', 'exp.err', 'unexp.', 'p50 ms', 'p99 ms', 'max ms', 'RSS kB', 'fds'];
  const widths = [6, 6, 9, 7, 8, 7, 7, 7, 8, 8, 5];
  const row = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join(' ');
  console.log(row(columns));

  const workers = Array.from({ length: CONNECTIONS }, (_, w) => workload(w));
  const drops = dropper();
  const rows = [];
  let died = false;
  for (let i = 1; i <= WINDOWS; i += 1) {
    const end = began + Math.min(i * WINDOW_MS, SECONDS * 1000);
    while (Date.now() < end && server.stillRunning()) await sleep(Math.min(250, end - Date.now()));
    if (!server.stillRunning()) {
      died = true;
      break;
    }
    const done = window;
    window = newWindow(i + 1);
    const seconds = (Date.now() - done.started) / 1000;
    const rss = procStatus(pid, 'VmRSS');
    const fds = await sampleFds();
    done.latencies.sort((a, b) => a - b);
    const r = {
      index: i,
      end: Math.round((Date.now() - began) / 1000),
      requests: done.requests,
      rate: done.requests / seconds,
      expectedErrors: done.expectedErrors,
      unexpected: done.unexpected.length,
      p50: percentile(done.latencies, 50),
      p99: percentile(done.latencies, 99),
      max: percentile(done.latencies, 100),
      rss,
      fds,
    };
    rows.push(r);
    console.log(row([r.index, r.end, r.requests, r.rate.toFixed(0), r.expectedErrors, r.unexpected,
      r.p50.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1), r.rss, r.fds]));
  }
  stopping = true;
  await Promise.all([...workers, drops]);

  // Checks.
  const failures = [];
  if (died) {
    const exit = await server.exited;
    failures.push(`the server exited during the soak (code ${exit.code}, signal ${exit.signal}); ` +
      `its last output:\n${server.output.stderr.split('\n').slice(-20).join('\n')}`);
  }
  if (unexpectedTotal.length > 0) {
    const kinds = new Map();
    for (const line of unexpectedTotal) kinds.set(line, (kinds.get(line) || 0) + 1);
    const worst = [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([l, n]) => `  ${n} × ${l}`);
    failures.push(`${unexpectedTotal.length} unexpected answers or failed requests, e.g.:\n${worst.join('\n')}`);
  }
  // The rate the windows saw (the table's requests; a few more completed after the last one).
  const inWindows = rows.reduce((n, r) => n + r.requests, 0);
  const achieved = inWindows / (Math.min(SECONDS, rows.length * (WINDOW_MS / 1000)) || 1);
  if (!died && achieved < 0.5 * RATE) {
    failures.push(`the load was not delivered: ${achieved.toFixed(0)} requests/s of ${RATE}/s`);
  }
  let baseline = null;
  let last = null;
  if (!died && rows.length === WINDOWS) {
    baseline = rows[WARMUP_WINDOWS - 1];
    last = rows[rows.length - 1];
    const rssBound = Math.max(RSS_RATIO * baseline.rss, baseline.rss + RSS_SLACK_KB);
    if (last.rss > rssBound) {
      failures.push(`memory grew after the warm-up: RSS ${baseline.rss} kB at ${baseline.end} s, ` +
        `${last.rss} kB at the end (bound ${Math.round(rssBound)} kB)`);
    }
    if (last.fds > baseline.fds + FD_SLACK) {
      failures.push(`descriptors grew after the warm-up: ${baseline.fds} at ${baseline.end} s, ` +
        `${last.fds} at the end (bound ${baseline.fds + FD_SLACK})`);
    }
    const medianP99 = median(rows.map((r) => r.p99));
    const p99Bound = Math.max(P99_RATIO * medianP99, medianP99 + P99_SLACK_MS);
    for (const r of rows) {
      if (r.p99 > p99Bound) {
        failures.push(`window ${r.index} (to ${r.end} s): p99 ${r.p99.toFixed(1)} ms, over ` +
          `${p99Bound.toFixed(1)} ms (median window p99 ${medianP99.toFixed(1)} ms)`);
      }
    }
  }
  const stderrLines = server.output.stderr.split('\n').filter(Boolean).length;
  const exit = await server.stop();
  if (!died && (exit.code !== 0 || exit.timedOut)) {
    failures.push(`the server did not stop cleanly on SIGTERM: ${JSON.stringify(exit)}`);
  }

  const p99s = rows.map((r) => r.p99);
  const summary = `${requestsTotal} requests (${expectedErrorsTotal} expected errors, ` +
    `${unexpectedTotal.length} unexpected) in ${rows.length} windows, ${achieved.toFixed(0)}/s; ` +
    `${dropsTotal} dropped connections; ` +
    (baseline ? `RSS ${baseline.rss} → ${last.rss} kB, fds ${baseline.fds} → ${last.fds} after warm-up; ` : '') +
    (p99s.length ? `p99 median ${median(p99s).toFixed(1)} ms, worst ${Math.max(...p99s).toFixed(1)} ms; ` : '') +
    `${stderrLines} server log lines`;
  if (failures.length > 0) {
    for (const f of failures) console.error(`soak: FAILED: ${f}`);
    console.log(`soak: FAIL: ${summary}`);
    process.exit(1);
  }
  console.log(`soak: PASS: ${summary}`);
}

main().catch(async (err) => {
  console.error(`soak: ${err.stack || err}`);
  if (running) await running.stop();
  process.exit(1);
});
