// `coffer migrate --data DIR --postgres URL` (SPEC 15, "Moving from SQLite"): a stopped SQLite
// store copied into an empty PostgreSQL database answers exactly as before, with the same master
// key; a non-empty target, a running source and a missing source are refused, changing nothing.
// Needs the PostgreSQL cluster of COFFER_TEST_POSTGRES_URL; the source is SQLite by nature, so
// the file runs once (in integration.*) and says so in integration_postgres.*.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ON_POSTGRES, createDatabase, makeTempDir, removeDir, runCoffer, startServer } from './lib/harness.mjs';
import { expectOk } from './lib/api.mjs';
import { addSecret, closeAgent, newApp, sCall, secretIds, secretValue } from './lib/secrets.mjs';

const skip = ON_POSTGRES ? 'the source of a migration is SQLite: runs in integration.migrate' : false;

describe('coffer migrate', { skip }, () => {
  let root;
  let data;
  let expected; // what the SQLite store holds, read back through the API
  const databases = [];

  const newDatabase = async () => {
    const db = await createDatabase({ prefix: 'coffer_migrate' });
    databases.push(db);
    return db;
  };
  const migrate = (url, dir = data) => runCoffer(['migrate', '--data', dir, '--postgres', url]);

  /** Everything a client can read of the seeded applications, on `server`. */
  async function readAll(server) {
    const apps = expectOk(await sCall(server, 'GetApplications', {})).result
      .map((a) => ({ id: a.application_id, name: a.application_name }))
      .sort((a, b) => a.id - b.id);
    const out = { apps, secrets: {}, items: {} };
    for (const app of apps) {
      const ids = await secretIds(server, app);
      out.secrets[app.id] = [];
      for (const id of ids) {
        const v = await secretValue(server, app, { secret_id: id });
        out.secrets[app.id].push({ id, name: v.secret_name, value: v.secret_value, description: v.description });
      }
      const items = expectOk(await sCall(server, 'GetKeyValueItems', { application_id: app.id, key: 'k', count: 50 }));
      out.items[app.id] = items.result;
    }
    return out;
  }

  before(async () => {
    root = makeTempDir('coffer-migrate-');
    data = path.join(root, 'data');
    const server = await startServer({ dataDir: data, plain: true });
    try {
      for (const short of ['alpha', 'beta']) {
        const app = await newApp(server, short);
        for (let i = 0; i < 5; i++) {
          await addSecret(server, app, `${short}_s${i}`, `value ${short} ${i} ✓`, i % 2 ? { description: `about ${i}` } : {});
          expectOk(await sCall(server, 'SetKeyValueItem', { application_id: app.id, key: `k${i}`, value: `v${i}`, ttl: 3600 }));
        }
      }
      // A deleted last secret: SQLite never gives its id again, and neither may PostgreSQL.
      const gone = await newApp(server, 'gone');
      const goneSecret = await addSecret(server, gone, 'last', 'x');
      expectOk(await sCall(server, 'DelSecret', { application_id: gone.id, secret_id: goneSecret }));
      expectOk(await sCall(server, 'DelApplication', { application_id: gone.id }));
      expected = await readAll(server);
      expected.deletedSecretId = goneSecret;
      expected.deletedAppId = gone.id;
    } finally {
      closeAgent(server);
      await server.stop();
    }
  });

  after(async () => {
    for (const db of databases) await db.drop();
    removeDir(root);
  });

  test('copies everything; nodes on PostgreSQL answer as the SQLite server did', async () => {
    const db = await newDatabase();
    const audited = await runCoffer(['audit', 'list', '--data', data]);
    const records = audited.stdout.split('\n').filter(Boolean).length;
    assert.ok(records > 0);
    const r = await migrate(db.url);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json.result, 1);
    assert.deepEqual(r.json.copied, {
      accounts: 1, service_keys: 1, applications: 2, kv_items: 10, meta: 1, data_keys: 2, secrets: 10,
      audit_log: records,
    });
    // The audit chain came along whole, its head included.
    const verified = await runCoffer(['audit', 'verify', '--postgres', db.url]);
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(verified.json.records, records);
    // Another node: its own data directory, the same master key, the copied credentials work.
    const nodeDir = path.join(root, 'node');
    fs.mkdirSync(nodeDir, { mode: 0o700 });
    fs.copyFileSync(path.join(data, 'credentials.json'), path.join(nodeDir, 'credentials.json'));
    const node = await startServer({
      dataDir: nodeDir,
      plain: true,
      args: ['--postgres', db.url, '--master-key-file', path.join(data, 'master.key')],
    });
    try {
      assert.deepEqual(await readAll(node), { apps: expected.apps, secrets: expected.secrets, items: expected.items });
      // Ids continue past every id SQLite gave, deleted ones included.
      const app = await newApp(node, 'gamma');
      assert.ok(app.id > expected.deletedAppId, `application id ${app.id} reused`);
      const id = await addSecret(node, app, 'new', 'after the move');
      assert.ok(id > expected.deletedSecretId, `secret id ${id} reused`);
    } finally {
      closeAgent(node);
      await node.stop();
    }
  });

  test('a target that holds anything is refused in one line; nothing changes', async () => {
    const db = await newDatabase();
    assert.equal((await migrate(db.url)).code, 0);
    const again = await migrate(db.url);
    assert.notEqual(again.code, 0);
    assert.equal(again.stdout, '');
    assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
    assert.match(again.stderr, /not empty: table accounts has rows/);
  });

  test('a source a server is running on is refused', async () => {
    const db = await newDatabase();
    const server = await startServer({ dataDir: data, plain: true });
    try {
      const r = await migrate(db.url);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /server is running/);
    } finally {
      await server.stop();
    }
    // Nothing was written: the same database takes the migration afterwards.
    assert.equal((await migrate(db.url)).code, 0);
  });

  test('no SQLite store, or no --postgres, is refused', async () => {
    const db = await newDatabase();
    const missing = await migrate(db.url, path.join(root, 'nothing-here'));
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no SQLite store at/);
    const noUrl = await runCoffer(['migrate', '--data', data]);
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /--postgres/);
  });
});
