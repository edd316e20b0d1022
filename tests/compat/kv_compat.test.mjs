// The official Node client (@voximplant/apiclient-nodejs 4.11.0) against a real Coffer server over
// HTTPS for the key-value methods it can decode: setKeyValueItem, getKeyValueItem,
// delKeyValueItem (SPEC 6.2-6.4, 11: expires_at decoded as expiresAt, errors as the raw body).
// GetKeyValueItems and GetKeyValueKeys answer arrays the client cannot decode (SPEC 6.6), so they
// are checked over raw HTTPS. The client runs in a child process (kv_client_flow.mjs, started by
// lib/flow_runner.mjs) with NODE_EXTRA_CA_CERTS pointing at the server's self-signed certificate.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../integration/lib/harness.mjs';
import { expectOk } from '../integration/lib/api.mjs';
import { DEFAULT_TTL, MAX_TTL, closeKvAgent, kvCall } from '../integration/lib/kv.mjs';
import { assertClientInstalled, rawErrorBody, resolvedStep, runFlow, stepsByName, succeededValue } from './lib/flow_runner.mjs';

let server;
let flow; // {applicationId, expiresAt, steps}
let steps; // name -> step
before(async () => {
  assertClientInstalled();
  server = await startServer();
  flow = await runFlow('kv_client_flow.mjs', `127.0.0.1:${server.port}`, server.credsPath, server.certPath);
  steps = stepsByName(flow);
});
after(async () => {
  if (server) {
    closeKvAgent(server);
    assert.equal((await server.stop()).code, 0);
  }
});

/** The step `name` (with the clock t0/t1 around its call), which must have resolved. */
const resolved = (name) => resolvedStep(steps, name);
const value = (name) => succeededValue(steps, name);

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

const expectRawError = (name, code, msg) => rawErrorBody(steps, name, code, { msg });

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
