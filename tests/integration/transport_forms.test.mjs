// SPEC 1.1-1.3: the request forms real clients send, and where parameters come from.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, request } from './lib/harness.mjs';
import { bearer } from './lib/jwt.mjs';
import { call, expectError, expectOk, fullName, getApps, multipart, urlencode } from './lib/api.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const auth = () => ({ Authorization: bearer(server.creds) });

async function appNamed(short) {
  const body = await getApps(server, { application_name: fullName(short) });
  return body.result.filter((a) => a.application_name === fullName(short));
}

describe('the five request forms', () => {
  test('path + query with a JSON body {} (documentation samples)', async () => {
    const res = await request(server, {
      path: '/platform_api/AddApplication?application_name=form-json',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: '{}',
    });
    const body = expectOk(res);
    assert.equal(body.result, 1);
    assert.equal(body.application_name, fullName('form-json'));
    const list = expectOk(await request(server, {
      path: '/platform_api/GetApplications?application_name=form-json',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: '{}',
    }));
    assert.deepEqual(list.result.map((a) => a.application_name), [fullName('form-json')]);
  });

  test('GET with a trailing slash after the method name', async () => {
    expectOk(await call(server, 'AddApplication', { application_name: 'form-get' }));
    const res = await request(server, {
      method: 'GET',
      path: '/platform_api/GetApplications/?application_name=form-get',
      headers: auth(),
    });
    const body = expectOk(res);
    assert.deepEqual(body.result.map((a) => a.application_name), [fullName('form-get')]);
    expectOk(await request(server, {
      method: 'GET',
      path: '/platform_api/AddApplication/?application_name=form-get2',
      headers: auth(),
    }));
    assert.equal((await appNamed('form-get2')).length, 1);
  });

  test('urlencoded body to the method path', async () => {
    const res = await request(server, {
      path: '/platform_api/AddApplication',
      headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'application_name=form-urlenc&secure_record_storage=true',
    });
    const body = expectOk(res);
    assert.equal(body.application_name, fullName('form-urlenc'));
    assert.equal(body.secure_record_storage, true);
  });

  test('cmd in an urlencoded body to /platform_api and /platform_api/', async () => {
    for (const [path, short] of [['/platform_api', 'form-cmd1'], ['/platform_api/', 'form-cmd2']]) {
      const res = await request(server, {
        path,
        headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `cmd=AddApplication&application_name=${short}`,
      });
      assert.equal(expectOk(res).application_name, fullName(short));
    }
  });

  test('cmd in the query string of /platform_api', async () => {
    const res = await request(server, {
      method: 'GET',
      path: '/platform_api/?cmd=AddApplication&application_name=form-cmdq',
      headers: auth(),
    });
    assert.equal(expectOk(res).application_name, fullName('form-cmdq'));
  });

  test('cmd multipart sent chunked (the Node client shape)', async () => {
    const mp = multipart([
      { name: 'cmd', value: 'AddApplication' },
      { name: 'application_name', value: 'form-multi' },
      { name: 'secure_record_storage', value: 'true' },
    ]);
    const half = Math.floor(mp.body.length / 2);
    const res = await request(server, {
      path: '/platform_api',
      headers: { ...auth(), 'Content-Type': mp.contentType },
      chunks: [mp.body.subarray(0, half), mp.body.subarray(half)],
    });
    const body = expectOk(res);
    assert.equal(body.application_name, fullName('form-multi'));
    assert.equal(body.secure_record_storage, true);
  });
});

