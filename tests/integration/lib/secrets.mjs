// Helpers for the Secrets suites (SPEC 7 and 14): the servers a suite runs (one for the whole
// file, or many on directories of their own), calls over a keep-alive connection in every
// request form, raw requests for bytes a URL encoder would never produce, secret shortcuts,
// assertions on parameter errors, and at-rest utilities (file scans, directory snapshots, master
// key files, servers that must refuse to start). Builds on harness.mjs, http.mjs, api.mjs and
// jwt.mjs without changing them.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { after, before } from 'node:test';
import { makeTempDir, removeDir, runCoffer, startServer } from './harness.mjs';
import { request } from './http.mjs';
import { expectError, expectOk, multipart, urlencode } from './api.mjs';
import { bearer } from './jwt.mjs';

/** The five Secrets methods. */
export const SECRET_METHODS = ['AddSecret', 'GetSecrets', 'GetSecretValue', 'SetSecretInfo', 'DelSecret'];

/** The request forms of api.mjs call(), all of which every method must accept (SPEC 1.1-1.3). */
export const FORMS = ['urlencoded', 'query', 'json', 'cmd', 'multipart'];

/** SPEC timestamp: `YYYY-MM-DD HH:MM:SS`, UTC, no zone, no fraction. */
export const TS_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Unix seconds of a SPEC timestamp (read as UTC). */
export function tsToUnix(ts) {
  assert.match(ts, TS_RE, `not a SPEC timestamp: ${ts}`);
  return Date.parse(`${ts.replace(' ', 'T')}Z`) / 1000;
}

/** Asserts `ts` is a SPEC timestamp within [fromMs, toMs] of the local clock (1 s slack). */
export function assertTimestampBetween(ts, fromMs, toMs) {
  const t = tsToUnix(ts);
  assert.ok(
    t >= Math.floor(fromMs / 1000) - 1 && t <= Math.ceil(toMs / 1000) + 1,
    `timestamp ${ts} is not between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`,
  );
}

/** A unique ASCII marker of exactly `length` characters starting with `label`. */
export function marker(label, length = 64) {
  const fill = crypto.randomBytes(length).toString('hex');
  const text = `${label}${fill}`.slice(0, length);
  assert.equal(text.length, length);
  return text;
}

// ---------------------------------------------------------------------------------------------
// Calls

const agents = new WeakMap(); // server -> keep-alive agent

function agentOf(server) {
  let agent = agents.get(server);
  if (!agent) {
    const Agent = server.tls ? https.Agent : http.Agent;
    agent = new Agent({ keepAlive: true, maxSockets: 8, ca: server.ca });
    agents.set(server, agent);
  }
  return agent;
}

/** Drops the keep-alive connections sCall opened to `server` (call before stopping it). */
export function closeAgent(server) {
  const agent = agents.get(server);
  if (agent) {
    agent.destroy();
    agents.delete(server);
  }
}

function toPairs(params) {
  const list = Array.isArray(params) ? params : Object.entries(params || {});
  return list.filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]);
}

function authOf(server, opts) {
  if (opts.auth === null) return undefined;
  if (typeof opts.auth === 'string') return opts.auth;
  return bearer(opts.creds || server.creds);
}

/**
 * Calls `method` with `params` (object or [name, value] pairs; repeated names allowed in pairs)
 * in request form opts.form (see FORMS; default 'urlencoded'), over a keep-alive connection.
 * opts.creds chooses the credentials, opts.auth a literal Authorization value (null = none).
 */
export function sCall(server, method, params, opts = {}) {
  const form = opts.form || 'urlencoded';
  const agent = agentOf(server);
  const headers = {};
  const auth = authOf(server, opts);
  if (auth !== undefined) headers.Authorization = auth;
  const pairs = toPairs(params);
  const enc = urlencode(pairs);
  const at = `/platform_api/${method}`;
  if (form === 'urlencoded') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return request(server, { method: 'POST', path: at, headers, body: enc, agent });
  }
  if (form === 'query') {
    return request(server, { method: 'GET', path: enc ? `${at}/?${enc}` : `${at}/`, headers, agent });
  }
  if (form === 'json') {
    headers['Content-Type'] = 'application/json';
    return request(server, { method: 'POST', path: enc ? `${at}?${enc}` : at, headers, body: '{}', agent });
  }
  if (form === 'cmd') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const body = urlencode([['cmd', method], ...pairs]);
    return request(server, { method: 'POST', path: '/platform_api', headers, body, agent });
  }
  if (form === 'multipart') {
    const mp = multipart([['cmd', method], ...pairs].map(([name, value]) => ({ name, value })));
    headers['Content-Type'] = mp.contentType;
    return request(server, { method: 'POST', path: '/platform_api', headers, chunks: [mp.body], agent });
  }
  throw new Error(`unknown form ${form}`);
}

