// SPEC 6.2 and 14 under load: 32 keep-alive clients x 200 SetKeyValueItem calls, to distinct keys
// and to a few shared keys. Afterwards every acknowledged write is visible with its value, and
// each shared key holds a value that last-writer-wins allows:
//
// Every write has a unique value, and the client records the time just before sending it
// (sentAt) and just after its answer arrived (ackAt). If write W2 was sent after write W was
// acknowledged (W2.sentAt > W.ackAt), W2 took effect after W, so W cannot be the final value of
// that key. The final value must therefore come from an acknowledged write that no other write to
// the same key strictly follows in real time. Measurement slack only widens the allowed set
// (sentAt is taken before the real send, ackAt after the real answer), so the check cannot fail
// for a linearizable store. Then a final round, sent after every other write was answered, must
// be exactly what each shared key holds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { expectOk } from './lib/api.mjs';
import { createApp, keepAliveClient, listAll } from './lib/kv.mjs';

const CLIENTS = 32;
const WRITES = 200;
const SHARED = 4; // shared keys shared:0 .. shared:3
const SHARED_EVERY = 5; // every 5th write of a client goes to a shared key

let server;
let app;
before(async () => {
  server = await startServer({ plain: true });
  app = await createApp(server, 'kv-load');
});
after(async () => {
  await server?.stop();
});

test('32 clients x 200 writes: every acknowledged write visible, last writer wins', { timeout: 60000 }, async (t) => {
  const clients = Array.from({ length: CLIENTS }, () => keepAliveClient(server));
  const writes = []; // {client, i, key, value, sentAt, ackAt, ok, answer}
  const started = performance.now();
  try {
    await Promise.all(clients.map(async (client, c) => {
      for (let i = 0; i < WRITES; i++) {
        const shared = i % SHARED_EVERY === 0;
        const key = shared ? `shared:${(c + i / SHARED_EVERY) % SHARED}` : `d:${c}:${i}`;
        const value = shared ? `c${c}:i${i}` : `v:${c}:${i}:${'ж'.repeat((c * 7 + i) % 50)}`;
        const w = { client: c, i, key, value, sentAt: performance.now() };
        let res;
        try {
          res = await client.post('SetKeyValueItem', { application_id: app.id, key, value });
        } catch (err) {
          res = { error: String(err) };
        }
        w.ackAt = performance.now();
        w.ok = !!(res.status === 200 && res.body && res.body.result && !res.body.error);
        w.answer = res.body ?? res.error;
        writes.push(w);
      }
    }));
    const writeMs = performance.now() - started;

    // Every write must have been acknowledged with the item it stored.
    const failed = writes.filter((w) => !w.ok);
    assert.deepEqual(failed.slice(0, 5).map((w) => [w.key, w.answer]), [], `${failed.length} writes failed`);
    assert.equal(writes.length, CLIENTS * WRITES);
    for (const w of writes) {
      assert.equal(w.answer.result.key, w.key);
      assert.equal(w.answer.result.value, w.value);
    }

    // Distinct keys: exactly the acknowledged ones, each with its value.
    const reader = clients[0];
    const distinct = writes.filter((w) => w.key.startsWith('d:'));
    const listed = await listAll(server, 'GetKeyValueItems', { application_id: app.id }, 'd:', { post: reader.post });
    assert.equal(listed.length, distinct.length, 'number of distinct items');
    const byKey = new Map(listed.map((x) => [x.key, x.value]));
    for (const w of distinct) {
      assert.equal(byKey.get(w.key), w.value, `item ${w.key}`);
    }
    const keys = await listAll(server, 'GetKeyValueKeys', { application_id: app.id }, undefined, { post: reader.post });
    assert.equal(keys.length, distinct.length + SHARED, 'no other keys exist');

    // Shared keys: a value last-writer-wins allows (see the header).
    for (let k = 0; k < SHARED; k++) {
      const key = `shared:${k}`;
      const final = expectOk(await reader.post('GetKeyValueItem', { application_id: app.id, key })).result.value;
      const toKey = writes.filter((w) => w.key === key);
      assert.equal(toKey.length, (CLIENTS * WRITES) / SHARED_EVERY / SHARED);
      const winner = toKey.find((w) => w.value === final);
      assert.ok(winner, `${key} holds ${final}, which no acknowledged write stored`);
      const later = toKey.filter((w) => w !== winner && w.sentAt > winner.ackAt);
      assert.deepEqual(
        later.map((w) => w.value),
        [],
        `${key} holds ${final} (acknowledged at ${winner.ackAt.toFixed(1)} ms), but these writes were sent after that`,
      );
    }

    // A final round after every answer: each shared key must hold exactly its last write.
    await Promise.all(Array.from({ length: SHARED }, (_, k) =>
      clients[k].post('SetKeyValueItem', { application_id: app.id, key: `shared:${k}`, value: `final:${k}` }).then(expectOk)));
    for (let k = 0; k < SHARED; k++) {
      const got = expectOk(await reader.post('GetKeyValueItem', { application_id: app.id, key: `shared:${k}` }));
      assert.equal(got.result.value, `final:${k}`);
    }
    const shared = await listAll(server, 'GetKeyValueItems', { application_id: app.id }, 'shared:', { post: reader.post });
    assert.deepEqual(shared.map((x) => [x.key, x.value]), Array.from({ length: SHARED }, (_, k) => [`shared:${k}`, `final:${k}`]));
    // For the record (not asserted): throughput of the write phase.
    t.diagnostic(`write phase: ${writes.length} writes in ${writeMs.toFixed(0)} ms`);
  } finally {
    for (const c of clients) c.close();
  }
});
