// SPEC 14 "Durable before acknowledged" and 15 across nodes: `kill -9` of one node while all
// three take writes. Every write whose success answer reached its client (from any node, the
// killed one included, up to its death) is readable through the surviving nodes with its exact
// value; a write to the killed node that got no answer may or may not be there, but nothing
// that nobody wrote is; the surviving nodes keep serving every request meanwhile, and the
// killed node, started again on its data directory, serves the same data.
//
// Writers (four keep-alive clients per node) create key-value items with values derived from
// their keys, add secrets, and overwrite one item each with increasing versions. Two rounds on
// one database, killing a different node each time (node 1, which wrote the credentials file,
// in the second).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertCleanStops, caller, closeAgents, kind, settle, sleep, startNodes } from './lib/nodes.mjs';

let set;
before(async () => {
  set = await startNodes({ count: 3 });
});
after(async () => {
  if (set) assertCleanStops(await set.stop());
});

const WRITERS_PER_NODE = 4;
const valueOf = (key) => `${key}=${'ё'.repeat(key.length % 17)}|${key.split('').reverse().join('')}`;
const secretValueOf = (name) => `sealed:${name}:${name.length}`;

/** Every item of `app` whose key starts with `prefix`, through caller `c` (pages of 50). */
async function allItems(c, appId, prefix) {
  const out = [];
  for (let offset = 0; ; offset += 50) {
    const res = await c('GetKeyValueItems', { application_id: appId, key: prefix, count: 50, offset });
    assert.equal(kind(res), 'ok', res.text);
    out.push(...res.body.result);
    if (res.body.result.length < 50) return out;
  }
}

