// Test harness for black-box tests of the coffer binary: starting and stopping servers on a
// fresh data directory, running operator commands, and talking HTTP(S) to the server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export { request, rawExchange, parseHttpResponse } from './http.mjs';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const COFFER_BIN = process.env.COFFER_BIN || path.join(REPO_ROOT, 'build', 'coffer');

const START_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 10000;
const LISTEN_RE = /listening on (https?):\/\/([^\s/]+):(\d+)/;

export function assertBinary() {
  if (!fs.existsSync(COFFER_BIN)) {
    throw new Error(`coffer binary not found at ${COFFER_BIN}; build it or set COFFER_BIN`);
  }
}

/** A new empty directory under the system temporary directory (remove it with removeDir). */
export function makeTempDir(prefix = 'coffer-it-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir) {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs `coffer ...args`; resolves {code, signal, stdout, stderr, json} (json: parsed stdout or null). */
export function runCoffer(args, { timeoutMs = 30000, env } = {}) {
  assertBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(COFFER_BIN, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`coffer ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let json = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = null;
      }
      resolve({ code, signal, stdout, stderr, json });
    });
  });
}

/** Runs an operator command that must succeed; returns its parsed JSON output. */
export async function cofferJson(args) {
  const r = await runCoffer(args);
  if (r.code !== 0 || r.json === null) {
    throw new Error(
      `coffer ${args.join(' ')} failed: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
    );
  }
  return r.json;
}

/**
 * Starts `coffer serve` on 127.0.0.1:0 with a data directory (a fresh one unless given) and waits
 * for its "listening on" line. Returns a Server object.
 */
export async function startServer({ plain = false, args = [], dataDir, env } = {}) {
  assertBinary();
  const ownDir = dataDir ? null : makeTempDir();
  const data = dataDir || path.join(ownDir, 'data');
  const argv = ['serve', '--data', data, '--listen', '127.0.0.1:0', ...args];
  if (plain) argv.push('--plain-http');
  const proc = spawn(COFFER_BIN, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const out = { stdout: '', stderr: '' };
  proc.stdout.setEncoding('utf8').on('data', (d) => (out.stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d) => (out.stderr += d));
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });

  const match = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      proc.kill('SIGKILL');
      reject(new Error(`coffer serve did not log "listening on" in ${START_TIMEOUT_MS} ms\n` +
        `stderr:\n${out.stderr}\nstdout:\n${out.stdout}`));
    }, START_TIMEOUT_MS);
    const check = () => {
      const m = LISTEN_RE.exec(out.stderr) || LISTEN_RE.exec(out.stdout);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`coffer serve exited (code ${code}, signal ${signal}) before listening\n` +
        `stderr:\n${out.stderr}\nstdout:\n${out.stdout}`));
    };
    const onError = (err) => {
      cleanup();
      reject(err);
    };
    function cleanup() {
      clearTimeout(timer);
      proc.stdout.off('data', check);
      proc.stderr.off('data', check);
      proc.off('exit', onExit);
      proc.off('error', onError);
    }
    proc.stdout.on('data', check);
    proc.stderr.on('data', check);
    proc.on('exit', onExit);
    proc.on('error', onError);
    check();
  });

  const tls = match[1] === 'https';
  const port = Number(match[3]);
  const credsPath = path.join(data, 'credentials.json');
  const certPath = path.join(data, 'tls', 'cert.pem');
  const server = {
    proc,
    port,
    tls,
    dataDir: data,
    credsPath,
    certPath,
    ca: tls ? fs.readFileSync(certPath) : undefined,
    creds: JSON.parse(fs.readFileSync(credsPath, 'utf8')),
    output: out,
    exited,
    /** Sends SIGTERM, waits for the exit; resolves {code, signal}. */
    async stop({ keepData = false } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
      });
      let result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (result === null) {
        proc.kill('SIGKILL');
        result = await exited;
        result.timedOut = true;
      }
      if (!keepData && ownDir) removeDir(ownDir);
      return result;
    },
    /** Runs an operator command against this server's data directory; returns parsed JSON. */
    coffer(words, opts = []) {
      return cofferJson([...words, '--data', data, ...opts]);
    },
    /** Runs an operator command against this server's data directory; returns the raw result. */
    cofferRaw(words, opts = []) {
      return runCoffer([...words, '--data', data, ...opts]);
    },
    stillRunning() {
      return proc.exitCode === null && proc.signalCode === null;
    },
  };
  return server;
}
