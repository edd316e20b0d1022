// The official Node client (@voximplant/apiclient-nodejs 4.11.0) against a real Coffer server over
// HTTPS for the key-value methods it can decode: setKeyValueItem, getKeyValueItem,
// delKeyValueItem (SPEC 6.2-6.4, 11: expires_at decoded as expiresAt, errors as the raw body).
// GetKeyValueItems and GetKeyValueKeys answer arrays the client cannot decode (SPEC 6.6), so they
// are checked over raw HTTPS. The client runs in a child process (kv_client_flow.mjs) started with
// NODE_EXTRA_CA_CERTS pointing at the server's self-signed certificate.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { startServer } from '../integration/lib/harness.mjs';
import { expectOk } from '../integration/lib/api.mjs';
import { DEFAULT_TTL, MAX_TTL, closeKvAgent, kvCall } from '../integration/lib/kv.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CLIENT_DIR = here('./node_modules/@voximplant/apiclient-nodejs/');

let server;
let flow; // {applicationId, expiresAt, steps}
let steps; // name -> step
before(async () => {
  if (!fs.existsSync(CLIENT_DIR)) {
    throw new Error('the official client is not installed: run `npm ci` in tests/compat');
  }
  const version = JSON.parse(fs.readFileSync(`${CLIENT_DIR}package.json`, 'utf8')).version;
  assert.equal(version, '4.11.0', 'the pinned client version');
  server = await startServer();
  flow = await runFlow(`127.0.0.1:${server.port}`, server.credsPath, server.certPath);
  steps = Object.fromEntries(flow.steps.map((s) => [s.name, s]));
});
after(async () => {
  if (server) {
    closeKvAgent(server);
    assert.equal((await server.stop()).code, 0);
  }
});

function runFlow(host, credsPath, certPath) {
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certPath };
  delete env.VOXIMPLANT_CREDENTIALS; // the client would prefer it to the path given
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here('./kv_client_flow.mjs'), host, credsPath], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (d) => (out.stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (out.stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      if (code !== 0) {
        reject(new Error(`kv_client_flow.mjs exited ${code}\nstderr:\n${out.stderr}\nstdout:\n${out.stdout}`));
        return;
      }
      try {
        resolve(JSON.parse(out.stdout));
      } catch (err) {
        reject(new Error(`kv_client_flow.mjs printed no JSON (${err.message})\n${out.stdout}\n${out.stderr}`));
      }
    });
  });
}

/** The step `name`, which must have resolved. */
function resolved(name) {
  const s = steps[name];
  assert.ok(s, `step ${name} did not run`);
  assert.ok(!('threw' in s), `step ${name} threw: ${s.threw} (HTTP ${s.status}) ${JSON.stringify(s.data)}`);
  return s;
}
const value = (name) => resolved(name).value;

/** A decoded item {result: {key, value, expiresAt}} whose expiresAt is the step's now + delta. */
function expectItem(name, key, itemValue, delta, slack = 1) {
  const s = resolved(name);
  assert.deepEqual(Object.keys(s.value), ['result'], `${name}: ${JSON.stringify(s.value)}`);
  const { expiresAt } = s.value.result;
  assert.deepEqual(s.value, { result: { key, value: itemValue, expiresAt } }, name);
  assert.ok(Number.isInteger(expiresAt), `${name}: expiresAt ${expiresAt}`);
  if (delta !== undefined) {
    assert.ok(
      expiresAt >= s.t0 + delta - slack && expiresAt <= s.t1 + delta + slack,
      `${name}: expiresAt ${expiresAt} should be now + ${delta} (now in [${s.t0}, ${s.t1}])`,
    );
  }
  return s.value;
}

/** A step that resolved to the raw error body the client passes through (SPEC 11). */
function expectRawError(name, code, msg) {
  const v = value(name);
  assert.ok(v && v.error, `step ${name} should be an error, got ${JSON.stringify(v)}`);
  assert.deepEqual(Object.keys(v).sort(), ['error', 'errors'], name);
  assert.equal(v.error.code, code, `${name}: ${JSON.stringify(v)}`);
  assert.equal(typeof v.error.msg, 'string');
  if (msg !== undefined) assert.equal(v.error.msg, msg, name);
  assert.deepEqual(v.errors, [v.error], name);
}

test('the flow created its application', () => {
  assert.ok(Number.isInteger(flow.applicationId) && flow.applicationId > 0);
});

test('setKeyValueItem decodes the stored item, expires_at as expiresAt', () => {
  expectItem('set ttl', 'order:1', '+15551234567', 864000);
  expectItem('set default', 'ключ:1', 'значение', DEFAULT_TTL, 2);
  const byName = expectItem('set expiresAt by name', 'a+b', '');
  assert.equal(byName.result.expiresAt, flow.expiresAt);
  expectItem('set ttl above max', 'order:2', 'v2', MAX_TTL);
  expectItem('set ttl 0', 'order:0', 'gone', 0);
  expectItem('set upsert', 'order:2', 'v2 again', 60);
});

test('getKeyValueItem decodes the same items', () => {
  assert.deepEqual(value('get'), value('set ttl'));
  assert.deepEqual(value('get by full name'), value('set expiresAt by name'));
  assert.deepEqual(value('get cyrillic'), value('set default'));
  assert.deepEqual(value('get upserted'), value('set upsert'));
});

test('errors come back as the raw error body', () => {
  expectRawError('get missing', 496, "The 'key' parameter is invalid.");
  expectRawError('get expired', 496, "The 'key' parameter is invalid.");
  expectRawError('get deleted', 496, "The 'key' parameter is invalid.");
  expectRawError('set negative ttl', 497, 'ttl should be in range of 0..7776000');
  expectRawError('set both', 458);
  expectRawError('set bad key', 496);
  expectRawError('set unknown app', 116);
});

test('delKeyValueItem decodes 1, then 0', () => {
  assert.deepEqual(value('del'), { result: 1 });
  assert.deepEqual(value('del again'), { result: 0 });
  assert.deepEqual(value('del by name'), { result: 1 });
});

test('the client cannot decode the list methods\' arrays (SPEC 6.6 limitation)', () => {
  // It maps the array through its single-object transformer and returns an empty object.
  assert.deepEqual(value('items via client'), { result: {} });
  assert.deepEqual(value('keys via client'), { result: {} });
});

test('raw HTTPS: GetKeyValueItems and GetKeyValueKeys answer arrays of what the client stored', async () => {
  const A = { application_id: flow.applicationId };
  const defaultItem = value('set default').result;
  const keys = expectOk(await kvCall(server, 'GetKeyValueKeys', A, { form: 'json' }));
  assert.deepEqual(keys, {
    result: [
      { key: 'a+b', expires_at: flow.expiresAt },
      { key: 'ключ:1', expires_at: defaultItem.expiresAt },
    ],
  });
  const items = expectOk(await kvCall(server, 'GetKeyValueItems', { ...A, key: 'ключ' }, { form: 'multipart' }));
  assert.deepEqual(items, { result: [{ key: 'ключ:1', value: 'значение', expires_at: defaultItem.expiresAt }] });
  const plus = expectOk(await kvCall(server, 'GetKeyValueItems', { ...A, key: 'a+', count: 50 }));
  assert.deepEqual(plus, { result: [{ key: 'a+b', value: '', expires_at: flow.expiresAt }] });
  assert.deepEqual(expectOk(await kvCall(server, 'GetKeyValueItems', { ...A, key: 'order' })), { result: [] });
  assert.deepEqual(expectOk(await kvCall(server, 'GetKeyValueKeys', { ...A, key: 'order' }, { form: 'query' })), { result: [] });
});