describe('multipart details', () => {
  const send = (parts, opts) => {
    const mp = multipart(parts, opts);
    return request(server, {
      path: '/platform_api',
      headers: { ...auth(), 'Content-Type': mp.contentType },
      chunks: [mp.body],
    });
  };

  test('unquoted part names (.NET) are parameters', async () => {
    const res = await send([
      { disposition: 'form-data; name=cmd', value: 'AddApplication' },
      { disposition: 'form-data; name=application_name', value: 'mp-bare' },
    ]);
    assert.equal(expectOk(res).application_name, fullName('mp-bare'));
  });

  test('a filename attribute changes nothing', async () => {
    const res = await send([
      { name: 'cmd', value: 'AddApplication' },
      {
        disposition: 'form-data; name="application_name"; filename="name.txt"',
        headers: ['Content-Type: application/octet-stream'],
        value: 'mp-file',
      },
    ]);
    assert.equal(expectOk(res).application_name, fullName('mp-file'));
  });

  test('text/plain; charset=ISO-8859-1 parts (Java) are read', async () => {
    const latin = ['Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: 8bit'];
    const res = await send([
      { name: 'cmd', value: 'AddApplication', headers: latin },
      { name: 'application_name', value: 'mp-latin', headers: latin },
      { name: 'account_id', value: String(server.creds.account_id), headers: latin },
    ]);
    assert.equal(expectOk(res).application_name, fullName('mp-latin'));
  });

  test('a latin1 byte in an ISO-8859-1 part is converted to UTF-8, not rejected', async () => {
    // 0xE9 is "é" in ISO-8859-1 and invalid as UTF-8. Converted, it is valid UTF-8 text that matches
    // no application (empty list); read as UTF-8 it would be 496.
    const latinPart = {
      name: 'application_name',
      value: Buffer.from([0x6d, 0x70, 0xe9]),
      headers: ['Content-Type: text/plain; charset=ISO-8859-1'],
    };
    const ok = expectOk(await send([{ name: 'cmd', value: 'GetApplications' }, latinPart]));
    assert.deepEqual(ok.result, []);
    assert.equal(ok.total_count, 0);
    // AddApplication: the converted name is valid UTF-8 but breaks the short-name format -> 107.
    expectError(await send([{ name: 'cmd', value: 'AddApplication' }, latinPart]), 107);
    // The same byte without a charset is read as UTF-8: invalid -> 496.
    expectError(
      await send([
        { name: 'cmd', value: 'GetApplications' },
        { name: 'application_name', value: Buffer.from([0x6d, 0x70, 0xe9]) },
      ]),
      496,
    );
    const lat1 = { ...latinPart, headers: ['Content-Type: text/plain; charset=latin1'] };
    assert.deepEqual(expectOk(await send([{ name: 'cmd', value: 'GetApplications' }, lat1])).result, []);
  });

  test('a multipart body without its closing boundary -> 101', async () => {
    const res = await send(
      [
        { name: 'cmd', value: 'AddApplication' },
        { name: 'application_name', value: 'mp-unclosed' },
      ],
      { close: false },
    );
    expectError(res, 101, { status: 400 });
    assert.equal((await appNamed('mp-unclosed')).length, 0);
  });

  test('a multipart content type without a boundary -> 101', async () => {
    const res = await request(server, {
      path: '/platform_api/GetApplications',
      headers: { ...auth(), 'Content-Type': 'multipart/form-data' },
      body: '--x\r\nContent-Disposition: form-data; name="count"\r\n\r\n1\r\n--x--\r\n',
    });
    expectError(res, 101, { status: 400 });
  });
});

describe('JSON bodies', () => {
  const postJson = (method, text, query = '') =>
    request(server, {
      path: `/platform_api/${method}${query}`,
      headers: { ...auth(), 'Content-Type': 'application/json; charset=utf-8' },
      body: text,
    });

  test('object members are parameters; booleans and numbers become text', async () => {
    const add = expectOk(await postJson('AddApplication', '{"application_name":"json-a","secure_record_storage":true}'));
    assert.equal(add.application_name, fullName('json-a'));
    assert.equal(add.secure_record_storage, true);
    const one = expectOk(await postJson('GetApplications', `{"application_id":${add.application_id}}`));
    assert.deepEqual(one.result.map((a) => a.application_id), [add.application_id]);
    const page = expectOk(await postJson('GetApplications', '{"count":1}'));
    assert.equal(page.result.length, 1);
  });

  test('null is absent; an empty body is {}', async () => {
    expectError(await postJson('AddApplication', '{"application_name":null}'), 485);
    expectOk(await postJson('GetApplications', ''));
  });

  test('arrays of scalars are joined with ;', async () => {
    const a = expectOk(await postJson('AddApplication', '{"application_name":"json-l1"}'));
    const b = expectOk(await postJson('AddApplication', '{"application_name":"json-l2"}'));
    expectOk(await postJson('DelApplication', `{"application_id":[${a.application_id},${b.application_id}]}`));
    assert.equal((await appNamed('json-l1')).length, 0);
    assert.equal((await appNamed('json-l2')).length, 0);
  });

  test('non-object, nested or malformed JSON -> HTTP 400, 101', async () => {
    for (const text of ['[1,2]', '"text"', '42', 'null', '{"a":{"b":1}}', '{"application_name":', 'not json']) {
      expectError(await postJson('GetApplications', text), 101, { status: 400 });
    }
  });
});

