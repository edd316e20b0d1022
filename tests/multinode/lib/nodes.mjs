// Helpers for the many-node suites (SPEC 15): a set of `coffer serve` nodes sharing one fresh
// PostgreSQL database, keep-alive callers per node, operator commands on that database, and the
// outcome tallies the checks are written in. Builds on tests/integration/lib without changing it.
//
// A node set: node 1 starts first on the empty database (its first start writes
// `credentials.json` into its own data directory); every later node gets a copy of that file in
// its data directory (an existing credentials file is never overwritten, SPEC 13.1) so the
// harness's startServer finds it, and all of them use one master key file outside their data
// directories.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import {
  COFFER_BIN,
  ON_POSTGRES,
  assertBinary,
  cofferJson,
  createDatabase,
  makeTempDir,
  removeDir,
  request,
  runCoffer,
  startServer,
} from '../../integration/lib/harness.mjs';
import { urlencode } from '../../integration/lib/api.mjs';
import { tokenSource } from '../../integration/lib/kv.mjs';

export { request, runCoffer };

if (ON_POSTGRES) {
  // startServer would add a second --postgres of its own to every node.
  throw new Error('the multinode suite passes --postgres itself: run it with COFFER_TEST_BACKEND unset');
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Last-resort cleanup: processes started here are killed when the test process exits, whatever
// the reason (a failed hook, a test-runner timeout), so no node outlives its test file.

const children = new Set();
const exitHooks = new Set();

process.on('exit', () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const hook of exitHooks) {
    try {
      hook();
    } catch {
      // best effort
    }
  }
});

/** Tracks a child process for the exit-time cleanup. */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs `fn` (synchronous) when the test process exits, unless `cancel()` is called first. */
export function onProcessExit(fn) {
  exitHooks.add(fn);
  return { cancel: () => exitHooks.delete(fn) };
}

// ---------------------------------------------------------------------------------------------
// Node sets

/** `coffer master-key generate --out FILE`, which must succeed. */
export async function generateMasterKey(file) {
  const r = await runCoffer(['master-key', 'generate', '--out', file]);
  assert.equal(r.code, 0, `master-key generate: ${r.stderr}`);
  return file;
}

/**
 * Starts `count` nodes (plain HTTP unless `plain` is false) on a fresh database of the cluster
 * named by COFFER_TEST_POSTGRES_URL, or on the database `db` ({url}) / cluster `adminUrl` given.
 * `args` are extra serve arguments for every node. Returns a NodeSet:
 *   nodes        the running servers (harness Server objects; node i is nodes[i - 1])
 *   creds        the bootstrap credentials (account 1, Owner) every node shares
 *   db           {name, url, drop()}
 *   root         the directory holding the data directories and the master key
 *   operator(words, opts)     an operator command on the database; parsed JSON, must succeed
 *   operatorRaw(words, opts)  the same, returning runCoffer's raw result
 *   addNode()    starts one more node on the same database
 *   restart(i)   starts node i again on its data directory (after it stopped or was killed)
 *   stop()       closes every agent, stops every running node (SIGTERM), drops the database and
 *                removes the directory; resolves the exit results of the nodes it stopped
 */
export async function startNodes({ count = 3, plain = true, args = [], adminUrl, db: givenDb } = {}) {
  assertBinary();
  const root = makeTempDir('coffer-mn-');
  let db;
  let masterKeyFile;
  try {
    db = givenDb || (await createDatabase({ adminUrl, prefix: 'coffer_mn' }));
    masterKeyFile = await generateMasterKey(path.join(root, 'master.key'));
  } catch (err) {
    if (db && !givenDb) await db.drop().catch(() => {});
    removeDir(root);
    throw err;
  }
  const operatorDir = path.join(root, 'operator');
  const nodeArgs = ['--postgres', db.url, '--master-key-file', masterKeyFile, ...args];
  const set = {
    root,
    db,
    masterKeyFile,
    nodes: [],
    creds: null,
    dataDirs: [],
    operator(words, opts = []) {
      return cofferJson([...words, ...opts, '--postgres', db.url, '--data', operatorDir]);
    },
    operatorRaw(words, opts = []) {
      return runCoffer([...words, ...opts, '--postgres', db.url, '--data', operatorDir]);
    },
    async addNode() {
      const i = set.dataDirs.length + 1;
      const dataDir = path.join(root, `node${i}`);
      if (set.creds) {
        fs.mkdirSync(dataDir, { mode: 0o700 });
        fs.writeFileSync(path.join(dataDir, 'credentials.json'), JSON.stringify(set.creds), { mode: 0o600 });
      }
      set.dataDirs.push(dataDir);
      const server = await startServer({ dataDir, plain, args: nodeArgs });
      track(server.proc);
      server.index = i;
      set.nodes[i - 1] = server;
      if (!set.creds) set.creds = server.creds;
      return server;
    },
    async restart(i) {
      const old = set.nodes[i - 1];
      assert.ok(!old.stillRunning(), `node ${i} is still running`);
      closeAgents(old);
      const server = await startServer({ dataDir: set.dataDirs[i - 1], plain, args: nodeArgs });
      track(server.proc);
      server.index = i;
      set.nodes[i - 1] = server;
      return server;
    },
    async stop() {
      const results = [];
      for (const s of set.nodes) {
        if (!s) continue;
        closeAgents(s);
        if (s.stillRunning()) results.push({ node: s.index, ...(await s.stop({ keepData: true })) });
      }
      try {
        if (!givenDb) await db.drop();
      } finally {
        removeDir(root);
      }
      return results;
    },
  };
  try {
    for (let i = 0; i < count; i++) await set.addNode();
  } catch (err) {
    await set.stop().catch(() => {});
    throw err;
  }
  return set;
}

