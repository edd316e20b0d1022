// SPEC 15 "Same answers as one node": conflicting requests spread over three nodes each behave as
// if the requests ran one at a time in some order consistent with real time.
//
// Each round fires its requests at once (Promise.all over keep-alive agents whose connections
// are already open), node by node in turn, then asserts that the answers and the state that
// every node reads afterwards are those of SOME serial order, with the exact codes of SPEC 5.1.
// Where several serial orders are possible only what they have in common is asserted ("exactly
// one wins", not which). Each test collects the rounds that broke the rule and asserts once at
// the end, showing how many rounds went wrong and a tally of the answers.
import assert from 'node:assert/strict';
import { isDeepStrictEqual as same } from 'node:util';
import { after, before, describe, test } from 'node:test';
import {
  assertCleanStops,
  badRounds,
  caller,
  isOk,
  kind,
  settle,
  startNodes,
  tally,
  warm,
} from './lib/nodes.mjs';

const SOCKETS = 12;
let set;
let nodes; // callers, one per node
before(async () => {
  set = await startNodes({ count: 3 });
  nodes = set.nodes.map((n) => caller(n, set.creds, { sockets: SOCKETS }));
  await Promise.all(nodes.map((c) => warm(c, SOCKETS)));
});
after(async () => {
  if (set) assertCleanStops(await set.stop());
});

/** The node that request i of a burst goes to: round-robin, shifted by the round. */
const nodeOf = (i, round = 0) => nodes[(i + round) % nodes.length];

async function mkApp(short, extra = {}) {
  const res = await nodes[0]('AddApplication', { application_name: short, ...extra });
  assert.equal(kind(res), 'ok', `AddApplication ${short}: ${res.text}`);
  return { id: res.body.application_id, name: res.body.application_name, short };
}

async function mkSecret(appId, name, value, extra = {}) {
  const res = await nodes[1]('AddSecret', { application_id: appId, secret_name: name, secret_value: value, ...extra });
  assert.equal(kind(res), 'ok', `AddSecret ${name}: ${res.text}`);
  return res.body.result[0].secret_id;
}

/** GetSecretValue on every node: [answer of node 1, of node 2, of node 3]. */
const valueEverywhere = (params) => Promise.all(nodes.map((c) => c('GetSecretValue', params)));

/** The item GetSecretValue answered, without its timestamps, or the answer's kind. */
function shown(res) {
  if (!isOk(res)) return kind(res);
  const { created, modified, ...rest } = res.body.result[0];
  return rest;
}