describe('parameter sources and decoding', () => {
  test('query and urlencoded body are merged; body overrides query', async () => {
    const res = await request(server, {
      path: '/platform_api/AddApplication?application_name=src-query&secure_record_storage=true',
      headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'application_name=src-body',
    });
    const body = expectOk(res);
    assert.equal(body.application_name, fullName('src-body'));
    assert.equal(body.secure_record_storage, true, 'query-only parameter still applies');
    assert.equal((await appNamed('src-query')).length, 0);
  });

  test('multipart body overrides query', async () => {
    const mp = multipart([{ name: 'application_name', value: 'src-mp-body' }]);
    const res = await request(server, {
      path: '/platform_api/AddApplication?application_name=src-mp-query',
      headers: { ...auth(), 'Content-Type': mp.contentType },
      chunks: [mp.body],
    });
    assert.equal(expectOk(res).application_name, fullName('src-mp-body'));
  });

  test('within one source the last occurrence wins', async () => {
    const res = await call(server, 'AddApplication', [
      ['application_name', 'src-first'],
      ['application_name', 'src-last'],
    ]);
    assert.equal(expectOk(res).application_name, fullName('src-last'));
  });

  test('unknown parameters are ignored', async () => {
    const res = await call(server, 'AddApplication', {
      application_name: 'src-extra',
      account_id: 999999,
      with_rules: 'whatever',
      foo: 'bar',
    });
    assert.equal(expectOk(res).application_name, fullName('src-extra'));
  });

  test('; inside a query value does not split pairs', async () => {
    // Split at ";", this would be application_name=dev (matching every app) and count=1.
    expectOk(await call(server, 'AddApplication', { application_name: 'semi-a' }));
    const res = await request(server, {
      method: 'GET',
      path: '/platform_api/GetApplications?application_name=dev;count=1',
      headers: auth(),
    });
    const body = expectOk(res);
    assert.deepEqual(body.result, []);
    assert.equal(body.total_count, 0);
  });

  test('percent-encoded names and values are decoded', async () => {
    const res = await request(server, {
      path: '/platform_api/AddApplication',
      headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'application%5Fname=pct%2Ddecoded',
    });
    assert.equal(expectOk(res).application_name, fullName('pct-decoded'));
    const q = await request(server, {
      method: 'GET',
      path: '/platform_api/AddApplication?application%5fname=pct%2dquery',
      headers: auth(),
    });
    assert.equal(expectOk(q).application_name, fullName('pct-query'));
  });

  test('+ and %20 mean a space in the query and in urlencoded bodies', async () => {
    // Observable through legacy credentials: an account e-mail with a literal "+" must be sent as
    // %2B; a raw "+" decodes to a space and matches nothing.
    const acct = await server.coffer(['account', 'create'], ['--name', 'plusacct', '--email', 'x+y@example.com']);
    const { api_key: key } = await server.coffer(['account', 'api-key'], ['--account', String(acct.account_id)]);
    const enc = encodeURIComponent(key);
    const viaQuery = (email) =>
      request(server, { method: 'GET', path: `/platform_api/GetApplications?account_email=${email}&api_key=${enc}` });
    const viaBody = (email) =>
      request(server, {
        path: '/platform_api/GetApplications',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `account_email=${email}&api_key=${enc}`,
      });
    for (const send of [viaQuery, viaBody]) {
      expectOk(await send('x%2By%40example.com'));
      expectOk(await send('x%2By@example.com'));
      expectError(await send('x+y@example.com'), 100);
      expectError(await send('x%20y@example.com'), 100);
    }
  });

  test('a space in a cmd value is not trimmed away (+ and %20 decode to a space)', async () => {
    for (const cmd of ['GetApplications+', 'GetApplications%20', '+GetApplications']) {
      const res = await request(server, {
        path: '/platform_api',
        headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `cmd=${cmd}`,
      });
      expectError(res, 103);
    }
  });

  test('content-type parameters other than charset and boundary are ignored', async () => {
    const res = await request(server, {
      path: '/platform_api/AddApplication',
      headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8; foo=bar' },
      body: urlencode({ application_name: 'ct-params' }),
    });
    assert.equal(expectOk(res).application_name, fullName('ct-params'));
  });

  test('a body of another content type carries no parameters', async () => {
    const res = await request(server, {
      path: '/platform_api/AddApplication',
      headers: { ...auth(), 'Content-Type': 'text/plain' },
      body: 'application_name=ct-text',
    });
    expectError(res, 485);
  });
});
