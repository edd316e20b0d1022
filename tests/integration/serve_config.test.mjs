// SPEC 13.1 `coffer serve --config FILE`: options read from a TOML/INI file, at top level or
// under [serve]; the command line wins over the file; a missing file, an unknown key or section
// is a one-line error with exit status 2 and starts nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir, removeDir, runCoffer, startServer } from './lib/harness.mjs';
import { addApp, call, expectError, expectOk } from './lib/api.mjs';

const dir = makeTempDir('coffer-config-');
after(() => removeDir(dir));

function configFile(name, text) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('options from a config file', () => {
  test('top-level keys apply; the command line overrides the file', async () => {
    const file = configFile('top.toml', [
      'listen = "127.0.0.1:1"', // overridden by the harness's --listen 127.0.0.1:0
      'plain-http = true',
      'max-applications = 1',
      'domain = "example.org"',
      'log-level = "debug"',
    ].join('\n'));
    const server = await startServer({ args: ['--config', file] });
    try {
      assert.equal(server.tls, false, 'plain-http from the file');
      assert.notEqual(server.port, 1, 'the command line --listen wins');
      const created = expectOk(await call(server, 'AddApplication', { application_name: 'first' }));
      assert.equal(created.application_name, 'first.dev.example.org', 'domain from the file');
      expectError(await call(server, 'AddApplication', { application_name: 'second' }), 108);
    } finally {
      assert.equal((await server.stop()).code, 0);
    }
  });

  test('a [serve] section works the same', async () => {
    const file = configFile('section.ini', '[serve]\nplain-http = true\nmax-applications = 2\n');
    const server = await startServer({ args: ['--config', file] });
    try {
      assert.equal(server.tls, false);
      await addApp(server, 'one');
      await addApp(server, 'two');
      expectError(await call(server, 'AddApplication', { application_name: 'three' }), 108);
    } finally {
      assert.equal((await server.stop()).code, 0);
    }
  });
});

describe('bad config files', () => {
  test('--threads: 0 (the default) is one per CPU the process may run on, N is N', async () => {
    // taskset leaves the server one CPU, whatever the machine has.
    for (const [args, threads] of [[[], 1], [['--threads', '3'], 3]]) {
      const server = await startServer({ plain: true, args, launcher: ['taskset', '-c', '0'] });
      try {
        assert.match(server.output.stderr, new RegExp(`\\b${threads} network I/O thread\\(s\\)`));
        expectOk(await call(server, 'AddApplication', { application_name: 'served' }));
      } finally {
        assert.equal((await server.stop()).code, 0);
      }
    }
    const r = await runCoffer(['serve', '--data', path.join(dir, 'threads'), '--threads', '-1']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--threads/);
  });

  test('--config without a file -> one line, exit 2', async () => {
    const r = await runCoffer(['serve', '--data', path.join(dir, 'no-file'), '--config']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--config/);
    assert.equal(fs.existsSync(path.join(dir, 'no-file')), false);
  });


  for (const [what, file, pattern] of [
    ['a missing file', path.join(dir, 'absent.toml'), /absent\.toml/],
    ['an unknown key', () => configFile('bogus.toml', 'bogus = 1\n'), /bogus/],
    ['an unknown section', () => configFile('other.toml', '[other]\nx = 1\n'), /other\.x/],
    ['a value out of range', () => configFile('workers.toml', 'workers = 0\n'), /workers/],
  ]) {
    test(`${what} -> one line, exit 2, nothing started or created`, async () => {
      const data = path.join(dir, `data-${what.replaceAll(' ', '-')}`);
      const config = typeof file === 'function' ? file() : file;
      const r = await runCoffer(['serve', '--data', data, '--listen', '127.0.0.1:0', '--config', config]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr + r.stdout, /listening on/);
      assert.equal(fs.existsSync(data), false, 'the data directory was not created');
    });
  }
});
