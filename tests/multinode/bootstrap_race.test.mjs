// SPEC 15 "Coordination lives in the database": nodes started at the same moment on an EMPTY
// database. With different master keys exactly one serves and the other exits with status 2
// and a one-line error, having changed nothing (no credentials file of its own); the database
// then holds the winner's master key (a later node with the loser's key is refused, one with the
// winner's key serves) and exactly one account 1 with exactly one Owner key. With the same
// master key every node serves, exactly one of them bootstraps (writes the credentials file)
// and again there is exactly one account 1 with one key. Each round uses a fresh database.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createDatabase, makeTempDir, removeDir, request } from '../integration/lib/harness.mjs';
import { bearer } from '../integration/lib/jwt.mjs';
import { generateMasterKey, kind, runCoffer, spawnCoffer } from './lib/nodes.mjs';

const LISTEN_RE = /listening on (https?):\/\/([^\s/]+):(\d+)/;
const WAIT_MS = 20000;

/**
 * Spawns `coffer serve` for each {dataDir, keyFile} in the same tick, on database `url`, and
 * waits until each has logged "listening on" or exited. Resolves [{dataDir, keyFile, proc,
 * out, exited, port (when listening), exit (when exited)}] in the order given.
 */
async function race(url, specs) {
  const started = specs.map((spec) => ({
    ...spec,
    ...spawnCoffer(['serve', '--data', spec.dataDir, '--postgres', url, '--master-key-file', spec.keyFile,
      '--listen', '127.0.0.1:0', '--plain-http']),
  }));
  return Promise.all(started.map((s) => new Promise((resolve) => {
    const timer = setTimeout(() => {
      s.proc.kill('SIGKILL');
      resolve({ ...s, exit: { code: null, signal: 'SIGKILL', timedOut: true } });
    }, WAIT_MS);
    const check = () => {
      const m = LISTEN_RE.exec(s.out.stderr) || LISTEN_RE.exec(s.out.stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ ...s, port: Number(m[3]) });
      }
    };
    s.proc.stdout.on('data', check);
    s.proc.stderr.on('data', check);
    s.exited.then((exit) => {
      clearTimeout(timer);
      check();
      resolve({ ...s, exit });
    });
  })));
}

/** SIGTERM to a node still running; resolves its exit. */
async function stopNode(s) {
  if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGTERM');
  const timer = setTimeout(() => s.proc.kill('SIGKILL'), 10000);
  const exit = await s.exited;
  clearTimeout(timer);
  return exit;
}

/** A round's directory and database, removed however the round ends. */
async function withRound(fn) {
  const root = makeTempDir('coffer-mn-boot-');
  const nodes = [];
  let db;
  try {
    db = await createDatabase({ prefix: 'coffer_mnboot' });
    await fn({ root, db, nodes });
  } finally {
    for (const s of nodes) await stopNode(s);
    await db?.drop();
    removeDir(root);
  }
}

