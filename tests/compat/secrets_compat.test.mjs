// The official Node client (@voximplant/apiclient-nodejs 4.11.0) against a real Coffer server over
// HTTPS, for the five Secrets methods (SPEC 7 and 11): the exact decoded objects and the raw
// error bodies. The client runs in a child process (secrets_client_flow.mjs, started by
// lib/flow_runner.mjs) with NODE_EXTRA_CA_CERTS pointing at the server's self-signed certificate.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../integration/lib/harness.mjs';
import { assertClientInstalled, rawErrorBody, runFlow, stepsByName, succeededValue } from './lib/flow_runner.mjs';

const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

let server;
let out; // {steps, times, ids}
let steps; // name -> step
before(async () => {
  assertClientInstalled();
  server = await startServer();
  out = await runFlow('secrets_client_flow.mjs', `127.0.0.1:${server.port}`, server.credsPath, server.certPath);
  steps = stepsByName(out);
});
after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
});

/** The decoded value of a step that must have resolved. */
const value = (name) => succeededValue(steps, name);

const rawError = (name, code, param) => rawErrorBody(steps, name, code, { param });

const unix = (ts) => Date.parse(`${ts.replace(' ', 'T')}Z`) / 1000;
function assertTsBetween(ts, fromMs, toMs) {
  assert.match(ts, TS, 'created/modified stay strings in the SPEC format');
  const t = unix(ts);
  assert.ok(t >= Math.floor(fromMs / 1000) - 1 && t <= Math.ceil(toMs / 1000) + 1, `${ts} out of range`);
}

test('addSecret decodes to {result: [{secretId}]}', () => {
  const { id1, id2, id3 } = out.ids;
  for (const id of [id1, id2, id3]) assert.ok(Number.isInteger(id) && id >= 1);
  assert.ok(id1 < id2 && id2 < id3, 'ids increase');
  assert.deepEqual(value('add by id'), { result: [{ secretId: id1 }] });
  assert.deepEqual(value('add by short name'), { result: [{ secretId: id2 }] });
  assert.deepEqual(value('add by full name'), { result: [{ secretId: id3 }] });
});

test('addSecret errors come back raw: duplicate 493, bad name 496, too long 477', () => {
  const dup = rawError('add duplicate', 493, 'secret_name');
  assert.equal(dup.msg, "The 'secret_name' is not unique.");
  rawError('add bad name', 496, 'secret_name');
  rawError('add too long', 477, 'secret_value');
});

test('getSecrets decodes list items, count and totalCount', () => {
  const { id1, id2, id3 } = out.ids;
  const all = value('list all');
  assert.deepEqual(Object.keys(all).sort(), ['count', 'result', 'totalCount']);
  const [c1, c2, c3] = all.result.map((s) => s.created);
  for (const ts of [c1, c2, c3]) assertTsBetween(ts, out.times.beforeAdd, out.times.afterAdd);
  assert.deepEqual(all, {
    result: [
      { secretId: id1, secretName: 'apiKeyProd', description: 'Production API key', created: c1, modified: c1 },
      { secretId: id2, secretName: 'dbPassword', created: c2, modified: c2 },
      { secretId: id3, secretName: 'Key_three', description: 'to be cleared', created: c3, modified: c3 },
    ],
    count: 3,
    totalCount: 3,
  });
  assert.deepEqual(value('list part'), { result: [all.result[0]], count: 1, totalCount: 1 });
  assert.deepEqual(value('list page'), { result: [all.result[1]], count: 1, totalCount: 3 });
  assert.deepEqual(value('list by name'), { result: all.result.slice(0, 2), count: 2, totalCount: 3 });
  rawError('list bad count', 497);
});

