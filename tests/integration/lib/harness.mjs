// Test harness for black-box tests of the coffer binary: starting and stopping servers on a
// fresh data directory, running operator commands, and talking HTTP(S) to the server.
//
// COFFER_TEST_BACKEND picks the storage: `sqlite` (the default, the database in the data
// directory) or `postgres`, where each data directory gets a fresh database on the test cluster
// named by COFFER_TEST_POSTGRES_URL, used by every server and operator command run on that
// directory (`--postgres` is added to their arguments).
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export { request, rawExchange, parseHttpResponse } from './http.mjs';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const COFFER_BIN = process.env.COFFER_BIN || path.join(REPO_ROOT, 'build', 'coffer');

const BACKEND = process.env.COFFER_TEST_BACKEND || 'sqlite';
if (BACKEND !== 'sqlite' && BACKEND !== 'postgres') {
  throw new Error(`COFFER_TEST_BACKEND must be sqlite or postgres, got ${BACKEND}`);
}
export const ON_POSTGRES = BACKEND === 'postgres';

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

function postgresAdminUrl() {
  const url = process.env.COFFER_TEST_POSTGRES_URL;
  if (!url) {
    throw new Error('COFFER_TEST_BACKEND=postgres needs COFFER_TEST_POSTGRES_URL: scripts/test.sh ' +
      'sets it, or start a cluster with `scripts/pg-test-cluster.sh start DIR` and export its URL');
  }
  return url;
}

/** `url` naming database `name` instead: the path of a URI, or a later dbname keyword. */
function withDatabase(url, name) {
  if (!/^postgres(ql)?:\/\//.test(url)) return `${url} dbname=${name}`;
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function psql(sql, adminUrl = postgresAdminUrl()) {
  return new Promise((resolve, reject) => {
    execFile('psql', [adminUrl, '-qX', '-v', 'ON_ERROR_STOP=1', '-c', sql], (err, stdout, stderr) => {
      if (err) reject(new Error(`psql ${sql}: ${stderr || err.message}`));
      else resolve();
    });
  });
}

let createdCount = 0;

/**
 * Creates a fresh empty database on a PostgreSQL cluster: the one named by `adminUrl` (a URL
 * whose role may create databases), by default COFFER_TEST_POSTGRES_URL's, whatever
 * COFFER_TEST_BACKEND says. Resolves {name, url (the admin URL naming the new database),
 * drop()}; drop() removes it WITH (FORCE), ending the sessions still connected, and may be
 * called more than once.
 */
export async function createDatabase({ adminUrl = postgresAdminUrl(), prefix = 'coffer_db' } = {}) {
  const name = `${prefix}_${process.pid}_${createdCount++}`;
  await psql(`CREATE DATABASE ${name}`, adminUrl);
  let dropped = null;
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop() {
      dropped ??= psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, adminUrl);
      return dropped;
    },
  };
}

const databases = new Map(); // resolved data directory -> Promise of {name, url}
let databaseCount = 0;

/** The storage options for data directory `dataDir`: none on SQLite, its database on PostgreSQL. */
async function storageArgs(dataDir) {
  if (!ON_POSTGRES) return [];
  const key = path.resolve(dataDir);
  if (!databases.has(key)) {
    const name = `coffer_it_${process.pid}_${databaseCount++}`;
    databases.set(key, psql(`CREATE DATABASE ${name}`).then(() => ({
      name, url: withDatabase(postgresAdminUrl(), name),
    })));
  }
  return ['--postgres', (await databases.get(key)).url];
}

async function dropDatabase(dataDir) {
  const key = path.resolve(dataDir);
  const database = databases.get(key);
  if (!database) return;
  databases.delete(key);
  await psql(`DROP DATABASE IF EXISTS ${(await database).name} WITH (FORCE)`);
}

/**
 * On PostgreSQL, writes a plain-text dump of the database of data directory `dataDir` (schema
 * and every row) to `file` and resolves true; on SQLite, whose database is a file in the data
 * directory, resolves false.
 */
export async function dumpDatabase(dataDir, file) {
  if (!ON_POSTGRES) return false;
  const [, url] = await storageArgs(dataDir);
  await new Promise((resolve, reject) => {
    execFile('pg_dump', ['--no-password', '-f', file, url], (err, stdout, stderr) => {
      if (err) reject(new Error(`pg_dump: ${stderr || err.message}`));
      else resolve();
    });
  });
  return true;
}

/** The PostgreSQL URL of data directory `dataDir`'s database, or null on SQLite. */
export async function databaseUrl(dataDir) {
  if (!ON_POSTGRES) return null;
  return (await storageArgs(dataDir))[1];
}

/** `args` with the storage options of the data directory they name (`--data DIR`), if any. */
async function withStorage(args) {
  const data = args.indexOf('--data');
  if (data < 0 || data + 1 >= args.length || args.includes('--postgres')) return args;
  return [...args, ...(await storageArgs(args[data + 1]))];
}

/** Runs `coffer ...args`; resolves {code, signal, stdout, stderr, json} (json: parsed stdout or null). */
export async function runCoffer(givenArgs, { timeoutMs = 30000, env } = {}) {
  assertBinary();
  const args = await withStorage(givenArgs);
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
 * for its "listening on" line. Returns a Server object. `launcher` (e.g. ['prlimit', '--nofile=64'])
 * runs the server through a command that execs it.
 */
export async function startServer({ plain = false, args = [], dataDir, env, launcher = [] } = {}) {
  assertBinary();
  const ownDir = dataDir ? null : makeTempDir();
  const data = dataDir || path.join(ownDir, 'data');
  const argv = ['serve', '--data', data, '--listen', '127.0.0.1:0', ...args,
    ...(await storageArgs(data))];
  if (plain) argv.push('--plain-http');
  // `launcher`: a command that execs the server (e.g. prlimit with its options), so the pid is
  // the server's.
  const [command, ...commandArgs] = [...launcher, COFFER_BIN, ...argv];
  const proc = spawn(command, commandArgs, {
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
  let creds;
  let ca;
  try {
    creds = JSON.parse(fs.readFileSync(credsPath, 'utf8'));
    ca = tls ? fs.readFileSync(certPath) : undefined;
  } catch (err) {
    // No server is left running behind a failed start.
    proc.kill('SIGKILL');
    await exited;
    throw err;
  }
  const server = {
    proc,
    port,
    tls,
    dataDir: data,
    credsPath,
    certPath,
    ca,
    creds,
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
      if (!keepData && ownDir) {
        removeDir(ownDir);
        await dropDatabase(data);
      }
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
