// SPEC 17 emulator mode: `serve --emulator` adds loopback-only controls under /_emulator/: a
// movable clock that expiry, timestamps and token checks follow, reset, and seed (body or
// `--seed FILE`). Without --emulator the paths answer 404. Runs on both backends.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir, removeDir, request, startServer } from './lib/harness.mjs';
import { call, expectError, expectOk } from './lib/api.mjs';
import { bearer, nowSeconds } from './lib/jwt.mjs';

const THIRTY_DAYS = 2592000;
const dir = makeTempDir('coffer-emulator-');

function control(server, pathAndQuery, { method = 'POST', body, contentType = 'application/json' } = {}) {
  return request(server, {
    method,
    path: pathAndQuery,
    headers: method === 'POST' && contentType ? { 'Content-Type': contentType } : {},
    body,
  });
}

// The server's time, to sign tokens the moved clock accepts.
async function serverNow(server) {
  const res = await control(server, '/_emulator/clock', { method: 'GET' });
  assert.equal(res.status, 200, res.text);
  return res.body.now;
}

async function at(server) {
  const now = await serverNow(server);
  return { auth: bearer(server.creds, { now }) };
}

after(() => removeDir(dir));

describe('without --emulator', () => {
  test('the controls do not exist', async () => {
    const server = await startServer();
    try {
      for (const p of ['/_emulator/clock?advance=10', '/_emulator/reset', '/_emulator/seed', '/_emulator/']) {
        const res = await control(server, p, { body: '{}' });
        assert.equal(res.status, 404, p);
      }
      assert.ok(!/EMULATOR/.test(server.output.stderr));
    } finally {
      await server.stop();
    }
  });

  test('--seed needs --emulator', async () => {
    const seed = path.join(dir, 'lonely-seed.json');
    fs.writeFileSync(seed, '{}');
    await assert.rejects(startServer({ args: ['--seed', seed] }), /--seed needs --emulator/);
  });
});