describe('secrets', () => {
  test('AddSecret of one name, 15 at once over three nodes: exactly one succeeds, the rest 493', { timeout: 60000 }, async () => {
    const app = await mkApp('mn-add-dup');
    const ROUNDS = 12;
    const N = 15;
    const bad = badRounds();
    let lastId = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const name = `dup_${round}`;
      // Half by application_id, half by application_name: the same application.
      const answers = await Promise.all(Array.from({ length: N }, (_, i) => nodeOf(i, round)('AddSecret', {
        ...(i % 2 ? { application_name: app.short } : { application_id: app.id }),
        secret_name: name,
        secret_value: `value-${round}-${i}`,
      })));
      const t = tally(answers);
      if (!same(t, { '493 secret_name': N - 1, ok: 1 })) {
        bad.add(round, 'answers', { tally: t });
        continue;
      }
      const w = answers.findIndex(isOk);
      const id = answers[w].body.result[0].secret_id;
      if (!(id > lastId)) bad.add(round, 'secret_id not increasing', { id, lastId });
      lastId = id;
      const want = { secret_id: id, secret_name: name, secret_value: `value-${round}-${w}` };
      const seen = (await valueEverywhere({ application_id: app.id, secret_name: name })).map(shown);
      if (seen.some((s) => !same(s, want))) bad.add(round, 'winner as read by each node', { want, seen });
      const list = await nodeOf(round, 1)('GetSecrets', { application_id: app.id, secret_name_part: name, count: 1000 });
      if (!isOk(list) || JSON.stringify(list.body.result.map((s) => s.secret_id)) !== JSON.stringify([id])) {
        bad.add(round, 'listing', { got: list.text });
      }
    }
    const all = await nodes[2]('GetSecrets', { application_id: app.id, count: 1000 });
    assert.equal(all.body?.total_count, ROUNDS, `one secret per round: ${all.text}`);
    bad.check(ROUNDS);
  });

  test('DelSecret of one secret, 9 at once over three nodes: exactly one succeeds, the rest 496', { timeout: 60000 }, async () => {
    const app = await mkApp('mn-del-one');
    let bystander = await mkSecret(app.id, 'bystander', 'stays');
    const ROUNDS = 12;
    const N = 9;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const name = `victim_${round}`;
      const id = await mkSecret(app.id, name, 'doomed');
      // Some by id, some by name; some list the bystander too (all-or-nothing: a loser must
      // leave the bystander in place).
      const params = (i) => {
        if (i % 3 === 0) return { application_id: app.id, secret_id: String(id) };
        if (i % 3 === 1) return { application_id: app.id, secret_name: name };
        return { application_id: app.id, secret_name: `${name};bystander` };
      };
      const answers = await Promise.all(Array.from({ length: N }, (_, i) => nodeOf(i, round)('DelSecret', params(i))));
      const winners = answers.map((r, i) => (isOk(r) ? i : -1)).filter((i) => i >= 0);
      const losersRight = answers.every((r, i) => isOk(r) || kind(r) === (i % 3 === 0 ? '496 secret_id' : '496 secret_name'));
      if (winners.length !== 1 || !losersRight) {
        bad.add(round, 'answers', { tally: tally(answers) });
        continue;
      }
      if (!same(answers[winners[0]].body, { result: 1 })) bad.add(round, 'response', { body: answers[winners[0]].body });
      const gone = (await valueEverywhere({ application_id: app.id, secret_id: id })).map(kind);
      if (gone.some((k) => k !== '496 secret_id')) bad.add(round, 'deleted secret still readable', { gone });
      const stays = (await valueEverywhere({ application_id: app.id, secret_id: bystander })).map(kind);
      const bystanderGone = winners[0] % 3 === 2;
      if (stays.some((k) => k !== (bystanderGone ? '496 secret_id' : 'ok'))) {
        bad.add(round, 'bystander', { winner: winners[0], stays });
      }
      if (bystanderGone) bystander = await mkSecret(app.id, 'bystander', 'stays');
    }
    bad.check(ROUNDS);
  });

  test('SetSecretInfo changing value, description and name at once on three nodes: no change lost', { timeout: 60000 }, async () => {
    // SPEC 7.5: absent fields stay unchanged, so in every serial order all three changes are
    // there afterwards. Each change is sent twice (six requests, two per node).
    const app = await mkApp('mn-set-fields');
    const ROUNDS = 16;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const id = await mkSecret(app.id, `field_${round}`, 'v0', { description: 'd0' });
      const changes = [
        { secret_value: `v1-${round}` },
        { description: `d1-${round}` },
        { new_secret_name: `renamed_${round}` },
      ];
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) =>
        nodeOf(i, round)('SetSecretInfo', { application_id: app.id, secret_id: id, ...changes[i % 3] })));
      const t = tally(answers);
      if (!same(t, { ok: 6 })) {
        bad.add(round, 'answers', { tally: t });
        continue;
      }
      const want = { secret_id: id, secret_name: `renamed_${round}`, secret_value: `v1-${round}`, description: `d1-${round}` };
      const seen = (await valueEverywhere({ application_id: app.id, secret_id: id })).map(shown);
      if (seen.some((s) => !same(s, want))) bad.add(round, 'change lost', { want, seen });
      const old = (await valueEverywhere({ application_id: app.id, secret_name: `field_${round}` })).map(kind);
      if (old.some((k) => k !== '496 secret_name')) bad.add(round, 'old name still answers', { old });
    }
    bad.check(ROUNDS);
  });
});