/** Asserts that account 1 exists with exactly one key, `creds`' Owner key, and that it works on `port`. */
async function assertOneAccount(db, root, creds, port, what) {
  assert.equal(creds.account_id, 1, `${what}: the bootstrap account is account 1`);
  const list = await runCoffer(['key', 'list', '--account', '1', '--postgres', db.url, '--data', path.join(root, 'operator')]);
  assert.equal(list.code, 0, `${what}: key list: ${list.stderr}`);
  assert.deepEqual(list.json.map((k) => [k.key_id, k.roles]), [[creds.key_id, ['Owner']]], `${what}: the keys of account 1`);
  const res = await request({ port, tls: false }, {
    path: '/platform_api/GetApplications',
    headers: { Authorization: bearer(creds), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  assert.equal(kind(res), 'ok', `${what}: the bootstrap key works: ${res.text}`);
  assert.deepEqual([res.body.result, res.body.total_count], [[], 0], `${what}: a new account has no applications`);
}

const credsOf = (dataDir) => {
  const file = path.join(dataDir, 'credentials.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
};

const describeRun = (s) => `${path.basename(s.dataDir)}: ${s.port ? `listening on ${s.port}` : `exit ${JSON.stringify(s.exit)}`}` +
  `\nstderr: ${s.out.stderr}`;

test('two nodes with different master keys at once on an empty database: exactly one serves, one account 1', { timeout: 100000 }, async (t) => {
  const ROUNDS = 5;
  const winners = { a: 0, b: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    await withRound(async ({ root, db, nodes }) => {
      const keyA = await generateMasterKey(path.join(root, 'a.key'));
      const keyB = await generateMasterKey(path.join(root, 'b.key'));
      const specs = [{ name: 'a', dataDir: path.join(root, 'a'), keyFile: keyA }, { name: 'b', dataDir: path.join(root, 'b'), keyFile: keyB }];
      if (round % 2) specs.reverse(); // alternate which one is spawned first
      const runs = await race(db.url, specs);
      nodes.push(...runs);
      const what = `round ${round}`;
      const serving = runs.filter((s) => s.port);
      const refused = runs.filter((s) => !s.port);
      assert.equal(serving.length, 1, `${what}: exactly one node serves\n${runs.map(describeRun).join('\n')}`);
      const [winner] = serving;
      const [loser] = refused;
      winners[winner.name]++;
      assert.equal(loser.exit.code, 2, `${what}: the other exits with status 2\n${describeRun(loser)}`);
      const lines = loser.out.stderr.split('\n').filter((l) => l.length > 0);
      assert.equal(lines.length, 1, `${what}: a one-line error, got:\n${loser.out.stderr}`);
      assert.match(lines[0], /master.key/i, `${what}: the error names the master key`);
      assert.doesNotMatch(loser.out.stderr + loser.out.stdout, /listening on/);
      assert.equal(credsOf(loser.dataDir), null, `${what}: the refused node wrote no credentials file`);
      const creds = credsOf(winner.dataDir);
      assert.ok(creds, `${what}: the serving node wrote the credentials file`);
      await assertOneAccount(db, root, creds, winner.port, what);

      // The database holds the winner's master key: a later node with the loser's key is refused,
      // one with the winner's key serves (every second round, to keep the file short).
      if (round % 2 === 0) {
        const [late] = await race(db.url, [{ name: 'late-loser', dataDir: path.join(root, 'late1'), keyFile: loser.keyFile }]);
        nodes.push(late);
        assert.equal(late.exit?.code, 2, `${what}: a later node with the refused key\n${describeRun(late)}`);
        const [good] = await race(db.url, [{ name: 'late-winner', dataDir: path.join(root, 'late2'), keyFile: winner.keyFile }]);
        nodes.push(good);
        assert.ok(good.port, `${what}: a later node with the serving key serves\n${describeRun(good)}`);
        assert.equal(credsOf(good.dataDir), null, `${what}: a later node does not bootstrap`);
        await assertOneAccount(db, root, creds, good.port, `${what}, later node`);
      }
    });
  }
  t.diagnostic(`winners by name: ${JSON.stringify(winners)}`);
});

test('three nodes with the same master key at once on an empty database: all serve, one bootstrap', { timeout: 60000 }, async () => {
  const ROUNDS = 3;
  for (let round = 0; round < ROUNDS; round++) {
    await withRound(async ({ root, db, nodes }) => {
      const key = await generateMasterKey(path.join(root, 'master.key'));
      const runs = await race(db.url, [1, 2, 3].map((i) => ({ name: `n${i}`, dataDir: path.join(root, `n${i}`), keyFile: key })));
      nodes.push(...runs);
      const what = `round ${round}`;
      assert.ok(runs.every((s) => s.port), `${what}: every node serves\n${runs.map(describeRun).join('\n')}`);
      const withCreds = runs.filter((s) => credsOf(s.dataDir));
      assert.equal(withCreds.length, 1, `${what}: exactly one node bootstrapped (wrote credentials.json)`);
      const creds = credsOf(withCreds[0].dataDir);
      for (const s of runs) await assertOneAccount(db, root, creds, s.port, `${what}, node ${s.name}`);
      for (const s of runs) assert.deepEqual(await stopNode(s), { code: 0, signal: null }, `${what}: ${s.name} stops cleanly`);
    });
  }
});
