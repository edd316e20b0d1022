// SPEC 7.5: SetSecretInfo — partial updates (rename, value, description; an empty description
// clears it), `modified` moving only when something changed, atomicity, and the documented order
// of its errors. Every secret used here is created before a pause of more than a second, so a
// wrongly moved `modified` is always visible.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectError, expectOk } from './lib/api.mjs';
import {
  FORMS,
  MSG_NO_APP,
  MSG_NO_SECRET,
  addSecret,
  assertTimestampBetween,
  expectMissing,
  expectParamError,
  listSecrets,
  newApp,
  rawCall,
  sCall,
  secretValue,
  sleep,
  suiteServer,
  tsToUnix,
} from './lib/secrets.mjs';

let server;
let app;
const ids = {}; // label -> secret_id
const orig = {}; // label -> value item right after creation

/** Secrets created up front: [label, name, value, description|undefined]. */
const SEEDS = [
  ['rename', 'old_name', 'v-rename', 'd-rename'],
  ['renameByName', 'by_name_old', 'v-bn', undefined],
  ['value', 'val_only', 'v-old', 'keep me'],
  ['desc', 'desc_only', 'v-desc', 'old description'],
  ['clear', 'clear_desc', 'v-clear', 'to be cleared'],
  ['clearNone', 'clear_none', 'v-cn', undefined],
  ['all3', 'all_three', 'v-all', 'd-all'],
  ['noop', 'noop', 'v-noop', 'd-noop'],
  ['same', 'same_values', 'v-same', 'd-same'],
  ['ownName', 'own_name', 'v-own', undefined],
  ['caseRename', 'Casey', 'v-case', undefined],
  ['taken', 'taken_name', 'v-taken', 'd-taken'],
  ['atomic', 'atomic', 'v-atomic', 'd-atomic'],
  ['long', 'long_values', 'v-long', undefined],
  ['idWins', 'id_wins', 'v-idwins', undefined],
  ['idWinsOther', 'id_wins_other', 'v-idwins-other', undefined],
  ['order', 'order_checks', 'v-order', 'd-order'],
  ['empties', 'empty_fields', 'v-empties', 'd-empties'],
  ['lower', 'key', 'v-lower', undefined],
  ['upper', 'Key', 'v-upper', undefined],
  ...FORMS.map((f) => [`form_${f}`, `form_${f}`, `v-${f}`, undefined]),
];

suiteServer(async (s) => {
  server = s;
  app = await newApp(server, 'update-app');
  for (const [label, name, value, description] of SEEDS) {
    ids[label] = await addSecret(server, app, name, value, description === undefined ? {} : { description });
  }
  for (const [label] of SEEDS) orig[label] = await secretValue(server, app, { secret_id: ids[label] });
  await sleep(1100); // timestamps have whole seconds: any change from now on has modified > created
});

const set = (params, opts) => sCall(server, 'SetSecretInfo', { application_id: app.id, ...params }, opts);
const read = (label) => secretValue(server, app, { secret_id: ids[label] });

/** Asserts the secret moved on: modified is now (not created), created kept. */
function assertModifiedNow(item, label, t0, t1) {
  assert.equal(item.created, orig[label].created, 'created never changes');
  assert.ok(tsToUnix(item.modified) > tsToUnix(item.created), `modified must move: ${JSON.stringify(item)}`);
  assertTimestampBetween(item.modified, t0, t1);
}

