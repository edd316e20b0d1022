// The official Node client (@voximplant/apiclient-nodejs 4.11.0) against a real Coffer server over
// HTTPS. The client runs in a child process (client_flow.mjs, started by lib/flow_runner.mjs) with
// NODE_EXTRA_CA_CERTS pointing at the server's self-signed certificate, since Node reads that
// variable only at start.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../integration/lib/harness.mjs';
import { assertClientInstalled, rawErrorBody, runFlow, stepsByName, succeededValue } from './lib/flow_runner.mjs';

let server;
let steps; // name -> recorded step
before(async () => {
  assertClientInstalled();
  server = await startServer();
  const out = await runFlow('client_flow.mjs', `127.0.0.1:${server.port}`, server.credsPath, server.certPath);
  steps = stepsByName(out);
});
after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
});

/** The decoded value of a step that must have resolved. */
const value = (name) => succeededValue(steps, name);

const expectRawError = (name, code) => rawErrorBody(steps, name, code);

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
  const renamed = value('get after set');
  assert.deepEqual(
    renamed.result.map(({ modified, ...rest }) => rest),
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
