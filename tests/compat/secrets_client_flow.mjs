// Runs a fixed sequence of Secrets calls (SPEC 7) through the official Node client and prints every
// decoded result as one JSON document on stdout: {times: {label: ms}, ids: {id1, ...},
// steps: [{name, value, t0, t1} | {name, threw, ..., t0, t1}]} (see lib/client_steps.mjs).
// Started by secrets_compat.test.mjs in a child process whose NODE_EXTRA_CA_CERTS trusts the
// server's certificate (Node reads it only at start-up).
// Usage: node secrets_client_flow.mjs HOST:PORT CREDENTIALS_FILE
import { printSteps, readyClient, step } from './lib/client_steps.mjs';

const client = await readyClient();
const times = {}; // label -> Date.now(), to bound the created/modified the server writes

const firstId = (v) => (v && Array.isArray(v.result) && v.result[0] ? v.result[0].secretId : undefined);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SHORT = 'sec-compat';
const FULL = `${SHORT}.dev.voximplant.com`;
const { Applications: apps, Secrets: secrets } = client;

const app = await step('add application', () => apps.addApplication({ applicationName: SHORT }));
const applicationId = app && app.applicationId;

times.beforeAdd = Date.now();
const id1 = firstId(
  await step('add by id', () =>
    secrets.addSecret({ applicationId, secretName: 'apiKeyProd', secretValue: 'secret123', description: 'Production API key' })),
);
const id2 = firstId(
  await step('add by short name', () =>
    secrets.addSecret({ applicationName: SHORT, secretName: 'dbPassword', secretValue: 'пароль 😀' })),
);
const id3 = firstId(
  await step('add by full name', () =>
    secrets.addSecret({ applicationName: FULL, secretName: 'Key_three', secretValue: 'v3', description: 'to be cleared' })),
);
times.afterAdd = Date.now();
await step('add duplicate', () => secrets.addSecret({ applicationId, secretName: 'apiKeyProd', secretValue: 'other' }));
await step('add bad name', () => secrets.addSecret({ applicationId, secretName: '1bad', secretValue: 'x' }));
await step('add too long', () => secrets.addSecret({ applicationId, secretName: 'too_long', secretValue: 'Ж'.repeat(8193) }));

await step('list all', () => secrets.getSecrets({ applicationId }));
await step('list part', () => secrets.getSecrets({ applicationId, secretNamePart: 'PROD' }));
await step('list page', () => secrets.getSecrets({ applicationId, count: 1, offset: 1 }));
await step('list by name', () => secrets.getSecrets({ applicationName: SHORT, count: 2 }));
await step('list bad count', () => secrets.getSecrets({ applicationId, count: 1001 }));

await step('value by id', () => secrets.getSecretValue({ applicationId, secretId: id1 }));
await step('value by name', () => secrets.getSecretValue({ applicationName: SHORT, secretName: 'dbPassword' }));
await step('value unknown', () => secrets.getSecretValue({ applicationId, secretId: 987654 }));
await step('value no secret', () => secrets.getSecretValue({ applicationId }));

await sleep(1100); // so that modified differs from created after an update
times.beforeSet = Date.now();
await step('set value and description', () =>
  secrets.setSecretInfo({ applicationId, secretId: id1, secretValue: 's3cr3tP@ssw0rd2024!', description: 'Updated API key' }));
await step('set rename by name', () => secrets.setSecretInfo({ applicationId, secretName: 'dbPassword', newSecretName: 'dbPass' }));
await step('set clear description', () => secrets.setSecretInfo({ applicationId, secretId: id3, description: '' }));
await step('set nothing', () => secrets.setSecretInfo({ applicationId, secretId: id2 }));
times.afterSet = Date.now();
await step('set taken name', () =>
  secrets.setSecretInfo({ applicationId, secretId: id3, newSecretName: 'apiKeyProd', secretValue: 'not applied' }));

await step('value after set', () => secrets.getSecretValue({ applicationId, secretId: id1 }));
await step('value renamed', () => secrets.getSecretValue({ applicationId, secretName: 'dbPass' }));
await step('value cleared', () => secrets.getSecretValue({ applicationId, secretId: id3 }));
await step('list after set', () => secrets.getSecrets({ applicationId }));

await step('del id list', () => secrets.delSecret({ applicationId, secretId: [id2, id3] }));
await step('list after del ids', () => secrets.getSecrets({ applicationId }));
const idA = firstId(await step('add a', () => secrets.addSecret({ applicationId, secretName: 'a', secretValue: '1' })));
const idB = firstId(await step('add b', () => secrets.addSecret({ applicationId, secretName: 'b', secretValue: '2' })));
await step('del unknown', () => secrets.delSecret({ applicationId, secretName: 'a;nope' }));
await step('del any', () => secrets.delSecret({ applicationId, secretId: 'any' }));
await step('del name list', () => secrets.delSecret({ applicationId, secretName: 'a;b' }));
await step('list after del names', () => secrets.getSecrets({ applicationId }));
await step('add c', () => secrets.addSecret({ applicationId, secretName: 'c', secretValue: '3' }));
await step('del all', () => secrets.delSecret({ applicationId, secretId: 'all' }));
await step('list empty', () => secrets.getSecrets({ applicationId }));
await step('del all empty', () => secrets.delSecret({ applicationName: SHORT, secretId: 'all' }));

printSteps({ times, ids: { id1, id2, id3, idA, idB } });
