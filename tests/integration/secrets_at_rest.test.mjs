// SPEC 14 (secrets encrypted at rest, secrets never leak): values and descriptions never appear
// in clear in any file under the data directory (database, WAL, shared memory, anything else),
// nor, on PostgreSQL, anywhere in a dump of the database, neither after a clean stop nor while
// the server runs, and never in the server's output at the most verbose log level. Secret names
// are stored in clear, which makes them a control proving that the scan reads the bytes the
// database holds.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { expectError, expectOk } from './lib/api.mjs';
import { ON_POSTGRES, dumpDatabase } from './lib/harness.mjs';
import {
  addSecret,
  closeAgent,
  listFiles,
  listSecrets,
  marker,
  newApp,
  sCall,
  scanForNeedles,
  secretValue,
  serverPool,
} from './lib/secrets.mjs';

const pool = serverPool('coffer-secrets-rest-');
const stopped = pool.stop;

/** A fresh data directory (removed at the end) and a server on it. */
const freshServer = (args = []) => pool.serve(path.join(pool.tempRoot(), 'data'), args);

/** Markers: two values, two descriptions (64 characters each), and a name used as the control. */
function markers() {
  return {
    value: marker('VALUEMARKER'),
    value2: marker('VALUETWOMARKER'),
    desc: marker('DESCRIPTIONMARKER'),
    desc2: marker('DESCRIPTIONTWOMARKER'),
    old: marker('VALUEOLDMARKER'),
    oldDesc: marker('DESCRIPTIONOLDMARKER'),
    name: marker('NameControl', 48),
  };
}
const secretsOf = (m) => [m.value, m.value2, m.desc, m.desc2, m.old, m.oldDesc];

async function assertAbsent(dir, m, { expectWal = false, control = true } = {}) {
  const needles = [...secretsOf(m), m.name];
  const scans = [scanForNeedles(dir, needles)];
  // On PostgreSQL the data directory holds local files only; the database is scanned as a dump.
  const dumpDir = pool.tempRoot();
  if (await dumpDatabase(dir, path.join(dumpDir, 'database.sql'))) scans.push(scanForNeedles(dumpDir, needles));
  const files = scans.flatMap((scan) => scan.files);
  const found = scans.flatMap((scan) => scan.found);
  const database = ON_POSTGRES ? 'database.sql' : 'coffer.db';
  assert.ok(files.includes(database), `the database is among the scanned files: ${files.join(', ')}`);
  if (expectWal && !ON_POSTGRES) assert.ok(files.includes('coffer.db-wal'), `the WAL is among the scanned files: ${files.join(', ')}`);
  const leaks = found.filter((f) => f.needle !== m.name);
  assert.deepEqual(leaks, [], `plaintext found at rest: ${JSON.stringify(leaks)}`);
  const where = found.filter((f) => f.needle === m.name).map((f) => f.file);
  if (control) assert.ok(where.length > 0, `control: the secret name (stored in clear) must be found in ${files.join(', ')}`);
  return { files };
}

describe('no plaintext at rest', () => {
  test('after SIGTERM: values and descriptions (current and replaced) are in no file', async () => {
    const m = markers();
    const server = await freshServer();
    const app = await newApp(server, 'rest-stop');
    const first = await addSecret(server, app, m.name, m.value, { description: m.desc });
    const second = await addSecret(server, app, 'replaced', m.old, { description: m.oldDesc });
    // a value and description that replace earlier ones
    expectOk(await sCall(server, 'SetSecretInfo', { application_id: app.id, secret_id: second, secret_value: m.value2, description: m.desc2 }));
    // a deleted secret holding the same markers
    const gone = await addSecret(server, app, 'deleted_one', m.value, { description: m.desc });
    expectOk(await sCall(server, 'DelSecret', { application_id: app.id, secret_id: gone }));
    await stopped(server);

    await assertAbsent(server.dataDir, m);

    // the values really were stored: a restart on the same directory reads them back
    const again = await pool.serve(server.dataDir);
    const item = await secretValue(again, app, { secret_id: first });
    assert.equal(item.secret_value, m.value);
    assert.equal(item.description, m.desc);
    const item2 = await secretValue(again, app, { secret_id: second });
    assert.equal(item2.secret_value, m.value2);
    assert.equal(item2.description, m.desc2);
    await stopped(again);
    await assertAbsent(server.dataDir, m);
  });

  test('while the server is running: the database (with WAL and shared memory) holds no plaintext', async () => {
    const m = markers();
    const server = await freshServer();
    const app = await newApp(server, 'rest-running');
    const id = await addSecret(server, app, m.name, m.value, { description: m.desc });
    const other = await addSecret(server, app, 'second', m.old, { description: m.oldDesc });
    expectOk(await sCall(server, 'SetSecretInfo', { application_id: app.id, secret_id: other, secret_value: m.value2, description: m.desc2 }));
    // acknowledged writes are durable (SPEC 14): the bytes are on disk now, in the WAL or the database
    const { files } = await assertAbsent(server.dataDir, m, { expectWal: true });
    if (!ON_POSTGRES) assert.ok(files.some((f) => f === 'coffer.db-shm'), `shared memory file scanned too: ${files.join(', ')}`);
    assert.equal((await secretValue(server, app, { secret_id: id })).secret_value, m.value);
    await stopped(server);
    await assertAbsent(server.dataDir, m);
  });
});

