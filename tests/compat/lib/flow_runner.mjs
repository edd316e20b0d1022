// Parent side of the compatibility suites: checks that the pinned official client is installed,
// runs one of the client flow scripts (tests/compat/*client_flow.mjs) in a child process and
// looks up the steps it recorded. The child process is needed because Node reads
// NODE_EXTRA_CA_CERTS, which must trust the server's self-signed certificate, only at start-up.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A path under tests/compat, where the flow scripts and node_modules live. */
const compatPath = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const CLIENT_DIR = compatPath('node_modules/@voximplant/apiclient-nodejs/');
const CLIENT_VERSION = '4.11.0';
const FLOW_TIMEOUT_MS = 60000;

/** Fails unless the pinned client is installed: the suites test that version, not whatever is there. */
export function assertClientInstalled() {
  if (!fs.existsSync(CLIENT_DIR)) {
    throw new Error('the official client is not installed: run `npm ci` in tests/compat');
  }
  const installed = JSON.parse(fs.readFileSync(`${CLIENT_DIR}package.json`, 'utf8')).version;
  assert.equal(installed, CLIENT_VERSION, 'the pinned client version');
}

/**
 * Runs `node tests/compat/<scriptName> HOST CREDENTIALS_FILE` trusting certPath and resolves the
 * JSON document it prints; rejects if it fails, prints no JSON or runs longer than 60 s.
 */
export function runFlow(scriptName, host, credsPath, certPath) {
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certPath };
  delete env.VOXIMPLANT_CREDENTIALS; // the client would prefer it over the path given
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compatPath(scriptName), host, credsPath], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), FLOW_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const how = signal ? `was killed by ${signal}` : `exited ${code}`;
        reject(new Error(`${scriptName} ${how}\nstderr:\n${stderr}\nstdout:\n${stdout}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch (err) {
        reject(new Error(`${scriptName} printed no JSON: ${err.message}\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** The steps a flow printed, by name, so tests can pick the calls they check. */
export function stepsByName(out) {
  return Object.fromEntries(out.steps.map((s) => [s.name, s]));
}

/**
 * The step `name`, which must have run and resolved. The client resolves API errors to their raw
 * body (SPEC 11), so this says only that no exception (e.g. an HTTP failure) came out of it.
 */
export function resolvedStep(steps, name) {
  const s = steps[name];
  assert.ok(s, `step ${name} did not run`);
  assert.ok(!('threw' in s), `step ${name} threw: ${s.threw} (HTTP ${s.status}) ${JSON.stringify(s.data)}`);
  return s;
}

/** The decoded value of a step that must have succeeded: resolved, and not an API error body. */
export function succeededValue(steps, name) {
  const v = resolvedStep(steps, name).value;
  assert.ok(!(v && typeof v === 'object' && 'error' in v), `step ${name} answered an error: ${JSON.stringify(v)}`);
  return v;
}

/**
 * Asserts a step resolved to the raw error body the client passes through (SPEC 11):
 * exactly {error: {msg, code}, errors: [error]}, with `code`, and optionally the exact `msg` or a
 * message naming `param`. Returns the error.
 */
export function rawErrorBody(steps, name, code, { msg, param } = {}) {
  const v = resolvedStep(steps, name).value;
  assert.ok(v && v.error, `step ${name} should be an error, got ${JSON.stringify(v)}`);
  assert.deepEqual(Object.keys(v).sort(), ['error', 'errors'], name);
  assert.deepEqual(Object.keys(v.error), ['msg', 'code'], name);
  assert.equal(v.error.code, code, `step ${name}: ${JSON.stringify(v)}`);
  assert.equal(typeof v.error.msg, 'string');
  if (msg !== undefined) assert.equal(v.error.msg, msg, name);
  if (param) assert.ok(v.error.msg.includes(`'${param}'`), `step ${name} names ${param}: ${v.error.msg}`);
  assert.deepEqual(v.errors, [v.error], name);
  return v.error;
}
