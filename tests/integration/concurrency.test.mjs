// Check-then-act races and lost updates in every writing method (SPEC 4-8, 5.2, 14 "Atomic").
//
// The rule every test here checks: requests sent at the same time must each behave as if it ran
// alone, in some serial order. Each round fires N requests at once (Promise.all over a keep-alive
// agent with enough sockets for all of them), then asserts that the answers and the state
// afterwards are what SOME serial order of those requests would give — with the exact error
// codes SPEC 5.1 and the method sections document. Where several serial orders are possible, only
// what all of them have in common is asserted (e.g. "exactly one wins", not which one).
//
// Each test collects the rounds that broke the rule and asserts once at the end, so a failure
// shows how many rounds went wrong and the answers the server gave (as a tally of outcomes:
// `ok`, an error code, `493 <param>`/`496 <param>` naming the parameter, or a transport failure).
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import { startServer, request } from './lib/harness.mjs';
import { fullName, newAccount, urlencode } from './lib/api.mjs';
import { tokenSource } from './lib/kv.mjs';

let server;
let agent;
before(async () => {
  server = await startServer();
  agent = newAgent(server);
});
after(async () => {
  agent?.destroy();
  if (server) assert.equal((await server.stop()).code, 0);
});

function newAgent(srv) {
  const Agent = srv.tls ? https.Agent : http.Agent;
  return new Agent({ keepAlive: true, maxSockets: 32, ca: srv.ca });
}

// ---------------------------------------------------------------------------------------------
// Calls and outcomes

/**
 * A caller for account `acct` (or the server's bootstrap credentials): c(method, params) sends
 * POST /platform_api/<method> with an urlencoded body over the keep-alive agent, with a token
 * reused until it nears expiry. c.sent(method, params) also records the local time just before
 * sending and just after the answer ({res, sentAt, ackAt}).
 */
function caller(acct, srv = server, agt = agent) {
  const auth = tokenSource(acct || srv.creds);
  const c = (method, params) =>
    request(srv, {
      method: 'POST',
      path: `/platform_api/${method}`,
      headers: { Authorization: auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: urlencode(params),
      agent: agt,
      timeoutMs: 30000,
    });
  c.timed = async (method, params) => {
    const sentAt = performance.now();
    const res = await c(method, params);
    return { res, sentAt, ackAt: performance.now() };
  };
  return c;
}

/**
 * The outcome of one answer: 'ok' (HTTP 200, a result, no error members); for an error in the
 * SPEC 1.6 envelope its code, followed by the parameter its message names for 485/493/496
 * ("493 secret_name"), and by the HTTP status when it is not 200; anything else is described.
 */
function kind(res) {
  const b = res.body;
  if (!b || typeof b !== 'object') return `HTTP ${res.status} non-JSON: ${res.text.slice(0, 80)}`;
  if (!('error' in b) && !('errors' in b)) {
    return res.status === 200 && 'result' in b ? 'ok' : `HTTP ${res.status} ${res.text.slice(0, 80)}`;
  }
  const e = b.error;
  if (!e || typeof e.code !== 'number' || typeof e.msg !== 'string' || 'result' in b ||
      JSON.stringify(b.errors) !== JSON.stringify([e])) {
    return `malformed error envelope: ${res.text.slice(0, 120)}`;
  }
  const m = /'([^']+)'/.exec(e.msg);
  const param = [485, 493, 496].includes(e.code) && m ? ` ${m[1]}` : '';
  return `${e.code}${param}${res.status === 200 ? '' : ` (HTTP ${res.status})`}`;
}

/** {outcome: number of answers} of a list of answers, keys sorted. */
function tally(answers) {
  const t = {};
  for (const k of answers.map(kind).sort()) t[k] = (t[k] || 0) + 1;
  return t;
}

const ok = (res) => kind(res) === 'ok';
const result = (res) => res.body.result;

/**
 * Per-test record of rounds that broke the rule. bad.add(round, what, details) records one;
 * bad.check(rounds) asserts there were none, showing the first few.
 */
function badRounds() {
  const list = [];
  return {
    add(round, what, details = {}) {
      list.push({ round, what, ...details });
    },
    check(rounds) {
      assert.equal(
        list.length,
        0,
        `${new Set(list.map((x) => x.round)).size} of ${rounds} rounds were not explained by any ` +
          `serial order:\n${list.slice(0, 6).map((x) => JSON.stringify(x)).join('\n')}`,
      );
    },
  };
}