describe('clean stop', () => {
  // The scans above rely on SIGTERM stopping the server cleanly (SPEC 13.1: exit 0, every
  // acknowledged write durable) — also when it arrives the moment the server says it listens.
  test('SIGTERM right after the "listening on" line -> exit status 0', async () => {
    const results = [];
    for (let i = 0; i < 5; i++) {
      const server = await freshServer();
      closeAgent(server);
      results.push(await server.stop({ keepData: true }));
    }
    assert.deepEqual(results, Array(5).fill({ code: 0, signal: null }), JSON.stringify(results));
  });
});

describe('after a crash', () => {
  test('SIGKILL right after acknowledged writes: no plaintext on disk, and the secrets survive', async () => {
    const m = markers();
    const server = await freshServer();
    const app = await newApp(server, 'rest-crash');
    const id = await addSecret(server, app, m.name, m.old, { description: m.oldDesc });
    expectOk(await sCall(server, 'SetSecretInfo', { application_id: app.id, secret_id: id, secret_value: m.value, description: m.desc }));
    closeAgent(server);
    server.proc.kill('SIGKILL');
    const r = await server.exited;
    assert.equal(r.signal, 'SIGKILL');

    await assertAbsent(server.dataDir, m, { expectWal: true });

    const again = await pool.serve(server.dataDir);
    const item = await secretValue(again, app, { secret_id: id });
    assert.equal(item.secret_value, m.value, 'an acknowledged update survives a crash');
    assert.equal(item.description, m.desc);
    await stopped(again);
    await assertAbsent(server.dataDir, m);
  });
});

describe('no secret in the server output', () => {
  test('a full request flow at --log-level trace: no value or description in stdout/stderr', async () => {
    const m = markers();
    const server = await freshServer(['--log-level', 'trace']);
    const app = await newApp(server, 'rest-logs');
    const responses = [];
    const keep = (res) => {
      responses.push(res);
      return res;
    };

    // add, list, read, update, read, delete — every method, both identifications
    const id = await addSecret(server, app, m.name, m.value, { description: m.desc });
    keep(await sCall(server, 'GetSecrets', { application_id: app.id }));
    keep(await sCall(server, 'GetSecrets', { application_id: app.id, secret_name_part: m.name.slice(4, 20) }));
    const got = await secretValue(server, app, { secret_id: id });
    assert.equal(got.secret_value, m.value);
    await secretValue(server, app, { secret_name: m.name }, { form: 'query' });
    await secretValue(server, app, { secret_name: m.name }, { form: 'multipart' });
    keep(await sCall(server, 'SetSecretInfo', { application_id: app.id, secret_id: id, secret_value: m.value2, description: m.desc2 }));
    keep(await sCall(server, 'SetSecretInfo', { application_id: app.id, secret_name: m.name, secret_value: m.value2 }, { form: 'query' }));
    assert.equal((await secretValue(server, app, { secret_id: id })).secret_value, m.value2);

    // failing requests that carry the markers
    responses.push(await sCall(server, 'AddSecret', { application_id: app.id, secret_name: m.name, secret_value: m.value, description: m.desc }));
    expectError(responses.at(-1), 493);
    const tooLong = `${m.value}${'z'.repeat(8192)}`;
    responses.push(await sCall(server, 'AddSecret', { application_id: app.id, secret_name: 'too_long', secret_value: tooLong, description: m.desc }, { form: 'query' }));
    expectError(responses.at(-1), 477);
    const taken = await addSecret(server, app, 'taken', 'plain');
    responses.push(await sCall(server, 'SetSecretInfo', { application_id: app.id, secret_id: taken, new_secret_name: m.name, secret_value: m.value, description: m.desc }));
    expectError(responses.at(-1), 493);
    responses.push(await sCall(server, 'AddSecret', { application_id: app.id, secret_name: `1${m.value.slice(0, 20)}`, secret_value: m.value }));
    expectError(responses.at(-1), 496);
    responses.push(await sCall(server, 'AddSecret', { application_id: 987654, secret_name: 'x', secret_value: m.value, description: m.desc }));
    expectError(responses.at(-1), 116);

    const listing = await listSecrets(server, app);
    assert.equal(listing.total_count, 2);
    keep(await sCall(server, 'DelSecret', { application_id: app.id, secret_id: 'all' }));
    await stopped(server);

    // listings may show descriptions (that is what they are for), never values; errors show neither
    const values = [m.value, m.value2, m.old];
    for (const res of responses) {
      const forbidden = res.body && res.body.error ? secretsOf(m) : values;
      for (const secret of forbidden) {
        assert.ok(!res.text.includes(secret), `an answer contains a secret: ${res.text.slice(0, 300)}`);
      }
    }
    const output = `${server.output.stdout}\n${server.output.stderr}`;
    for (const secret of secretsOf(m)) {
      assert.ok(!output.includes(secret), `server output contains a secret value or description:\n${output}`);
      // nor any recognisable piece of it
      assert.ok(!output.includes(secret.slice(-32)), 'server output contains part of a secret');
    }
    // control: trace level does log each request, so the check above is not vacuous
    for (const method of ['AddSecret', 'GetSecrets', 'GetSecretValue', 'SetSecretInfo', 'DelSecret']) {
      assert.ok(output.includes(method), `expected the trace log to mention ${method} requests:\n${output}`);
    }
    // every secret was deleted, so the name need not be on disk any more: no control here
    await assertAbsent(server.dataDir, m, { control: false });
    assert.ok(listFiles(server.dataDir).length > 0);
  });
});
