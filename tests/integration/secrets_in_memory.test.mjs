// Secret values leave no plaintext behind in the server's memory (SPEC 14 "buffers that held one
// are wiped after use"): after values are stored and read in every request form, over plain
// HTTP and HTTPS, the server's writable memory (/proc/PID/mem) holds no copy of any of them
// (docs/architecture.md, "What is wiped").
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { addSecret, closeAgent, newApp, sCall, secretValue } from './lib/secrets.mjs';
import { expectOk } from './lib/api.mjs';

/** Occurrences of each of `needles` in the writable memory of process `pid`. */
function countInMemory(pid, needles) {
  const counts = new Map(needles.map((n) => [n, 0]));
  const maps = fs.readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
  const mem = fs.openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const line of maps) {
      const [range, perms, , , , name = ''] = line.split(/\s+/);
      if (!perms.startsWith('rw') || name.startsWith('[v')) continue;
      const [start, end] = range.split('-').map((h) => parseInt(h, 16));
      const buf = Buffer.alloc(end - start);
      let got;
      try {
        got = fs.readSync(mem, buf, 0, buf.length, start);
      } catch {
        continue; // a region that went away meanwhile
      }
      const region = buf.subarray(0, got);
      for (const needle of needles) {
        for (let at = region.indexOf(needle); at >= 0; at = region.indexOf(needle, at + 1)) {
          counts.set(needle, counts.get(needle) + 1);
        }
      }
    }
  } finally {
    fs.closeSync(mem);
  }
  return counts;
}

const secretText = (label) => `${label}-${crypto.randomBytes(16).toString('hex')}`;

// A sanitized build (scripts/sanitize.sh) reserves terabytes of shadow and allocator address
// space, which cannot be read through; and ASan's quarantine changes when memory is reused. The
// release build, which users run, is the one this test is about.
const sanitized = process.env.COFFER_TEST_SANITIZER;
const skip = sanitized && `the memory of a ${sanitized}-sanitized build cannot be searched`;

for (const plain of [true, false]) {
  describe(plain ? 'plain HTTP' : 'HTTPS', { skip }, () => {
    let server;
    after(async () => {
      if (server) await server.stop();
    });

    test('no plaintext copy of a stored or read value stays in memory', async () => {
      server = await startServer({ plain });
      const app = await newApp(server, 'wiped');
      const values = [];
      const labels = new Map(); // value -> what it was
      // Stored in every request form, short (inline in JSON values) and long.
      for (const form of ['urlencoded', 'query', 'json', 'cmd', 'multipart']) {
        for (const size of ['short', 'long']) {
          const value = size === 'short' ? secretText('s').slice(0, 12) : secretText('long').repeat(40);
          values.push(value);
          labels.set(value, `${form} ${size}`);
          await addSecret(server, app, `v_${form}_${size}`, value, {}, { form });
        }
      }
      // Replaced by SetSecretInfo, then every value read back.
      const replaced = secretText('replaced');
      values.push(replaced);
      labels.set(replaced, 'SetSecretInfo json');
      expectOk(await sCall(server, 'SetSecretInfo', {
        application_id: app.id, secret_name: 'v_json_short', secret_value: replaced,
      }, { form: 'json' }));
      for (const form of ['urlencoded', 'query', 'json', 'cmd', 'multipart']) {
        for (const size of ['short', 'long']) {
          const item = await secretValue(server, app, { secret_name: `v_${form}_${size}` });
          assert.ok(values.includes(item.secret_value));
        }
      }
      closeAgent(server);
      await new Promise((resolve) => setTimeout(resolve, 300)); // connections closed, buffers freed

      const counts = countInMemory(server.proc.pid, values.map((v) => Buffer.from(v)));
      const left = [...counts].filter(([, n]) => n > 0).map(([v, n]) => `${labels.get(v.toString())}: ${n} cop${n === 1 ? 'y' : 'ies'}`);
      assert.deepEqual(left, [], `plaintext left in the server's memory:\n${left.join('\n')}`);
    });
  });
}