describe('partial updates', () => {
  for (const form of FORMS) {
    test(`form ${form}: value and description -> {"result":1}`, async () => {
      const label = `form_${form}`;
      const t0 = Date.now();
      const body = expectOk(await set({ secret_id: ids[label], secret_value: `new ${form}`, description: `about ${form}` }, { form }));
      assert.deepEqual(body, { result: 1 });
      const item = await read(label);
      assertModifiedNow(item, label, t0, Date.now());
      assert.deepEqual(item, {
        secret_id: ids[label],
        secret_name: label,
        secret_value: `new ${form}`,
        description: `about ${form}`,
        created: orig[label].created,
        modified: item.modified,
      });
    });
  }

  test('rename by id: the old name is gone, the new one resolves; value and description kept', async () => {
    const t0 = Date.now();
    assert.deepEqual(expectOk(await set({ secret_id: ids.rename, new_secret_name: 'new_name' })), { result: 1 });
    const item = await read('rename');
    assertModifiedNow(item, 'rename', t0, Date.now());
    assert.deepEqual(item, { ...orig.rename, secret_name: 'new_name', modified: item.modified });
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_name: 'old_name' }), 496, 'secret_name');
    assert.equal((await secretValue(server, app, { secret_name: 'new_name' })).secret_id, ids.rename);
    // the old name is free again
    const reused = await addSecret(server, app, 'old_name', 'another');
    assert.notEqual(reused, ids.rename);
  });

  test('rename identified by secret_name', async () => {
    expectOk(await set({ secret_name: 'by_name_old', new_secret_name: 'by_name_new' }));
    const item = await read('renameByName');
    assert.equal(item.secret_name, 'by_name_new');
    assert.equal(item.secret_value, 'v-bn');
    assert.ok(!('description' in item));
  });

  test('value only: name and description unchanged', async () => {
    const t0 = Date.now();
    expectOk(await set({ secret_id: ids.value, secret_value: 'v-new' }));
    const item = await read('value');
    assertModifiedNow(item, 'value', t0, Date.now());
    assert.deepEqual(item, { ...orig.value, secret_value: 'v-new', modified: item.modified });
  });

  test('description only: name and value unchanged', async () => {
    expectOk(await set({ secret_id: ids.desc, description: 'new description' }));
    const item = await read('desc');
    assert.deepEqual(item, { ...orig.desc, description: 'new description', modified: item.modified });
    assert.ok(tsToUnix(item.modified) > tsToUnix(item.created));
  });

  test('present and empty description clears it (member omitted afterwards)', async () => {
    const t0 = Date.now();
    expectOk(await set({ secret_id: ids.clear, description: '' }));
    const item = await read('clear');
    assert.ok(!('description' in item), JSON.stringify(item));
    assertModifiedNow(item, 'clear', t0, Date.now());
    const listed = (await listSecrets(server, app, { secret_name_part: 'clear_desc' })).result;
    assert.equal(listed.length, 1);
    assert.ok(!('description' in listed[0]), JSON.stringify(listed[0]));
  });

  test('clearing a description that is not there changes nothing (modified kept)', async () => {
    expectOk(await set({ secret_id: ids.clearNone, description: '' }));
    assert.deepEqual(await read('clearNone'), orig.clearNone);
  });

  test('empty description in the JSON body also clears it', async () => {
    const id = await addSecret(server, app, 'json_clear', 'v', { description: 'x' });
    const res = await rawCall(server, 'SetSecretInfo', {
      body: JSON.stringify({ application_id: app.id, secret_id: id, description: '' }),
      contentType: 'application/json',
    });
    assert.deepEqual(expectOk(res), { result: 1 });
    assert.ok(!('description' in (await secretValue(server, app, { secret_id: id }))));
  });

  test('rename, value and description together', async () => {
    expectOk(await set({ secret_id: ids.all3, new_secret_name: 'all_three_v2', secret_value: 'v-all-2', description: 'd-all-2' }));
    const item = await read('all3');
    assert.deepEqual(item, {
      secret_id: ids.all3,
      secret_name: 'all_three_v2',
      secret_value: 'v-all-2',
      description: 'd-all-2',
      created: orig.all3.created,
      modified: item.modified,
    });
    assert.ok(tsToUnix(item.modified) > tsToUnix(item.created));
  });

  test('rename only changes the letter case (Casey -> CASEY)', async () => {
    expectOk(await set({ secret_id: ids.caseRename, new_secret_name: 'CASEY' }));
    assert.equal((await read('caseRename')).secret_name, 'CASEY');
    expectParamError(await sCall(server, 'GetSecretValue', { application_id: app.id, secret_name: 'Casey' }), 496, 'secret_name');
  });

  test('description over 200 characters is cut to 200 characters', async () => {
    const desc = 'Ёжик в тумане '.repeat(20).slice(0, 250);
    expectOk(await set({ secret_id: ids.long, description: desc }));
    assert.equal((await read('long')).description, desc.slice(0, 200));
  });

  test('value of 8192 Cyrillic characters OK; 8193 -> 477 and nothing applied', async () => {
    const max = 'Ю'.repeat(8192);
    expectOk(await set({ secret_id: ids.long, secret_value: max }));
    const before = await read('long');
    assert.equal(before.secret_value, max);
    expectParamError(
      await set({ secret_id: ids.long, secret_value: 'Ю'.repeat(8193), description: 'not applied', new_secret_name: 'not_applied' }),
      477,
      'secret_value',
    );
    assert.deepEqual(await read('long'), before);
  });

  test('secret_id wins over secret_name when both are sent', async () => {
    expectOk(await set({ secret_id: ids.idWins, secret_name: 'id_wins_other', secret_value: 'v-by-id' }));
    assert.equal((await read('idWins')).secret_value, 'v-by-id');
    assert.deepEqual(await read('idWinsOther'), orig.idWinsOther);
  });

  test('empty optional fields are absent (only description clears)', async () => {
    expectOk(await set({ secret_id: ids.empties, new_secret_name: '', secret_value: '' }));
    assert.deepEqual(await read('empties'), orig.empties);
  });
});

