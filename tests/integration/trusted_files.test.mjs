// What another local user could plant is never trusted: a data directory, master key file or
// database that group or others may write (or that another user owns) makes `coffer serve` exit
// 2 with one line naming it, before anything is written; fixed permissions start it normally.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ON_POSTGRES, makeTempDir, removeDir, startServer } from './lib/harness.mjs';
import { serveMustRefuse } from './lib/secrets.mjs';

const root = makeTempDir('coffer-trusted-');
after(() => removeDir(root));

const ZERO_KEY = `${'0'.repeat(64)}\n`;

test('a world-writable data directory with a planted all-zero key is refused, nothing written', async () => {
  const data = path.join(root, 'planted');
  fs.mkdirSync(data);
  fs.chmodSync(data, 0o777);
  fs.writeFileSync(path.join(data, 'master.key'), ZERO_KEY);
  fs.chmodSync(path.join(data, 'master.key'), 0o666);
  const refused = await serveMustRefuse(data);
  assert.match(refused.line, /writable by group or others \(mode 0777\)/, refused.line);
  assert.ok(refused.line.includes(data), refused.line);
  assert.deepEqual(fs.readdirSync(data), ['master.key'], 'nothing was created');
});

test('a group-writable master key file is refused, even outside the data directory', async () => {
  const data = path.join(root, 'keyfile');
  const key = path.join(root, 'group-writable.key');
  fs.writeFileSync(key, ZERO_KEY);
  fs.chmodSync(key, 0o620);
  const refused = await serveMustRefuse(data, ['--master-key-file', key]);
  assert.match(refused.line, /group-writable\.key is writable by group or others \(mode 0620\)/, refused.line);
  // The same key, no longer writable by others, is accepted.
  fs.chmodSync(key, 0o600);
  const server = await startServer({ dataDir: data, plain: true, args: ['--master-key-file', key] });
  assert.equal((await server.stop()).code, 0);
});

test('a database file others may write is refused; chmod go-w fixes it', {
  skip: ON_POSTGRES && 'the database is PostgreSQL\'s here, not a file of the data directory',
}, async () => {
  const data = path.join(root, 'database');
  const first = await startServer({ dataDir: data, plain: true });
  assert.equal((await first.stop({ keepData: true })).code, 0);
  const db = path.join(data, 'coffer.db');
  fs.chmodSync(db, 0o646);
  const refused = await serveMustRefuse(data);
  assert.match(refused.line, /coffer\.db is writable by group or others/, refused.line);
  fs.chmodSync(db, 0o600);
  const again = await startServer({ dataDir: data, plain: true });
  assert.equal((await again.stop()).code, 0);
});