/** Sends N cheap requests at once so that the agent holds N open connections for the rounds. */
async function warm(c, n = 16) {
  await Promise.all(Array.from({ length: n }, () => c('GetApplications', { count: 1 })));
}

/** AddApplication that must succeed; returns {id, name (full), short}. */
async function mkApp(c, short, extra = {}) {
  const res = await c('AddApplication', { application_name: short, ...extra });
  assert.equal(kind(res), 'ok', `AddApplication ${short}: ${res.text}`);
  return { id: res.body.application_id, name: res.body.application_name, short };
}

/** Every application of the caller's account, in id order. */
async function allApps(c) {
  const res = await c('GetApplications', { count: 1000 });
  assert.equal(kind(res), 'ok', res.text);
  assert.equal(res.body.total_count, res.body.result.length);
  return res.body.result;
}

/** AddSecret that must succeed; returns the new secret_id. */
async function mkSecret(c, appId, name, value) {
  const res = await c('AddSecret', { application_id: appId, secret_name: name, secret_value: value });
  assert.equal(kind(res), 'ok', `AddSecret ${name}: ${res.text}`);
  return res.body.result[0].secret_id;
}

/** GetSecrets (count 1000) that must succeed; returns the body. */
async function secretsOf(c, appId) {
  const res = await c('GetSecrets', { application_id: appId, count: 1000 });
  assert.equal(kind(res), 'ok', res.text);
  return res.body;
}

// ---------------------------------------------------------------------------------------------
// Applications (SPEC 8)