/** Asserts that every stop result of NodeSet.stop() is a clean exit (status 0, in time). */
export function assertCleanStops(results) {
  for (const r of results) {
    assert.deepEqual(
      { code: r.code, signal: r.signal, timedOut: r.timedOut },
      { code: 0, signal: null, timedOut: undefined },
      `node ${r.node} did not stop cleanly after SIGTERM: ${JSON.stringify(r)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Calls

const agentsOf = new WeakMap(); // server -> [agents]

/** A keep-alive agent to `server` with up to `sockets` connections (closed by closeAgents). */
export function newAgent(server, sockets = 8) {
  const Agent = server.tls ? https.Agent : http.Agent;
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, ca: server.ca });
  if (!agentsOf.has(server)) agentsOf.set(server, []);
  agentsOf.get(server).push(agent);
  return agent;
}

/** Closes every agent newAgent made for `server`. */
export function closeAgents(server) {
  for (const agent of agentsOf.get(server) || []) agent.destroy();
  agentsOf.delete(server);
}

/**
 * A caller to `server` as `creds`: c(method, params) sends POST /platform_api/<method> with an
 * urlencoded body over a keep-alive agent of `sockets` connections, with a token reused until
 * it nears its expiry (tokens may be replayed, SPEC 2.1). c(method, params, {auth}) sends the
 * Authorization value `auth` instead (null: no header, for legacy credentials) and
 * {timeoutMs} bounds one request. c.server is the server.
 */
export function caller(server, creds, { sockets = 8, timeoutMs = 30000 } = {}) {
  const agent = newAgent(server, sockets);
  const auth = tokenSource(creds);
  const c = (method, params, opts = {}) => {
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (opts.auth !== null) headers.Authorization = opts.auth ?? auth();
    return request(server, {
      method: 'POST',
      path: `/platform_api/${method}`,
      headers,
      body: urlencode(params),
      agent,
      timeoutMs: opts.timeoutMs ?? timeoutMs,
    });
  };
  c.server = server;
  c.agent = agent;
  return c;
}

/** Opens `n` connections of caller `c` with cheap requests, so that a burst need not connect. */
export async function warm(c, n = 8) {
  await Promise.all(Array.from({ length: n }, () => c('GetApplications', { count: 1 })));
}

// ---------------------------------------------------------------------------------------------
// Outcomes

/**
 * The outcome of one answer: 'ok' (HTTP 200, a result, no error members); for an error in the
 * SPEC 1.6 envelope its code, followed by the parameter its message names for 485/493/496
 * ("493 secret_name"), and by the HTTP status when it is not 200; anything else is described.
 */
export function kind(res) {
  if (res instanceof Error) return `transport: ${res.message}`;
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

export const isOk = (res) => kind(res) === 'ok';

/** {outcome: number of answers} of a list of answers, keys sorted. */
export function tally(answers) {
  const t = {};
  for (const k of answers.map(kind).sort()) t[k] = (t[k] || 0) + 1;
  return t;
}

/** A promise of `p`'s answer, or of the Error it failed with (for kind()). */
export const settle = (p) => p.then((r) => r, (e) => (e instanceof Error ? e : new Error(String(e))));

/**
 * Per-test record of rounds that broke a rule. bad.add(round, what, details) records one;
 * bad.check(rounds) asserts there were none, showing the first few.
 */
export function badRounds() {
  const list = [];
  return {
    list,
    add(round, what, details = {}) {
      list.push({ round, what, ...details });
    },
    check(rounds) {
      assert.equal(
        list.length,
        0,
        `${new Set(list.map((x) => x.round)).size} of ${rounds} rounds broke the rule:\n` +
          list.slice(0, 8).map((x) => JSON.stringify(x)).join('\n'),
      );
    },
  };
}

/** A small seeded pseudo-random generator (mulberry32): rand() in [0, 1), plus helpers. */
export function random(seed) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  rand.int = (n) => Math.floor(rand() * n);
  rand.pick = (list) => list[rand.int(list.length)];
  /** Two different indexes below n (n >= 2). */
  rand.pair = (n) => {
    const a1 = rand.int(n);
    const b1 = (a1 + 1 + rand.int(n - 1)) % n;
    return [a1, b1];
  };
  return rand;
}

/** The seed a suite uses: COFFER_TEST_SEED when set (to replay a run), else a random one. */
export function seedOf() {
  const env = process.env.COFFER_TEST_SEED;
  return env ? Number(env) : Math.floor(Math.random() * 2 ** 31);
}

/** Spawns `coffer ...args` tracked for cleanup; collects its output. */
export function spawnCoffer(args, env) {
  assertBinary();
  const proc = track(spawn(COFFER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
  const out = { stdout: '', stderr: '' };
  proc.stdout.setEncoding('utf8').on('data', (d) => (out.stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d) => (out.stderr += d));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, out, exited };
}