async function crashRound(t, round, victimIndex) {
  const setup = caller(set.nodes[(victimIndex + 1) % 3], set.creds);
  const appRes = await setup('AddApplication', { application_name: `crash-${round}` });
  assert.equal(kind(appRes), 'ok', appRes.text);
  const appId = appRes.body.application_id;
  const victim = set.nodes[victimIndex];

  const ackedItems = new Map(); // key -> value
  const sentItems = new Set();
  const ackedSecrets = new Map(); // name -> {id, node}
  const sentSecrets = new Set();
  const overwrite = new Map(); // key -> {sent, acked} versions
  const unexpected = []; // answers that were not the success they should be
  const ackedBy = [0, 0, 0];
  let victimDead = false;
  let stop = false;

  const writers = [];
  for (let n = 0; n < 3; n++) {
    for (let w = 0; w < WRITERS_PER_NODE; w++) {
      const c = caller(set.nodes[n], set.creds, { sockets: 1, timeoutMs: 15000 });
      const oKey = `o:${round}:${n}:${w}`;
      overwrite.set(oKey, { sent: -1, acked: -1 });
      writers.push((async () => {
        for (let i = 0; !stop; i++) {
          const op = i % 5;
          let res;
          if (op === 2) {
            const name = `s_${round}_${n}_${w}_${i}`;
            sentSecrets.add(name);
            res = await settle(c('AddSecret', { application_id: appId, secret_name: name, secret_value: secretValueOf(name) }));
            if (kind(res) === 'ok' && Number.isInteger(res.body.result?.[0]?.secret_id)) {
              ackedSecrets.set(name, { id: res.body.result[0].secret_id, node: n });
              ackedBy[n]++;
              continue;
            }
          } else {
            const isOverwrite = op === 4;
            const key = isOverwrite ? oKey : `k:${round}:${n}:${w}:${i}`;
            const value = isOverwrite ? `${oKey}#${i}` : valueOf(key);
            if (isOverwrite) overwrite.get(oKey).sent = i;
            else sentItems.add(key);
            res = await settle(c('SetKeyValueItem', { application_id: appId, key, value }));
            const item = kind(res) === 'ok' ? res.body.result : null;
            if (item && item.key === key && item.value === value) {
              if (isOverwrite) overwrite.get(oKey).acked = i;
              else ackedItems.set(key, value);
              ackedBy[n]++;
              continue;
            }
          }
          // Not a success. On the killed node, only a dead connection is expected.
          if (n === victimIndex && victimDead && res instanceof Error) return;
          unexpected.push({ node: n + 1, got: kind(res), victimDead });
          if (res instanceof Error) return;
        }
      })());
    }
  }

  // Let the load run until every node has acknowledged a fair number of writes, then crash one.
  const startedAt = Date.now();
  while ((ackedBy.some((x) => x < 150) || Date.now() - startedAt < 1500) && Date.now() - startedAt < 30000) await sleep(20);
  assert.ok(ackedBy.every((x) => x >= 150), `the load got going on every node: ${ackedBy}`);
  victimDead = true;
  victim.proc.kill('SIGKILL');
  const exit = await victim.exited;
  assert.equal(exit.signal, 'SIGKILL');
  const atKill = [...ackedBy];
  // The survivors keep taking writes for a while.
  await sleep(1500);
  stop = true;
  await Promise.all(writers);
  t.diagnostic(`round ${round}: killed node ${victimIndex + 1}; acknowledged writes by node at the kill ${atKill}, ` +
    `at the end ${ackedBy}; ${ackedItems.size} items and ${ackedSecrets.size} secrets acknowledged`);
  assert.deepEqual(unexpected.slice(0, 10), [], `${unexpected.length} answers were not successes`);
  assert.ok(ackedBy.every((x, i) => i === victimIndex || x > atKill[i]), `the survivors kept serving: ${atKill} -> ${ackedBy}`);

  // Everything acknowledged is there, read through each survivor.
  const survivors = [0, 1, 2].filter((i) => i !== victimIndex).map((i) => caller(set.nodes[i], set.creds, { sockets: 4 }));
  const [r1, r2] = survivors;
  const items = await allItems(r1, appId, `k:${round}:`);
  const byKey = new Map(items.map((x) => [x.key, x.value]));
  const lost = [...ackedItems.keys()].filter((k) => byKey.get(k) !== ackedItems.get(k));
  assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${ackedItems.size} acknowledged items lost or wrong`);
  for (const [key, value] of byKey) {
    assert.ok(sentItems.has(key), `item ${key} was never written`);
    assert.equal(value, valueOf(key), `item ${key} holds a value nobody wrote`);
  }
  // At most one write per writer was in flight on the killed node.
  assert.ok(byKey.size <= ackedItems.size + WRITERS_PER_NODE, `${byKey.size} items, ${ackedItems.size} acknowledged`);
  // The killed node's acknowledged items one by one through the other survivor.
  const victimKeys = [...ackedItems.keys()].filter((k) => k.startsWith(`k:${round}:${victimIndex}:`));
  for (let i = 0; i < victimKeys.length; i += 16) {
    const answers = await Promise.all(victimKeys.slice(i, i + 16).map((key) => r2('GetKeyValueItem', { application_id: appId, key })));
    answers.forEach((res, j) => {
      assert.equal(kind(res), 'ok', `item ${victimKeys[i + j]} acknowledged by the killed node: ${res.text}`);
      assert.equal(res.body.result.value, ackedItems.get(victimKeys[i + j]));
    });
  }
  for (const [key, v] of overwrite) {
    const res = await r2('GetKeyValueItem', { application_id: appId, key });
    if (v.acked < 0) continue;
    assert.equal(kind(res), 'ok', `${key}: ${res.text}`);
    const version = Number(res.body.result.value.split('#')[1]);
    assert.ok(version >= v.acked && version <= v.sent, `${key} holds version ${version}; last acknowledged ${v.acked}, last sent ${v.sent}`);
  }

  // Secrets: listed once each, values open on the other survivor.
  const listed = new Map(); // name -> id
  for (let offset = 0; ; offset += 1000) {
    const page = await r2('GetSecrets', { application_id: appId, count: 1000, offset });
    assert.equal(kind(page), 'ok', page.text);
    for (const s of page.body.result) {
      assert.ok(!listed.has(s.secret_name), `secret ${s.secret_name} listed twice`);
      listed.set(s.secret_name, s.secret_id);
    }
    if (page.body.result.length < 1000) break;
  }
  for (const [name, { id }] of ackedSecrets) assert.equal(listed.get(name), id, `acknowledged secret ${name} (${id})`);
  for (const name of listed.keys()) assert.ok(sentSecrets.has(name), `secret ${name} was never added`);
  assert.ok(listed.size <= ackedSecrets.size + WRITERS_PER_NODE);
  const victimSecrets = [...ackedSecrets].filter(([, s]) => s.node === victimIndex);
  assert.ok(victimSecrets.length > 0, 'the killed node acknowledged secrets');
  for (let i = 0; i < victimSecrets.length; i += 16) {
    const answers = await Promise.all(victimSecrets.slice(i, i + 16).map(([, s]) =>
      r1('GetSecretValue', { application_id: appId, secret_id: s.id })));
    answers.forEach((res, j) => {
      const [name] = victimSecrets[i + j];
      assert.equal(kind(res), 'ok', `secret ${name}: ${res.text}`);
      assert.equal(res.body.result[0].secret_value, secretValueOf(name));
    });
  }

  // The killed node comes back on its data directory and serves the same data.
  closeAgents(victim);
  const back = await set.restart(victimIndex + 1);
  const c = caller(back, set.creds);
  const someKey = victimKeys[victimKeys.length - 1];
  const res = await c('GetKeyValueItem', { application_id: appId, key: someKey });
  assert.equal(kind(res), 'ok', res.text);
  assert.equal(res.body.result.value, ackedItems.get(someKey));
  const count = await c('GetSecrets', { application_id: appId, count: 1 });
  assert.equal(count.body?.total_count, listed.size, count.text);
  for (const s of set.nodes) closeAgents(s);
}

test('kill -9 of node 2, then of node 1, under writes on all three: every acknowledged write survives', { timeout: 100000 }, async (t) => {
  await crashRound(t, 0, 1);
  await crashRound(t, 1, 0);
});
