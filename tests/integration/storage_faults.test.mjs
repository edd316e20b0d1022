// Storage faults seen from outside the process (SQLite; PostgreSQL's are in the store and
// multinode suites): a damaged database file is refused at start with one line, and a server
// whose writes fail (a file-size limit set on the running process, so every write of the
// database or its WAL fails with EFBIG) answers those writes with an error, never a success,
// keeps answering reads, loses nothing it acknowledged, and writes again once the limit is gone.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ON_POSTGRES, makeTempDir, removeDir, runCoffer, startServer } from './lib/harness.mjs';
import { expectError, expectOk } from './lib/api.mjs';
import { closeKvAgent, createApp, kvCall } from './lib/kv.mjs';

const dirs = [];
after(() => dirs.forEach(removeDir));

function freshDataDir() {
  const dir = makeTempDir('coffer-faults-');
  dirs.push(dir);
  return path.join(dir, 'data');
}

/** A server on `data` with `count` items of 1 KB in one application, stopped cleanly. */
async function populatedDataDir(count) {
  const data = freshDataDir();
  const server = await startServer({ dataDir: data, plain: true });
  const app = await createApp(server, 'faults');
  for (let i = 0; i < count; i++) {
    expectOk(await kvCall(server, 'SetKeyValueItem',
      { application_id: app.id, key: `item-${i}`, value: 'v'.repeat(1000) }));
  }
  closeKvAgent(server);
  assert.equal((await server.stop({ keepData: true })).code, 0);
  // A clean stop checkpoints the WAL into the database file, which alone now holds the data.
  const wal = path.join(data, 'coffer.db-wal');
  assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0, 'the WAL was checkpointed');
  return data;
}

/** Overwrites `length` bytes of `file` at `offset` with 0xA5. */
function scribble(file, offset, length) {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  } finally {
    fs.closeSync(fd);
  }
}

/** `coffer serve` on `data`, which must refuse to start; resolves its exit code and stderr. */
async function refusedStart(data) {
  const r = await runCoffer(['serve', '--data', data, '--listen', '127.0.0.1:0', '--plain-http'],
    { timeoutMs: 20000 });
  assert.doesNotMatch(r.stderr, /listening on/);
  return r;
}

describe('a damaged database file', { skip: ON_POSTGRES && 'the database file is SQLite\'s' }, () => {
  test('a file that is not a database: one line, exit 2', async () => {
    const data = await populatedDataDir(3);
    scribble(path.join(data, 'coffer.db'), 0, 100);
    const r = await refusedStart(data);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^coffer: database: .*coffer\.db.*not a database/);
  });

  test('a damaged page in the middle of the file: one line, exit 2, naming the damage', async () => {
    const data = await populatedDataDir(300);
    const file = path.join(data, 'coffer.db');
    const pages = fs.statSync(file).size / 4096;
    assert.ok(pages > 40, `the database has ${pages} pages`);
    scribble(file, Math.floor(pages / 2) * 4096, 64);  // a b-tree page's header and cell pointers
    const r = await refusedStart(data);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^coffer: database: database .*coffer\.db is damaged \(.+\); restore it from a backup$/);
  });

  test('an operator command refuses it too', async () => {
    const data = await populatedDataDir(300);
    const file = path.join(data, 'coffer.db');
    scribble(file, Math.floor(fs.statSync(file).size / 4096 / 2) * 4096, 64);
    const r = await runCoffer(['key', 'list', '--account', '1', '--data', data]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is damaged/);
  });
});

describe('writes failing on a running server', { skip: ON_POSTGRES && 'the database file is SQLite\'s' }, () => {
  test('no failed write is acknowledged, reads go on, writes resume when the fault clears', async () => {
    const data = freshDataDir();
    const server = await startServer({ dataDir: data, plain: true });
    const pid = String(server.proc.pid);
    try {
      const app = await createApp(server, 'faults');
      const set = (key) => kvCall(server, 'SetKeyValueItem', { application_id: app.id, key, value: `value of ${key}` });
      const get = (key, s = server) => kvCall(s, 'GetKeyValueItem', { application_id: app.id, key });
      for (let i = 0; i < 20; i++) expectOk(await set(`before-${i}`));

      // The soft limit only: raising a hard limit again needs a capability the test may not have.
      execFileSync('prlimit', ['--pid', pid, '--fsize=0:unlimited']);
      const failed = await Promise.all(Array.from({ length: 20 }, (_, i) => set(`during-${i}`)));
      for (const res of failed) expectError(res, 4);  // DB error., never a success
      const read = expectOk(await get('before-7'));
      assert.equal(read.result.value, 'value of before-7');
      expectOk(await kvCall(server, 'GetKeyValueItems', { application_id: app.id, key: 'before' }));
      assert.equal(server.proc.exitCode, null, 'the server lives on');
      assert.match(server.output.stderr, /File too large|disk I\/O error/, 'the failure is logged');
      assert.doesNotMatch(server.output.stderr, /value of/, 'no value is logged with it');

      execFileSync('prlimit', ['--pid', pid, '--fsize=unlimited:unlimited']);
      for (let i = 0; i < 20; i++) expectOk(await set(`after-${i}`));
      closeKvAgent(server);
      assert.equal((await server.stop({ keepData: true })).code, 0);

      const again = await startServer({ dataDir: data, plain: true });
      try {
        const keys = [];
        for (let i = 0; i < 20; i++) keys.push(`before-${i}`, `after-${i}`);
        for (const key of keys) assert.equal(expectOk(await get(key, again)).result.value, `value of ${key}`);
        // An unknown key is 496 (SPEC 6.3): none of the failed writes landed.
        for (let i = 0; i < 20; i++) expectError(await get(`during-${i}`, again), 496);
      } finally {
        closeKvAgent(again);
        await again.stop();
      }
    } finally {
      closeKvAgent(server);
      await server.stop();
    }
  });
});
