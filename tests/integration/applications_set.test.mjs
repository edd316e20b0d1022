// SPEC 8.3 SetApplicationInfo: identification, rename, secure_record_storage, modified, errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, request } from './lib/harness.mjs';
import { bearer } from './lib/jwt.mjs';
import { call, expectError, expectOk, fullName, newAccount } from './lib/api.mjs';

let server;
let acct;
before(async () => {
  server = await startServer();
  acct = await newAccount(server, 'setter');
});
after(async () => {
  await server?.stop();
});

const full = (short) => fullName(short, 'setter');
const set = (params) => call(server, 'SetApplicationInfo', params, { creds: acct });
const create = async (short, srs = false) =>
  expectOk(await call(server, 'AddApplication', { application_name: short, secure_record_storage: srs }, { creds: acct })).application_id;
const info = async (id) => {
  const body = expectOk(await call(server, 'GetApplications', { application_id: id }, { creds: acct }));
  assert.equal(body.result.length, 1, `application ${id} should exist`);
  return body.result[0];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const parseTs = (ts) => Date.parse(`${ts.replace(' ', 'T')}Z`);

describe('SetApplicationInfo success', () => {
  test('rename by id: exact response, list shows the new name', async () => {
    const id = await create('ren-a');
    const body = expectOk(await set({ application_id: id, application_name: 'ren-a2' }));
    assert.deepEqual(body, { result: 1, application_name: full('ren-a2'), secure_record_storage: false });
    assert.equal((await info(id)).application_name, full('ren-a2'));
  });

  test('the new name may be given in full form', async () => {
    const id = await create('ren-b');
    const body = expectOk(await set({ application_id: id, application_name: full('ren-b2') }));
    assert.equal(body.application_name, full('ren-b2'));
  });

  test('identified by required_application_name, short or full, any case', async () => {
    const id = await create('req-a');
    expectOk(await set({ required_application_name: 'req-a', application_name: 'req-b' }));
    expectOk(await set({ required_application_name: full('req-b'), application_name: 'req-c' }));
    expectOk(await set({ required_application_name: 'REQ-C', application_name: 'req-d' }));
    expectOk(await set({ required_application_name: full('req-d').toUpperCase(), application_name: 'req-e' }));
    assert.equal((await info(id)).application_name, full('req-e'));
  });

  test('the old name stops resolving after a rename', async () => {
    await create('old-name');
    expectOk(await set({ required_application_name: 'old-name', application_name: 'new-name' }));
    expectError(await set({ required_application_name: 'old-name', secure_record_storage: true }), 558);
    expectOk(await set({ required_application_name: 'new-name', secure_record_storage: true }));
  });

  test('secure_record_storage alone changes only that', async () => {
    const id = await create('srs-only');
    const body = expectOk(await set({ application_id: id, secure_record_storage: 'TRUE' }));
    assert.deepEqual(body, { result: 1, application_name: full('srs-only'), secure_record_storage: true });
    const app = await info(id);
    assert.equal(app.secure_record_storage, true);
    assert.equal(app.application_name, full('srs-only'));
    const back = expectOk(await set({ application_id: id, secure_record_storage: 0 }));
    assert.equal(back.secure_record_storage, false);
  });

  test('a rename keeps secure_record_storage and reports it', async () => {
    const id = await create('keep-srs', true);
    const body = expectOk(await set({ application_id: id, application_name: 'keep-srs2' }));
    assert.deepEqual(body, { result: 1, application_name: full('keep-srs2'), secure_record_storage: true });
  });

  test('renaming to its own name is not a conflict', async () => {
    const id = await create('same-name');
    expectOk(await set({ application_id: id, application_name: 'same-name' }));
    expectOk(await set({ application_id: id, application_name: full('same-name') }));
  });

  test('modified changes', async () => {
    const id = await create('mod-a');
    const before = (await info(id)).modified;
    await sleep(1200);
    expectOk(await set({ application_id: id, application_name: 'mod-b' }));
    const after = (await info(id)).modified;
    assert.match(after, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.ok(parseTs(after) > parseTs(before), `modified ${before} -> ${after}`);
    assert.ok(Math.abs(Date.now() - parseTs(after)) < 10000, `modified ${after} is now (UTC)`);
  });

  test('the id wins over required_application_name', async () => {
    const a = await create('win-a');
    await create('win-b');
    expectOk(await set({ application_id: a, required_application_name: 'win-b', application_name: 'win-a2' }));
    assert.equal((await info(a)).application_name, full('win-a2'));
    expectOk(await set({ application_id: a, required_application_name: 'no-such-app', secure_record_storage: true }));
  });

  test('application_id=0 is absent: the name identifies', async () => {
    const id = await create('zero-id');
    expectOk(await set({ application_id: 0, required_application_name: 'zero-id', application_name: 'zero-id2' }));
    assert.equal((await info(id)).application_name, full('zero-id2'));
  });
});

describe('SetApplicationInfo errors', () => {
  test('no identifier -> 485', async () => {
    expectError(await set({}), 485);
    expectError(await set({ application_name: 'x-new' }), 485);
    expectError(await set({ application_id: '', required_application_name: '' }), 485);
  });

  test('unknown or malformed id -> 116', async () => {
    for (const id of [999999, 'abc', '-1', '1;2', '1.0']) {
      expectError(await set({ application_id: id, application_name: 'x-new' }), 116);
    }
  });

  test('unknown required_application_name -> 558', async () => {
    expectError(await set({ required_application_name: 'nope', application_name: 'x-new' }), 558);
    expectError(await set({ required_application_name: full('nope') }), 558);
  });

  test('bad new name -> 107; taken -> 129; nothing changes', async () => {
    const id = await create('err-a');
    await create('err-b');
    for (const name of ['a', 'err_a', '1abc', 'x.dev.voximplant.com', `a${'b'.repeat(65)}`]) {
      expectError(await set({ application_id: id, application_name: name }), 107);
    }
    expectError(await set({ application_id: id, application_name: 'err-b' }), 129);
    expectError(await set({ application_id: id, application_name: full('err-b') }), 129);
    assert.equal((await info(id)).application_name, full('err-a'));
  });

  test('upper-case letters in the new name -> 107 (not lower-cased)', async () => {
    const id = await create('case-a');
    for (const name of ['Case-A', 'CASE-B', 'case-B']) {
      expectError(await set({ application_id: id, application_name: name }), 107);
    }
    assert.equal((await info(id)).application_name, full('case-a'));
  });

  test('secure_record_storage not a boolean -> 496; nothing changes', async () => {
    const id = await create('srs-err');
    expectError(await set({ application_id: id, secure_record_storage: 'maybe' }), 496);
    expectError(await set({ application_id: id, application_name: 'srs-err2', secure_record_storage: 'maybe' }), 496);
    const app = await info(id);
    assert.equal(app.application_name, full('srs-err'));
    assert.equal(app.secure_record_storage, false);
  });

  test('check order: application (116/558) before name (107) before 496 before uniqueness (129)', async () => {
    const id = await create('ord-a');
    await create('ord-b');
    expectError(await set({ application_id: 999999, application_name: 'Bad_Name' }), 116);
    expectError(await set({ required_application_name: 'nope', application_name: 'Bad_Name' }), 558);
    expectError(await set({ application_id: id, application_name: 'Bad_Name', secure_record_storage: 'maybe' }), 107);
    expectError(await set({ application_id: id, application_name: 'ord-b', secure_record_storage: 'maybe' }), 496);
  });

  test('invalid UTF-8 in the new name -> 496', async () => {
    const id = await create('utf-bad');
    const res = await request(server, {
      path: `/platform_api/SetApplicationInfo?application_id=${id}&application_name=ab%FF`,
      headers: { Authorization: bearer(acct), 'Content-Type': 'application/json' },
      body: '{}',
    });
    expectError(res, 496);
  });
});
