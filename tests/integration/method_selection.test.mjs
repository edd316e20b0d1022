// SPEC 1.1-1.2: how the method is chosen, and which HTTP methods and paths are routable.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, request } from './lib/harness.mjs';
import { bearer } from './lib/jwt.mjs';
import { call, expectError, expectOk, fullName, getApps } from './lib/api.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const auth = () => ({ Authorization: bearer(server.creds) });
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('no method -> 102', () => {
  test('bare GET /platform_api/ without credentials answers 102 with the live message', async () => {
    for (const path of ['/platform_api/', '/platform_api']) {
      const res = await request(server, { method: 'GET', path });
      const err = expectError(res, 102);
      assert.equal(err.msg, "'cmd' parameter is missed.");
      assert.deepEqual(Object.keys(err), ['msg', 'code']);
      assert.deepEqual(res.body, {
        error: { msg: "'cmd' parameter is missed.", code: 102 },
        errors: [{ msg: "'cmd' parameter is missed.", code: 102 }],
      });
    }
  });

  test('an empty cmd is no method (102), with or without credentials', async () => {
    expectError(await request(server, { headers: form, path: '/platform_api', body: 'cmd=' }), 102);
    expectError(await request(server, { headers: { ...form, ...auth() }, path: '/platform_api/', body: 'cmd=' }), 102);
    expectError(await request(server, { method: 'GET', path: '/platform_api/?cmd=', headers: auth() }), 102);
  });
});

describe('unknown method -> 103', () => {
  test('an unknown name in the path or in cmd, before authentication', async () => {
    expectError(await request(server, { method: 'GET', path: '/platform_api/NoSuchMethod' }), 103);
    expectError(await request(server, { headers: form, path: '/platform_api', body: 'cmd=NoSuchMethod' }), 103);
    expectError(await request(server, { headers: { ...form, ...auth() }, path: '/platform_api/NoSuchMethod', body: '' }), 103);
  });

  test('method names are case-sensitive', async () => {
    for (const name of ['getapplications', 'GETAPPLICATIONS', 'getApplications', 'Getapplications']) {
      expectError(await call(server, name, {}), 103);
      expectError(await call(server, name, {}, { form: 'cmd' }), 103);
    }
    expectOk(await call(server, 'GetApplications', {}));
  });

  test('methods that exist on the platform but not here -> 103', async () => {
    expectError(await call(server, 'GetAccountInfo', {}), 103);
  });
});

describe('unroutable paths -> HTTP 404, 103', () => {
  for (const path of [
    '/other',
    '/platform_api/a/b',
    '/platform_api/GetApplications/extra',
    '/platform_api/GetApplications//',
    '/platform_apix/GetApplications',
    '/api/platform_api/GetApplications',
  ]) {
    test(`${path}`, async () => {
      const res = await request(server, { method: 'GET', path, headers: auth() });
      expectError(res, 103, { status: 404 });
      assert.match(res.headers['content-type'], /^application\/json/);
    });
  }
});

describe('HTTP methods', () => {
  for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    test(`${method} -> 405 with Allow: GET, POST and code 101`, async () => {
      const res = await request(server, {
        method,
        path: '/platform_api/GetApplications',
        headers: { ...auth(), ...form },
        body: 'count=1',
      });
      expectError(res, 101, { status: 405 });
      assert.equal(res.headers.allow, 'GET, POST');
    });
  }

  test('GET and POST behave the same', async () => {
    const viaGet = await getApps(server, { count: 5 }, { form: 'query' });
    const viaPost = await getApps(server, { count: 5 });
    assert.deepEqual(viaGet, viaPost);
  });
});

describe('path and cmd together', () => {
  test('the method in the path wins over cmd', async () => {
    const res = await request(server, {
      path: '/platform_api/GetApplications',
      headers: { ...auth(), ...form },
      body: 'cmd=AddApplication&application_name=path-wins',
    });
    const body = expectOk(res);
    assert.ok(Array.isArray(body.result), `GetApplications answered: ${res.text}`);
    const check = await getApps(server, { application_name: 'path-wins' });
    assert.equal(check.total_count, 0, 'AddApplication must not have run');
  });

  test('equal path and cmd (.NET) work', async () => {
    const res = await request(server, {
      path: '/platform_api/AddApplication',
      headers: { ...auth(), ...form },
      body: 'cmd=AddApplication&application_name=dotnet-both',
    });
    assert.equal(expectOk(res).application_name, fullName('dotnet-both'));
  });

  test('cmd in the body overrides cmd in the query', async () => {
    const res = await request(server, {
      path: '/platform_api?cmd=AddApplication&application_name=cmd-over',
      headers: { ...auth(), ...form },
      body: 'cmd=GetApplications',
    });
    assert.ok(Array.isArray(expectOk(res).result));
    assert.equal((await getApps(server, { application_name: 'cmd-over' })).total_count, 0);
  });
});
