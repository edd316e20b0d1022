// SPEC 13.1 / 14 and docs/formats.md: the master key — generated DATA/master.key on first start,
// `coffer master-key generate`, `coffer master-key rotate` (refused while a server runs; values readable
// under the new key, the old one refused), and a server started with a wrong or missing master key
// refusing to start with one line and exit status 2, changing nothing.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { databaseUrl, runCoffer } from './lib/harness.mjs';
import { expectOk } from './lib/api.mjs';
import {
  addSecret,
  assertKeyFile,
  masterKeyId,
  newApp,
  sCall,
  secretIds,
  secretValue,
  serveMustRefuse,
  serverPool,
  snapshotDir,
} from './lib/secrets.mjs';

const { tempRoot, serve, stop } = serverPool('coffer-secrets-mk-');

/** A fresh root directory: {root, data: root/data (not created), keys: root/keys (created)}. */
function layout() {
  const root = tempRoot();
  const keys = path.join(root, 'keys');
  fs.mkdirSync(keys, { mode: 0o700 });
  return { root, data: path.join(root, 'data'), keys };
}

/** `coffer master-key generate --out FILE`; returns its printed JSON after checking the file. */
async function generate(file) {
  const r = await runCoffer(['master-key', 'generate', '--out', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.json, `JSON output expected: ${r.stdout}`);
  assert.deepEqual(Object.keys(r.json).sort(), ['master_key_file', 'master_key_id']);
  assert.match(r.json.master_key_id, /^[0-9a-f]{16}$/);
  assert.equal(path.resolve(r.json.master_key_file), path.resolve(file));
  assertKeyFile(file);
  assert.equal(r.json.master_key_id, masterKeyId(file), 'the documented key id');
  return r.json;
}

/** Fills a running server with secrets in two applications (and one application without). */
async function seed(server) {
  const one = await newApp(server, 'mk-one');
  const two = await newApp(server, 'mk-two');
  await newApp(server, 'mk-empty');
  const expected = [
    { app: one, name: 'alpha', value: 'alpha-value', description: 'first' },
    { app: one, name: 'beta', value: 'бета 😀'.repeat(100) },
    { app: two, name: 'gamma', value: 'g'.repeat(8192), description: 'Описание' },
  ];
  for (const e of expected) {
    e.id = await addSecret(server, e.app, e.name, e.value, e.description ? { description: e.description } : {});
  }
  return expected;
}

/** Starts a server on `data` (with `args`), seeds it (see seed) and stops it; returns what seed did. */
async function seeded(data, args = []) {
  const s = await serve(data, args);
  const expected = await seed(s);
  await stop(s);
  return expected;
}

/** Asserts every seeded secret reads back exactly (value and description). */
async function assertReadable(server, expected) {
  for (const e of expected) {
    const item = await secretValue(server, e.app, { secret_id: e.id });
    assert.equal(item.secret_name, e.name);
    assert.equal(item.secret_value, e.value, `value of ${e.name}`);
    assert.equal(item.description, e.description, `description of ${e.name}`);
  }
}

/** Starts a server on `data` (with `args`), asserts `expected` reads back (assertReadable), stops it. */
async function assertReadableOn(data, args, expected) {
  const s = await serve(data, args);
  await assertReadable(s, expected);
  await stop(s);
}

/**
 * Snapshots `data`, asserts a start with each of `argLists` is refused (serveMustRefuse) with a
 * message naming every key id of `ids`, and that the refusals changed nothing in `data`.
 */
async function assertRefused(data, argLists, { ids = [], what = 'a refused start changes nothing' } = {}) {
  const before = snapshotDir(data);
  for (const args of argLists) {
    const refused = await serveMustRefuse(data, args);
    if (ids.length > 0) assert.ok(ids.every((id) => refused.line.includes(id)), `the message names both key ids: ${refused.line}`);
  }
  assert.deepEqual(snapshotDir(data), before, what);
}

/** Whether another process holds an exclusive lock on `file` (flock(1) fails at once then). */
function lockHeld(file) {
  return spawnSync('flock', ['--shared', '--nonblock', file, 'true']).status !== 0;
}

// The lock a rotation holds while it runs ("coffers" in ASCII on PostgreSQL).
const ROTATION_ADVISORY_LOCK = '27988508289626739';

/**
 * Takes the exclusive lock a rotation holds, from another process, until release(): on SQLite
 * util-linux flock(1) on DIR/coffer.lock, on PostgreSQL psql holding the advisory lock.
 */
async function holdRotationLock(data) {
  const url = await databaseUrl(data);
  if (url) {
    // psql holds the lock on its session until its input ends and it disconnects.
    const psql = spawn('psql', ['-qX', url], { stdio: ['pipe', 'ignore', 'ignore'] });
    psql.stdin.write(`SELECT pg_advisory_lock(${ROTATION_ADVISORY_LOCK});\n`);
    await waitFor(() => spawnSync('psql', ['-qXtA', url, '-c',
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND mode = 'ExclusiveLock' AND granted"],
    { encoding: 'utf8' }).stdout.trim() === '1');
    return {
      async release() {
        const exited = new Promise((resolve) => psql.once('exit', resolve));
        psql.stdin.end();
        await exited;
      },
    };
  }
  // Its own process group, so that killing it also kills `sleep`, which inherits the lock.
  const holder = spawn('flock', ['--exclusive', path.join(data, 'coffer.lock'), 'sleep', '30'],
    { stdio: 'ignore', detached: true });
  await waitFor(() => lockHeld(path.join(data, 'coffer.lock')));
  return {
    async release() {
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      process.kill(-holder.pid, 'SIGKILL');
      await exited;
    },
  };
}

/** Polls `condition` every 20 ms for up to 5 s. */
async function waitFor(condition) {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(condition(), 'condition not reached within 5 s');
}

/** `coffer master-key rotate ...`; returns the raw result. */
const rotate = (args) => runCoffer(['master-key', 'rotate', ...args]);

describe('master key files', () => {
  test('first start without --master-key-file generates DATA/master.key (0600, 64 hex digits) and warns', async () => {
    const { data } = layout();
    const s = await serve(data);
    const file = path.join(data, 'master.key');
    assertKeyFile(file);
    assert.match(s.output.stderr + s.output.stdout, /master.key/i, 'a warning names the generated key file');
    const first = fs.readFileSync(file, 'utf8');
    expectOk(await sCall(s, 'GetSecrets', { application_id: (await newApp(s, 'mk-first')).id }));
    await stop(s);
    // a restart reuses it
    const again = await serve(data);
    expectOk(await sCall(again, 'GetSecrets', { application_name: 'mk-first' }));
    await stop(again);
    assert.equal(fs.readFileSync(file, 'utf8'), first);
  });

  test('with --master-key-file no DATA/master.key is created', async () => {
    const { data, keys } = layout();
    const k = path.join(keys, 'k.key');
    await generate(k);
    const s = await serve(data, ['--master-key-file', k]);
    await addSecret(s, await newApp(s, 'mk-file'), 'x', 'y');
    await stop(s);
    assert.ok(!fs.existsSync(path.join(data, 'master.key')), 'no key file next to the data');
  });

  test('generate writes a fresh key each time', async () => {
    const { keys } = layout();
    const a = await generate(path.join(keys, 'a.key'));
    const b = await generate(path.join(keys, 'b.key'));
    assert.notEqual(a.master_key_id, b.master_key_id);
    assert.notEqual(fs.readFileSync(path.join(keys, 'a.key'), 'utf8'), fs.readFileSync(path.join(keys, 'b.key'), 'utf8'));
  });
});

describe('rotation with explicit key files', () => {
  test('rotate K1 -> K2: K2 reads everything, K1 is refused and changes nothing, K1 no longer needed', async () => {
    const { data, keys } = layout();
    const k1 = path.join(keys, 'k1.key');
    const k2 = path.join(keys, 'k2.key');
    const id1 = (await generate(k1)).master_key_id;
    const expected = await seeded(data, ['--master-key-file', k1]);

    const id2 = (await generate(k2)).master_key_id;
    const k1Text = fs.readFileSync(k1, 'utf8');
    const r = await rotate(['--data', data, '--master-key-file', k1, '--new-key-file', k2]);
    assert.equal(r.code, 0, r.stderr);
    // one data key per application holding secrets (docs/formats.md): mk-one and mk-two
    assert.deepEqual(r.json, { result: 1, data_keys: 2, master_key_id: id2 });
    assert.equal(fs.readFileSync(k1, 'utf8'), k1Text, 'the old key file is left alone');
    assert.ok(!fs.existsSync(path.join(data, 'master.key')));

    const s = await serve(data, ['--master-key-file', k2]);
    await assertReadable(s, expected);
    // new secrets and updates work under the new key
    const late = await addSecret(s, expected[0].app, 'late', 'late-value');
    expectOk(await sCall(s, 'SetSecretInfo', { application_id: expected[2].app.id, secret_id: expected[2].id, secret_value: 'g2' }));
    expected[2].value = 'g2';
    const fresh = await newApp(s, 'mk-fresh');
    const freshId = await addSecret(s, fresh, 'fresh', 'fresh-value');
    await stop(s);

    await assertRefused(data, [['--master-key-file', k1]], { ids: [id1, id2] });

    fs.rmSync(k1); // the old master key is no longer needed
    const again = await serve(data, ['--master-key-file', k2]);
    await assertReadable(again, expected);
    assert.equal((await secretValue(again, expected[0].app, { secret_id: late })).secret_value, 'late-value');
    assert.equal((await secretValue(again, fresh, { secret_id: freshId })).secret_value, 'fresh-value');
    await stop(again);
  });

  test('rotate twice (K1 -> K2 -> K3): only K3 opens the data', async () => {
    const { data, keys } = layout();
    const [k1, k2, k3] = ['k1', 'k2', 'k3'].map((n) => path.join(keys, `${n}.key`));
    await generate(k1);
    const expected = await seeded(data, ['--master-key-file', k1]);
    await generate(k2);
    const id3 = (await generate(k3)).master_key_id;
    assert.equal((await rotate(['--data', data, '--master-key-file', k1, '--new-key-file', k2])).code, 0);
    const r = await rotate(['--data', data, '--master-key-file', k2, '--new-key-file', k3]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json, { result: 1, data_keys: 2, master_key_id: id3 });
    await assertRefused(data, [['--master-key-file', k1], ['--master-key-file', k2]]);
    await assertReadableOn(data, ['--master-key-file', k3], expected);
  });

  test('rotate with the wrong current key fails and changes nothing', async () => {
    const { data, keys } = layout();
    const [k1, wrong, k2] = ['k1', 'wrong', 'k2'].map((n) => path.join(keys, `${n}.key`));
    await generate(k1);
    const expected = await seeded(data, ['--master-key-file', k1]);
    await generate(wrong);
    await generate(k2);
    const before = snapshotDir(data);
    const r = await rotate(['--data', data, '--master-key-file', wrong, '--new-key-file', k2]);
    assert.notEqual(r.code, 0, 'rotation with a wrong current key must fail');
    assert.equal(r.stderr.trim().split('\n').length, 1, `one-line error: ${r.stderr}`);
    assert.deepEqual(snapshotDir(data), before, 'a failed rotation changes nothing');
    await serveMustRefuse(data, ['--master-key-file', k2]);
    await assertReadableOn(data, ['--master-key-file', k1], expected);
  });
});

describe('rotation of the default DATA/master.key', () => {
  test('rotate replaces DATA/master.key; plain restart works; the old key is refused', async () => {
    const { data, keys } = layout();
    const expected = await seeded(data);

    const defaultKey = path.join(data, 'master.key');
    const oldCopy = path.join(keys, 'old.key');
    fs.copyFileSync(defaultKey, oldCopy);
    fs.chmodSync(oldCopy, 0o600);
    const oldId = masterKeyId(oldCopy);
    const fresh = path.join(keys, 'new.key');
    const newId = (await generate(fresh)).master_key_id;

    const r = await rotate(['--data', data, '--new-key-file', fresh]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json, { result: 1, data_keys: 2, master_key_id: newId });
    assert.equal(fs.readFileSync(defaultKey, 'utf8'), fs.readFileSync(fresh, 'utf8'), 'DATA/master.key now holds the new key');
    assertKeyFile(defaultKey);

    await assertReadableOn(data, [], expected); // plain restart, no --master-key-file
    await assertReadableOn(data, ['--master-key-file', fresh], expected);

    await assertRefused(data, [['--master-key-file', oldCopy]], { ids: [oldId, newId] });

    await assertReadableOn(data, ['--master-key-file', fresh], expected);
    await assertReadableOn(data, [], expected);
  });
});

describe('rotation and a running server exclude each other', () => {
  // A running server holds the old master key in memory, so the README says `rotate` refuses
  // while a server serves the data directory, and a server does not start during a rotation.
  test('rotate while a server runs -> refused in one line, nothing changed, the server keeps serving', async () => {
    const { data, keys } = layout();
    const s = await serve(data);
    const expected = await seed(s);
    const defaultKey = path.join(data, 'master.key');
    const oldText = fs.readFileSync(defaultKey, 'utf8');
    const fresh = path.join(keys, 'new.key');
    await generate(fresh);

    const r = await rotate(['--data', data, '--new-key-file', fresh]);
    assert.notEqual(r.code, 0, `rotate must be refused: ${r.stdout}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one-line error: ${r.stderr}`);
    assert.match(r.stderr, /server is running/, r.stderr);
    assert.equal(r.stdout, '', 'nothing printed as if it had rotated');
    assert.equal(fs.readFileSync(defaultKey, 'utf8'), oldText, 'a refused rotation leaves the key file');
    // the running server still serves every existing secret ...
    await assertReadable(s, expected);
    // ... and what it acknowledges from now on survives a restart under the old key
    const later = await newApp(s, 'mk-later');
    const laterSecret = { app: later, name: 'later', value: 'written after the rotation attempt' };
    laterSecret.id = await addSecret(s, later, laterSecret.name, laterSecret.value);
    await stop(s);
    await assertReadableOn(data, [], [...expected, laterSecret]);

    // once the server has stopped, the same rotation goes through
    const done = await rotate(['--data', data, '--new-key-file', fresh]);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(fs.readFileSync(defaultKey, 'utf8'), fs.readFileSync(fresh, 'utf8'));
    await assertReadableOn(data, [], [...expected, laterSecret]);
  });

  test('a server started while a rotation holds the storage -> exit 2, one line', async () => {
    const { data } = layout();
    const expected = await seeded(data);
    const holder = await holdRotationLock(data);
    try {
      const refused = await serveMustRefuse(data);
      assert.match(refused.line, /rotation is in progress/, refused.line);
    } finally {
      await holder.release();
    }
    await assertReadableOn(data, [], expected);
  });
});

describe('a wrong master key from the start', () => {
  test('data made under K1 (default key file), started with K2 -> exit 2, one line, nothing changed', async () => {
    const { data, keys } = layout();
    const expected = await seeded(data);
    const k1Id = masterKeyId(path.join(data, 'master.key'));
    const k2 = path.join(keys, 'k2.key');
    const k2Id = (await generate(k2)).master_key_id;

    await assertRefused(data, [['--master-key-file', k2]], { ids: [k1Id, k2Id] });

    const s = await serve(data);
    await assertReadable(s, expected);
    assert.deepEqual(await secretIds(s, expected[0].app), [expected[0].id, expected[1].id]);
    await stop(s);
  });

  test('DATA/master.key replaced by another key -> exit 2, nothing changed', async () => {
    const { data, keys } = layout();
    const expected = await seeded(data);
    const defaultKey = path.join(data, 'master.key');
    const saved = path.join(keys, 'saved.key');
    fs.copyFileSync(defaultKey, saved);
    const other = path.join(keys, 'other.key');
    await generate(other);
    fs.copyFileSync(other, defaultKey);

    await assertRefused(data, [[]]);

    fs.copyFileSync(saved, defaultKey);
    await assertReadableOn(data, [], expected);
  });

  test('data made under an explicit key, restarted without any key -> exit 2, no key generated', async () => {
    const { data, keys } = layout();
    const k1 = path.join(keys, 'k1.key');
    await generate(k1);
    const expected = await seeded(data, ['--master-key-file', k1]);

    await assertRefused(data, [[]], { what: 'no DATA/master.key may appear for encrypted data' });
    assert.ok(!fs.existsSync(path.join(data, 'master.key')));

    await assertReadableOn(data, ['--master-key-file', k1], expected);
  });

  test('a malformed or missing key file -> exit 2, nothing changed', async () => {
    const { data, keys } = layout();
    const k1 = path.join(keys, 'k1.key');
    await generate(k1);
    const expected = await seeded(data, ['--master-key-file', k1]);

    const short = path.join(keys, 'short.key');
    fs.writeFileSync(short, `${'a'.repeat(63)}\n`, { mode: 0o600 });
    const notHex = path.join(keys, 'nothex.key');
    fs.writeFileSync(notHex, `${'g'.repeat(64)}\n`, { mode: 0o600 });
    const absent = path.join(keys, 'absent.key');
    await assertRefused(data, [short, notHex, absent].map((k) => ['--master-key-file', k]));

    await assertReadableOn(data, ['--master-key-file', k1], expected);
  });
});