/**
 * A request with exactly the given query text and/or body (for raw `;`, invalid UTF-8, JSON
 * bodies). opts: {query (text after `?`), body (string|Buffer), contentType, creds, auth}.
 */
export function rawCall(server, method, { query, body, contentType, creds, auth } = {}) {
  const headers = {};
  const a = authOf(server, { creds, auth });
  if (a !== undefined) headers.Authorization = a;
  if (contentType) headers['Content-Type'] = contentType;
  const at = `/platform_api/${method}${query ? `?${query}` : ''}`;
  return request(server, {
    method: body === undefined ? 'GET' : 'POST',
    path: at,
    headers,
    body,
    agent: agentOf(server),
  });
}

// ---------------------------------------------------------------------------------------------
// Servers for a suite (call these at the top level of a test file: they register its hooks)

/**
 * One server for the whole file: a `before` hook starts it on a fresh data directory and then
 * runs `setup(server)` (which keeps the server for the tests, e.g. `server = s`, and creates
 * what they share); an `after` hook closes the keep-alive connections sCall opened to it and
 * stops it, asserting exit status 0.
 */
export function suiteServer(setup) {
  let server;
  before(async () => {
    server = await startServer();
    await setup(server);
  });
  after(async () => {
    if (!server) return;
    closeAgent(server);
    assert.equal((await server.stop()).code, 0);
  });
}

/**
 * For suites that start servers on directories of their own and stop and restart them: an
 * `after` hook stops every server still running and removes every directory made here.
 * tempRoot() makes a new directory (named `prefix`...); serve(dataDir, args) starts a server
 * on `dataDir` with extra arguments; stop(server) closes its connections, sends SIGTERM and
 * asserts the clean exit (status 0), keeping the data.
 */