describe('modified moves only when something changed', () => {
  test('nothing to change -> result 1, the secret untouched', async () => {
    assert.deepEqual(expectOk(await set({ secret_id: ids.noop })), { result: 1 });
    assert.deepEqual(expectOk(await set({ secret_name: 'noop' })), { result: 1 });
    assert.deepEqual(await read('noop'), orig.noop);
  });

  test('its own current name -> a no-op (no 493, modified kept)', async () => {
    assert.deepEqual(expectOk(await set({ secret_id: ids.ownName, new_secret_name: 'own_name' })), { result: 1 });
    assert.deepEqual(await read('ownName'), orig.ownName);
  });

  test('the same value and description as stored -> modified kept', async () => {
    expectOk(await set({ secret_id: ids.same, new_secret_name: 'same_values', secret_value: 'v-same', description: 'd-same' }));
    assert.deepEqual(await read('same'), orig.same);
  });

  test('a real change after a no-op moves modified once', async () => {
    const t0 = Date.now();
    expectOk(await set({ secret_id: ids.noop, description: 'now changed' }));
    const item = await read('noop');
    assertModifiedNow(item, 'noop', t0, Date.now());
  });
});

describe('taken names and atomicity', () => {
  test('a name used by another secret -> 493 new_secret_name', async () => {
    const err = expectParamError(await set({ secret_id: ids.taken, new_secret_name: 'atomic' }), 493, 'new_secret_name');
    assert.equal(err.msg, "The 'new_secret_name' is not unique.");
    assert.deepEqual(await read('taken'), orig.taken);
  });

  test('493 applies nothing else of the same call (value, description)', async () => {
    expectParamError(
      await set({ secret_id: ids.atomic, new_secret_name: 'taken_name', secret_value: 'v-should-not', description: 'd-should-not' }),
      493,
      'new_secret_name',
    );
    assert.deepEqual(await read('atomic'), orig.atomic);
    assert.deepEqual(await read('taken'), orig.taken);
  });

  test('names are case-sensitive: key -> Key is taken, key -> KEY is free', async () => {
    expectParamError(await set({ secret_id: ids.lower, new_secret_name: 'Key' }), 493, 'new_secret_name');
    expectOk(await set({ secret_id: ids.lower, new_secret_name: 'KEY' }));
    assert.equal((await read('lower')).secret_name, 'KEY');
    assert.equal((await read('upper')).secret_name, 'Key');
  });
});

describe('errors in the documented order', () => {
  test('no application -> 485, before identification', async () => {
    expectMissing(await sCall(server, 'SetSecretInfo', { secret_id: ids.order, secret_value: 'x' }), MSG_NO_APP);
    expectMissing(await sCall(server, 'SetSecretInfo', {}), MSG_NO_APP);
    expectError(await sCall(server, 'SetSecretInfo', { application_id: 987654, new_secret_name: '1bad' }), 116);
    expectError(await sCall(server, 'SetSecretInfo', { application_name: 'update-none' }), 558);
  });

  test('no identification -> 485 with the exact message, before new_secret_name and value', async () => {
    expectMissing(await set({}), MSG_NO_SECRET);
    expectMissing(await set({ new_secret_name: '1bad', secret_value: 'a'.repeat(9000) }), MSG_NO_SECRET);
    expectMissing(await set({ secret_id: '', secret_name: '', description: 'x' }), MSG_NO_SECRET);
  });

  test('identification malformed or unknown -> 496, before new_secret_name', async () => {
    for (const bad of ['abc', '0', '-5', '2.0']) {
      expectParamError(await set({ secret_id: bad, new_secret_name: '1bad' }), 496, 'secret_id');
    }
    expectParamError(await set({ secret_id: 987654, new_secret_name: '1bad' }), 496, 'secret_id');
    expectParamError(await set({ secret_name: 'nobody', new_secret_name: '1bad' }), 496, 'secret_name');
    expectParamError(await set({ secret_name: '1bad', secret_value: 'x' }), 496, 'secret_name');
  });

  test('new_secret_name malformed -> 496, before the value length', async () => {
    for (const bad of ['1bad', '_x', `n${'x'.repeat(64)}`, 'a-b', 'Яя']) {
      expectParamError(
        await set({ secret_id: ids.order, new_secret_name: bad, secret_value: 'a'.repeat(8193) }),
        496,
        'new_secret_name',
      );
    }
  });

  test('value too long -> 477, before the taken name', async () => {
    expectParamError(
      await set({ secret_id: ids.order, new_secret_name: 'taken_name', secret_value: 'a'.repeat(8193) }),
      477,
      'secret_value',
    );
  });

  test('a value or description that is not valid UTF-8 -> 496 naming it', async () => {
    const res = await rawCall(server, 'SetSecretInfo', {
      body: `application_id=${app.id}&secret_id=${ids.order}&secret_value=%FE%FF`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expectParamError(res, 496, 'secret_value');
    const res2 = await rawCall(server, 'SetSecretInfo', {
      body: `application_id=${app.id}&secret_id=${ids.order}&description=%C0%AF`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expectParamError(res2, 496, 'description');
  });

  test('none of the failed calls changed the secret', async () => {
    assert.deepEqual(await read('order'), orig.order);
  });
});
