// Calling API methods in the request forms of SPEC section 1, and asserting on their answers.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { request } from './http.mjs';
import { bearer } from './jwt.mjs';

function pairsOf(params) {
  if (!params) return [];
  const list = Array.isArray(params) ? params : Object.entries(params);
  return list.filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]);
}

/** application/x-www-form-urlencoded text of params (object or [name, value] pairs). */
export function urlencode(params) {
  return pairsOf(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/**
 * Builds a multipart/form-data body. parts: [{name, value (string|Buffer), headers?: extra part
 * header lines, disposition?: full Content-Disposition value}], plus options {close: false to
 * leave out the closing boundary}. Returns {boundary, body: Buffer, contentType}.
 */
export function multipart(parts, { close = true, boundary } = {}) {
  const b = boundary || `----cofferTest${crypto.randomBytes(8).toString('hex')}`;
  const chunks = [];
  for (const part of parts) {
    const disposition = part.disposition ?? `form-data; name="${part.name}"`;
    let head = `--${b}\r\nContent-Disposition: ${disposition}\r\n`;
    for (const h of part.headers || []) head += `${h}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'latin1'));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(String(part.value), 'utf8'));
    chunks.push(Buffer.from('\r\n', 'latin1'));
  }
  if (close) chunks.push(Buffer.from(`--${b}--\r\n`, 'latin1'));
  return { boundary: b, body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${b}` };
}

/** Authorization header value: explicit `auth` (null = none), else a fresh token of `creds`. */
function authHeader(server, opts) {
  if (opts.auth === null) return undefined;
  if (typeof opts.auth === 'string') return opts.auth;
  return bearer(opts.creds || server.creds);
}

/**
 * Calls `method` with `params`. opts.form:
 *  'urlencoded' (default): POST /platform_api/<method>, urlencoded body;
 *  'query': GET /platform_api/<method>?<params>;
 *  'json': POST /platform_api/<method>?<params>, JSON body {};
 *  'cmd': POST /platform_api, urlencoded body with cmd first;
 *  'multipart': POST /platform_api, multipart body with a cmd part, sent chunked.
 * opts.creds / opts.auth choose the credentials (see authHeader).
 */
export function call(server, method, params, opts = {}) {
  const form = opts.form || 'urlencoded';
  const headers = { ...(opts.headers || {}) };
  const auth = authHeader(server, opts);
  if (auth !== undefined) headers.Authorization = auth;
  const enc = urlencode(params);
  switch (form) {
    case 'urlencoded':
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      return request(server, { method: 'POST', path: `/platform_api/${method}`, headers, body: enc });
    case 'query':
      return request(server, {
        method: 'GET',
        path: `/platform_api/${method}${enc ? `?${enc}` : ''}`,
        headers,
      });
    case 'json':
      headers['Content-Type'] = 'application/json';
      return request(server, {
        method: 'POST',
        path: `/platform_api/${method}${enc ? `?${enc}` : ''}`,
        headers,
        body: '{}',
      });
    case 'cmd':
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      return request(server, {
        method: 'POST',
        path: '/platform_api',
        headers,
        body: urlencode([['cmd', method], ...pairsOf(params)]),
      });
    case 'multipart': {
      const mp = multipart([['cmd', method], ...pairsOf(params)].map(([name, value]) => ({ name, value })));
      headers['Content-Type'] = mp.contentType;
      return request(server, { method: 'POST', path: '/platform_api', headers, chunks: [mp.body] });
    }
    default:
      throw new Error(`unknown form ${form}`);
  }
}

function describe(res) {
  return `HTTP ${res.status} ${res.text}`;
}

/** Asserts an API success (HTTP 200, JSON with `result`, no `errors`); returns the body. */
export function expectOk(res) {
  assert.equal(res.status, 200, `expected HTTP 200, got ${describe(res)}`);
  assert.ok(res.body && typeof res.body === 'object', `expected a JSON object, got ${describe(res)}`);
  assert.ok(!('error' in res.body) && !('errors' in res.body), `expected success, got ${describe(res)}`);
  assert.ok('result' in res.body, `expected a result member, got ${describe(res)}`);
  return res.body;
}

/** Asserts an error answer with `code` (and HTTP `status`, default 200) in the SPEC 1.6 envelope. */
export function expectError(res, code, { status = 200 } = {}) {
  assert.ok(res.body && typeof res.body === 'object', `expected an error envelope, got ${describe(res)}`);
  assert.ok(res.body.error, `expected error ${code}, got ${describe(res)}`);
  assert.equal(res.body.error.code, code, `expected error ${code}, got ${describe(res)}`);
  assert.equal(res.status, status, `expected HTTP ${status} with error ${code}, got ${describe(res)}`);
  assert.equal(typeof res.body.error.msg, 'string');
  assert.deepEqual(res.body.errors, [res.body.error], `errors must repeat error: ${res.text}`);
  assert.ok(!('result' in res.body), `an error body has no result: ${res.text}`);
  return res.body.error;
}

/** Full application name for a short name in account `accountName`. */
export const fullName = (short, accountName = 'dev') => `${short}.${accountName}.voximplant.com`;

/** Creates a new account through the operator CLI; returns its credentials (with .name). */
export async function newAccount(server, name) {
  const creds = await server.coffer(['account', 'create'], ['--name', name, '--email', `${name}@example.com`]);
  return { ...creds, name };
}

/** AddApplication that must succeed; returns the response body. */
export async function addApp(server, short, opts = {}) {
  return expectOk(await call(server, 'AddApplication', { application_name: short, ...opts.params }, opts));
}

/** GetApplications that must succeed; returns the response body. */
export async function getApps(server, params = {}, opts = {}) {
  return expectOk(await call(server, 'GetApplications', params, opts));
}
