// SPEC 8.1 AddApplication: every parameter, name rules and error codes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, request } from './lib/harness.mjs';
import { bearer } from './lib/jwt.mjs';
import { call, expectError, expectOk, fullName, getApps, newAccount } from './lib/api.mjs';

let server;
let acct; // a dedicated account, so that counts are exact
before(async () => {
  server = await startServer();
  acct = await newAccount(server, 'adder');
});
after(async () => {
  await server?.stop();
});

const add = (params, opts = {}) => call(server, 'AddApplication', params, { creds: acct, ...opts });
const full = (short) => fullName(short, 'adder');
const total = async () => (await getApps(server, {}, { creds: acct })).total_count;

describe('AddApplication success', () => {
  test('a short name: exact response', async () => {
    const body = expectOk(await add({ application_name: 'myapp1' }));
    assert.deepEqual(Object.keys(body).sort(), ['application_id', 'application_name', 'result', 'secure_record_storage']);
    assert.equal(body.result, 1);
    assert.ok(Number.isInteger(body.application_id) && body.application_id >= 1);
    assert.equal(body.application_name, 'myapp1.adder.voximplant.com');
    assert.equal(body.secure_record_storage, false);
    const list = await getApps(server, { application_id: body.application_id }, { creds: acct });
    assert.equal(list.result.length, 1);
    assert.equal(list.result[0].application_name, 'myapp1.adder.voximplant.com');
    assert.equal(list.result[0].secure_record_storage, false);
  });

  test('a full name of the caller\'s account', async () => {
    const body = expectOk(await add({ application_name: 'fullform.adder.voximplant.com' }));
    assert.equal(body.application_name, 'fullform.adder.voximplant.com');
  });

  test('lengths 2 and 65 are accepted', async () => {
    const two = 'ab';
    const sixtyFive = `a${'b1-'.repeat(21)}z`;
    assert.equal(sixtyFive.length, 65);
    assert.equal(expectOk(await add({ application_name: two })).application_name, full(two));
    assert.equal(expectOk(await add({ application_name: sixtyFive })).application_name, full(sixtyFive));
    const label65 = `c${'d'.repeat(64)}`;
    assert.equal(expectOk(await add({ application_name: full(label65) })).application_name, full(label65));
  });

  test('digits and hyphens after the first letter', async () => {
    for (const name of ['a1', 'a-', 'z9-9-z', 'a--b']) {
      assert.equal(expectOk(await add({ application_name: name })).application_name, full(name));
    }
  });

  test('ids are increasing integers', async () => {
    const a = expectOk(await add({ application_name: 'seq-a' })).application_id;
    const b = expectOk(await add({ application_name: 'seq-b' })).application_id;
    assert.ok(b > a);
  });

  test('secure_record_storage accepts boolean spellings', async () => {
    const cases = [
      ['true', true], ['TRUE', true], ['True', true], ['1', true],
      ['false', false], ['FALSE', false], ['False', false], ['0', false], ['', false],
    ];
    let i = 0;
    for (const [text, expected] of cases) {
      i += 1;
      const body = expectOk(await add({ application_name: `srs-${i}`, secure_record_storage: text }));
      assert.equal(body.secure_record_storage, expected, `secure_record_storage=${text}`);
      const [app] = (await getApps(server, { application_id: body.application_id }, { creds: acct })).result;
      assert.equal(app.secure_record_storage, expected);
    }
  });
});

describe('AddApplication errors', () => {
  test('absent or empty application_name -> 485', async () => {
    expectError(await add({}), 485);
    expectError(await add({ application_name: '' }), 485);
  });

  test('bad short names -> 107', async () => {
    const sixtySix = `a${'b'.repeat(65)}`;
    assert.equal(sixtySix.length, 66);
    const bad = ['a', '1app', '-app', 'my_app', 'app!', 'app name', ' app', 'app ',
      'ąpp', 'приложение', sixtySix, 'a.b', 'app.', '.app'];
    const before = await total();
    for (const name of bad) expectError(await add({ application_name: name }), 107);
    assert.equal(await total(), before, 'nothing created');
  });

  test('upper-case letters are outside the short-name format -> 107 (not lower-cased)', async () => {
    // SPEC 4.1/8.1: the short name must match ^[a-z][a-z0-9-]{1,64}$; case-insensitivity is about
    // comparing names, not about accepting other spellings.
    const before = await total();
    for (const name of ['MyApp', 'myApp', 'APP', 'Upper.adder.voximplant.com']) {
      expectError(await add({ application_name: name }), 107);
    }
    assert.equal(await total(), before, 'nothing created');
  });

  test('bad full names -> 107', async () => {
    const bad = [
      'other1.dev.voximplant.com', // another account's suffix
      'ok-name.adder.example.com', // another domain
      'ok-name.adder.voximplant', // truncated domain
      'x.adder.voximplant.com', // label too short
      'Bad_Label.adder.voximplant.com',
      `a${'b'.repeat(65)}.adder.voximplant.com`, // label of 66
      '.adder.voximplant.com',
      'adder.voximplant.com',
      'a.b.adder.voximplant.com',
    ];
    for (const name of bad) expectError(await add({ application_name: name }), 107);
  });

  test('a taken name -> 129, in either form', async () => {
    expectOk(await add({ application_name: 'taken' }));
    const before = await total();
    expectError(await add({ application_name: 'taken' }), 129);
    expectError(await add({ application_name: full('taken') }), 129);
    assert.equal(await total(), before);
  });

  test('secure_record_storage not a boolean -> 496', async () => {
    for (const text of ['yes', 'no', '2', 'tru', 'truefalse', '-1', ' true']) {
      expectError(await add({ application_name: 'srs-bad', secure_record_storage: text }), 496);
    }
    assert.equal((await getApps(server, { application_name: 'srs-bad' }, { creds: acct })).total_count, 0);
  });

  test('check order: 485 and 107 before 496; 496 before uniqueness (129)', async () => {
    expectError(await add({ secure_record_storage: 'yes' }), 485);
    expectError(await add({ application_name: 'Bad_Name', secure_record_storage: 'yes' }), 107);
    expectOk(await add({ application_name: 'order-taken' }));
    expectError(await add({ application_name: 'order-taken', secure_record_storage: 'yes' }), 496);
  });

  test('invalid UTF-8 in application_name -> 496 (not 107)', async () => {
    for (const enc of ['%FF', 'ab%FF', '%C3%28', '%C0%AF', '%ED%A0%80', 'app%E2%82']) {
      const res = await request(server, {
        path: '/platform_api/AddApplication',
        headers: { Authorization: bearer(acct), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `application_name=${enc}`,
      });
      expectError(res, 496);
    }
    const viaQuery = await request(server, {
      method: 'GET',
      path: '/platform_api/AddApplication?application_name=%FF',
      headers: { Authorization: bearer(acct) },
    });
    expectError(viaQuery, 496);
  });

  test('valid UTF-8 that breaks the format -> 107', async () => {
    const res = await request(server, {
      method: 'GET',
      path: '/platform_api/AddApplication?application_name=%C3%A9t%C3%A9',
      headers: { Authorization: bearer(acct) },
    });
    expectError(res, 107);
  });
});