describe('with --emulator', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--emulator'] });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('says so loudly at start', () => {
    assert.match(server.output.stderr, /EMULATOR MODE/);
  });

  test('an item with a 30-day TTL disappears after advance=2592001, and the sweep removes it', async () => {
    const app = expectOk(await call(server, 'AddApplication', { application_name: 'ttl' })).application_id;
    expectOk(await call(server, 'SetKeyValueItem', { application_id: app, key: 'month', value: 'v' }));
    expectOk(await call(server, 'SetKeyValueItem', { application_id: app, key: 'longer', value: 'w', ttl: THIRTY_DAYS + 100 }));
    const before = await serverNow(server);
    const moved = await control(server, `/_emulator/clock?advance=${THIRTY_DAYS + 1}`);
    assert.equal(moved.status, 200, moved.text);
    assert.ok(moved.body.now >= before + THIRTY_DAYS + 1 && moved.body.now <= before + THIRTY_DAYS + 3);
    assert.equal(moved.body.expired_items_deleted, 1, 'the sweep ran and removed exactly the expired item');
    const opts = await at(server);
    expectError(await call(server, 'GetKeyValueItem', { application_id: app, key: 'month' }, opts), 496);
    expectOk(await call(server, 'GetKeyValueItem', { application_id: app, key: 'longer' }, opts));
    const keys = expectOk(await call(server, 'GetKeyValueKeys', { application_id: app }, opts));
    assert.deepEqual(keys.result.map((k) => k.key), ['longer']);
  });

  test('token checks and timestamps follow the moved clock', async () => {
    const real = nowSeconds();
    const serverTime = await serverNow(server);
    assert.ok(serverTime > real + THIRTY_DAYS, 'the clock is still moved');
    // A token signed by the real clock has expired in the server's time.
    expectError(await call(server, 'GetApplications', {}), 456);
    const opts = await at(server);
    const app = expectOk(await call(server, 'AddApplication', { application_name: 'later' }, opts)).application_id;
    expectOk(await call(server, 'AddSecret', { application_id: app, secret_name: 's', secret_value: 'v' }, opts));
    const listed = expectOk(await call(server, 'GetSecrets', { application_id: app }, opts));
    const created = Date.parse(`${listed.result[0].created.replace(' ', 'T')}Z`) / 1000;
    assert.ok(Math.abs(created - serverTime) <= 2, `created ${listed.result[0].created} is the server's time`);
  });

  test('set moves the clock to a given time, back to now included', async () => {
    const set = await control(server, '/_emulator/clock?set=1900000000');
    assert.equal(set.status, 200, set.text);
    assert.ok(set.body.now >= 1900000000 && set.body.now <= 1900000001);
    const back = await control(server, `/_emulator/clock?set=${nowSeconds()}`);
    assert.ok(Math.abs(back.body.offset) <= 1);
    expectOk(await call(server, 'GetApplications', {}), 'real-time tokens work again');
  });

  test('bad clock requests are refused and move nothing', async () => {
    const before = (await control(server, '/_emulator/clock', { method: 'GET' })).body.offset;
    for (const [query, status, message] of [
      ['advance=-1', 400, /at least 0/],
      ['advance=soon', 400, /whole number/],
      ['advance=1&set=2', 400, /exclude each other/],
      ['later=1', 400, /unknown parameter/],
    ]) {
      const res = await control(server, `/_emulator/clock?${query}`);
      assert.equal(res.status, status, query);
      assert.match(res.body.error.msg, message, query);
    }
    const viaGet = await control(server, '/_emulator/clock?advance=5', { method: 'GET' });
    assert.equal(viaGet.status, 405);
    const resetByGet = await control(server, '/_emulator/reset', { method: 'GET' });
    assert.equal(resetByGet.status, 405);
    assert.equal(resetByGet.headers.allow, 'POST');
    // What a web page can send without a preflight is refused: a browser is a loopback client.
    for (const contentType of [null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await control(server, '/_emulator/clock?advance=5', { contentType });
      assert.equal(res.status, 415, String(contentType));
      assert.match(res.body.error.msg, /application\/json/);
      const reset = await control(server, '/_emulator/reset', { contentType, body: '{}' });
      assert.equal(reset.status, 415);
    }
    const tooFar = await control(server, '/_emulator/clock?advance=253402300799');
    assert.equal(tooFar.status, 400);
    assert.match(tooFar.body.error.msg, /year 9999/);
    assert.equal((await control(server, '/_emulator/clock?set=253402300800')).status, 400);
    const unknown = await control(server, '/_emulator/nothing');
    assert.equal(unknown.status, 404);
    assert.equal((await control(server, '/_emulator/clock', { method: 'GET' })).body.offset, before);
  });

  test('seed creates applications, secrets and items; seeding again overwrites', async () => {
    const seed = {
      applications: [
        { name: 'seeded', secrets: [{ name: 'db_password', value: 'p1', description: 'the db' }],
          items: [{ key: 'a', value: '1', ttl: 600 }, { key: 'b', value: '2', expires_at: nowSeconds() + 60 }] },
        { name: 'empty' },
      ],
    };
    const res = await control(server, '/_emulator/seed', { body: JSON.stringify(seed) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.account_id, server.creds.account_id);
    assert.deepEqual(res.body.applications.map((a) => [a.application_name, a.secrets, a.items]),
      [['seeded', 1, 2], ['empty', 0, 0]]);
    const value = expectOk(await call(server, 'GetSecretValue', { application_name: 'seeded', secret_name: 'db_password' }));
    assert.equal(value.result[0].secret_value, 'p1');
    assert.equal(value.result[0].description, 'the db');
    const item = expectOk(await call(server, 'GetKeyValueItem', { application_name: 'seeded', key: 'a' }));
    assert.ok(Math.abs(item.result.expires_at - (nowSeconds() + 600)) <= 2);
    seed.applications[0].secrets[0].value = 'p2';
    assert.equal((await control(server, '/_emulator/seed', { body: JSON.stringify(seed) })).status, 200);
    const changed = expectOk(await call(server, 'GetSecretValue', { application_name: 'seeded', secret_name: 'db_password' }));
    assert.equal(changed.result[0].secret_value, 'p2');
    assert.equal(changed.result[0].secret_id, value.result[0].secret_id, 'the same secret');
  });

  test('a bad seed is refused whole, naming what is wrong', async () => {
    const before = expectOk(await call(server, 'GetApplications', {})).result.length;
    for (const [seed, message] of [
      ['not json', /not JSON/],
      [{ applications: [{ name: 'fine' }, { name: 'xx', secrtes: [] }] }, /applications\[1\] has an unknown member "secrtes"/],
      [{ applications: [{ name: 'fine' }, { name: 'xx', secrets: [{ name: '1bad', value: 'v' }] }] }, /not a valid secret name/],
      [{ applications: [{ name: 'Bad Name' }] }, /not an application short name/],
      [{ applications: [{ name: 'fine', items: [{ key: 'k', value: 'v', ttl: 1, expires_at: 2 }] }] }, /exclude each other/],
      [{ account_id: 999, applications: [] }, /account 999 does not exist/],
    ]) {
      const res = await control(server, '/_emulator/seed', { body: typeof seed === 'string' ? seed : JSON.stringify(seed) });
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.error.msg, message);
    }
    assert.equal(expectOk(await call(server, 'GetApplications', {})).result.length, before);
  });

  test('reset deletes every application and keeps accounts and keys', async () => {
    const other = await server.coffer(['account', 'create'], ['--name', 'other', '--email', 'o@example.com']);
    expectOk(await call(server, 'AddApplication', { application_name: 'theirs' }, { creds: other }));
    const count = expectOk(await call(server, 'GetApplications', {})).result.length;
    assert.ok(count > 0);
    const res = await control(server, '/_emulator/reset');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.applications_deleted, count + 1, 'every account');
    const audit = await server.cofferRaw(['audit', 'list']);
    assert.match(audit.stdout, /"method":"emulator reset"/, 'the reset is in the audit log');
    assert.deepEqual(expectOk(await call(server, 'GetApplications', {})).result, []);
    assert.deepEqual(expectOk(await call(server, 'GetApplications', {}, { creds: other })).result, []);
    const again = expectOk(await call(server, 'AddApplication', { application_name: 'seeded' }));
    assert.ok(again.application_id > 0, 'names are free again');
  });
});

