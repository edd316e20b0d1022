// SPEC 16 export and import: `coffer export` seals one application's secrets under a
// passphrase in a JSON-lines file; `coffer import` loads it (or reads another server through
// /platform_api with --from-url) into an application of another server, all or nothing. A wrong
// passphrase, a truncated or edited file and a name that exists each get one line and change
// nothing. Runs on both backends.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir, removeDir, startServer } from './lib/harness.mjs';
import { call, expectOk } from './lib/api.mjs';
import { marker } from './lib/secrets.mjs';

const dir = makeTempDir('coffer-transfer-');
const passphraseFile = path.join(dir, 'passphrase');
const wrongPassphraseFile = path.join(dir, 'wrong-passphrase');
fs.writeFileSync(passphraseFile, 'correct horse battery staple\n', { mode: 0o600 });
fs.writeFileSync(wrongPassphraseFile, 'correct horse battery stapler\n', { mode: 0o600 });

const secretValues = {
  db_password: marker('EXPORT-SECRET-DB-', 48),
  Api_Key2: `${marker('EXPORT-SECRET-API-', 40)} +&=%ü`,
};
const description = marker('EXPORT-DESCRIPTION-', 40);
const items = [
  { key: 'order:1', value: '+15551234567 & more', ttl: 3600 },
  { key: 'ключ-1', value: 'значение', ttl: 86400 },
  { key: 'empty', value: '', ttl: 600 },
];

let source;
let target;
let sourceApp;
let exportFile;

async function appNamed(server, short) {
  const apps = expectOk(await call(server, 'GetApplications', {}));
  return apps.result.find((a) => a.application_name.startsWith(`${short}.`));
}

// Everything an application holds, as the API answers it.
async function contents(server, short) {
  const listed = expectOk(await call(server, 'GetSecrets', { application_name: short, count: 1000 }));
  const secrets = {};
  for (const s of listed.result) {
    const value = expectOk(await call(server, 'GetSecretValue', { application_name: short, secret_id: s.secret_id }));
    secrets[s.secret_name] = {
      value: value.result[0].secret_value,
      description: s.description,
      created: s.created,
      modified: s.modified,
    };
  }
  const keys = expectOk(await call(server, 'GetKeyValueKeys', { application_name: short, count: 50 }));
  const kv = {};
  for (const { key } of keys.result) {
    const item = expectOk(await call(server, 'GetKeyValueItem', { application_name: short, key }));
    kv[key] = { value: item.result.value, expires_at: item.result.expires_at };
  }
  return { secrets, kv };
}

async function coffer(server, words) {
  return server.cofferRaw(words);
}

