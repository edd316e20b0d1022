// SPEC 13.1 and 14 (durable before acknowledged): items survive a clean SIGTERM restart on the
// same data directory, including writes acknowledged while the server was shutting down; after
// `kill -9` in the middle of a write load, every write whose success answer reached the client is
// present after a restart (new keys with their values, and overwrites at least as new as the last
// acknowledged one).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir, removeDir, startServer } from './lib/harness.mjs';
import { expectError, expectOk } from './lib/api.mjs';
import { nowSeconds } from './lib/jwt.mjs';
import { byUtf8, closeKvAgent, createApp, keepAliveClient, kvCall, listAll, sleep } from './lib/kv.mjs';

const dirs = [];
const servers = [];
after(async () => {
  for (const s of servers) {
    closeKvAgent(s);
    await s.stop();
  }
  for (const d of dirs) removeDir(d);
});

function freshDataDir() {
  const dir = makeTempDir('coffer-kv-');
  dirs.push(dir);
  return path.join(dir, 'data');
}

async function start(dataDir, opts = {}) {
  const s = await startServer({ dataDir, ...opts });
  servers.push(s);
  return s;
}

/** Stops `s` with SIGTERM and asserts a clean exit. */
async function stopClean(s) {
  closeKvAgent(s);
  const r = await s.stop();
  assert.deepEqual({ code: r.code, signal: r.signal, timedOut: r.timedOut }, { code: 0, signal: null, timedOut: undefined });
}