export function serverPool(prefix) {
  const roots = [];
  const servers = [];
  after(async () => {
    for (const s of servers) {
      closeAgent(s);
      if (s.stillRunning()) await s.stop({ keepData: true });
    }
    for (const r of roots) removeDir(r);
  });
  return {
    tempRoot() {
      const root = makeTempDir(prefix);
      roots.push(root);
      return root;
    },
    async serve(dataDir, args = []) {
      const s = await startServer({ dataDir, args });
      servers.push(s);
      return s;
    },
    async stop(s) {
      closeAgent(s);
      const r = await s.stop({ keepData: true });
      assert.equal(r.code, 0, `clean exit after SIGTERM expected, got ${JSON.stringify(r)}`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Shortcuts that must succeed

/** AddApplication; returns {id, name (full name), short}. */
export async function newApp(server, short, opts = {}) {
  const body = expectOk(await sCall(server, 'AddApplication', { application_name: short }, opts));
  assert.equal(typeof body.application_id, 'number');
  return { id: body.application_id, name: body.application_name, short };
}

/**
 * AddSecret in application `app` ({id} or an id); asserts the one-element-array answer and
 * returns the new secret_id. `extra` adds parameters (e.g. description).
 */
export async function addSecret(server, app, name, value, extra = {}, opts = {}) {
  const appId = typeof app === 'object' ? app.id : app;
  const body = expectOk(
    await sCall(server, 'AddSecret', { application_id: appId, secret_name: name, secret_value: value, ...extra }, opts),
  );
  assert.ok(Array.isArray(body.result), `AddSecret result must be an array: ${JSON.stringify(body)}`);
  assert.equal(body.result.length, 1);
  assert.deepEqual(Object.keys(body.result[0]), ['secret_id']);
  assert.ok(Number.isInteger(body.result[0].secret_id) && body.result[0].secret_id >= 1);
  return body.result[0].secret_id;
}

/** GetSecrets that must succeed; returns the whole body ({result, count, total_count}). */
export async function listSecrets(server, app, params = {}, opts = {}) {
  const appId = typeof app === 'object' ? app.id : app;
  const body = expectOk(await sCall(server, 'GetSecrets', { application_id: appId, ...params }, opts));
  assert.deepEqual(Object.keys(body).sort(), ['count', 'result', 'total_count']);
  assert.ok(Array.isArray(body.result));
  assert.equal(body.count, body.result.length);
  for (const item of body.result) assertListItem(item);
  return body;
}

/** The ids GetSecrets lists for `app` (all of them, up to 1000). */
export async function secretIds(server, app, opts = {}) {
  const body = await listSecrets(server, app, { count: 1000 }, opts);
  return body.result.map((s) => s.secret_id);
}

/** GetSecretValue that must succeed; asserts the one-element array and returns the item. */
export async function secretValue(server, app, params, opts = {}) {
  const appId = typeof app === 'object' ? app.id : app;
  const body = expectOk(await sCall(server, 'GetSecretValue', { application_id: appId, ...params }, opts));
  assert.deepEqual(Object.keys(body), ['result'], `GetSecretValue answers only result: ${JSON.stringify(body)}`);
  assert.ok(Array.isArray(body.result), `GetSecretValue result must be an array: ${JSON.stringify(body)}`);
  assert.equal(body.result.length, 1);
  assertValueItem(body.result[0]);
  return body.result[0];
}

const LIST_KEYS = ['created', 'description', 'modified', 'secret_id', 'secret_name'];

/** A list item of SPEC 7.1: exactly these members (description only when set), right types. */
export function assertListItem(item) {
  const keys = Object.keys(item).sort();
  const want = 'description' in item ? LIST_KEYS : LIST_KEYS.filter((k) => k !== 'description');
  assert.deepEqual(keys, want, `list item members: ${JSON.stringify(item)}`);
  assert.ok(Number.isInteger(item.secret_id));
  assert.equal(typeof item.secret_name, 'string');
  if ('description' in item) {
    assert.equal(typeof item.description, 'string');
    assert.ok(item.description.length > 0, 'an empty description is omitted, not sent');
  }
  assert.match(item.created, TS_RE);
  assert.match(item.modified, TS_RE);
}

/** A value item of SPEC 7.1: a list item plus secret_value. */
export function assertValueItem(item) {
  const { secret_value: value, ...rest } = item;
  assert.equal(typeof value, 'string', `value item without secret_value: ${JSON.stringify(item)}`);
  assertListItem(rest);
}

// ---------------------------------------------------------------------------------------------
// Error assertions

/**
 * Asserts error `code` whose message names `param`: `'param'` for 477/485/493/496, and
 * `param should be in range of` for 497. Returns the error object.
 */
export function expectParamError(res, code, param) {
  const err = expectError(res, code);
  if (code === 497) {
    assert.ok(err.msg.startsWith(`${param} should be in range of `), `497 must name ${param}: ${err.msg}`);
  } else {
    assert.ok(err.msg.includes(`'${param}'`), `error ${code} must name '${param}': ${err.msg}`);
  }
  return err;
}

export const MSG_NO_APP = "Specify the 'application_id' or 'application_name' parameter.";
export const MSG_NO_SECRET = "Specify the 'secret_id' or 'secret_name' parameter.";

/** 485 with the exact one-of message of SPEC 4.2 / 7.4. */
export function expectMissing(res, msg) {
  const err = expectError(res, 485);
  assert.equal(err.msg, msg);
  return err;
}

// ---------------------------------------------------------------------------------------------
// At-rest utilities

/** Every regular file under `dir`, recursively, as absolute paths. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Scans the bytes of every file under `dir` for each needle (its UTF-8 bytes). Returns
 * {files: [relative paths scanned], found: [{file, needle}]}.
 */
export function scanForNeedles(dir, needles) {
  const files = listFiles(dir);
  const found = [];
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const needle of needles) {
      if (bytes.indexOf(Buffer.from(needle, 'utf8')) >= 0) found.push({ file: path.relative(dir, file), needle });
    }
  }
  return { files: files.map((f) => path.relative(dir, f)), found };
}

/** {relative path: "sha256 size mode"} of every file under `dir`. */
export function snapshotDir(dir) {
  const out = {};
  for (const file of listFiles(dir)) {
    const st = fs.statSync(file);
    const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    out[path.relative(dir, file)] = `${hash} ${st.size} ${(st.mode & 0o777).toString(8)}`;
  }
  return out;
}

/** The documented id of a master key file's key (docs/formats.md): 16 hex digits. */
export function masterKeyId(keyFile) {
  const hex = fs.readFileSync(keyFile, 'utf8').trim();
  return crypto
    .createHash('sha256')
    .update(Buffer.concat([Buffer.from('coffer:master-key-id:', 'utf8'), Buffer.from(hex, 'hex')]))
    .digest('hex')
    .slice(0, 16);
}

/** Asserts a master key file: 64 hex digits and a newline, mode 0600. */
export function assertKeyFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /^[0-9a-fA-F]{64}\n$/, `master key file ${path.basename(file)} format`);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, `master key file ${path.basename(file)} mode`);
}

/**
 * Runs `coffer serve --data DIR --listen 127.0.0.1:0 ...args`, which must exit on its own (no
 * "listening on" line) with status 2 and exactly one line on stderr. Returns {code, stderr, line}.
 */
export async function serveMustRefuse(dataDir, args = []) {
  const r = await runCoffer(['serve', '--data', dataDir, '--listen', '127.0.0.1:0', ...args], { timeoutMs: 20000 });
  assert.doesNotMatch(r.stderr + r.stdout, /listening on/, 'the server must not start');
  assert.equal(r.code, 2, `exit status 2 expected, got ${r.code} (signal ${r.signal})\nstderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${r.stderr}`);
  assert.ok(r.stderr.endsWith('\n'), 'the message ends with a newline');
  return { code: r.code, stderr: r.stderr, line: lines[0] };
}
