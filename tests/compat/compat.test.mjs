// The official Node client (@voximplant/apiclient-nodejs 4.11.0) against a real Coffer server over
// HTTPS. The client runs in a child process (client_flow.mjs) started with NODE_EXTRA_CA_CERTS
// pointing at the server's self-signed certificate, since Node reads that variable only at start.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { startServer } from '../integration/lib/harness.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CLIENT_DIR = here('./node_modules/@voximplant/apiclient-nodejs/');

let server;
let steps; // name -> recorded step
before(async () => {
  if (!fs.existsSync(CLIENT_DIR)) {
    throw new Error('the official client is not installed: run `npm ci` in tests/compat');
  }
  const installed = JSON.parse(fs.readFileSync(`${CLIENT_DIR}package.json`, 'utf8')).version;
  assert.equal(installed, '4.11.0', 'the pinned client version');
  server = await startServer();
  const out = await runClient(`127.0.0.1:${server.port}`, server.credsPath, server.certPath);
  steps = Object.fromEntries(out.steps.map((s) => [s.name, s]));
});
after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
});

function runClient(host, credsPath, certPath) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: certPath };
    delete env.VOXIMPLANT_CREDENTIALS; // the client would prefer it over the path given
    const child = spawn(process.execPath, [here('./client_flow.mjs'), host, credsPath], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`client_flow.mjs exited ${code}\nstderr:\n${stderr}\nstdout:\n${stdout}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch (err) {
        reject(new Error(`client_flow.mjs printed no JSON: ${err.message}\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** The decoded value of a step that must have resolved. */
function value(name) {
  const s = steps[name];
  assert.ok(s, `step ${name} did not run`);
  assert.ok(!('threw' in s), `step ${name} threw: ${s.threw} (HTTP ${s.status}) ${JSON.stringify(s.data)}`);
  return s.value;
}

/** Asserts a step resolved to the raw error body the client passes through (SPEC 11). */
function expectRawError(name, code) {
  const v = value(name);
  assert.ok(v && v.error, `step ${name} should be an error, got ${JSON.stringify(v)}`);
  assert.deepEqual(Object.keys(v).sort(), ['error', 'errors']);
  assert.equal(v.error.code, code, `step ${name}: ${JSON.stringify(v)}`);
  assert.equal(typeof v.error.msg, 'string');
  assert.deepEqual(v.errors, [v.error]);
}

const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const full = (short) => `${short}.dev.voximplant.com`;

test('addApplication decodes to camel-case members', () => {
  const one = value('add one');
  assert.ok(Number.isInteger(one.applicationId));
  assert.deepEqual(one, {
    result: 1,
    applicationId: one.applicationId,
    applicationName: full('compat-one'),
    secureRecordStorage: false,
  });
  const two = value('add two');
  assert.deepEqual(two, {
    result: 1,
    applicationId: two.applicationId,
    applicationName: full('compat-two'),
    secureRecordStorage: true,
  });
  assert.ok(two.applicationId > one.applicationId);
});

test('getApplications decodes lists, totals and items', () => {
  const id1 = value('add one').applicationId;
  const id2 = value('add two').applicationId;
  const all = value('get all');
  assert.deepEqual(Object.keys(all).sort(), ['count', 'result', 'totalCount']);
  assert.equal(all.totalCount, 2);
  assert.equal(all.count, 2);
  assert.equal(all.result.length, 2);
  for (const item of all.result) {
    assert.deepEqual(Object.keys(item).sort(), ['applicationId', 'applicationName', 'modified', 'secureRecordStorage']);
    assert.match(item.modified, TS, 'modified stays a string');
  }
  assert.deepEqual(
    all.result.map(({ modified, ...rest }) => rest),
    [
      { applicationId: id1, applicationName: full('compat-one'), secureRecordStorage: false },
      { applicationId: id2, applicationName: full('compat-two'), secureRecordStorage: true },
    ],
  );
  const byName = value('get by name');
  assert.deepEqual(byName.result.map((a) => a.applicationId), [id2]);
  assert.equal(byName.totalCount, 1);
  assert.equal(byName.count, 1);
  const page = value('get page');
  assert.deepEqual(page.result.map((a) => a.applicationId), [id2]);
  assert.equal(page.totalCount, 2);
  assert.equal(page.count, 1);
  const byId = value('get by id');
  assert.deepEqual(byId.result.map((a) => a.applicationId), [id1]);
});

test('setApplicationInfo renames and changes secure_record_storage', () => {
  const id1 = value('add one').applicationId;
  const id2 = value('add two').applicationId;
  assert.deepEqual(value('rename by id'), { result: 1, applicationName: full('compat-uno'), secureRecordStorage: false });
  assert.deepEqual(value('set by name'), { result: 1, applicationName: full('compat-two'), secureRecordStorage: false });
  const after = value('get after set');
  assert.deepEqual(
    after.result.map(({ modified, ...rest }) => rest),
    [
      { applicationId: id1, applicationName: full('compat-uno'), secureRecordStorage: false },
      { applicationId: id2, applicationName: full('compat-two'), secureRecordStorage: false },
    ],
  );
});

test('errors come back as the raw error body', () => {
  expectRawError('add duplicate', 129);
  expectRawError('add bad name', 107);
  expectRawError('set unknown id', 116);
  expectRawError('del unknown name', 558);
});

test('delApplication with id arrays, joined name lists and all', () => {
  assert.deepEqual(value('del id list'), { result: 1 });
  assert.deepEqual(value('get empty'), { result: [], totalCount: 0, count: 0 });
  value('add p');
  value('add q');
  assert.deepEqual(value('del name list'), { result: 1 });
  value('add r');
  assert.deepEqual(value('del all'), { result: 1 });
  assert.deepEqual(value('get after all'), { result: [], totalCount: 0, count: 0 });
});
