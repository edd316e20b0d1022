// SPEC 13.2 and 15: keys changed by operator commands (`coffer key create|delete --postgres URL`,
// run with a data directory of their own while three nodes serve) take effect on every node at
// once: a new key authenticates on every node at its first request, and a deleted key fails
// with 100 on every node at the next request, although each node has just verified (and may
// cache, SPEC 2.1) tokens of it. The same for a legacy api_key replaced by `account api-key`.
// The nodes serve HTTPS here (the default), the other multinode files plain HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertCleanStops, caller, kind, settle, sleep, startNodes } from './lib/nodes.mjs';
import { bearer, nowSeconds } from '../integration/lib/jwt.mjs';

let set;
let nodes; // callers as the bootstrap Owner key, one per node
before(async () => {
  set = await startNodes({ count: 3, plain: false });
  nodes = set.nodes.map((n) => caller(n, set.creds, { sockets: 4 }));
});
after(async () => {
  if (set) assertCleanStops(await set.stop());
});

/** A token of `creds` valid for ten minutes, issued `skew` seconds ago (to get distinct tokens). */
const token = (creds, skew = 0) => {
  const now = nowSeconds() - skew;
  return bearer(creds, { now, claims: { exp: now + 600 } });
};

/** Asserts error 100 with its exact message. */
function expect100(res, what) {
  assert.equal(kind(res), '100', `${what}: expected 100, got HTTP ${res.status} ${res.text}`);
  assert.equal(res.body.error.msg, 'Authorization failed.', what);
}

function expectOk(res, what) {
  assert.equal(kind(res), 'ok', `${what}: HTTP ${res.status} ${res.text}`);
  return res.body;
}

