// SPEC 15 "Read-your-writes everywhere": once one node acknowledges a write, every other node's
// next read sees it: no node may answer from a stale cache, and a deleted item, secret or
// application is gone on every node at once.
//
// Three nodes share one database. Each test runs several lanes at once (one application each,
// so that the nodes also serve concurrent traffic); a lane is a sequence of random pairs "write
// on node A, then at once read on node B != A", checked against the lane's model of what the
// application holds: the exact answer of the write, then the exact answer of the read. The
// seed is printed as a diagnostic; COFFER_TEST_SEED=<seed> replays a run's choices.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertCleanStops,
  caller,
  kind,
  random,
  seedOf,
  startNodes,
} from './lib/nodes.mjs';
import { nowSeconds } from '../integration/lib/jwt.mjs';
import { byUtf8 } from '../integration/lib/kv.mjs';
import { TS_RE } from '../integration/lib/secrets.mjs';

let set;
let nodes; // callers, one per node
before(async () => {
  set = await startNodes({ count: 3 });
  nodes = set.nodes.map((n) => caller(n, set.creds, { sockets: 6 }));
});
after(async () => {
  if (set) assertCleanStops(await set.stop());
});

const SEED = seedOf();

/** The body of a success answer (fails with the whole answer otherwise). */
function ok(res, what) {
  assert.equal(kind(res), 'ok', `${what}: HTTP ${res.status} ${res.text}`);
  return res.body;
}

/** Asserts the answer is error `k` as kind() spells it (e.g. '496 key'). */
function err(res, k, what) {
  assert.equal(kind(res), k, `${what}: expected ${k}, got HTTP ${res.status} ${res.text}`);
}

const KEY_POOL = ['a', 'a:1', 'a:2', 'a:10', 'ab', 'b', 'b:x', 'ключ', 'ключ:1', 'Ёж', 'k#+;.', 'Z_-', 'a:1:x'];

function randomValue(rand) {
  const pieces = ['x', 'Й', 'ё', ' ', '&', '=', '+', '%20', '\n', '"', '😀', '0', 'value'];
  const n = rand.int(12);
  let v = '';
  for (let i = 0; i < n; i++) v += rand.pick(pieces);
  return v;
}

describe('key-value items', () => {
  test('SetKeyValueItem / DelKeyValueItem on one node, Get* on another at once: exact answers', { timeout: 90000 }, async (t) => {
    t.diagnostic(`seed ${SEED}`);
    const LANES = 4;
    const PAIRS = 150; // per lane
    await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
      const rand = random(SEED + lane);
      const app = ok(await nodes[rand.int(3)]('AddApplication', { application_name: `ryw-kv-${lane}` }), 'AddApplication');
      const appId = app.application_id;
      const model = new Map(); // key -> {key, value, expires_at}
      const expected = (prefix) => [...model.values()]
        .filter((it) => it.key.startsWith(prefix)).sort((x, y) => byUtf8(x.key, y.key));
      for (let pair = 0; pair < PAIRS; pair++) {
        const [a, b] = rand.pair(3);
        const key = rand.pick(KEY_POOL);
        const where = `lane ${lane} pair ${pair} (write on node ${a + 1}, read on node ${b + 1}, key ${key})`;
        if (rand() < 0.7) {
          const value = randomValue(rand);
          const ttl = rand() < 0.5 ? undefined : 60 + rand.int(100000);
          const t0 = nowSeconds();
          const body = ok(await nodes[a]('SetKeyValueItem', { application_id: appId, key, value, ttl }), `Set ${where}`);
          const t1 = nowSeconds();
          const item = body.result;
          assert.deepEqual(Object.keys(item).sort(), ['expires_at', 'key', 'value'], where);
          assert.equal(item.key, key, where);
          assert.equal(item.value, value, where);
          const life = ttl ?? 2592000;
          assert.ok(item.expires_at >= t0 + life - 1 && item.expires_at <= t1 + life + 1, `expires_at ${item.expires_at} ${where}`);
          model.set(key, item);
        } else {
          const body = ok(await nodes[a]('DelKeyValueItem', { application_id: appId, key }), `Del ${where}`);
          assert.deepEqual(body, { result: model.has(key) ? 1 : 0 }, `DelKeyValueItem ${where}`);
          model.delete(key);
        }
        // The read, on another node, immediately.
        const read = rand.int(3);
        if (read === 0) {
          const res = await nodes[b]('GetKeyValueItem', { application_id: appId, key });
          if (model.has(key)) assert.deepEqual(ok(res, `Get ${where}`), { result: model.get(key) }, `GetKeyValueItem ${where}`);
          else err(res, '496 key', `GetKeyValueItem of a deleted key ${where}`);
        } else if (read === 1) {
          const prefix = key.slice(0, 1 + rand.int(key.length));
          const body = ok(await nodes[b]('GetKeyValueItems', { application_id: appId, key: prefix, count: 50 }), `Items ${where}`);
          assert.deepEqual(body, { result: expected(prefix) }, `GetKeyValueItems key=${prefix} ${where}`);
        } else {
          const body = ok(await nodes[b]('GetKeyValueKeys', { application_id: appId, count: 50 }), `Keys ${where}`);
          assert.deepEqual(
            body,
            { result: expected('').map(({ key: k, expires_at: e }) => ({ key: k, expires_at: e })) },
            `GetKeyValueKeys ${where}`,
          );
        }
      }
    }));
  });
});