describe('applications', () => {
  test('AddApplication of one name, 16 at once: exactly one succeeds, the rest 129; listed once', async () => {
    const acct = await newAccount(server, 'conc-add');
    const c = caller(acct);
    await warm(c);
    const ROUNDS = 6;
    const N = 16;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const short = `dup-${round}`;
      // Half the requests give the short name, half the full name: the same application name.
      const answers = await Promise.all(Array.from({ length: N }, (_, i) =>
        c('AddApplication', { application_name: i % 2 ? fullName(short, acct.name) : short })));
      const t = tally(answers);
      if (JSON.stringify(t) !== JSON.stringify({ 129: N - 1, ok: 1 })) bad.add(round, 'answers', { tally: t });
      const listed = (await allApps(c)).filter((a) => a.application_name === fullName(short, acct.name));
      const winners = answers.filter(ok);
      if (listed.length !== 1 || winners.length !== 1 || listed[0].application_id !== winners[0].body.application_id) {
        bad.add(round, 'listing', {
          listed: listed.map((a) => a.application_id),
          acknowledged: winners.map((r) => r.body.application_id),
        });
      }
    }
    const apps = await allApps(c);
    assert.equal(apps.length, ROUNDS, `applications of the account: ${JSON.stringify(apps)}`);
    assert.equal(new Set(apps.map((a) => a.application_name)).size, ROUNDS, 'names are unique');
    bad.check(ROUNDS);
  });

  test('SetApplicationInfo renaming 8 applications to one free name at once: one wins, the rest 129', async () => {
    // Odd rounds also race AddApplication of the same name against the renames.
    const acct = await newAccount(server, 'conc-rename');
    const c = caller(acct);
    await warm(c);
    const ROUNDS = 6;
    const K = 8;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const apps = [];
      for (let i = 0; i < K; i++) apps.push(await mkApp(c, `r${round}-src${i}`));
      const target = `r${round}-target`;
      // Odd rounds put an AddApplication of the target name between every two renames.
      const ops = [];
      apps.forEach((a, i) => {
        ops.push({ app: a, m: 'SetApplicationInfo', p: { application_id: a.id, application_name: target } });
        if (round % 2 === 1 && i % 2 === 0) ops.push({ m: 'AddApplication', p: { application_name: target } });
      });
      const answers = await Promise.all(ops.map((op) => c(op.m, op.p)));
      const t = tally(answers);
      if (JSON.stringify(t) !== JSON.stringify({ 129: answers.length - 1, ok: 1 })) bad.add(round, 'answers', { tally: t });

      // Names stay unique; the target belongs to the winner; every loser kept its old name.
      const mine = (await allApps(c)).filter((a) => a.application_name.startsWith(`r${round}-`));
      const names = mine.map((a) => a.application_name);
      const holders = mine.filter((a) => a.application_name === fullName(target, acct.name)).map((a) => a.application_id);
      const winnerIds = answers.flatMap((r, i) => {
        if (!ok(r)) return [];
        return ops[i].app ? [ops[i].app.id] : [r.body.application_id];
      });
      if (new Set(names).size !== names.length || holders.length !== 1 || winnerIds.length !== 1 ||
          holders[0] !== winnerIds[0]) {
        bad.add(round, 'state', { names, holders, winnerIds });
      }
      for (const a of apps) {
        const now = mine.find((x) => x.application_id === a.id);
        const want = winnerIds.includes(a.id) ? fullName(target, acct.name) : a.name;
        if (!now || now.application_name !== want) bad.add(round, `application ${a.short}`, { want, got: now });
      }
    }
    bad.check(ROUNDS);
  });

  test('SetApplicationInfo changing the name and secure_record_storage of one application at once: no change lost', async () => {
    // Each request changes one field; SPEC 8.3 leaves absent fields unchanged. In any serial
    // order both changes are there afterwards, and the later request's answer shows both.
    const acct = await newAccount(server, 'conc-fields');
    const c = caller(acct);
    await warm(c);
    const ROUNDS = 10;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const initial = round % 2 === 1; // alternate the direction of the flag change
      const a = await mkApp(c, `f${round}`, { secure_record_storage: String(initial) });
      const newName = fullName(`g${round}`, acct.name);
      const rename = { application_id: a.id, application_name: `g${round}` };
      const flag = { application_id: a.id, secure_record_storage: String(!initial) };
      const answers = await Promise.all([
        c('SetApplicationInfo', rename), c('SetApplicationInfo', flag),
        c('SetApplicationInfo', rename), c('SetApplicationInfo', flag),
      ]);
      const t = tally(answers);
      if (JSON.stringify(t) !== JSON.stringify({ ok: 4 })) {
        bad.add(round, 'answers', { tally: t });
        continue;
      }
      const shown = answers.map((r) => [r.body.application_name, r.body.secure_record_storage]);
      const own = shown.every(([name, srs], i) => (i % 2 === 0 ? name === newName : srs === !initial));
      const both = shown.some(([name, srs]) => name === newName && srs === !initial);
      if (!own || !both) bad.add(round, 'answers do not fit a serial order', { shown });
      const [now] = (await allApps(c)).filter((x) => x.application_id === a.id);
      if (!now || now.application_name !== newName || now.secure_record_storage !== !initial) {
        bad.add(round, 'acknowledged change lost', {
          want: [newName, !initial],
          got: now && [now.application_name, now.secure_record_storage],
        });
      }
    }
    bad.check(ROUNDS);
  });

  test('DelApplication of one application, 8 at once: exactly one succeeds, the rest 116 (by id) or 558 (by name)', async () => {
    // SPEC 8.4: an unknown id -> 116, an unknown name -> 558, and nothing deleted. Rounds by id,
    // by name, and by overlapping id lists (A alone vs A;B_i): the first to run wins, every other
    // request names a deleted application and must fail as a whole, leaving its B_i in place.
    const acct = await newAccount(server, 'conc-del');
    const c = caller(acct);
    await warm(c);
    const ROUNDS = 9;
    const N = 8;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const mode = ['id', 'name', 'list'][round % 3];
      const a = await mkApp(c, `d${round}`);
      const extras = [];
      if (mode === 'list') for (let i = 0; i < N; i++) extras.push(await mkApp(c, `d${round}-b${i}`));
      const params = (i) => {
        if (mode === 'id') return { application_id: a.id };
        if (mode === 'name') return { application_name: i % 2 ? a.short : a.name };
        return { application_id: i % 2 ? `${a.id};${extras[i].id}` : `${a.id}` };
      };
      const answers = await Promise.all(Array.from({ length: N }, (_, i) => c('DelApplication', params(i))));
      const t = tally(answers);
      const code = mode === 'name' ? 558 : 116;
      if (JSON.stringify(t) !== JSON.stringify({ [code]: N - 1, ok: 1 })) bad.add(round, `answers (${mode})`, { tally: t });
      for (const r of answers.filter(ok)) {
        if (JSON.stringify(r.body) !== '{"result":1}') bad.add(round, 'response', { body: r.body });
      }
      const left = new Set((await allApps(c)).map((x) => x.application_id));
      if (left.has(a.id)) bad.add(round, 'application still listed');
      if (mode === 'list') {
        // B_i is gone exactly when its request succeeded.
        const wrong = extras.filter((b, i) => (i % 2 === 1 && ok(answers[i])) === left.has(b.id)).map((b) => b.short);
        if (wrong.length) bad.add(round, 'other applications of the lists', { wrong });
      }
    }
    bad.check(ROUNDS);
  });

  test('DelApplication by the old name while renaming it: exactly one of them succeeds', async () => {
    // Serially: delete first -> the rename finds no application (116); rename first -> the old
    // name names nothing (558). Both succeeding fits no order.
    const acct = await newAccount(server, 'conc-delren');
    const c = caller(acct);
    await warm(c);
    const ROUNDS = 8;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const a = await mkApp(c, `o${round}`);
      const answers = await Promise.all([
        c('DelApplication', { application_name: a.short }),
        c('SetApplicationInfo', { application_id: a.id, application_name: `n${round}` }),
        c('DelApplication', { application_name: a.name }),
        c('DelApplication', { application_name: a.short }),
      ]);
      const dels = tally([answers[0], answers[2], answers[3]]);
      const ren = kind(answers[1]);
      const fits = ren === 'ok'
        ? JSON.stringify(dels) === JSON.stringify({ 558: 3 })
        : ren === '116' && JSON.stringify(dels) === JSON.stringify({ 558: 2, ok: 1 });
      if (!fits) bad.add(round, 'answers', { rename: ren, deletes: dels });
      const now = (await allApps(c)).filter((x) => x.application_id === a.id);
      const want = ren === 'ok' ? [fullName(`n${round}`, acct.name)] : [];
      if (JSON.stringify(now.map((x) => x.application_name)) !== JSON.stringify(want)) {
        bad.add(round, 'state', { rename: ren, want, got: now });
      }
    }
    bad.check(ROUNDS);
  });

  test('--max-applications 3: 10 AddApplication at once create exactly up to the limit, the rest 108', async () => {
    const limited = await startServer({ args: ['--max-applications', '3'] });
    const agt = newAgent(limited);
    try {
      const c = caller(null, limited, agt);
      await warm(c, 10);
      const bad = badRounds();
      const ROUNDS = 4;
      for (let round = 0; round < ROUNDS; round++) {
        const before = (await allApps(c)).length;
        const answers = await Promise.all(Array.from({ length: 10 }, (_, i) =>
          c('AddApplication', { application_name: `q${round}-${i}` })));
        const t = tally(answers);
        const room = 3 - before;
        if (JSON.stringify(t) !== JSON.stringify({ 108: 10 - room, ok: room })) bad.add(round, 'answers', { before, tally: t });
        const apps = await allApps(c);
        if (apps.length !== 3) bad.add(round, 'applications after the round', { count: apps.length });
        // Free one or two places for the next round.
        for (const x of apps.slice(0, 1 + (round % 2))) {
          const r = await c('DelApplication', { application_id: x.application_id });
          assert.equal(kind(r), 'ok', r.text);
        }
      }
      bad.check(ROUNDS);
    } finally {
      agt.destroy();
      assert.equal((await limited.stop()).code, 0);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Key-value items (SPEC 6)

describe('key-value items', () => {
  test('DelKeyValueItem of one key, 12 at once: exactly one answers 1, the rest 0', async () => {
    const acct = await newAccount(server, 'conc-kvdel');
    const c = caller(acct);
    await warm(c);
    const a = await mkApp(c, 'kvdel');
    const ROUNDS = 8;
    const N = 12;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const key = `k:${round}`;
      const set = await c('SetKeyValueItem', { application_id: a.id, key, value: `v${round}` });
      assert.equal(kind(set), 'ok', set.text);
      const answers = await Promise.all(Array.from({ length: N }, () => c('DelKeyValueItem', { application_id: a.id, key })));
      const t = tally(answers);
      const results = answers.filter(ok).map(result).sort();
      const want = [...Array(N - 1).fill(0), 1];
      if (JSON.stringify(t) !== JSON.stringify({ ok: N }) || JSON.stringify(results) !== JSON.stringify(want)) {
        bad.add(round, 'answers', { tally: t, results: results.join('') });
      }
      const get = kind(await c('GetKeyValueItem', { application_id: a.id, key }));
      if (get !== '496 key') bad.add(round, 'item still there', { get });
    }
    bad.check(ROUNDS);
  });

  test('SetKeyValueItem and DelKeyValueItem interleaved on one key: the outcome fits a serial order', async () => {
    // The key holds 'init'; then 4 writes of distinct values and 8 deletes run at once. In any
    // serial order: every write answers its item; each delete answers 1 (it removed a live item)
    // or 0; at the end the item is absent or holds one of the 4 written values. Counting: let
    // p = 1 if the item is there at the end and `ones` the deletes that answered 1. The item
    // existed at the start and came back at most once per write, so ones <= 1 + 4 - p; and if it
    // is gone, some delete removed it, so ones >= 1 - p.
    const acct = await newAccount(server, 'conc-kvmix');
    const c = caller(acct);
    await warm(c);
    const a = await mkApp(c, 'kvmix');
    const ROUNDS = 8;
    const WRITES = 4;
    const DELETES = 8;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const key = `mix:${round}`;
      const init = await c('SetKeyValueItem', { application_id: a.id, key, value: 'init' });
      assert.equal(kind(init), 'ok', init.text);
      const values = Array.from({ length: WRITES }, (_, i) => `r${round}w${i}`);
      const ops = [];
      for (let i = 0, w = 0, d = 0; i < WRITES + DELETES; i++) {
        if (i % 3 === 0 && w < WRITES) ops.push({ set: values[w++] });
        else if (d < DELETES) ops.push({ del: d++ });
        else ops.push({ set: values[w++] });
      }
      const answers = await Promise.all(ops.map((op) => (op.set !== undefined
        ? c('SetKeyValueItem', { application_id: a.id, key, value: op.set })
        : c('DelKeyValueItem', { application_id: a.id, key }))));
      const t = tally(answers);
      if (JSON.stringify(t) !== JSON.stringify({ ok: WRITES + DELETES })) {
        bad.add(round, 'answers', { tally: t });
        continue;
      }
      let ones = 0;
      ops.forEach((op, i) => {
        const r = answers[i].body.result;
        if (op.set !== undefined) {
          if (r.key !== key || r.value !== op.set) bad.add(round, 'write answer', { result: r });
        } else if (r === 1) {
          ones++;
        } else if (r !== 0) {
          bad.add(round, 'delete answer', { result: r });
        }
      });
      const get = await c('GetKeyValueItem', { application_id: a.id, key });
      const g = kind(get);
      let present;
      if (g === 'ok') {
        present = 1;
        if (!values.includes(get.body.result.value)) bad.add(round, 'final value', { value: get.body.result.value });
      } else if (g === '496 key') {
        present = 0;
      } else {
        bad.add(round, 'final read', { get: g });
        continue;
      }
      if (ones < 1 - present || ones > 1 + WRITES - present) bad.add(round, 'number of deletes answering 1', { ones, present });
      // A serial write and read afterwards work as usual.
      const w = await c('SetKeyValueItem', { application_id: a.id, key, value: 'after' });
      const r = await c('GetKeyValueItem', { application_id: a.id, key });
      const d = await c('DelKeyValueItem', { application_id: a.id, key });
      if (!ok(w) || !ok(r) || r.body.result.value !== 'after' || !ok(d) || d.body.result !== 1 ||
          kind(await c('GetKeyValueItem', { application_id: a.id, key })) !== '496 key') {
        bad.add(round, 'serial write/read/delete afterwards', { w: w.text, r: r.text, d: d.text });
      }
    }
    bad.check(ROUNDS);
  });
});

// ---------------------------------------------------------------------------------------------
// Secrets (SPEC 7)

describe('secrets', () => {
  test('AddSecret of one name, 16 at once in a fresh application: exactly one succeeds, the rest 493', async () => {
    // A fresh application each round, so the first secrets also race to create its data key.
    const acct = await newAccount(server, 'conc-sadd');
    const c = caller(acct);
    await warm(c);
    const ROUNDS = 6;
    const N = 16;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const a = await mkApp(c, `sadd${round}`);
      const answers = await Promise.all(Array.from({ length: N }, (_, i) =>
        c('AddSecret', { application_id: a.id, secret_name: 'same', secret_value: `v${round}-${i}` })));
      const t = tally(answers);
      if (JSON.stringify(t) !== JSON.stringify({ '493 secret_name': N - 1, ok: 1 })) {
        bad.add(round, 'answers', { tally: t });
        continue;
      }
      const w = answers.findIndex(ok);
      const id = answers[w].body.result[0].secret_id;
      const list = await secretsOf(c, a.id);
      const got = await c('GetSecretValue', { application_id: a.id, secret_name: 'same' });
      if (list.total_count !== 1 || list.result.length !== 1 || list.result[0].secret_id !== id ||
          !ok(got) || got.body.result[0].secret_id !== id || got.body.result[0].secret_value !== `v${round}-${w}`) {
        bad.add(round, 'state', { list, value: got.text });
      }
    }
    bad.check(ROUNDS);
  });

  test('AddSecret of 12 different names at once in a fresh application: all succeed and all open', async () => {
    const acct = await newAccount(server, 'conc-sfresh');
    const c = caller(acct);
    await warm(c);
    const ROUNDS = 4;
    const N = 12;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const a = await mkApp(c, `sfresh${round}`);
      const answers = await Promise.all(Array.from({ length: N }, (_, i) =>
        c('AddSecret', { application_id: a.id, secret_name: `n${i}`, secret_value: `v${round}-${i}` })));
      const t = tally(answers);
      if (JSON.stringify(t) !== JSON.stringify({ ok: N })) {
        bad.add(round, 'answers', { tally: t });
        continue;
      }
      const values = await Promise.all(answers.map((r) =>
        c('GetSecretValue', { application_id: a.id, secret_id: r.body.result[0].secret_id })));
      const wrong = values.map((r, i) => (ok(r) && r.body.result[0].secret_value === `v${round}-${i}` ? null : kind(r)))
        .filter((x) => x !== null);
      if (wrong.length) bad.add(round, 'values', { wrong });
    }
    bad.check(ROUNDS);
  });

  test('SetSecretInfo renaming 8 secrets to one free name at once: one wins, the rest 493', async () => {
    // Odd rounds also race AddSecret of the same name against the renames.
    const acct = await newAccount(server, 'conc-sren');
    const c = caller(acct);
    await warm(c);
    const a = await mkApp(c, 'sren');
    const ROUNDS = 6;
    const K = 8;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const ids = [];
      for (let i = 0; i < K; i++) ids.push(await mkSecret(c, a.id, `r${round}_src${i}`, `v${i}`));
      const target = `r${round}_target`;
      // Odd rounds put an AddSecret of the target name between every two renames.
      const ops = [];
      ids.forEach((id, i) => {
        ops.push({ id, m: 'SetSecretInfo', p: { application_id: a.id, secret_id: id, new_secret_name: target } });
        if (round % 2 === 1 && i % 2 === 0) {
          ops.push({ m: 'AddSecret', p: { application_id: a.id, secret_name: target, secret_value: 'added' } });
        }
      });
      const answers = await Promise.all(ops.map((op) => c(op.m, op.p)));
      const t = tally(answers);
      const want = { ok: 1 };
      const renameLosers = answers.filter((r, i) => !ok(r) && ops[i].id !== undefined).length;
      const addLosers = answers.length - 1 - renameLosers;
      if (addLosers) want['493 secret_name'] = addLosers;
      if (renameLosers) want['493 new_secret_name'] = renameLosers;
      const sorted = Object.fromEntries(Object.entries(want).sort());
      if (JSON.stringify(t) !== JSON.stringify(sorted)) bad.add(round, 'answers', { tally: t });

      const mine = (await secretsOf(c, a.id)).result.filter((s) => s.secret_name.startsWith(`r${round}_`));
      const holders = mine.filter((s) => s.secret_name === target).map((s) => s.secret_id);
      const winners = answers.flatMap((r, i) => {
        if (!ok(r)) return [];
        return ops[i].id !== undefined ? [ops[i].id] : [r.body.result[0].secret_id];
      });
      if (holders.length !== 1 || winners.length !== 1 || holders[0] !== winners[0]) {
        bad.add(round, 'state', { holders, winners });
      }
      ids.forEach((id, i) => {
        const now = mine.find((s) => s.secret_id === id);
        const name = winners.includes(id) ? target : `r${round}_src${i}`;
        if (!now || now.secret_name !== name) bad.add(round, `secret ${id}`, { want: name, got: now });
      });
    }
    bad.check(ROUNDS);
  });

  test('DelSecret secret_id=all racing AddSecret: every answer documented, the listing consistent', async () => {
    // Per round 12 AddSecret of new names and 2 DelSecret all at once. Every add succeeds (the
    // names are free) and every delete answers {"result":1}. Afterwards GetSecrets lists only
    // secrets whose add was acknowledged, total_count equals the number listed, each listed
    // secret opens to its value, and real-time order is respected: an add acknowledged before a
    // delete was sent is gone; an add sent after every delete was acknowledged is there.
    const acct = await newAccount(server, 'conc-sdelall');
    const c = caller(acct);
    await warm(c);
    const a = await mkApp(c, 'sdelall');
    const ROUNDS = 6;
    const ADDS = 12;
    const bad = badRounds();
    let earlier = []; // acknowledged adds of previous rounds, all older than this round's deletes
    for (let round = 0; round < ROUNDS; round++) {
      const ops = [];
      for (let i = 0; i < ADDS; i++) {
        ops.push({ add: `r${round}_s${i}`, value: `v${round}-${i}` });
        if (i === 3 || i === 8) ops.push({ del: true });
      }
      const answers = await Promise.all(ops.map((op) => (op.add
        ? c.timed('AddSecret', { application_id: a.id, secret_name: op.add, secret_value: op.value })
        : c.timed('DelSecret', { application_id: a.id, secret_id: 'all' }))));
      const t = tally(answers.map((x) => x.res));
      if (JSON.stringify(t) !== JSON.stringify({ ok: ops.length })) {
        bad.add(round, 'answers', { tally: t });
        continue;
      }
      const adds = [];
      const dels = [];
      ops.forEach((op, i) => {
        const x = answers[i];
        if (op.add) adds.push({ ...op, id: x.res.body.result[0].secret_id, sentAt: x.sentAt, ackAt: x.ackAt });
        else {
          dels.push(x);
          if (JSON.stringify(x.res.body) !== '{"result":1}') bad.add(round, 'DelSecret answer', { body: x.res.body });
        }
      });
      // A late add, sent after every delete of the round was acknowledged, must survive.
      const lateSent = performance.now();
      const late = { add: `r${round}_late`, value: `late${round}`, id: await mkSecret(c, a.id, `r${round}_late`, `late${round}`), sentAt: lateSent };
      adds.push(late);

      const list = await secretsOf(c, a.id);
      if (list.total_count !== list.result.length || list.count !== list.result.length) {
        bad.add(round, 'counts', { total_count: list.total_count, count: list.count, listed: list.result.length });
      }
      const listed = new Map(list.result.map((s) => [s.secret_id, s.secret_name]));
      for (const s of list.result) {
        const add = adds.find((x) => x.id === s.secret_id);
        if (!add || add.add !== s.secret_name) bad.add(round, 'listed secret that no acknowledged add of this round made', { s });
      }
      const firstDelSent = Math.min(...dels.map((d) => d.sentAt));
      const lastDelAck = Math.max(...dels.map((d) => d.ackAt));
      for (const x of [...earlier, ...adds]) {
        if (x.ackAt !== undefined && x.ackAt < firstDelSent && listed.has(x.id)) bad.add(round, 'survived a later delete', { name: x.add });
        if (x.sentAt > lastDelAck && !listed.has(x.id)) bad.add(round, 'missing although added after every delete', { name: x.add });
      }
      for (const s of list.result) {
        const add = adds.find((x) => x.id === s.secret_id);
        const v = await c('GetSecretValue', { application_id: a.id, secret_id: s.secret_id });
        if (!ok(v) || !add || v.body.result[0].secret_value !== add.value) bad.add(round, 'value', { id: s.secret_id, got: v.text });
      }
      earlier = adds.map((x) => ({ ...x, ackAt: x.ackAt ?? performance.now(), sentAt: -Infinity }));
    }
    bad.check(ROUNDS);
  });
});

