// SPEC 1.6: status, headers and JSON shape of answers; connection reuse; /healthz.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, test } from 'node:test';
import { startServer, request } from './lib/harness.mjs';
import { bearer } from './lib/jwt.mjs';
import { call, expectError, expectOk } from './lib/api.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

function assertApiHeaders(res) {
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-store');
}

test('a success is HTTP 200 JSON with result and without errors', async () => {
  const res = await call(server, 'AddApplication', { application_name: 'shape-ok' });
  assertApiHeaders(res);
  const body = expectOk(res);
  assert.equal(body.result, 1);
  assert.ok(Number.isInteger(body.application_id));
  assert.ok(!('error' in body) && !('errors' in body));
  const list = await call(server, 'GetApplications', {});
  assertApiHeaders(list);
  assert.ok(!('errors' in expectOk(list)));
});

test('an API error is HTTP 200 with error and errors, msg before code', async () => {
  const res = await call(server, 'AddApplication', {});
  assertApiHeaders(res);
  const err = expectError(res, 485);
  assert.deepEqual(Object.keys(err), ['msg', 'code']);
  assert.deepEqual(Object.keys(res.body.errors[0]), ['msg', 'code']);
  assert.deepEqual(Object.keys(res.body).sort(), ['error', 'errors']);
});

test('authentication errors use the same envelope', async () => {
  const res = await call(server, 'GetApplications', {}, { auth: null });
  assertApiHeaders(res);
  expectError(res, 100);
});

test('transport errors (404, 405) carry the envelope and JSON headers', async () => {
  const r404 = await request(server, { method: 'GET', path: '/nowhere' });
  expectError(r404, 103, { status: 404 });
  assert.match(r404.headers['content-type'], /^application\/json; charset=utf-8$/);
  const r405 = await request(server, { method: 'PUT', path: '/platform_api/GetApplications', body: '' });
  expectError(r405, 101, { status: 405 });
  assert.match(r405.headers['content-type'], /^application\/json; charset=utf-8$/);
});

test('JSON types: ids and counts are integers, flags booleans, names strings', async () => {
  const body = expectOk(await call(server, 'GetApplications', { application_name: 'shape-ok' }));
  assert.equal(typeof body.total_count, 'number');
  assert.equal(typeof body.count, 'number');
  const [app] = body.result;
  assert.equal(typeof app.application_id, 'number');
  assert.equal(typeof app.application_name, 'string');
  assert.equal(typeof app.secure_record_storage, 'boolean');
  assert.match(app.modified, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
});

test('keep-alive: two requests on one connection', async () => {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: server.ca });
  try {
    const headers = () => ({ Authorization: bearer(server.creds) });
    const first = await request(server, { method: 'GET', path: '/platform_api/GetApplications', headers: headers(), agent });
    const second = await request(server, { method: 'GET', path: '/platform_api/GetApplications', headers: headers(), agent });
    expectOk(first);
    expectOk(second);
    assert.equal(second.reusedSocket, true, 'the second request should reuse the connection');
    assert.equal(second.localPort, first.localPort);
    // An error answer does not close the connection either.
    const third = await request(server, { method: 'GET', path: '/platform_api/GetApplications', agent });
    expectError(third, 100);
    const fourth = await request(server, { method: 'GET', path: '/healthz', agent });
    assert.equal(fourth.status, 200);
    assert.equal(fourth.reusedSocket, true);
    assert.equal(fourth.localPort, first.localPort);
  } finally {
    agent.destroy();
  }
});

test('GET /healthz -> 200 {"status":"ok"} without credentials', async () => {
  const res = await request(server, { method: 'GET', path: '/healthz' });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { status: 'ok' });
  assert.match(res.headers['content-type'], /^application\/json/);
});