const NAME_POOL = ['alpha', 'Alpha', 'beta', 'gamma_1', 'delta', 'epsilon', 'Zeta', 'eta', 'theta', 'iota'];

describe('secrets', () => {
  test('AddSecret / SetSecretInfo / DelSecret on one node, GetSecretValue / GetSecrets on another at once', { timeout: 90000 }, async (t) => {
    t.diagnostic(`seed ${SEED}`);
    const LANES = 3;
    const PAIRS = 120; // per lane
    await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
      const rand = random(SEED + 100 + lane);
      const app = ok(await nodes[rand.int(3)]('AddApplication', { application_name: `ryw-sec-${lane}` }), 'AddApplication');
      const appId = app.application_id;
      // id -> {secret_id, secret_name, secret_value, description?, created?, modified?}; created
      // and modified are learnt from the first read (null while unknown).
      const model = new Map();
      const byName = (name) => [...model.values()].find((s) => s.secret_name === name);
      let lastId = 0;

      /** Checks a value or list item against the model's secret, learning its timestamps. */
      const check = (item, withValue, where) => {
        const s = model.get(item.secret_id);
        assert.ok(s, `a secret that should not exist was read: ${JSON.stringify(item)} ${where}`);
        const want = { secret_id: s.secret_id, secret_name: s.secret_name };
        if (withValue) want.secret_value = s.secret_value;
        if (s.description) want.description = s.description;
        const { created, modified, ...rest } = item;
        assert.deepEqual(rest, want, where);
        assert.match(created, TS_RE, where);
        assert.match(modified, TS_RE, where);
        if (s.created === null) s.created = created;
        else assert.equal(created, s.created, `created changed ${where}`);
        if (s.modified === null) s.modified = modified;
        else assert.equal(modified, s.modified, `modified moved without a change ${where}`);
        assert.ok(modified >= created, where);
      };

      for (let pair = 0; pair < PAIRS; pair++) {
        const [a, b] = rand.pair(3);
        const r = rand();
        const ids = [...model.keys()];
        let where = `lane ${lane} pair ${pair} (write on node ${a + 1}, read on node ${b + 1})`;
        let touched; // {id, name} read back by the pair, or {gone: {id, name}}
        if (ids.length === 0 || r < 0.4) {
          const name = rand.pick(NAME_POOL);
          const value = `v${pair}-${randomValue(rand)}`.slice(0, 100) || 'v';
          const description = rand() < 0.5 ? undefined : `d ${pair} ${randomValue(rand)}`;
          where += ` AddSecret ${name}`;
          const res = await nodes[a]('AddSecret', { application_id: appId, secret_name: name, secret_value: value, description });
          if (byName(name)) {
            err(res, '493 secret_name', where);
            touched = { id: byName(name).secret_id, name };
          } else {
            const body = ok(res, where);
            assert.equal(body.result.length, 1, where);
            const id = body.result[0].secret_id;
            assert.ok(Number.isInteger(id) && id > lastId, `secret_id ${id} not above ${lastId} ${where}`);
            lastId = id;
            model.set(id, {
              secret_id: id, secret_name: name, secret_value: value,
              description, created: null, modified: null,
            });
            touched = { id, name };
          }
        } else if (r < 0.75) {
          const s = model.get(rand.pick(ids));
          const params = { application_id: appId };
          if (rand() < 0.5) params.secret_id = s.secret_id;
          else params.secret_name = s.secret_name;
          const change = {};
          if (rand() < 0.5) change.secret_value = `set${pair}-${randomValue(rand)}`;
          if (rand() < 0.4) change.description = rand() < 0.3 ? '' : `desc ${pair}`;
          if (rand() < 0.35) change.new_secret_name = rand.pick(NAME_POOL);
          where += ` SetSecretInfo ${s.secret_name} ${JSON.stringify(change)}`;
          const res = await nodes[a]('SetSecretInfo', { ...params, ...change });
          const taken = change.new_secret_name !== undefined && change.new_secret_name !== s.secret_name &&
            byName(change.new_secret_name);
          if (taken) {
            err(res, '493 new_secret_name', where);
          } else {
            assert.deepEqual(ok(res, where), { result: 1 }, where);
            const before = JSON.stringify([s.secret_name, s.secret_value, s.description]);
            if (change.secret_value !== undefined) s.secret_value = change.secret_value;
            if (change.description !== undefined) s.description = change.description === '' ? undefined : change.description;
            const oldName = s.secret_name;
            if (change.new_secret_name !== undefined) s.secret_name = change.new_secret_name;
            if (JSON.stringify([s.secret_name, s.secret_value, s.description]) !== before) s.modified = null;
            if (oldName !== s.secret_name) {
              // The old name is gone on the other node at once.
              err(await nodes[b]('GetSecretValue', { application_id: appId, secret_name: oldName }), '496 secret_name',
                `old name ${oldName} ${where}`);
            }
          }
          touched = { id: s.secret_id, name: s.secret_name };
        } else {
          const s = model.get(rand.pick(ids));
          const byId = rand() < 0.5;
          where += ` DelSecret ${s.secret_name}`;
          const res = await nodes[a]('DelSecret', byId
            ? { application_id: appId, secret_id: s.secret_id }
            : { application_id: appId, secret_name: s.secret_name });
          assert.deepEqual(ok(res, where), { result: 1 }, where);
          model.delete(s.secret_id);
          touched = { gone: { id: s.secret_id, name: s.secret_name } };
        }

        // The reads, on another node, immediately.
        if (touched.gone) {
          err(await nodes[b]('GetSecretValue', { application_id: appId, secret_id: touched.gone.id }), '496 secret_id',
            `GetSecretValue by id after DelSecret ${where}`);
          err(await nodes[b]('GetSecretValue', { application_id: appId, secret_name: touched.gone.name }), '496 secret_name',
            `GetSecretValue by name after DelSecret ${where}`);
        } else {
          const params = rand() < 0.5 ? { secret_id: touched.id } : { secret_name: touched.name };
          const body = ok(await nodes[b]('GetSecretValue', { application_id: appId, ...params }), `GetSecretValue ${where}`);
          assert.deepEqual(Object.keys(body), ['result'], where);
          assert.equal(body.result.length, 1, where);
          check(body.result[0], true, `GetSecretValue ${where}`);
        }
        if (rand() < 0.5) {
          const body = ok(await nodes[b]('GetSecrets', { application_id: appId, count: 1000 }), `GetSecrets ${where}`);
          const wantIds = [...model.keys()].sort((x, y) => x - y);
          assert.deepEqual(body.result.map((s) => s.secret_id), wantIds, `GetSecrets ids ${where}`);
          assert.equal(body.count, wantIds.length, where);
          assert.equal(body.total_count, wantIds.length, where);
          for (const item of body.result) check(item, false, `GetSecrets ${where}`);
        }
      }
    }));
  });
});