// ---------------------------------------------------------------------------------------------
// Writes into an application that is being deleted (SPEC 4.2, 8.4, 5.2)

describe('writes racing DelApplication', () => {
  // Serially, a write ordered before the delete succeeds (and its data goes with the
  // application), one ordered after it finds no application: 116 for an application_id. No
  // serial order gives any other answer — not 4, not 496 for a secret or key that existed, not
  // {"result":0} from DelKeyValueItem of a key that existed. Afterwards the application is gone,
  // its id answers 116, and a new application of the same name starts empty.

  test('SetKeyValueItem and DelKeyValueItem into an application being deleted', async () => {
    const acct = await newAccount(server, 'conc-kvgone');
    const c = caller(acct);
    await warm(c);
    const ROUNDS = 6;
    const N = 12;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const a = await mkApp(c, 'doomed-kv');
      const pre = await c('SetKeyValueItem', { application_id: a.id, key: 'pre', value: 'p' });
      assert.equal(kind(pre), 'ok', pre.text);
      const ops = [];
      for (let i = 0; i < N; i++) {
        ops.push({ m: 'SetKeyValueItem', p: { application_id: a.id, key: `k${i}`, value: `v${round}-${i}` } });
        if (i === N / 2) ops.push({ m: 'DelApplication', p: { application_id: a.id } });
        if (i === N / 2 + 1) ops.push({ m: 'DelKeyValueItem', p: { application_id: a.id, key: 'pre' } });
      }
      const answers = await Promise.all(ops.map((op) => c(op.m, op.p)));
      const by = (m) => answers.filter((_, i) => ops[i].m === m);
      const sets = tally(by('SetKeyValueItem'));
      const delApp = kind(by('DelApplication')[0]);
      const delItem = by('DelKeyValueItem')[0];
      const delItemOutcome = ok(delItem) ? `result ${delItem.body.result}` : kind(delItem);
      if (Object.keys(sets).some((k) => k !== 'ok' && k !== '116') || delApp !== 'ok' ||
          !['result 1', '116'].includes(delItemOutcome)) {
        bad.add(round, 'answers', { SetKeyValueItem: sets, DelApplication: delApp, DelKeyValueItem: delItemOutcome });
      }
      const gone = await c('GetKeyValueKeys', { application_id: a.id });
      if (kind(gone) !== '116') bad.add(round, 'old application id still answers', { got: gone.text });
      if ((await allApps(c)).some((x) => x.application_id === a.id)) bad.add(round, 'application still listed');
      const fresh = await mkApp(c, 'doomed-kv');
      const keys = await c('GetKeyValueKeys', { application_id: fresh.id, count: 50 });
      if (!ok(keys) || keys.body.result.length !== 0) bad.add(round, 'new application not empty', { keys: keys.text });
      const again = await c('GetKeyValueItem', { application_name: 'doomed-kv', key: 'k0' });
      if (kind(again) !== '496 key') bad.add(round, 'item visible by name in the new application', { got: again.text });
      const del = await c('DelApplication', { application_id: fresh.id });
      assert.equal(kind(del), 'ok', del.text);
    }
    bad.check(ROUNDS);
  });

  test('AddSecret, SetSecretInfo and DelSecret into an application being deleted', async () => {
    const acct = await newAccount(server, 'conc-sgone');
    const c = caller(acct);
    await warm(c);
    const ROUNDS = 6;
    const N = 10;
    const bad = badRounds();
    for (let round = 0; round < ROUNDS; round++) {
      const a = await mkApp(c, 'doomed-s');
      const pre1 = await mkSecret(c, a.id, 'pre1', 'p1');
      const pre2 = await mkSecret(c, a.id, 'pre2', 'p2');
      const ops = [];
      for (let i = 0; i < N; i++) {
        ops.push({ m: 'AddSecret', p: { application_id: a.id, secret_name: `s${i}`, secret_value: `v${round}-${i}` } });
        if (i === N / 2) ops.push({ m: 'DelApplication', p: { application_id: a.id } });
        if (i === N / 2 - 1) ops.push({ m: 'SetSecretInfo', p: { application_id: a.id, secret_id: pre1, secret_value: 'changed' } });
        if (i === N / 2 + 1) ops.push({ m: 'DelSecret', p: { application_id: a.id, secret_id: pre2 } });
      }
      const answers = await Promise.all(ops.map((op) => c(op.m, op.p)));
      const by = (m) => answers.filter((_, i) => ops[i].m === m);
      const adds = tally(by('AddSecret'));
      const out = {
        AddSecret: adds,
        DelApplication: kind(by('DelApplication')[0]),
        SetSecretInfo: kind(by('SetSecretInfo')[0]),
        DelSecret: kind(by('DelSecret')[0]),
      };
      if (Object.keys(adds).some((k) => k !== 'ok' && k !== '116') || out.DelApplication !== 'ok' ||
          !['ok', '116'].includes(out.SetSecretInfo) || !['ok', '116'].includes(out.DelSecret)) {
        bad.add(round, 'answers', out);
      }
      const gone = await c('GetSecrets', { application_id: a.id });
      if (kind(gone) !== '116') bad.add(round, 'old application id still answers', { got: gone.text });
      const fresh = await mkApp(c, 'doomed-s');
      const list = await secretsOf(c, fresh.id);
      if (list.total_count !== 0 || list.result.length !== 0) bad.add(round, 'new application not empty', { list });
      for (const name of ['s0', 'pre1']) {
        const v = await c('GetSecretValue', { application_name: 'doomed-s', secret_name: name });
        if (kind(v) !== '496 secret_name') bad.add(round, `${name} visible in the new application`, { got: v.text });
      }
      const del = await c('DelApplication', { application_id: fresh.id });
      assert.equal(kind(del), 'ok', del.text);
    }
    bad.check(ROUNDS);
  });
});
