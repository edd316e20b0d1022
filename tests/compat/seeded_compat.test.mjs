// SPEC 17: an emulator started with `serve --emulator --seed FILE` answers the official Node
// client's calls for the seeded data, as a project's test suite would make them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, removeDir, startServer } from '../integration/lib/harness.mjs';
import { assertClientInstalled, runFlow, stepsByName, succeededValue } from './lib/flow_runner.mjs';

const dir = makeTempDir('coffer-seeded-');
const seed = {
  applications: [
    {
      name: 'ivr',
      secrets: [{ name: 'twilioToken', value: 'tok-123', description: 'outbound SMS' }, { name: 'other', value: 'x' }],
      items: [
        { key: 'greeting:en', value: 'Hello!', ttl: 3600 },
        { key: 'greeting:ru', value: 'Здравствуйте!' },
      ],
    },
    { name: 'billing', secrets: [{ name: 'stripeKey', value: 'sk_test_1' }] },
  ],
};

let server;
let steps;
before(async () => {
  assertClientInstalled();
  const seedFile = path.join(dir, 'seed.json');
  fs.writeFileSync(seedFile, JSON.stringify(seed));
  server = await startServer({ args: ['--emulator', '--seed', seedFile] });
  steps = stepsByName(await runFlow('seeded_client_flow.mjs', `127.0.0.1:${server.port}`, server.credsPath, server.certPath));
});
after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
  removeDir(dir);
});

test('the seeded applications are listed', () => {
  const apps = succeededValue(steps, 'applications');
  assert.deepEqual(apps.result.map((a) => a.applicationName).sort(),
    ['billing.dev.voximplant.com', 'ivr.dev.voximplant.com']);
});

test('the seeded secrets are listed and open', () => {
  const listed = succeededValue(steps, 'secrets');
  assert.equal(listed.totalCount, 2);
  assert.deepEqual(listed.result.map((s) => s.secretName), ['twilioToken', 'other']);
  assert.equal(listed.result[0].description, 'outbound SMS');
  const value = succeededValue(steps, 'secret value');
  assert.equal(value.result[0].secretValue, 'tok-123');
  assert.equal(succeededValue(steps, 'second application').result[0].secretValue, 'sk_test_1');
});

test('the seeded items are there with their lifetimes', () => {
  const en = succeededValue(steps, 'item');
  assert.equal(en.result.value, 'Hello!');
  const ru = succeededValue(steps, 'item by full name');
  assert.equal(ru.result.value, 'Здравствуйте!');
  assert.ok(ru.result.expiresAt - en.result.expiresAt > 2592000 - 3600 - 5, 'the default lifetime is 30 days');
});
