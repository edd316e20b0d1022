// SPEC 1.5 limits and hostile input: each answer is the documented one, and afterwards the server
// still serves normal requests.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, request, rawExchange, parseHttpResponse } from './lib/harness.mjs';
import { bearer } from './lib/jwt.mjs';
import { call, expectError, expectOk } from './lib/api.mjs';

const SMALL_BODY_LIMIT = 65536;
let server; // plain HTTP, small body limit
let tlsServer; // HTTPS, default limits
before(async () => {
  server = await startServer({ plain: true, args: ['--max-body-bytes', String(SMALL_BODY_LIMIT)] });
  tlsServer = await startServer();
});
after(async () => {
  await server?.stop();
  await tlsServer?.stop();
});

/** The bytes of one HTTP/1.1 request (every string character taken as one latin1 byte). */
function rawRequest({ method = 'POST', target, headers = {}, body = '' }) {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

/** Sends raw bytes and parses the answer; the server may close early (it should still answer). */
async function rawAnswer(srv, data, opts) {
  const steps = Array.isArray(data) ? data : [data];
  const ex = await rawExchange(srv, steps, { stopAfterResponse: true, timeoutMs: 20000, ...opts });
  const res = parseHttpResponse(ex.data);
  assert.ok(res.status, `no HTTP answer (received ${ex.data.length} bytes, error ${ex.error && ex.error.code})`);
  return res;
}

async function assertStillServing(srv) {
  const health = await request(srv, { method: 'GET', path: '/healthz' });
  assert.equal(health.status, 200);
  assert.deepEqual(health.body, { status: 'ok' });
  expectOk(await call(srv, 'GetApplications', { count: 1 }));
}

describe('size limits', () => {
  test('a body over --max-body-bytes (Content-Length) -> 413, 101', async () => {
    const body = `count=1&pad=${'x'.repeat(SMALL_BODY_LIMIT + 1000)}`;
    const res = await rawAnswer(server, rawRequest({
      target: '/platform_api/GetApplications',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
      body,
    }));
    expectError(res, 101, { status: 413 });
    await assertStillServing(server);
  });

  /** A chunked request of 8 + 6 x 16 KiB body bytes; `pauseMs` between chunks (0: all at once). */
  function chunkedOverLimit(pauseMs) {
    const chunk = 'x'.repeat(16384);
    const steps = [rawRequest({
      target: '/platform_api/GetApplications',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
    })];
    steps.push('8\r\npad=xxxx\r\n');
    for (let i = 0; i < 6; i += 1) {
      steps.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      if (pauseMs) steps.push({ delayMs: pauseMs });
    }
    steps.push('0\r\n\r\n');
    return steps;
  }

  test('a chunked body over --max-body-bytes (paced, the Node client shape) -> 413, 101', async () => {
    expectError(await rawAnswer(server, chunkedOverLimit(100)), 101, { status: 413 });
    await assertStillServing(server);
  });

  test('a chunked body over --max-body-bytes sent at once: the 413 still reaches the client', async () => {
    // The server answers before the body has all arrived; closing at once with unread input
    // makes the kernel send RST and the client loses the answer (RFC 9112 9.6: lingering close).
    expectError(await rawAnswer(server, chunkedOverLimit(0)), 101, { status: 413 });
    await assertStillServing(server);
  });

  test('a body under the limit is served', async () => {
    const body = `count=1&pad=${'x'.repeat(SMALL_BODY_LIMIT - 1000)}`;
    const res = await request(server, {
      path: '/platform_api/GetApplications',
      headers: { Authorization: bearer(server.creds), 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
    expectOk(res);
  });

  test('the default body limit (1 MiB) over HTTPS -> 413, 101', async () => {
    const body = `pad=${'x'.repeat(1024 * 1024 + 10)}`;
    const res = await rawAnswer(tlsServer, rawRequest({
      target: '/platform_api/GetApplications',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
      body,
    }));
    expectError(res, 101, { status: 413 });
    await assertStillServing(tlsServer);
  });

  test('2,000 parameters in the body -> 413, 101', async () => {
    const body = Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&');
    const res = await request(server, {
      path: '/platform_api/GetApplications',
      headers: { Authorization: bearer(server.creds), 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
    expectError(res, 101, { status: 413 });
    await assertStillServing(server);
  });

  test('2,000 parameters in the query or in multipart -> 413, 101', async () => {
    const query = Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&');
    const viaQuery = await request(server, {
      method: 'GET',
      path: `/platform_api/GetApplications?${query}`,
      headers: { Authorization: bearer(server.creds) },
    });
    expectError(viaQuery, 101, { status: 413 });
    const params = Array.from({ length: 2000 }, (_, i) => [`p${i}`, '1']);
    const viaMultipart = await call(server, 'GetApplications', params, { form: 'multipart' });
    expectError(viaMultipart, 101, { status: 413 });
    await assertStillServing(server);
  });

  test('256 parameters are allowed, 257 are not', async () => {
    const pairs = (n) => ['count=1', ...Array.from({ length: n - 1 }, (_, i) => `p${i}=1`)].join('&');
    const send = (n) => request(server, {
      path: '/platform_api/GetApplications',
      headers: { Authorization: bearer(server.creds), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: pairs(n),
    });
    expectOk(await send(256));
    expectError(await send(257), 101, { status: 413 });
  });

  test('300 KB of headers -> 431, 101', async () => {
    const headers = {};
    for (let i = 0; i < 300; i += 1) headers[`X-Flood-${i}`] = 'h'.repeat(1024);
    const res = await rawAnswer(server, rawRequest({ method: 'GET', target: '/platform_api/GetApplications', headers }));
    expectError(res, 101, { status: 431 });
    await assertStillServing(server);
  });

  test('a request target over the limit -> 414, 101', async () => {
    const target = `/platform_api/GetApplications?pad=${'t'.repeat(300 * 1024)}`;
    const res = await rawAnswer(server, rawRequest({ method: 'GET', target }));
    expectError(res, 101, { status: 414 });
    await assertStillServing(server);
  });

  test('a long request target within the limit is served (documented query-string style)', async () => {
    const res = await request(server, {
      method: 'GET',
      path: `/platform_api/GetApplications?count=1&pad=${'t'.repeat(100 * 1024)}`,
      headers: { Authorization: bearer(server.creds) },
    });
    expectOk(res);
  });
});

describe('malformed input', () => {
  test('bad percent-encoding -> HTTP 400, 101', async () => {
    const auth = { Authorization: bearer(server.creds) };
    for (const q of ['application_name=%ZZ', 'application_name=%4', 'application_name=ab%', 'count=%G1']) {
      expectError(await request(server, { method: 'GET', path: `/platform_api/GetApplications?${q}`, headers: auth }), 101, { status: 400 });
    }
    const viaBody = await request(server, {
      path: '/platform_api/AddApplication',
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'application_name=bad%zzname',
    });
    expectError(viaBody, 101, { status: 400 });
    await assertStillServing(server);
  });

  test('invalid UTF-8 in a parameter -> 496', async () => {
    const auth = { Authorization: bearer(server.creds) };
    expectError(await request(server, { method: 'GET', path: '/platform_api/AddApplication?application_name=%FF', headers: auth }), 496);
    expectError(await request(server, { method: 'GET', path: '/platform_api/GetApplications?application_name=%C3%28', headers: auth }), 496);
    const raw = await rawAnswer(server, rawRequest({
      target: '/platform_api/GetApplications',
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 19 },
      body: 'application_name=\xff\xfe', // two raw bytes, not valid UTF-8
    }));
    assert.equal(raw.status, 200);
    assert.equal(raw.body && raw.body.error && raw.body.error.code, 496, raw.text);
    await assertStillServing(server);
  });

  test('non-object JSON body -> HTTP 400, 101', async () => {
    for (const text of ['[]', '1', 'true', '{"count":{"x":1}}', '{', '\u0000']) {
      const res = await request(server, {
        path: '/platform_api/GetApplications',
        headers: { Authorization: bearer(server.creds), 'Content-Type': 'application/json' },
        body: text,
      });
      expectError(res, 101, { status: 400 });
    }
    await assertStillServing(server);
  });

  test('unparsable HTTP -> 400 with the envelope', async () => {
    const res = await rawAnswer(server, 'THIS IS NOT HTTP\r\n\r\n');
    assert.equal(res.status, 400);
    assert.equal(res.body && res.body.error && res.body.error.code, 101, res.text);
    await assertStillServing(server);
  });

  test('broken chunked encoding and bad Content-Length are refused with 400', async () => {
    const broken = rawRequest({
      target: '/platform_api/GetApplications',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
      body: 'zz\r\ncount=1\r\n0\r\n\r\n',
    });
    assert.equal((await rawAnswer(server, broken)).status, 400);
    const badLength = rawRequest({
      target: '/platform_api/GetApplications',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 'abc' },
      body: 'count=1',
    });
    assert.equal((await rawAnswer(server, badLength)).status, 400);
    await assertStillServing(server);
  });

  test('a connection dropped mid-request does not disturb the server', async () => {
    for (let i = 0; i < 5; i += 1) {
      await rawExchange(server, [rawRequest({
        target: '/platform_api/GetApplications',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 1000 },
        body: 'count=1&pad=',
      })], { timeoutMs: 200 });
    }
    await assertStillServing(server);
  });
});

describe('slow clients (--read-timeout 2)', () => {
  let slow;
  before(async () => {
    slow = await startServer({ plain: true, args: ['--read-timeout', '2'] });
  });
  after(async () => {
    await slow?.stop();
  });

  const oneBytePerSecond = (bytes) =>
    Array.from(Buffer.from(bytes)).flatMap((b) => [Buffer.from([b]), { delayMs: 1000 }]);

  test('headers sent one byte per second: closed near the read timeout', async () => {
    const text = rawRequest({ method: 'GET', target: '/healthz', headers: { 'X-Slow': 'abcdefghijklmnop' } });
    const ex = await rawExchange(slow, oneBytePerSecond(text), { timeoutMs: 12000 });
    assert.ok(ex.closed, 'the server should close the connection');
    assert.ok(ex.closedAfterMs >= 1500 && ex.closedAfterMs <= 6000, `closed after ${ex.closedAfterMs} ms`);
    const answer = parseHttpResponse(ex.data);
    assert.ok(answer.status === null || answer.status === undefined || answer.status === 408,
      `nothing but a 408 may be answered, got ${ex.data.toString('latin1').slice(0, 200)}`);
    await assertStillServing(slow);
  });

  test('a body sent one byte per second: closed near the read timeout', async () => {
    const head = rawRequest({
      target: '/platform_api/GetApplications',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 40 },
    });
    const ex = await rawExchange(slow, [head, ...oneBytePerSecond('count=1&pad=xxxxxxxxxxxxxxxxxxxxxxxxxxxx')], { timeoutMs: 12000 });
    assert.ok(ex.closed, 'the server should close the connection');
    assert.ok(ex.closedAfterMs >= 1500 && ex.closedAfterMs <= 6000, `closed after ${ex.closedAfterMs} ms`);
    await assertStillServing(slow);
  });

  test('normal requests are unaffected by a short read timeout', async () => {
    for (let i = 0; i < 3; i += 1) await assertStillServing(slow);
  });
});