async function auditRecords(server) {
  const listed = await server.cofferRaw(['audit', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  return listed.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

before(async () => {
  source = await startServer();
  target = await startServer();
  const added = expectOk(await call(source, 'AddApplication', { application_name: 'source' }));
  sourceApp = added.application_id;
  expectOk(await call(source, 'AddSecret', {
    application_id: sourceApp, secret_name: 'db_password', secret_value: secretValues.db_password, description,
  }));
  expectOk(await call(source, 'AddSecret', {
    application_id: sourceApp, secret_name: 'Api_Key2', secret_value: secretValues.Api_Key2,
  }));
  for (const item of items) expectOk(await call(source, 'SetKeyValueItem', { application_id: sourceApp, ...item }));
  // An expired item is not exported.
  expectOk(await call(source, 'SetKeyValueItem', { application_id: sourceApp, key: 'gone', value: 'x', ttl: 0 }));
  exportFile = path.join(dir, 'source.export');
});

after(async () => {
  if (source) await source.stop();
  if (target) await target.stop();
  removeDir(dir);
});

describe('export and import through a file', () => {
  test('export writes a 0600 file with secrets sealed and records the export', async () => {
    const exported = await coffer(source, ['export', '--account', String(source.creds.account_id),
      '--application', 'source', '--out', exportFile, '--passphrase-file', passphraseFile]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.deepEqual(exported.json, { application: 'source', secrets: 2, items: 3, out: exportFile });
    assert.equal(fs.statSync(exportFile).mode & 0o777, 0o600);
    const text = fs.readFileSync(exportFile, 'utf8');
    for (const value of Object.values(secretValues)) assert.ok(!text.includes(value), 'values are sealed');
    assert.ok(!text.includes(description), 'descriptions are sealed');
    assert.ok(!text.includes(secretValues.db_password.slice(0, 20)));
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].format, 'coffer-export');
    assert.equal(lines[0].kdf.name, 'scrypt');
    assert.equal(lines.length, 1 + 2 + 3 + 1);
    assert.deepEqual(Object.keys(lines.at(-1)), ['end']);

    const again = await coffer(source, ['export', '--account', String(source.creds.account_id),
      '--application', 'source', '--out', exportFile, '--passphrase-file', passphraseFile]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);

    const records = await auditRecords(source);
    const record = records.find((r) => r.method === 'export');
    assert.ok(record, 'the export is in the audit log');
    assert.equal(record.key_id, 'operator');
    assert.equal(record.application_id, sourceApp);
    assert.deepEqual(record.secrets, ['id:all']);
  });

  test('import into another server holds the same secrets and items', async () => {
    const imported = await coffer(target, ['import', '--account', String(target.creds.account_id),
      '--application', 'copy', '--from', exportFile, '--passphrase-file', passphraseFile]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.json.created_application, true);
    assert.equal(imported.json.secrets_added, 2);
    assert.equal(imported.json.items_added, 3);
    const app = await appNamed(target, 'copy');
    assert.equal(imported.json.application_id, app.application_id);
    assert.deepEqual(await contents(target, 'copy'), await contents(source, 'source'));
    const records = await auditRecords(target);
    const record = records.find((r) => r.method === 'import');
    assert.ok(record, 'the import is in the audit log');
    assert.deepEqual(record.named, ['application_name:copy']);
  });

  test('a wrong passphrase, a truncated file and an edited file change nothing', async () => {
    const before = expectOk(await call(target, 'GetApplications', {})).result.length;
    const cases = [
      ['wrong passphrase', exportFile, wrongPassphraseFile, /wrong passphrase/],
    ];
    const text = fs.readFileSync(exportFile, 'utf8');
    const truncated = path.join(dir, 'truncated.export');
    fs.writeFileSync(truncated, text.slice(0, Math.floor(text.length * 0.6)));
    cases.push(['truncated mid-line', truncated, passphraseFile, /truncated/]);
    const cutAtLine = path.join(dir, 'cut-at-line.export');
    fs.writeFileSync(cutAtLine, `${text.trim().split('\n').slice(0, -1).join('\n')}\n`);
    cases.push(['without its end record', cutAtLine, passphraseFile, /truncated/]);
    const edited = path.join(dir, 'edited.export');
    fs.writeFileSync(edited, text.replace('+15551234567', '+15550000000'));
    cases.push(['an edited item', edited, passphraseFile, /changed or damaged/]);
    const notExport = path.join(dir, 'not.export');
    fs.writeFileSync(notExport, '{"hello":1}\n');
    cases.push(['not an export', notExport, passphraseFile, /not a Coffer export/]);
    for (const [what, file, passphrase, message] of cases) {
      const r = await coffer(target, ['import', '--account', String(target.creds.account_id),
        '--application', 'fresh', '--from', file, '--passphrase-file', passphrase]);
      assert.equal(r.code, 1, what);
      assert.match(r.stderr, message, what);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line`);
      assert.ok(!r.stderr.includes(secretValues.db_password), what);
    }
    assert.equal(expectOk(await call(target, 'GetApplications', {})).result.length, before);
    assert.equal(await appNamed(target, 'fresh'), undefined);
  });

  test('names that exist are refused without --replace and overwritten with it', async () => {
    expectOk(await call(target, 'SetSecretInfo', { application_name: 'copy', secret_name: 'db_password', secret_value: 'changed' }));
    expectOk(await call(target, 'SetKeyValueItem', { application_name: 'copy', key: 'order:1', value: 'changed' }));
    expectOk(await call(target, 'SetKeyValueItem', { application_name: 'copy', key: 'local-only', value: 'kept' }));
    const snapshot = await contents(target, 'copy');
    const refused = await coffer(target, ['import', '--account', String(target.creds.account_id),
      '--application', 'copy', '--from', exportFile, '--passphrase-file', passphraseFile]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /secret "db_password" already exists in application copy \(and 4 more\); --replace/);
    assert.deepEqual(await contents(target, 'copy'), snapshot, 'nothing changed');

    const replaced = await coffer(target, ['import', '--account', String(target.creds.account_id),
      '--application', 'copy', '--from', exportFile, '--passphrase-file', passphraseFile, '--replace']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(replaced.json.secrets_replaced, 2);
    assert.equal(replaced.json.items_replaced, 3);
    const now = await contents(target, 'copy');
    assert.equal(now.secrets.db_password.value, secretValues.db_password);
    assert.equal(now.kv['order:1'].value, items[0].value);
    assert.equal(now.kv['local-only'].value, 'kept', 'names not in the export stay');
  });
});

describe('import --from-url', () => {
  test('reads the application through /platform_api of another server', async () => {
    const imported = await coffer(target, ['import', '--account', String(target.creds.account_id),
      '--application', 'mirror', '--source-application', 'source',
      '--from-url', `https://127.0.0.1:${source.port}`, '--credentials', source.credsPath,
      '--ca-file', source.certPath]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.json.secrets_added, 2);
    assert.equal(imported.json.items_added, 3);
    assert.deepEqual(await contents(target, 'mirror'), await contents(source, 'source'));
  });

  test('an untrusted certificate, bad credentials or an unknown application change nothing', async () => {
    const before = expectOk(await call(target, 'GetApplications', {})).result.length;
    const base = ['import', '--account', String(target.creds.account_id), '--application', 'never'];
    const url = `https://127.0.0.1:${source.port}`;
    const untrusted = await coffer(target, [...base, '--from-url', url, '--credentials', source.credsPath]);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /cannot reach .*certificate verify failed/);
    const wrongKey = await coffer(target, [...base, '--source-application', 'source', '--from-url', url,
      '--credentials', target.credsPath, '--ca-file', source.certPath]);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /GetSecrets failed with code 100/);
    const clear = await coffer(target, [...base, '--from-url', 'http://192.0.2.1:8080', '--credentials', source.credsPath]);
    assert.equal(clear.code, 1);
    assert.match(clear.stderr, /refusing to read secrets over plain HTTP from 192\.0\.2\.1/);
    const unknown = await coffer(target, [...base, '--source-application', 'nosuch', '--from-url', url,
      '--credentials', source.credsPath, '--ca-file', source.certPath]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /GetSecrets failed with code/);
    assert.equal(expectOk(await call(target, 'GetApplications', {})).result.length, before);
  });
});

