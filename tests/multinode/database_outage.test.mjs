// SPEC 15 "Database outages": while the database is unreachable each request fails within 10 s
// with HTTP 503, `Retry-After: 1` and the error envelope with code 1 (`Service temporarily
// unavailable.`), and GET /healthz answers 503; nothing is acknowledged that was not committed;
// when the database returns the nodes reconnect by themselves, without a restart.
//
// This file runs its own throwaway cluster (scripts/pg-test-cluster.sh), since it stops it: two
// nodes under a light load of writes and reads, then the database goes away, twice: stopped
// (`stop-server`, a fast shutdown that ends every session, then `start-server` on the same
// port) and frozen (`pause-server`, SIGSTOP: connections stay open but nothing answers, as
// behind a network partition, then `resume-server`). During each outage both nodes get
// requests of several methods on new and on kept-alive connections, with a token they have
// verified and with one they never saw; afterwards every write that was answered with success
// is read back, and the load's answers are checked: each came within 10 s, each is a success or
// the 503 envelope, none sent and answered while the database was away is a success, and each
// request sent a while after a node served again succeeds.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT, makeTempDir, removeDir, request } from '../integration/lib/harness.mjs';
import { bearer } from '../integration/lib/jwt.mjs';
import { urlencode } from '../integration/lib/api.mjs';
import {
  assertCleanStops,
  caller,
  kind,
  onProcessExit,
  settle,
  sleep,
  startNodes,
} from './lib/nodes.mjs';

const SCRIPT = path.join(REPO_ROOT, 'scripts', 'pg-test-cluster.sh');
const LIMIT_MS = 10000; // SPEC 15: every request fails within 10 s
const SLACK_MS = 500; // the client's own share of a request's time on a loaded machine
const RECOVERY_MS = 10000; // "serve again within a few seconds"
const MSG = 'Service temporarily unavailable.';

