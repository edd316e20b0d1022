// Child side of the compatibility suites, shared by the client flow scripts: the official client,
// ready, for the server and credentials given on the command line, and a recorder of each call's
// decoded value (or how it failed) with the clock around it, printed as one JSON document at the
// end. One flow runs per process, so the recorded steps live in this module.
import { createRequire } from 'node:module';
import path from 'node:path';

// Resolved from tests/compat/node_modules: Node walks up from lib/.
const require = createRequire(import.meta.url);
const VoximplantApiClient = require('@voximplant/apiclient-nodejs').default;

/** Seconds of the Unix clock, the unit of expires_at, so tests can bound what the server computed. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The client for `node SCRIPT HOST:PORT CREDENTIALS_FILE`, once onReady has fired (it reads the
 * credentials asynchronously and calls made earlier would fail). Exits 64 on a wrong command line.
 */
export function readyClient(argv = process.argv) {
  const [host, credentialsPath] = argv.slice(2);
  if (!host || !credentialsPath) {
    console.error(`usage: node ${path.basename(argv[1])} HOST:PORT CREDENTIALS_FILE`);
    process.exit(64);
  }
  return new Promise((resolve) => {
    const client = new VoximplantApiClient({ pathToCredentials: credentialsPath, host });
    client.onReady = () => resolve(client);
  });
}

const steps = [];

/**
 * Runs one call; records its decoded value, or how it failed (message, HTTP status and raw body),
 * and the clock before and after it. Resolves the value, or undefined if the call threw, so the
 * flow goes on and the tests report what went wrong.
 */
export async function step(name, fn) {
  const t0 = nowSeconds();
  try {
    const value = await fn();
    steps.push({ name, value, t0, t1: nowSeconds() });
    return value;
  } catch (err) {
    steps.push({
      name,
      threw: String(err && err.message),
      status: err && err.response ? err.response.status : undefined,
      data: err && err.response ? err.response.data : undefined,
      t0,
      t1: nowSeconds(),
    });
    return undefined;
  }
}

/** Prints {...fields, steps} on stdout: the one document the parent (lib/flow_runner.mjs) parses. */
export function printSteps(fields = {}) {
  process.stdout.write(JSON.stringify({ ...fields, steps }));
}