describe('service-account keys', () => {
  test('a key created by the operator command works on every node at its first request', { timeout: 60000 }, async () => {
    for (let round = 0; round < 5; round++) {
      const creds = await set.operator(['key', 'create'], ['--account', '1', '--role', 'Developer']);
      assert.equal(creds.account_id, 1);
      const auth = token(creds);
      const answers = await Promise.all(nodes.map((c) => c('GetApplications', { count: 1 }, { auth })));
      answers.forEach((r, i) => expectOk(r, `round ${round}, new key on node ${i + 1}`));
      // And a fresh token of it, node by node.
      for (const [i, c] of nodes.entries()) expectOk(await c('GetApplications', {}, { auth: token(creds, 1) }), `node ${i + 1}`);
    }
  });

  test('a key used (and cached) on every node, deleted by the operator command, fails with 100 on every node at once', { timeout: 60000 }, async () => {
    // Point reads too: a node may answer them with the key and application it read before.
    expectOk(await nodes[0]('AddApplication', { application_name: 'keys-app' }), 'AddApplication');
    expectOk(await nodes[0]('SetKeyValueItem', { application_name: 'keys-app', key: 'k', value: 'v' }), 'SetKeyValueItem');
    const pointRead = { application_name: 'keys-app', key: 'k' };
    for (let round = 0; round < 5; round++) {
      const creds = await set.operator(['key', 'create'], ['--account', '1', '--role', 'Owner']);
      const tokens = [token(creds), token(creds, 1), token(creds, 2)];
      // Each node verifies each token twice over its keep-alive connection.
      for (let pass = 0; pass < 2; pass++) {
        for (const [i, c] of nodes.entries()) {
          for (const auth of tokens) {
            expectOk(await c('GetApplications', { count: 1 }, { auth }), `round ${round}, node ${i + 1} before the delete`);
            const item = expectOk(await c('GetKeyValueItem', pointRead, { auth }), `round ${round}, node ${i + 1}, point read before the delete`);
            assert.equal(item.result.value, 'v');
            expectOk(await c('SetKeyValueItem', { ...pointRead, value: 'v' }, { auth }), `round ${round}, node ${i + 1}, write before the delete`);
          }
        }
      }
      assert.deepEqual(await set.operator(['key', 'delete'], ['--key-id', creds.key_id]), { result: 1 });
      for (const [i, c] of nodes.entries()) {
        // The first request a node gets after the delete meets its outdated cache: each kind
        // comes first on some node in some round.
        const calls = [
          ['GetKeyValueItem', pointRead],
          ['SetKeyValueItem', { ...pointRead, value: 'late' }],
          ['DelKeyValueItem', pointRead],
          ['GetApplications', { count: 1 }],
        ];
        for (let k = 0; k < calls.length; k++) {
          const [method, params] = calls[(round + i + k) % calls.length];
          for (const auth of tokens) expect100(await c(method, params, { auth }), `round ${round}, node ${i + 1}, cached token, ${method}`);
        }
        expect100(await c('SetKeyValueItem', { application_name: 'x', key: 'k', value: 'v' }, { auth: token(creds, 3) }),
          `round ${round}, node ${i + 1}, new token of the deleted key`);
        // Nothing the deleted key sent was written.
        assert.equal(expectOk(await c('GetKeyValueItem', pointRead), `round ${round}, node ${i + 1}, item after`).result.value, 'v');
        // The other keys keep working.
        expectOk(await c('GetApplications', { count: 1 }), `round ${round}, node ${i + 1}, bootstrap key`);
      }
      // A second delete of the same key fails: it is gone.
      const again = await set.operatorRaw(['key', 'delete'], ['--key-id', creds.key_id]);
      assert.notEqual(again.code, 0, `deleting a deleted key must fail: ${again.stdout}`);
    }
  });

  test('a key in use on every node under load: no request sent after the delete was acknowledged succeeds', { timeout: 60000 }, async (t) => {
    const creds = await set.operator(['key', 'create'], ['--account', '1', '--role', 'Developer']);
    const auth = token(creds);
    const users = set.nodes.map((n) => caller(n, creds, { sockets: 2 }));
    const MIN = 10; // requests per node wanted before the delete and after it
    let deleteStarted = Infinity; // performance.now() when the delete command was started
    let deletedAt = null; // performance.now() when the delete command returned
    let stop = false;
    const late = []; // answers to requests sent after the delete, that were not 100
    const early = []; // answers that came before the delete started and were not successes, or others during it
    const before = [0, 0, 0];
    const after = [0, 0, 0];
    // Two loops per node, each sending its next request as soon as the last one is answered.
    const load = [0, 1, 2, 0, 1, 2].map(async (i) => {
      while (!stop) {
        const sentAt = performance.now();
        const res = await settle(users[i]('GetApplications', { count: 1 }, { auth }));
        const ackAt = performance.now();
        const k = kind(res);
        if (deletedAt !== null && sentAt > deletedAt) {
          after[i]++;
          if (k !== '100') late.push({ node: i + 1, k });
        } else if (ackAt < deleteStarted) {
          before[i]++;
          if (k !== 'ok') early.push({ node: i + 1, k });
        } else if (k !== 'ok' && k !== '100') {
          early.push({ node: i + 1, k, during: true });
        }
      }
    });
    const until = async (counts) => {
      const deadline = Date.now() + 15000;
      while (counts.some((n) => n < MIN) && Date.now() < deadline) await sleep(20);
    };
    try {
      await until(before);
      await sleep(300);
      deleteStarted = performance.now();
      assert.deepEqual(await set.operator(['key', 'delete'], ['--key-id', creds.key_id]), { result: 1 });
      deletedAt = performance.now();
      await until(after);
      await sleep(300);
    } finally {
      stop = true;
      await Promise.all(load);
    }
    t.diagnostic(`requests by node before the delete ${before}, after it ${after}`);
    assert.deepEqual(early.slice(0, 10), [], 'the key worked until the delete, and only ok or 100 answered during it');
    assert.ok(before.every((n) => n >= MIN) && after.every((n) => n >= MIN), `requests before ${before}, after ${after}`);
    assert.deepEqual(late.slice(0, 10), [], `${late.length} requests sent after the delete did not fail with 100`);
  });
});

describe('legacy api_key', () => {
  test('`account api-key` replacing the key: the old one fails with 100 on every node at once, the new one works', { timeout: 60000 }, async () => {
    let previous = null;
    for (let round = 0; round < 4; round++) {
      const out = await set.operator(['account', 'api-key'], ['--account', '1']);
      assert.equal(out.account_id, 1);
      assert.equal(typeof out.api_key, 'string');
      const legacy = (key) => ({ account_id: 1, api_key: key, count: 1 });
      for (const [i, c] of nodes.entries()) {
        expectOk(await c('GetApplications', legacy(out.api_key), { auth: null }), `round ${round}, node ${i + 1}, new api_key`);
        if (previous !== null) {
          expect100(await c('GetApplications', legacy(previous), { auth: null }), `round ${round}, node ${i + 1}, replaced api_key`);
        }
      }
      previous = out.api_key;
    }
  });
});
