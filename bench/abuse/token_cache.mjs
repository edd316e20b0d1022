// Verified-token cache under distinct oversized and maximum-size tokens: how much the server's
// resident memory (VmRSS in /proc/PID/status) grows when a client holding a valid key presents
// many distinct, validly signed, large tokens, each once.
//
// Phases, in order, against one fresh server with its default limits (HTTPS unless COFFER_PLAIN=1):
//   warm-up    20 GetApplications calls with one ordinary token;
//   64 KB      300 distinct 65,526-byte tokens (a `pad` claim), validly signed; counts the
//              answers with error 447 (tokens over 8,192 bytes are refused before they are
//              decoded). 65,526 bytes is the longest token whose Authorization header value
//              fits the HTTP layer's limit for one field value (65,533 bytes), so it reaches
//              authentication; a longer one is refused earlier (HTTP 431, error 101);
//   8 KB x300  300 distinct tokens of the largest accepted size (8,192 bytes), one
//              GetApplications each, i.e. the worst case the cache still takes;
//   8 KB x5000 5,000 more such tokens, beyond what --token-cache-bytes (32 MiB) would hold if
//              entries were charged their token text;
//   idle       10 s with no requests.
// RSS is read after each phase; the growth of each phase is against the previous reading.
// Requests go 8 at a time over kept-alive connections, which are closed before each reading.
//
// Run from the repository root:
//   COFFER_BIN=build/coffer node bench/abuse/token_cache.mjs
// Options (environment): COFFER_PLAIN=1 (plain HTTP), COFFER_EXTRA_ARGS="--token-cache-bytes N"
// (more `coffer serve` flags), TOKENS_SMALL / TOKENS_LARGE (phase sizes, default 300 and 5000),
// OVERSIZED_BYTES (size of the oversized tokens), JSON=1 (also print the figures as one JSON line).
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { request, startServer } from '../../tests/integration/lib/harness.mjs';
import { signToken } from '../../tests/integration/lib/jwt.mjs';
import { forEachLimited, kbToMb, procStatusKb, serverOptions, sleep } from './common.mjs';

// "64 KB": the longest token whose Authorization value ("Bearer " + token) fits the HTTP
// layer's limit for one header field value (65,533 bytes), so that it reaches authentication;
// a longer value is refused earlier, with HTTP 431.
const OVERSIZED_BYTES = Number(process.env.OVERSIZED_BYTES || 65533 - 'Bearer '.length);
const OVERSIZED_COUNT = 300;
const MAX_ACCEPTED_BYTES = 8192; // the server's token limit
const SMALL_COUNT = Number(process.env.TOKENS_SMALL || 300);
const LARGE_COUNT = Number(process.env.TOKENS_LARGE || 5000);
const IN_FLIGHT = 8;
const IDLE_MS = 10000;

// A validly signed token of `creds` as long as possible without exceeding `bytes` (exactly
// `bytes` long when base64url allows it): a `pad` claim fills the payload, and a short extra
// header member, when needed, makes up the length that whole base64 groups cannot. `index`
// makes the token distinct (and random characters fill the rest of the claim).
function paddedToken(creds, bytes, index) {
  const now = Math.floor(Date.now() / 1000);
  const tag = `${index}-`;
  const dummy = () => Buffer.alloc(256); // a signature of the real length (RSA-2048)
  const make = (headerPad, padLength, sign) => {
    const fill = crypto.randomBytes(padLength).toString('base64url').slice(0, Math.max(0, padLength - tag.length));
    const header = headerPad === null ? {} : { x: headerPad };
    return signToken(creds, { now, header, claims: { pad: tag + fill }, sign });
  };
  let best = null;
  for (const headerPad of [null, '', 'a', 'aa']) {
    let padLength = Math.floor(((bytes - make(headerPad, 0, dummy).length) * 3) / 4);
    while (padLength > 0 && make(headerPad, padLength, dummy).length > bytes) padLength -= 1;
    while (make(headerPad, padLength + 1, dummy).length <= bytes) padLength += 1;
    const length = make(headerPad, padLength, dummy).length;
    if (!best || length > best.length) best = { headerPad, padLength, length };
    if (length === bytes) break;
  }
  const token = make(best.headerPad, best.padLength);
  if (token.length > bytes) throw new Error(`token of ${token.length} bytes, over ${bytes}`);
  return token;
}

function newAgent(server) {
  const Agent = server.tls ? https.Agent : http.Agent;
  return new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
}