describe('applications', () => {
  test('SetApplicationInfo changing the name on one node and secure_record_storage on another at once: no change lost', { timeout: 60000 }, async () => {
    const ROUNDS = 16;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const initial = round % 2 === 1;
      const a = await mkApp(`mn-f${round}`, { secure_record_storage: String(initial) });
      const newName = `mn-g${round}.dev.voximplant.com`;
      const rename = { application_id: a.id, application_name: `mn-g${round}` };
      const flag = { application_id: a.id, secure_record_storage: String(!initial) };
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) =>
        nodeOf(i, round)('SetApplicationInfo', i % 2 === 0 ? rename : flag)));
      const t = tally(answers);
      if (!same(t, { ok: 6 })) {
        bad.add(round, 'answers', { tally: t });
        continue;
      }
      // Each answer shows its own change; the last one in the serial order shows both.
      const states = answers.map((r) => [r.body.application_name, r.body.secure_record_storage]);
      const own = states.every(([name, srs], i) => (i % 2 === 0 ? name === newName : srs === !initial));
      const both = states.some(([name, srs]) => name === newName && srs === !initial);
      if (!own || !both) bad.add(round, 'answers do not fit a serial order', { states });
      const seen = await Promise.all(nodes.map(async (c) => {
        const r = await c('GetApplications', { application_id: a.id });
        return isOk(r) && r.body.result.length === 1
          ? [r.body.result[0].application_name, r.body.result[0].secure_record_storage] : kind(r);
      }));
      if (seen.some((s) => !same(s, [newName, !initial]))) {
        bad.add(round, 'change lost', { want: [newName, !initial], seen });
      }
    }
    bad.check(ROUNDS);
  });

  test('DelApplication of one application, 9 at once over three nodes: exactly one succeeds', { timeout: 60000 }, async () => {
    const ROUNDS = 9;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const a = await mkApp(`mn-del-${round}`);
      const answers = await Promise.all(Array.from({ length: 9 }, (_, i) =>
        nodeOf(i, round)('DelApplication', i % 2 ? { application_name: a.short } : { application_id: a.id })));
      const winners = answers.filter(isOk);
      const losersRight = answers.every((r, i) => isOk(r) || kind(r) === (i % 2 ? '558' : '116'));
      if (winners.length !== 1 || !losersRight) bad.add(round, 'answers', { tally: tally(answers) });
    }
    bad.check(ROUNDS);
  });
});