describe('applications', () => {
  test('created, renamed and deleted on one node: another node sees it at once', { timeout: 60000 }, async (t) => {
    t.diagnostic(`seed ${SEED}`);
    const rand = random(SEED + 200);
    const ROUNDS = 25;
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = rand.pair(3);
      const c = 3 - a - b; // the third node
      const where = `round ${round} (nodes ${a + 1}, ${b + 1}, ${c + 1})`;
      const short = `ryw-app-${round}`;
      const created = ok(await nodes[a]('AddApplication', { application_name: short }), `AddApplication ${where}`);
      const id = created.application_id;
      // Usable by name on another node at once.
      ok(await nodes[b]('SetKeyValueItem', { application_name: short, key: 'k', value: `v${round}` }), `Set by name ${where}`);
      ok(await nodes[b]('AddSecret', { application_name: created.application_name, secret_name: 's', secret_value: 'x' }),
        `AddSecret by name ${where}`);
      // Every node reads it by name and by id, so that each may answer from what it read.
      for (const [i, n] of nodes.entries()) {
        for (const params of [{ application_name: short }, { application_id: id }]) {
          const read = ok(await n('GetKeyValueItem', { ...params, key: 'k' }), `Get on node ${i + 1} ${where}`);
          assert.equal(read.result.value, `v${round}`, where);
        }
      }
      // Renamed on a node: the new name works and the old one is gone everywhere at once.
      const renamed = `ryw-ren-${round}`;
      ok(await nodes[b]('SetApplicationInfo', { application_id: id, application_name: renamed }), `rename ${where}`);
      const item = ok(await nodes[c]('GetKeyValueItem', { application_name: renamed, key: 'k' }), `Get by new name ${where}`);
      assert.equal(item.result.value, `v${round}`, where);
      for (const [i, n] of nodes.entries()) {
        // Whichever comes first meets the node's outdated cache.
        const byOldName = [
          () => n('GetKeyValueItem', { application_name: short, key: 'k' }),
          () => n('SetKeyValueItem', { application_name: short, key: 'k', value: 'late' }),
        ];
        if ((round + i) % 2 === 1) byOldName.reverse();
        for (const call of byOldName) err(await call(), '558', `old name on node ${i + 1} ${where}`);
      }
      const unchanged = ok(await nodes[a]('GetKeyValueItem', { application_id: id, key: 'k' }), `Get by id ${where}`);
      assert.equal(unchanged.result.value, `v${round}`, `nothing written by the old name ${where}`);
      const listed = ok(await nodes[a]('GetApplications', { application_id: id }), where);
      assert.equal(listed.result.length, 1, where);
      assert.equal(listed.result[0].application_name, `${renamed}.dev.voximplant.com`, where);
      // Deleted on one node: gone with its data on the others at once.
      assert.deepEqual(ok(await nodes[c]('DelApplication', { application_id: id }), `DelApplication ${where}`), { result: 1 });
      for (const [i, n] of nodes.entries()) {
        const byId = [
          ['GetKeyValueItem', { key: 'k' }],
          ['GetSecretValue', { secret_name: 's' }],
          ['DelKeyValueItem', { key: 'k' }],
        ];
        for (let k = 0; k < byId.length; k++) {
          const [method, params] = byId[(round + i + k) % byId.length];
          err(await n(method, { application_id: id, ...params }), '116', `${method} after delete on node ${i + 1} ${where}`);
        }
      }
      err(await nodes[b]('GetSecrets', { application_name: renamed }), '558', `secrets by name after delete ${where}`);
      err(await nodes[b]('SetKeyValueItem', { application_id: id, key: 'k', value: 'late' }), '116', `write after delete ${where}`);
      const gone = ok(await nodes[a]('GetApplications', { application_id: id }), where);
      assert.deepEqual([gone.result, gone.count, gone.total_count], [[], 0, 0], `listed after delete ${where}`);
    }
  });
});
