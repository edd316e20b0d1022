// Runs a fixed sequence of key-value calls through the official Node client and prints every
// decoded result, with the client's clock before and after each call, as one JSON document on
// stdout. Started by kv_compat.test.mjs in a child process whose NODE_EXTRA_CA_CERTS trusts the
// server's certificate (Node reads it only at start-up).
// Usage: node kv_client_flow.mjs HOST:PORT CREDENTIALS_FILE
import { nowSeconds, printSteps, readyClient, step } from './lib/client_steps.mjs';

const client = await readyClient();
const kv = client.KeyValueStorage;

const app = await step('add app', () => client.Applications.addApplication({ applicationName: 'compat-kv' }));
const applicationId = app && app.applicationId;
const expiresAt = nowSeconds() + 3600;

await step('set ttl', () => kv.setKeyValueItem({ applicationId, key: 'order:1', value: '+15551234567', ttl: 864000 }));
await step('set default', () => kv.setKeyValueItem({ applicationId, key: 'ключ:1', value: 'значение' }));
await step('set expiresAt by name', () =>
  kv.setKeyValueItem({ applicationName: 'compat-kv', key: 'a+b', value: '', expiresAt }));
await step('set ttl above max', () => kv.setKeyValueItem({ applicationId, key: 'order:2', value: 'v2', ttl: 99999999 }));
await step('set ttl 0', () => kv.setKeyValueItem({ applicationId, key: 'order:0', value: 'gone', ttl: 0 }));
await step('set upsert', () => kv.setKeyValueItem({ applicationId, key: 'order:2', value: 'v2 again', ttl: 60 }));
await step('get', () => kv.getKeyValueItem({ applicationId, key: 'order:1' }));
await step('get by full name', () =>
  kv.getKeyValueItem({ applicationName: 'compat-kv.dev.voximplant.com', key: 'a+b' }));
await step('get cyrillic', () => kv.getKeyValueItem({ applicationId, key: 'ключ:1' }));
await step('get upserted', () => kv.getKeyValueItem({ applicationId, key: 'order:2' }));
await step('get missing', () => kv.getKeyValueItem({ applicationId, key: 'order:404' }));
await step('get expired', () => kv.getKeyValueItem({ applicationId, key: 'order:0' }));
await step('set negative ttl', () => kv.setKeyValueItem({ applicationId, key: 'bad', value: 'v', ttl: -1 }));
await step('set both', () => kv.setKeyValueItem({ applicationId, key: 'bad', value: 'v', ttl: 5, expiresAt }));
await step('set bad key', () => kv.setKeyValueItem({ applicationId, key: 'bad key', value: 'v' }));
await step('set unknown app', () => kv.setKeyValueItem({ applicationId: 987654, key: 'k', value: 'v' }));
await step('del', () => kv.delKeyValueItem({ applicationId, key: 'order:1' }));
await step('del again', () => kv.delKeyValueItem({ applicationId, key: 'order:1' }));
await step('get deleted', () => kv.getKeyValueItem({ applicationId, key: 'order:1' }));
await step('del by name', () => kv.delKeyValueItem({ applicationName: 'compat-kv', key: 'order:2' }));
// The client types these results as one object (SPEC 6.6); recorded to document the limitation.
await step('items via client', () => kv.getKeyValueItems({ applicationId, key: 'a' }));
await step('keys via client', () => kv.getKeyValueKeys({ applicationId }));

printSteps({ applicationId, expiresAt });