// GetApplications with `token`; resolves 'ok', 'error <code>', or 'HTTP <status>'.
async function getApplications(server, agent, token) {
  const res = await request(server, {
    method: 'POST',
    path: '/platform_api/GetApplications',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: '',
    agent,
    timeoutMs: 30000,
  });
  if (res.body && res.body.error) return `error ${res.body.error.code}`;
  if (res.status === 200 && res.body && 'result' in res.body) return 'ok';
  return `HTTP ${res.status}`;
}

// Sends `count` distinct tokens made by `makeToken(i)`, one call each; resolves the tally of
// outcomes, the token sizes seen and the elapsed time.
async function sendTokens(server, count, makeToken) {
  const agent = newAgent(server);
  const outcomes = {};
  let minBytes = Infinity;
  let maxBytes = 0;
  const started = Date.now();
  try {
    await forEachLimited(count, IN_FLIGHT, async (i) => {
      const token = makeToken(i);
      minBytes = Math.min(minBytes, token.length);
      maxBytes = Math.max(maxBytes, token.length);
      let outcome;
      try {
        outcome = await getApplications(server, agent, token);
      } catch (err) {
        outcome = `failed (${err.code || err.message})`;
      }
      outcomes[outcome] = (outcomes[outcome] || 0) + 1;
    });
  } finally {
    agent.destroy();
  }
  return { outcomes, minBytes, maxBytes, seconds: (Date.now() - started) / 1000 };
}

const server = await startServer(serverOptions());
const pid = server.proc.pid;
const readings = [];
const rss = () => procStatusKb(pid, 'VmRSS');
async function reading(phase, detail = {}) {
  await sleep(250); // let closed connections be released
  const kb = rss();
  const previous = readings.length ? readings[readings.length - 1].rssKb : kb;
  readings.push({ phase, rssKb: kb, growthKb: kb - previous, ...detail });
}

try {
  await reading('start');

  const ordinary = signToken(server.creds, { claims: { exp: Math.floor(Date.now() / 1000) + 600 } });
  await reading('warm-up (20 calls, 1 token)', await sendTokens(server, 20, () => ordinary));

  let seq = 0;
  await reading(`64 KB x${OVERSIZED_COUNT}`,
    await sendTokens(server, OVERSIZED_COUNT, () => paddedToken(server.creds, OVERSIZED_BYTES, seq++)));
  await reading(`8 KB x${SMALL_COUNT}`,
    await sendTokens(server, SMALL_COUNT, () => paddedToken(server.creds, MAX_ACCEPTED_BYTES, seq++)));
  await reading(`8 KB x${LARGE_COUNT}`,
    await sendTokens(server, LARGE_COUNT, () => paddedToken(server.creds, MAX_ACCEPTED_BYTES, seq++)));

  await sleep(IDLE_MS - 250);
  await reading(`idle ${IDLE_MS / 1000} s`);
  const hwmKb = procStatusKb(pid, 'VmHWM');

  console.log(`coffer serve (${server.tls ? 'HTTPS' : 'plain HTTP'}), pid ${pid}`);
  console.log('phase                        RSS MB   growth MB  tokens (bytes)   answers                 time s');
  for (const r of readings) {
    const sizes = r.maxBytes ? (r.minBytes === r.maxBytes ? `${r.maxBytes}` : `${r.minBytes}-${r.maxBytes}`) : '';
    const answers = r.outcomes ? Object.entries(r.outcomes).map(([k, v]) => `${k}: ${v}`).join(', ') : '';
    console.log(`${r.phase.padEnd(28)} ${kbToMb(r.rssKb).padStart(6)}   ${(r.growthKb >= 0 ? '+' : '') + kbToMb(r.growthKb)}`.padEnd(49) +
      `${sizes.padEnd(16)} ${answers.padEnd(23)} ${r.seconds === undefined ? '' : r.seconds.toFixed(1)}`);
  }
  const first = readings[0].rssKb;
  const last = readings[readings.length - 1].rssKb;
  console.log(`total: ${kbToMb(first)} MB -> ${kbToMb(last)} MB (+${kbToMb(last - first)} MB); peak (VmHWM) ${kbToMb(hwmKb)} MB`);
  if (process.env.JSON === '1') console.log(JSON.stringify({ readings, hwmKb }));
  if (!server.stillRunning()) throw new Error('the server exited during the run');
} finally {
  await server.stop();
}
