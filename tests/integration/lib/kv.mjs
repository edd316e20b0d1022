// Helpers for the key-value storage suites (SPEC 6 and 14): applications to store items in, a
// reusable token, keep-alive clients for load, time and ordering utilities. Everything here only
// builds on harness.mjs / http.mjs / api.mjs / jwt.mjs without changing them.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { request } from './http.mjs';
import { expectOk, multipart, urlencode } from './api.mjs';
import { bearer, nowSeconds } from './jwt.mjs';

/** Lifetime limits of SPEC 6.1 in seconds. */
export const MAX_TTL = 7776000;
export const DEFAULT_TTL = 2592000;

/** The five key-value methods. */
export const KV_METHODS = [
  'SetKeyValueItem',
  'GetKeyValueItem',
  'DelKeyValueItem',
  'GetKeyValueItems',
  'GetKeyValueKeys',
];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the wall clock is `offsetMs` past the start of a second, so that a few quick
 * requests that follow see the same "now" on the server; returns that second.
 */
export async function alignToSecond(offsetMs = 30) {
  const ms = Date.now() % 1000;
  const wait = ms <= offsetMs ? offsetMs - ms : 1000 - ms + offsetMs;
  await sleep(wait);
  return nowSeconds();
}

/** Sleeps until the wall clock has reached Unix second `unixSeconds` plus `slackMs`. */
export async function sleepUntilSecond(unixSeconds, slackMs = 150) {
  const wait = unixSeconds * 1000 + slackMs - Date.now();
  if (wait > 0) await sleep(wait);
}

const agents = new WeakMap(); // server -> keep-alive agent used by kvCall

function agentOf(server) {
  let agent = agents.get(server);
  if (!agent) {
    const Agent = server.tls ? https.Agent : http.Agent;
    agent = new Agent({ keepAlive: true, maxSockets: 8, ca: server.ca });
    agents.set(server, agent);
  }
  return agent;
}

/** The keep-alive agent kvCall uses for `server`, for raw request() calls. */
export const kvAgent = (server) => agentOf(server);

/** Closes the keep-alive connections kvCall opened to `server` (call before stopping it). */
export function closeKvAgent(server) {
  const agent = agents.get(server);
  if (agent) {
    agent.destroy();
    agents.delete(server);
  }
}

/**
 * Like api.mjs call() (same forms and credential options: form, creds, auth, headers), but over
 * a keep-alive agent per server, so that a suite of many requests does not pay for a new
 * connection each time. opts.fresh = true uses a new connection instead.
 */
export function kvCall(server, method, params, opts = {}) {
  const form = opts.form || 'urlencoded';
  const agent = opts.fresh ? false : agentOf(server);
  const headers = { ...(opts.headers || {}) };
  if (opts.auth !== null) {
    headers.Authorization = typeof opts.auth === 'string' ? opts.auth : bearer(opts.creds || server.creds);
  }
  const pairs = (Array.isArray(params) ? params : Object.entries(params || {}))
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, String(v)]);
  const enc = urlencode(pairs);
  const base = `/platform_api/${method}`;
  switch (form) {
    case 'urlencoded':
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      return request(server, { method: 'POST', path: base, headers, body: enc, agent });
    case 'query':
      return request(server, { method: 'GET', path: enc ? `${base}?${enc}` : base, headers, agent });
    case 'json':
      headers['Content-Type'] = 'application/json';
      return request(server, { method: 'POST', path: enc ? `${base}?${enc}` : base, headers, body: '{}', agent });
    case 'cmd':
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      return request(server, {
        method: 'POST',
        path: '/platform_api',
        headers,
        body: urlencode([['cmd', method], ...pairs]),
        agent,
      });
    case 'multipart': {
      const mp = multipart([['cmd', method], ...pairs].map(([name, value]) => ({ name, value })));
      headers['Content-Type'] = mp.contentType;
      return request(server, { method: 'POST', path: '/platform_api', headers, chunks: [mp.body], agent });
    }
    default:
      throw new Error(`unknown form ${form}`);
  }
}

/** AddApplication that must succeed; returns {id, name (full), short}. */
export async function createApp(server, short, opts = {}) {
  const body = expectOk(await kvCall(server, 'AddApplication', { application_name: short }, opts));
  assert.equal(typeof body.application_id, 'number');
  return { id: body.application_id, name: body.application_name, short };
}

/**
 * A cached Authorization value for creds: one token (exp - iat = 600 s, within the 3600 s limit)
 * replayed until it is within a minute of expiring. Tokens may be replayed (SPEC 2.1).
 */
export function tokenSource(creds) {
  let value = null;
  let expires = 0;
  return () => {
    const now = nowSeconds();
    if (value === null || now > expires - 60) {
      value = bearer(creds, { now, claims: { exp: now + 600 } });
      expires = now + 600;
    }
    return value;
  };
}

/**
 * A keep-alive client (one socket unless maxSockets says otherwise) for load tests. post(method,
 * params) sends POST /platform_api/<method> with an urlencoded body and resolves the same shape
 * as http.mjs request(); close() destroys the agent's sockets.
 */
export function keepAliveClient(server, { creds = server.creds, maxSockets = 1, timeoutMs = 30000 } = {}) {
  const Agent = server.tls ? https.Agent : http.Agent;
  const agent = new Agent({ keepAlive: true, maxSockets, ca: server.ca });
  const auth = tokenSource(creds);
  return {
    agent,
    post(method, params) {
      return request(server, {
        method: 'POST',
        path: `/platform_api/${method}`,
        headers: {
          Authorization: auth(),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: urlencode(params),
        agent,
        timeoutMs,
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Compares two strings by their UTF-8 bytes (the listing order of SPEC 6.1). */
export function byUtf8(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Reads every item (GetKeyValueItems with `pattern`) or every key entry (GetKeyValueKeys, pattern
 * optional) of an application by paging with count=50; returns the concatenated array.
 */
export async function listAll(server, method, appParams, pattern, opts = {}) {
  const out = [];
  for (let offset = 0; ; offset += 50) {
    const params = { ...appParams, count: 50, offset };
    if (pattern !== undefined) params.key = pattern;
    const body = expectOk(
      opts.post ? await opts.post(method, params) : await kvCall(server, method, params, opts),
    );
    assert.ok(Array.isArray(body.result), `${method} result must be an array: ${JSON.stringify(body)}`);
    out.push(...body.result);
    if (body.result.length < 50) return out;
  }
}

/**
 * kvCall() bracketed by the client's clock: resolves {res, t0, t1} with t0/t1 the Unix seconds
 * just before sending and just after the answer, so a server "now" lies in [t0, t1].
 */
export async function timedCall(server, method, params, opts = {}) {
  const t0 = nowSeconds();
  const res = await kvCall(server, method, params, opts);
  const t1 = nowSeconds();
  return { res, t0, t1 };
}

/** Asserts t0 + delta <= actual <= t1 + delta, allowing `slack` seconds either side. */
export function assertTimeWindow(actual, { t0, t1 }, delta, what = 'expires_at', slack = 1) {
  assert.ok(Number.isInteger(actual), `${what} must be an integer, got ${JSON.stringify(actual)}`);
  assert.ok(
    actual >= t0 + delta - slack && actual <= t1 + delta + slack,
    `${what} ${actual} should be now + ${delta} (now in [${t0}, ${t1}], slack ${slack})`,
  );
}