test('getSecretValue decodes to {result: [value item]}', () => {
  const { id1, id2 } = out.ids;
  const byId = value('value by id');
  const c1 = byId.result[0].created;
  assert.deepEqual(byId, {
    result: [
      {
        secretId: id1,
        secretName: 'apiKeyProd',
        secretValue: 'secret123',
        description: 'Production API key',
        created: c1,
        modified: c1,
      },
    ],
  });
  const byName = value('value by name');
  const c2 = byName.result[0].created;
  assert.deepEqual(byName, {
    result: [{ secretId: id2, secretName: 'dbPassword', secretValue: 'пароль 😀', created: c2, modified: c2 }],
  });
  rawError('value unknown', 496, 'secret_id');
  const none = rawError('value no secret', 485);
  assert.equal(none.msg, "Specify the 'secret_id' or 'secret_name' parameter.");
});

test('setSecretInfo decodes to {result: 1}; changes show up with a new modified', () => {
  const { id1, id2, id3 } = out.ids;
  for (const name of ['set value and description', 'set rename by name', 'set clear description', 'set nothing']) {
    assert.deepEqual(value(name), { result: 1 }, name);
  }
  rawError('set taken name', 493, 'new_secret_name');

  const created = Object.fromEntries(value('list all').result.map((s) => [s.secretId, s.created]));
  const one = value('value after set').result;
  assert.equal(one.length, 1);
  assertTsBetween(one[0].modified, out.times.beforeSet, out.times.afterSet);
  assert.ok(unix(one[0].modified) > unix(one[0].created), 'modified moved');
  assert.deepEqual(one, [
    {
      secretId: id1,
      secretName: 'apiKeyProd',
      secretValue: 's3cr3tP@ssw0rd2024!',
      description: 'Updated API key',
      created: created[id1],
      modified: one[0].modified,
    },
  ]);
  const renamed = value('value renamed').result;
  assert.ok(unix(renamed[0].modified) > unix(renamed[0].created));
  assert.deepEqual(renamed, [
    { secretId: id2, secretName: 'dbPass', secretValue: 'пароль 😀', created: created[id2], modified: renamed[0].modified },
  ]);
  const cleared = value('value cleared').result;
  assert.deepEqual(cleared, [
    // the 493 call changed nothing: name and value as before, description cleared earlier
    { secretId: id3, secretName: 'Key_three', secretValue: 'v3', created: created[id3], modified: cleared[0].modified },
  ]);
  assert.ok(unix(cleared[0].modified) > unix(cleared[0].created));

  const list = value('list after set');
  assert.deepEqual(list, {
    result: [
      { secretId: id1, secretName: 'apiKeyProd', description: 'Updated API key', created: created[id1], modified: one[0].modified },
      { secretId: id2, secretName: 'dbPass', created: created[id2], modified: renamed[0].modified },
      { secretId: id3, secretName: 'Key_three', created: created[id3], modified: cleared[0].modified },
    ],
    count: 3,
    totalCount: 3,
  });
});

test('delSecret with an id array, a joined name list and all decodes to {result: 1}', () => {
  const { id1, idA, idB } = out.ids;
  assert.deepEqual(value('del id list'), { result: 1 });
  const afterIds = value('list after del ids');
  assert.deepEqual(afterIds.result.map((s) => s.secretId), [id1]);
  assert.equal(afterIds.totalCount, 1);
  assert.deepEqual(value('add a'), { result: [{ secretId: idA }] });
  assert.deepEqual(value('add b'), { result: [{ secretId: idB }] });
  rawError('del unknown', 496, 'secret_name');
  rawError('del any', 496, 'secret_id');
  assert.deepEqual(value('del name list'), { result: 1 });
  assert.deepEqual(value('list after del names').result.map((s) => s.secretId), [id1]);
  const [{ secretId: idC }] = value('add c').result;
  assert.ok(Number.isInteger(idC) && idC > idB, `a new id after ${idB}: ${idC}`);
  assert.deepEqual(value('del all'), { result: 1 }); // removes id1 and c
  assert.deepEqual(value('list empty'), { result: [], count: 0, totalCount: 0 });
  assert.deepEqual(value('del all empty'), { result: 1 });
});