/** Runs pg-test-cluster.sh `command` on the cluster directory; resolves its stdout. */
function cluster(command, dir) {
  return new Promise((resolve, reject) => {
    execFile(SCRIPT, [command, dir], { timeout: 120000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`pg-test-cluster.sh ${command}: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

let parent;
let clusterDir;
let exitHook;
let set;
let spare; // credentials of a key no node has seen a token of before the outage tests use it

before(async () => {
  parent = makeTempDir('coffer-mn-pg-');
  fs.chmodSync(parent, 0o755); // the server runs as the postgres user when the tests run as root
  clusterDir = path.join(parent, 'cluster');
  exitHook = onProcessExit(() => {
    try {
      execFileSync(SCRIPT, ['stop', clusterDir], { stdio: 'ignore', timeout: 60000 });
    } finally {
      removeDir(parent);
    }
  });
  const adminUrl = await cluster('start', clusterDir);
  set = await startNodes({ count: 2, adminUrl });
});

after(async () => {
  try {
    if (set) {
      // The database must be there for the nodes' clean stop and the drop.
      await cluster('resume-server', clusterDir).catch(() => {});
      await cluster('start-server', clusterDir).catch(() => {});
      assertCleanStops(await set.stop());
    }
  } finally {
    await cluster('stop', clusterDir).catch(() => {});
    removeDir(parent);
    exitHook?.cancel();
  }
});

/** Asserts the outage answer of SPEC 15 (with the SPEC 1.6 envelope), `what` naming the request. */
function assert503(res, what) {
  assert.ok(!(res instanceof Error), `${what}: no answer: ${res.message}`);
  assert.equal(res.status, 503, `${what}: HTTP ${res.status} ${res.text}`);
  assert.equal(res.headers['retry-after'], '1', `${what}: Retry-After`);
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', `${what}: Content-Type`);
  const err = { msg: MSG, code: 1 };
  assert.deepEqual(res.body, { error: err, errors: [err] }, `${what}: body ${res.text}`);
  assert.deepEqual(Object.keys(res.body.error), ['msg', 'code'], `${what}: member order`);
}

/** True when `res` is the outage answer (for tallies). */
const is503 = (res) => !(res instanceof Error) && res.status === 503 && res.headers['retry-after'] === '1' &&
  res.body?.error?.code === 1 && res.body.error.msg === MSG;

/** One request on a new connection: resolves {res (or Error), ms}. */
async function fresh(server, method, params, creds = set.creds) {
  const t0 = performance.now();
  const res = await settle(request(server, {
    method: 'POST',
    path: `/platform_api/${method}`,
    headers: { Authorization: bearer(creds), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: urlencode(params),
    timeoutMs: LIMIT_MS + 5000,
  }));
  return { res, ms: performance.now() - t0 };
}

async function healthz(server) {
  const t0 = performance.now();
  const res = await settle(request(server, { method: 'GET', path: '/healthz', timeoutMs: LIMIT_MS + 5000 }));
  return { res, ms: performance.now() - t0 };
}

/**
 * A light load on every node: two keep-alive clients per node, each writing a new item (and
 * every fourth time a secret) and reading it back, with a pause between. Returns {stop()} which
 * resolves the log: [{node, method, key | name, value, sentAt, ackAt, res}].
 */
function lightLoad(appId, label) {
  const log = [];
  let stopping = false;
  const clients = [];
  for (const [n, server] of set.nodes.entries()) {
    for (let w = 0; w < 2; w++) {
      const c = caller(server, set.creds, { sockets: 1, timeoutMs: LIMIT_MS + 5000 });
      clients.push((async () => {
        for (let i = 0; !stopping; i++) {
          const key = `${label}:${n}:${w}:${i}`;
          const value = `v|${key}|ё`;
          const send = async (method, params, extra) => {
            const sentAt = performance.now();
            const res = await settle(c(method, params));
            log.push({ node: n + 1, method, ...extra, sentAt, ackAt: performance.now(), res });
            return res;
          };
          const set1 = await send('SetKeyValueItem', { application_id: appId, key, value }, { key, value });
          if (kind(set1) === 'ok') await send('GetKeyValueItem', { application_id: appId, key }, { key, value });
          if (i % 4 === 0) {
            const name = `${label}_${n}_${w}_${i}`;
            await send('AddSecret', { application_id: appId, secret_name: name, secret_value: `s|${name}` }, { name, value: `s|${name}` });
          }
          await sleep(100);
        }
      })());
    }
  }
  return {
    async stop() {
      stopping = true;
      await Promise.all(clients);
      return log;
    },
  };
}

/**
 * Requests of several methods to every node during an outage, all at once: on new connections
 * (with the bootstrap key, whose tokens the nodes have verified, and with the spare key), and
 * /healthz. Each must be answered within the limit with the outage answer.
 */
async function probeOutage(appId, secretId, what) {
  const probes = [];
  for (const [n, server] of set.nodes.entries()) {
    const on = `${what}, node ${n + 1}`;
    probes.push(
      fresh(server, 'SetKeyValueItem', { application_id: appId, key: 'probe', value: 'x' }).then((r) => ['SetKeyValueItem', on, r]),
      fresh(server, 'GetKeyValueItem', { application_id: appId, key: 'before' }).then((r) => ['GetKeyValueItem', on, r]),
      fresh(server, 'AddSecret', { application_id: appId, secret_name: 'probe', secret_value: 'x' }).then((r) => ['AddSecret', on, r]),
      fresh(server, 'GetSecretValue', { application_id: appId, secret_id: secretId }).then((r) => ['GetSecretValue', on, r]),
      fresh(server, 'GetApplications', {}).then((r) => ['GetApplications', on, r]),
      fresh(server, 'GetApplications', {}, spare).then((r) => ['GetApplications with a token never verified', on, r]),
      healthz(server).then((r) => ['/healthz', on, r]),
    );
  }
  const problems = [];
  for (const [method, on, { res, ms }] of await Promise.all(probes)) {
    const label = `${method} during the outage (${on}), answered after ${Math.round(ms)} ms`;
    try {
      if (method === '/healthz') {
        assert.ok(!(res instanceof Error), `${label}: ${res.message}`);
        assert.equal(res.status, 503, `${label}: HTTP ${res.status} ${res.text}`);
      } else {
        assert503(res, label);
      }
      assert.ok(ms <= LIMIT_MS + SLACK_MS, `${label}: too late`);
    } catch (err) {
      problems.push(err.message.split('\n')[0]);
    }
  }
  assert.deepEqual(problems, [], `${problems.length} of ${probes.length} requests during the outage broke the rules`);
}

/** Polls every node until a request on a new connection succeeds; resolves the time each took. */
async function waitForRecovery(since) {
  return Promise.all(set.nodes.map(async (server, n) => {
    for (;;) {
      const { res } = await fresh(server, 'GetApplications', { count: 1 });
      if (kind(res) === 'ok') {
        const h = await healthz(server);
        assert.equal(h.res.status, 200, `/healthz of node ${n + 1} after recovery: ${h.res.text}`);
        return performance.now();
      }
      assert.ok(performance.now() - since < RECOVERY_MS,
        `node ${n + 1} does not serve ${RECOVERY_MS} ms after the database came back: ${kind(res)}`);
      await sleep(200);
    }
  }));
}

/**
 * Checks the load's log: every answer within the limit, a success or the outage answer; none a
 * success when sent after the outage began and answered before it ended; all a success when
 * sent 2 s after their node served again; every acknowledged write readable now.
 */
async function checkLoad(log, appId, { down, up, recovered }) {
  const problems = [];
  for (const x of log) {
    const k = kind(x.res);
    const ms = x.ackAt - x.sentAt;
    const at = `${x.method} node ${x.node} sent at +${Math.round(x.sentAt - down)} ms`;
    if (ms > LIMIT_MS + SLACK_MS) problems.push(`${at}: answered after ${Math.round(ms)} ms (${k})`);
    if (k !== 'ok' && !is503(x.res)) problems.push(`${at}: ${k}`);
    if (k === 'ok' && x.sentAt > down && x.ackAt < up) problems.push(`${at}: a success while the database was away`);
    if (k !== 'ok' && x.sentAt > recovered[x.node - 1] + 2000) problems.push(`${at}: ${k} after the node served again`);
    if (x.method === 'GetKeyValueItem' && k === 'ok' && x.res.body.result.value !== x.value) {
      problems.push(`${at}: read ${JSON.stringify(x.res.body.result)}`);
    }
  }
  assert.deepEqual(problems.slice(0, 12), [], `${problems.length} of ${log.length} load answers broke the rules`);
  const outage = log.filter((x) => x.sentAt > down && x.ackAt < up);
  assert.ok(outage.length >= 4, `the load kept sending during the outage (${outage.length} requests)`);

  // Every acknowledged write is there, read through the node that did not take it.
  const acked = log.filter((x) => x.method !== 'GetKeyValueItem' && kind(x.res) === 'ok');
  assert.ok(acked.length >= 8, 'writes were acknowledged');
  for (let i = 0; i < acked.length; i += 16) {
    const reads = await Promise.all(acked.slice(i, i + 16).map((x) => {
      const other = set.nodes[x.node % set.nodes.length];
      return x.method === 'SetKeyValueItem'
        ? fresh(other, 'GetKeyValueItem', { application_id: appId, key: x.key })
        : fresh(other, 'GetSecretValue', { application_id: appId, secret_name: x.name });
    }));
    reads.forEach(({ res }, j) => {
      const x = acked[i + j];
      assert.equal(kind(res), 'ok', `acknowledged ${x.method} ${x.key || x.name} of node ${x.node}: ${res.text}`);
      const got = x.method === 'SetKeyValueItem' ? res.body.result.value : res.body.result[0].secret_value;
      assert.equal(got, x.value, `${x.key || x.name}`);
    });
  }
  return { answers: log.length, outage: outage.length, acked: acked.length };
}

/** The common course of both outage tests: `goAway` / `comeBack` are the cluster commands. */
async function outageRound(t, label, goAway, comeBack, holdMs) {
  const setup = caller(set.nodes[0], set.creds);
  const app = await setup('AddApplication', { application_name: `outage-${label}` });
  assert.equal(kind(app), 'ok', app.text);
  const appId = app.body.application_id;
  assert.equal(kind(await setup('SetKeyValueItem', { application_id: appId, key: 'before', value: 'b' })), 'ok');
  const secret = await setup('AddSecret', { application_id: appId, secret_name: 'before', secret_value: 'b' });
  assert.equal(kind(secret), 'ok', secret.text);
  spare = await set.operator(['key', 'create'], ['--account', '1', '--role', 'Developer']);

  const load = lightLoad(appId, label);
  let log;
  let away = false;
  try {
    await sleep(1500);
    const down = performance.now();
    away = true;
    await cluster(goAway, clusterDir);
    const downDone = performance.now();
    await probeOutage(appId, secret.body.result[0].secret_id, `just after ${goAway}`);
    await sleep(Math.max(0, holdMs - (performance.now() - downDone)));
    await probeOutage(appId, secret.body.result[0].secret_id, `${Math.round((performance.now() - downDone) / 1000)} s after ${goAway}`);
    const up = performance.now();
    await cluster(comeBack, clusterDir);
    away = false;
    const upDone = performance.now();
    const recovered = await waitForRecovery(upDone);
    t.diagnostic(`${label}: ${goAway} took ${Math.round(downDone - down)} ms, ${comeBack} ${Math.round(upDone - up)} ms; ` +
      `nodes served again after ${recovered.map((r) => Math.round(r - upDone))} ms`);
    await sleep(2500);
    log = await load.stop();
    const stats = await checkLoad(log, appId, { down: downDone, up, recovered });
    t.diagnostic(`${label}: ${JSON.stringify(stats)}`);
  } finally {
    // A failed round leaves the database back for the next one.
    if (away) await cluster(comeBack, clusterDir).catch(() => {});
    if (!log) await load.stop();
  }
  // The data from before the outage is intact.
  const before = await setup('GetKeyValueItem', { application_id: appId, key: 'before' });
  assert.equal(kind(before), 'ok', before.text);
}

test('database stopped, then started again on the same port: 503 within 10 s, then served again', { timeout: 90000 }, async (t) => {
  await outageRound(t, 'stopped', 'stop-server', 'start-server', 4000);
});

test('database frozen (SIGSTOP, connections left open), then thawed: 503 within 10 s, then served again', { timeout: 90000 }, async (t) => {
  await outageRound(t, 'frozen', 'pause-server', 'resume-server', 13000);
});
