// Reads the applications a seeded emulator was started with (seeded_compat.test.mjs) through the
// official Node client, as a test suite of a voice application would, and prints every decoded
// result (see lib/client_steps.mjs).
// Usage: node seeded_client_flow.mjs HOST:PORT CREDENTIALS_FILE
import { printSteps, readyClient, step } from './lib/client_steps.mjs';

const client = await readyClient();
const { Applications: apps, Secrets: secrets, KeyValueStorage: kv } = client;

await step('applications', () => apps.getApplications({}));
await step('secrets', () => secrets.getSecrets({ applicationName: 'ivr' }));
await step('secret value', () => secrets.getSecretValue({ applicationName: 'ivr', secretName: 'twilioToken' }));
await step('item', () => kv.getKeyValueItem({ applicationName: 'ivr', key: 'greeting:en' }));
await step('item by full name', () =>
  kv.getKeyValueItem({ applicationName: 'ivr.dev.voximplant.com', key: 'greeting:ru' }));
await step('second application', () => secrets.getSecretValue({ applicationName: 'billing', secretName: 'stripeKey' }));
printSteps();