describe('serve --seed FILE', () => {
  test('starts with the seed and returns to it on reset', async () => {
    const seedFile = path.join(dir, 'seed.json');
    fs.writeFileSync(seedFile, JSON.stringify({
      applications: [{ name: 'fixture', secrets: [{ name: 'api_key', value: 'k1' }], items: [{ key: 'x', value: 'y' }] }],
    }));
    const server = await startServer({ args: ['--emulator', '--seed', seedFile] });
    try {
      const value = expectOk(await call(server, 'GetSecretValue', { application_name: 'fixture', secret_name: 'api_key' }));
      assert.equal(value.result[0].secret_value, 'k1');
      expectOk(await call(server, 'SetSecretInfo', { application_name: 'fixture', secret_name: 'api_key', secret_value: 'dirty' }));
      expectOk(await call(server, 'AddApplication', { application_name: 'scratch' }));
      const reset = await control(server, '/_emulator/reset');
      assert.equal(reset.status, 200, reset.text);
      assert.equal(reset.body.applications_deleted, 2);
      assert.equal(reset.body.seeded.applications[0].application_name, 'fixture');
      const apps = expectOk(await call(server, 'GetApplications', {})).result.map((a) => a.application_name.split('.')[0]);
      assert.deepEqual(apps, ['fixture']);
      const clean = expectOk(await call(server, 'GetSecretValue', { application_name: 'fixture', secret_name: 'api_key' }));
      assert.equal(clean.result[0].secret_value, 'k1');
      const item = expectOk(await call(server, 'GetKeyValueItem', { application_name: 'fixture', key: 'x' }));
      assert.ok(Math.abs(item.result.expires_at - (nowSeconds() + THIRTY_DAYS)) <= 2, 'the default lifetime');
    } finally {
      await server.stop();
    }
  });

  test('a bad seed file stops the start', async () => {
    const seedFile = path.join(dir, 'bad-seed.json');
    fs.writeFileSync(seedFile, JSON.stringify({ applications: [{ name: 'xx', secrets: [{ name: 's' }] }] }));
    await assert.rejects(startServer({ args: ['--emulator', '--seed', seedFile] }),
      /--seed: applications\[0\]\.secrets\[0\]\.value must be a string/);
  });
});

describe('loopback only', () => {
  const external = Object.values(os.networkInterfaces()).flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  test('a client from another address is refused', { skip: !external && 'no non-loopback IPv4 address here' }, async () => {
    const server = await startServer({ args: ['--emulator', '--listen', '0.0.0.0:0'] });
    try {
      const res = await new Promise((resolve, reject) => {
        const req = https.request({
          host: external.address, port: server.port, method: 'POST', path: '/_emulator/reset',
          ca: server.ca, servername: 'localhost', checkServerIdentity: () => undefined,
        }, (r) => {
          let text = '';
          r.setEncoding('utf8').on('data', (d) => (text += d));
          r.on('end', () => resolve({ status: r.statusCode, text }));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(res.status, 403, res.text);
      assert.match(res.text, /loopback clients only/);
      const local = await control(server, '/_emulator/clock', { method: 'GET' });
      assert.equal(local.status, 200);
    } finally {
      await server.stop();
    }
  });
});