describe('writes racing DelApplication', () => {
  // Serially, a write ordered before the delete succeeds and its data goes with the application;
  // one ordered after it finds no application: 116 by application_id, 558 by application_name.
  // In real time: a write sent after the delete was acknowledged must fail, and a write that
  // failed so cannot have been answered before the delete was sent. Afterwards every node finds
  // nothing of the application, and a new application of the same name is empty everywhere.
  test('SetKeyValueItem, DelKeyValueItem, AddSecret and SetSecretInfo on three nodes racing DelApplication on one', { timeout: 90000 }, async () => {
    const ROUNDS = 12;
    const PER_NODE = 8;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const short = `mn-doomed-${round % 2}`;
      const a = await mkApp(short);
      const pre = await nodes[1]('SetKeyValueItem', { application_id: a.id, key: 'pre', value: 'p' });
      assert.equal(kind(pre), 'ok', pre.text);
      const preSecret = await mkSecret(a.id, 'pre', 'p');
      const ops = [];
      const write = (i, byName) => {
        const app = byName ? { application_name: short } : { application_id: a.id };
        switch (i % 4) {
          case 0: return ['SetKeyValueItem', { ...app, key: `k${i}`, value: `v${round}-${i}` }];
          case 1: return ['AddSecret', { ...app, secret_name: `s${i}`, secret_value: `v${round}-${i}` }];
          case 2: return ['SetSecretInfo', { ...app, secret_id: preSecret, secret_value: `v${round}-${i}` }];
          default: return ['DelKeyValueItem', { ...app, key: 'pre' }];
        }
      };
      for (let i = 0; i < PER_NODE * 3; i++) {
        const [m, p] = write(i, i % 5 === 4);
        ops.push({ node: i % 3, m, p, byName: i % 5 === 4 });
        if (i === PER_NODE * 3 / 2) ops.push({ node: round % 3, m: 'DelApplication', p: { application_id: a.id } });
      }
      const timed = async (op) => {
        const sentAt = performance.now();
        const res = await settle(nodes[op.node](op.m, op.p));
        return { op, res, sentAt, ackAt: performance.now() };
      };
      const answers = await Promise.all(ops.map(timed));
      const del = answers.find((x) => x.op.m === 'DelApplication');
      if (kind(del.res) !== 'ok') {
        bad.add(round, 'DelApplication failed', { got: kind(del.res) });
        continue;
      }
      for (const x of answers) {
        if (x === del) continue;
        const k = kind(x.res);
        const gone = x.op.byName ? '558' : '116';
        // DelKeyValueItem of `pre`: 1 before the delete (only one of them can remove it), 0 after
        // another DelKeyValueItem removed it.
        if (k !== 'ok' && k !== gone) bad.add(round, `${x.op.m} answered ${k}`, { node: x.op.node + 1 });
        if (k === gone && x.ackAt < del.sentAt) bad.add(round, `${x.op.m} failed before the delete was sent`);
      }
      const delItem = answers.filter((x) => x.op.m === 'DelKeyValueItem' && isOk(x.res)).map((x) => x.res.body.result);
      if (delItem.filter((r) => r === 1).length > 1 || delItem.some((r) => r !== 0 && r !== 1)) {
        bad.add(round, 'DelKeyValueItem of one item', { results: delItem });
      }
      // After the delete was acknowledged: every write fails on every node.
      const late = await Promise.all(nodes.flatMap((c) => [
        c('SetKeyValueItem', { application_id: a.id, key: 'late', value: 'x' }),
        c('AddSecret', { application_name: short, secret_name: 'late', secret_value: 'x' }),
      ]));
      const lateKinds = late.map(kind);
      if (lateKinds.some((k, i) => k !== (i % 2 ? '558' : '116'))) bad.add(round, 'writes after the delete', { lateKinds });
      // Nothing of it left on any node.
      for (const c of nodes) {
        const keys = kind(await c('GetKeyValueKeys', { application_id: a.id }));
        const secrets = kind(await c('GetSecrets', { application_id: a.id }));
        const listed = await c('GetApplications', { application_id: a.id });
        if (keys !== '116' || secrets !== '116' || !isOk(listed) || listed.body.result.length !== 0) {
          bad.add(round, 'old application still answers', { node: c.server.index, keys, secrets, listed: listed.text });
        }
      }
      // A new application of the same name starts empty everywhere.
      const fresh = await mkApp(short);
      for (const c of nodes) {
        const keys = await c('GetKeyValueKeys', { application_id: fresh.id, count: 50 });
        const secrets = await c('GetSecrets', { application_id: fresh.id });
        const item = kind(await c('GetKeyValueItem', { application_name: short, key: 'k0' }));
        if (!isOk(keys) || keys.body.result.length !== 0 || !isOk(secrets) || secrets.body.total_count !== 0 ||
            item !== '496 key') {
          bad.add(round, 'new application not empty', { node: c.server.index, keys: keys.text, secrets: secrets.text, item });
        }
      }
      assert.equal(kind(await nodes[2]('DelApplication', { application_id: fresh.id })), 'ok');
    }
    bad.check(ROUNDS);
  });
});