describe('clean restart (SIGTERM)', () => {
  test('every item, its value and its expiry survive; deletions and expiries too', async () => {
    const data = freshDataDir();
    const s1 = await start(data);
    const app1 = await createApp(s1, 'kv-restart');
    const app2 = await createApp(s1, 'kv-restart-two');
    const now = nowSeconds();
    const entries = [
      ['ключ:1', 'значение'], ['ёЁ', ''], ['a+b', '+1 555'], ['long', 'я'.repeat(2000)],
      ['ж'.repeat(200), 'long key'], ['at', 'fixed', { expires_at: now + 5000 }], ['ttl', 'ttl', { ttl: 1234 }],
    ];
    for (const [key, value, extra] of entries) {
      expectOk(await kvCall(s1, 'SetKeyValueItem', { application_id: app1.id, key, value, ...extra }));
    }
    expectOk(await kvCall(s1, 'SetKeyValueItem', { application_id: app1.id, key: 'deleted', value: 'x' }));
    assert.deepEqual(expectOk(await kvCall(s1, 'DelKeyValueItem', { application_id: app1.id, key: 'deleted' })), { result: 1 });
    expectOk(await kvCall(s1, 'SetKeyValueItem', { application_id: app1.id, key: 'expired', value: 'x', ttl: 0 }));
    expectOk(await kvCall(s1, 'SetKeyValueItem', { application_id: app1.id, key: 'replaced', value: 'old' }));
    expectOk(await kvCall(s1, 'SetKeyValueItem', { application_id: app1.id, key: 'replaced', value: 'new', ttl: 777 }));
    expectOk(await kvCall(s1, 'SetKeyValueItem', { application_id: app2.id, key: 'ключ:1', value: 'other app' }));
    const before1 = await listAll(s1, 'GetKeyValueKeys', { application_id: app1.id });
    const items1 = [];
    for (const { key } of before1) {
      items1.push(expectOk(await kvCall(s1, 'GetKeyValueItem', { application_id: app1.id, key })).result);
    }
    assert.deepEqual(before1.map((e) => e.key), [...entries.map((e) => e[0]), 'replaced'].sort(byUtf8));
    await stopClean(s1);

    const s2 = await start(data);
    assert.deepEqual(await listAll(s2, 'GetKeyValueKeys', { application_id: app1.id }), before1);
    for (const item of items1) {
      assert.deepEqual(expectOk(await kvCall(s2, 'GetKeyValueItem', { application_id: app1.id, key: item.key })).result, item);
    }
    assert.equal(expectOk(await kvCall(s2, 'GetKeyValueItem', { application_name: 'kv-restart', key: 'replaced' })).result.value, 'new');
    assert.equal(expectOk(await kvCall(s2, 'GetKeyValueItem', { application_id: app2.id, key: 'ключ:1' })).result.value, 'other app');
    expectError(await kvCall(s2, 'GetKeyValueItem', { application_id: app1.id, key: 'deleted' }), 496);
    expectError(await kvCall(s2, 'GetKeyValueItem', { application_id: app1.id, key: 'expired' }), 496);
    // The restarted server keeps working on the same store.
    expectOk(await kvCall(s2, 'SetKeyValueItem', { application_id: app1.id, key: 'after', value: 'restart' }));
    assert.equal(expectOk(await kvCall(s2, 'GetKeyValueItem', { application_id: app1.id, key: 'after' })).result.value, 'restart');
    await stopClean(s2);
  });

  test('writes acknowledged while SIGTERM drains the server are durable', async () => {
    const data = freshDataDir();
    const s1 = await start(data, { plain: true });
    const app = await createApp(s1, 'kv-drain');
    const acked = new Map();
    const clients = Array.from({ length: 8 }, () => keepAliveClient(s1));
    const load = Promise.all(clients.map(async (client, c) => {
      for (let i = 0; i < 100000; i++) {
        const key = `t:${c}:${i}`;
        const value = `drain ${key}`;
        try {
          const res = await client.post('SetKeyValueItem', { application_id: app.id, key, value });
          if (res.body && res.body.result && res.body.result.value === value) acked.set(key, value);
          else return;
        } catch {
          return; // the server stopped accepting
        }
      }
    }));
    while (acked.size < 300) await sleep(5);
    const stopped = s1.stop();
    await load;
    for (const c of clients) c.close();
    const r = await stopped;
    assert.equal(r.code, 0, `exit ${JSON.stringify(r)}`);

    const s2 = await start(data, { plain: true });
    const listed = await listAll(s2, 'GetKeyValueItems', { application_id: app.id }, 't:');
    const byKey = new Map(listed.map((x) => [x.key, x.value]));
    const missing = [...acked.keys()].filter((k) => byKey.get(k) !== acked.get(k));
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${acked.size} acknowledged writes lost`);
    await stopClean(s2);
  });
});

describe('crash (kill -9) in the middle of a write load', () => {
  test('every acknowledged write is present after a restart', { timeout: 60000 }, async (t) => {
    const data = freshDataDir();
    const s1 = await start(data, { plain: true });
    const app = await createApp(s1, 'kv-crash');
    const valueOf = (key) => `${key}=${'ё'.repeat(key.length % 40)}|${key.split('').reverse().join('')}`;
    const CLIENTS = 12;
    const ackedNew = new Map(); // key -> value of new keys whose write was acknowledged
    const lastAckedVersion = new Array(CLIENTS).fill(-1); // per client's overwritten key o:c
    const lastSentVersion = new Array(CLIENTS).fill(-1);
    let attempted = 0;
    const unexpected = [];
    const clients = Array.from({ length: CLIENTS }, () => keepAliveClient(s1, { timeoutMs: 10000 }));
    const load = Promise.all(clients.map(async (client, c) => {
      for (let i = 0; ; i++) {
        const overwrite = i % 3 === 2;
        const key = overwrite ? `o:${c}` : `k:${c}:${i}`;
        const value = overwrite ? `o:${c}:${i}` : valueOf(key);
        if (overwrite) lastSentVersion[c] = i;
        attempted++;
        let res;
        try {
          res = await client.post('SetKeyValueItem', { application_id: app.id, key, value });
        } catch {
          return; // the server is gone
        }
        // Only a complete success answer counts as an acknowledgement.
        if (!(res.status === 200 && res.body && res.body.result && res.body.result.key === key && res.body.result.value === value)) {
          unexpected.push(`${key}: HTTP ${res.status} ${res.text}`);
          return;
        }
        if (overwrite) lastAckedVersion[c] = i;
        else ackedNew.set(key, value);
      }
    }));
    // Let the load run for a while (and make sure some overwrites were acknowledged), then crash.
    const deadline = Date.now() + 20000;
    while ((ackedNew.size < 1500 || lastAckedVersion.some((v) => v < 0)) && Date.now() < deadline) await sleep(5);
    assert.ok(ackedNew.size >= 1500, 'the load got going');
    s1.proc.kill('SIGKILL');
    const exit = await s1.exited;
    assert.equal(exit.signal, 'SIGKILL');
    await load; // every client has seen its connection die; answers that arrived before count
    for (const c of clients) c.close();
    assert.deepEqual(unexpected, [], 'answers before the kill were all successes');
    t.diagnostic(`acknowledged ${ackedNew.size} new keys of ${attempted} writes before the kill`);

    const s2 = await start(data, { plain: true });
    const reader = keepAliveClient(s2);
    try {
      const listed = await listAll(s2, 'GetKeyValueItems', { application_id: app.id }, 'k:', { post: reader.post });
      const byKey = new Map(listed.map((x) => [x.key, x.value]));
      const lost = [...ackedNew.keys()].filter((k) => !byKey.has(k));
      assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${ackedNew.size} acknowledged keys lost`);
      for (const [key, value] of byKey) {
        assert.equal(value, valueOf(key), `item ${key} holds a value nobody wrote`);
      }
      // At most one write per client was in flight when the server died.
      assert.ok(byKey.size <= ackedNew.size + CLIENTS, `${byKey.size} items, ${ackedNew.size} acknowledged`);
      for (let c = 0; c < CLIENTS; c++) {
        const got = expectOk(await reader.post('GetKeyValueItem', { application_id: app.id, key: `o:${c}` })).result.value;
        const version = Number(got.split(':')[2]);
        assert.ok(
          version >= lastAckedVersion[c] && version <= lastSentVersion[c],
          `o:${c} holds version ${version}; last acknowledged ${lastAckedVersion[c]}, last sent ${lastSentVersion[c]}`,
        );
      }
      // The store is usable after the crash.
      expectOk(await reader.post('SetKeyValueItem', { application_id: app.id, key: 'after:crash', value: 'ok' }));
      assert.equal(expectOk(await reader.post('GetKeyValueItem', { application_id: app.id, key: 'after:crash' })).result.value, 'ok');
    } finally {
      reader.close();
    }
    await stopClean(s2);
  });
});
