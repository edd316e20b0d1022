// Runs a fixed sequence of application calls through the official Node client and prints every
// decoded result as one JSON document on stdout. Started by compat.test.mjs in a child process
// whose NODE_EXTRA_CA_CERTS trusts the server's certificate (Node reads it only at start-up).
// Usage: node client_flow.mjs HOST:PORT CREDENTIALS_FILE
import { printSteps, readyClient, step } from './lib/client_steps.mjs';

const client = await readyClient();
const apps = client.Applications;

const one = await step('add one', () => apps.addApplication({ applicationName: 'compat-one' }));
const two = await step('add two', () => apps.addApplication({ applicationName: 'compat-two', secureRecordStorage: true }));
const id1 = one && one.applicationId;
const id2 = two && two.applicationId;
await step('get all', () => apps.getApplications({}));
await step('get by name', () => apps.getApplications({ applicationName: 'compat-two' }));
await step('get page', () => apps.getApplications({ count: 1, offset: 1 }));
await step('get by id', () => apps.getApplications({ applicationId: id1, withRules: true, withScenarios: false }));
await step('rename by id', () => apps.setApplicationInfo({ applicationId: id1, applicationName: 'compat-uno' }));
await step('set by name', () =>
  apps.setApplicationInfo({ requiredApplicationName: 'compat-two', secureRecordStorage: false }));
await step('get after set', () => apps.getApplications({}));
await step('add duplicate', () => apps.addApplication({ applicationName: 'compat-uno' }));
await step('add bad name', () => apps.addApplication({ applicationName: 'Bad_Name' }));
await step('set unknown id', () => apps.setApplicationInfo({ applicationId: 987654, applicationName: 'x-y' }));
await step('del unknown name', () => apps.delApplication({ applicationName: 'nope' }));
await step('del id list', () => apps.delApplication({ applicationId: [id1, id2] }));
await step('get empty', () => apps.getApplications({}));
await step('add p', () => apps.addApplication({ applicationName: 'compat-p' }));
await step('add q', () => apps.addApplication({ applicationName: 'compat-q' }));
await step('del name list', () => apps.delApplication({ applicationName: 'compat-p;compat-q.dev.voximplant.com' }));
await step('add r', () => apps.addApplication({ applicationName: 'compat-r' }));
await step('del all', () => apps.delApplication({ applicationId: 'all' }));
await step('get after all', () => apps.getApplications({}));

printSteps();