describe('the command line', () => {
  test('refuses a missing source, a short passphrase and a bad application name', async () => {
    const account = String(source.creds.account_id);
    const noSource = await coffer(source, ['import', '--account', account, '--application', 'x']);
    assert.equal(noSource.code, 2);
    assert.match(noSource.stderr, /import needs --from or --from-url/);
    const noPassphrase = await coffer(source, ['import', '--account', account, '--application', 'x', '--from', exportFile]);
    assert.equal(noPassphrase.code, 2);
    assert.match(noPassphrase.stderr, /--from needs --passphrase-file/);
    const both = await coffer(source, ['import', '--account', account, '--application', 'x', '--from', exportFile,
      '--passphrase-file', passphraseFile, '--from-url', 'https://127.0.0.1:1', '--credentials', source.credsPath]);
    assert.equal(both.code, 2);

    const short = path.join(dir, 'short-passphrase');
    fs.writeFileSync(short, 'seven77\n');
    const empty = path.join(dir, 'empty-passphrase');
    fs.writeFileSync(empty, '\n');
    const out = path.join(dir, 'never.export');
    for (const [file, message] of [[short, /shorter than 8 characters/], [empty, /is empty/]]) {
      const r = await coffer(source, ['export', '--account', account, '--application', 'source',
        '--out', out, '--passphrase-file', file]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, message);
      assert.ok(!fs.existsSync(out));
    }
    const badName = await coffer(source, ['export', '--account', account, '--application', 'no such',
      '--out', out, '--passphrase-file', passphraseFile]);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /"no such" is not an application short name/);
    const missing = await coffer(source, ['export', '--account', account, '--application', 'nosuch',
      '--out', out, '--passphrase-file', passphraseFile]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /has no application nosuch/);
    const noAccount = await coffer(source, ['export', '--account', '999', '--application', 'source',
      '--out', out, '--passphrase-file', passphraseFile]);
    assert.equal(noAccount.code, 1);
    assert.match(noAccount.stderr, /account 999 does not exist/);
    assert.ok(!fs.existsSync(out));
  });
});
