// SPEC 16 backups: `coffer backup` takes a consistent snapshot while a server writes; `coffer
// restore` makes it the store of a new, empty data directory, whose secrets open with the
// original master key and with no other; `serve --backup-dir` takes them on a schedule and keeps
// the newest N. PostgreSQL stores are refused (their backups are pg_dump's).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ON_POSTGRES, makeTempDir, removeDir, runCoffer, startServer } from './lib/harness.mjs';
import { call, expectOk } from './lib/api.mjs';
import { createApp, keepAliveClient } from './lib/kv.mjs';
import { marker } from './lib/secrets.mjs';

const dir = makeTempDir('coffer-backup-');
after(() => removeDir(dir));

describe('on SQLite', { skip: ON_POSTGRES && 'SQLite only; PostgreSQL is checked below' }, () => {
  test('a backup under write load holds every write acknowledged before it; restore opens it', async () => {
    const server = await startServer();
    const secretValue = marker('BACKUP-SECRET-', 40);
    let restored;
    try {
      const app = await createApp(server, 'backed-up');
      expectOk(await call(server, 'AddSecret', { application_id: app.id, secret_name: 'kept', secret_value: secretValue }));
      const client = keepAliveClient(server, { maxSockets: 8 });
      const acknowledged = new Set();
      let stop = false;
      const writers = [...Array(8).keys()].map(async (w) => {
        for (let i = 0; !stop; i++) {
          const key = `w${w}:${i}`;
          const res = await client.post('SetKeyValueItem', { application_id: app.id, key, value: 'v' });
          if (res.status === 200 && res.body.result) acknowledged.add(key);
        }
      });
      while (acknowledged.size < 300) await new Promise((r) => setTimeout(r, 10));
      const beforeBackup = new Set(acknowledged);
      const out = path.join(dir, 'under-load.db');
      const backup = await runCoffer(['backup', '--data', server.dataDir, '--out', out]);
      const duringBackup = acknowledged.size - beforeBackup.size;
      stop = true;
      await Promise.all(writers);
      client.close();
      assert.equal(backup.code, 0, backup.stderr);
      assert.equal(backup.json.backup, out);
      assert.equal(backup.json.bytes, fs.statSync(out).size);
      assert.equal(fs.statSync(out).mode & 0o777, 0o600);
      assert.ok(!fs.readFileSync(out).includes(secretValue), 'secrets stay sealed in a backup');

      const target = path.join(dir, 'restored-data');
      const restore = await runCoffer(['restore', '--from', out, '--data', target]);
      assert.equal(restore.code, 0, restore.stderr);
      fs.copyFileSync(server.credsPath, path.join(target, 'credentials.json'));

      const keyless = await runCoffer(['serve', '--data', target, '--listen', '127.0.0.1:0']);
      assert.equal(keyless.code, 2, 'no master key: refused, never a new one');
      assert.match(keyless.stderr, /master key/);
      assert.ok(!fs.existsSync(path.join(target, 'master.key')));

      restored = await startServer({ dataDir: target, args: ['--master-key-file', path.join(server.dataDir, 'master.key')] });
      const value = expectOk(await call(restored, 'GetSecretValue', { application_id: app.id, secret_name: 'kept' }));
      assert.equal(value.result[0].secret_value, secretValue);
      const check = keepAliveClient(restored, { maxSockets: 8 });
      const missing = [];
      for (const key of beforeBackup) {
        const res = await check.post('GetKeyValueItem', { application_id: app.id, key });
        if (!(res.body && res.body.result && res.body.result.key === key)) missing.push(key);
      }
      check.close();
      assert.deepEqual(missing, [], `${beforeBackup.size} acknowledged before, ${duringBackup} during`);
    } finally {
      if (restored) await restored.stop();
      await server.stop();
    }
  });

  test('restore refuses a directory that is not empty, and a file that is not a backup', async () => {
    const busy = makeTempDir('coffer-restore-busy-');
    fs.writeFileSync(path.join(busy, 'something'), 'x');
    const garbage = path.join(dir, 'garbage.db');
    fs.writeFileSync(garbage, 'not a database');
    try {
      const server = await startServer();
      const out = path.join(dir, 'plain.db');
      try {
        assert.equal((await runCoffer(['backup', '--data', server.dataDir, '--out', out])).code, 0);
        const again = await runCoffer(['backup', '--data', server.dataDir, '--out', out]);
        assert.equal(again.code, 1);
        assert.match(again.stderr, /exists/);
      } finally {
        await server.stop();
      }
      const into = await runCoffer(['restore', '--from', out, '--data', busy]);
      assert.equal(into.code, 1);
      assert.match(into.stderr, /not empty/);
      assert.deepEqual(fs.readdirSync(busy), ['something']);
      const fresh = path.join(dir, 'never-made');
      const bad = await runCoffer(['restore', '--from', garbage, '--data', fresh]);
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
      assert.match(bad.stderr, /not a database/);
      assert.ok(!fs.existsSync(fresh), 'nothing made');
    } finally {
      removeDir(busy);
    }
  });

  test('serve --backup-dir takes backups on schedule and keeps the newest --backup-keep', async () => {
    const backups = path.join(dir, 'scheduled');
    const server = await startServer({ args: ['--backup-dir', backups, '--backup-every', '1s', '--backup-keep', '2'] });
    try {
      await createApp(server, 'scheduled');
      const written = () => (server.output.stderr.match(/scheduled backup written/g) || []).length;
      while (written() < 4) await new Promise((r) => setTimeout(r, 100));
      const files = fs.readdirSync(backups).filter((f) => /^coffer-\d{8}T\d{6}Z\.db$/.test(f)).sort();
      assert.equal(files.length, 2, files.join(' '));
      assert.equal(fs.statSync(backups).mode & 0o777, 0o700);
      const target = path.join(dir, 'from-schedule');
      const restore = await runCoffer(['restore', '--from', path.join(backups, files[1]), '--data', target]);
      assert.equal(restore.code, 0, restore.stderr);
    } finally {
      await server.stop();
    }
  });

  test('bad schedule options are start-up errors', async () => {
    for (const args of [['--backup-dir', dir, '--backup-every', '0s'], ['--backup-dir', dir, '--backup-every', 'soon'],
      ['--backup-dir', dir, '--backup-keep', '0']]) {
      const r = await runCoffer(['serve', '--data', path.join(dir, 'unused'), '--listen', '127.0.0.1:0', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});

describe('on PostgreSQL', { skip: !ON_POSTGRES && 'needs the PostgreSQL cluster' }, () => {
  test('backup and scheduled backups point at pg_dump', async () => {
    const server = await startServer();
    try {
      const r = await runCoffer(['backup', '--data', server.dataDir, '--out', path.join(dir, 'pg.db')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /pg_dump/);
      assert.ok(!fs.existsSync(path.join(dir, 'pg.db')));
    } finally {
      await server.stop();
    }
    const scheduled = await runCoffer(['serve', '--data', path.join(dir, 'pg-data'), '--listen', '127.0.0.1:0',
      '--backup-dir', path.join(dir, 'pg-backups')]);
    assert.equal(scheduled.code, 2);
    assert.match(scheduled.stderr, /pg_dump/);
  });
});
