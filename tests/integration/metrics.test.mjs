// SPEC 16 metrics: `serve --metrics-listen HOST:PORT` serves GET /metrics in the Prometheus text
// format on a listener of its own. Scrapes before and after known traffic move the counters by
// exactly that traffic; no secret value or name, key, item value, application name or token
// appears in a scrape; the listener answers nothing but /metrics; it is off by default.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ON_POSTGRES, request, runCoffer, startServer } from './lib/harness.mjs';
import { call, expectError, expectOk } from './lib/api.mjs';
import { createApp } from './lib/kv.mjs';
import { marker } from './lib/secrets.mjs';

const METRICS_RE = /metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/;
const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+]+|NaN|[+-]Inf)$/;

let server;
let metrics; // {port, tls: false}: where request() finds the metrics listener
before(async () => {
  server = await startServer({ args: ['--metrics-listen', '127.0.0.1:0', '--sweep-interval', '86400'] });
  const found = METRICS_RE.exec(server.output.stderr);
  assert.ok(found, `the metrics address is logged:\n${server.output.stderr}`);
  metrics = { port: Number(found[1]), tls: false };
});
after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
});

/** Checks the exposition format and returns {text, samples: Map(series -> value)}. */
function parseScrape(text) {
  const samples = new Map();
  const typed = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') typed.set(comment[2], comment[3]);
      continue;
    }
    const sample = SAMPLE_RE.exec(line);
    assert.ok(sample, `a sample line: ${JSON.stringify(line)}`);
    const family = sample[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(typed.has(sample[1]) || typed.get(family) === 'histogram', `TYPE before ${line}`);
    assert.ok(!samples.has(sample[1] + (sample[2] || '')), `one sample per series: ${line}`);
    samples.set(sample[1] + (sample[2] || ''), Number(sample[3]));
  }
  return { text, samples };
}

async function scrape() {
  const res = await request(metrics, { method: 'GET', path: '/metrics' });
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  return parseScrape(res.text);
}

const value = (scraped, series) => scraped.samples.get(series) ?? 0;
const requests = (method, code) => `coffer_requests_total{method="${method}",code="${code}"}`;

describe('counters move by exactly the traffic sent', () => {
  test('requests by method and code, latency counts, token cache lookups', async () => {
    const secretValue = marker('METRIC-SECRET-VALUE-', 48);
    const itemValue = marker('METRIC-ITEM-VALUE-', 40);
    const before = await scrape();
    const app = await createApp(server, 'metrics-app');
    for (let i = 0; i < 3; i++) {
      expectOk(await call(server, 'SetKeyValueItem', { application_id: app.id, key: `metric-key-${i}`, value: itemValue }));
    }
    for (let i = 0; i < 2; i++) {
      expectOk(await call(server, 'GetKeyValueItem', { application_id: app.id, key: 'metric-key-0' }));
    }
    expectError(await call(server, 'GetKeyValueItem', { application_id: app.id }), 485);
    expectOk(await call(server, 'AddSecret', { application_id: app.id, secret_name: 'metric_secret_name', secret_value: secretValue }));
    expectOk(await call(server, 'GetSecretValue', { application_id: app.id, secret_name: 'metric_secret_name' }));
    for (let i = 0; i < 2; i++) expectError(await call(server, 'NoSuchMethod', {}), 103);
    expectError(await call(server, 'GetSecrets', { application_id: app.id }, { auth: null }), 100);
    const afterward = await scrape();

    const expected = new Map([
      [requests('AddApplication', 0), 1],
      [requests('SetKeyValueItem', 0), 3],
      [requests('GetKeyValueItem', 0), 2],
      [requests('GetKeyValueItem', 485), 1],
      [requests('AddSecret', 0), 1],
      [requests('GetSecretValue', 0), 1],
      [requests('unknown', 103), 2],
      [requests('GetSecrets', 100), 1],
    ]);
    const perMethod = new Map();
    for (const series of new Set([...before.samples.keys(), ...afterward.samples.keys()])) {
      if (!series.startsWith('coffer_requests_total{')) continue;
      const moved = value(afterward, series) - value(before, series);
      assert.equal(moved, expected.get(series) ?? 0, `${series} moved by ${moved}`);
      const method = /method="([^"]+)"/.exec(series)[1];
      perMethod.set(method, (perMethod.get(method) ?? 0) + moved);
    }
    for (const [series] of expected) assert.ok(afterward.samples.has(series), `${series} present`);
    for (const [method, count] of perMethod) {
      const series = `coffer_request_duration_seconds_count{method="${method}"}`;
      assert.equal(value(afterward, series) - value(before, series), count, series);
      const inf = `coffer_request_duration_seconds_bucket{method="${method}",le="+Inf"}`;
      assert.equal(value(afterward, inf), value(afterward, series), `${inf} equals the count`);
    }
    // Every request but the unknown methods and the one without credentials showed a token: 10.
    const lookups = (s) => value(s, 'coffer_token_cache_lookups_total{result="hit"}') +
      value(s, 'coffer_token_cache_lookups_total{result="miss"}');
    assert.equal(lookups(afterward) - lookups(before), 10);

    for (const secret of [secretValue, itemValue, 'metric_secret_name', 'metric-key-', 'metrics-app',
      'NoSuchMethod', server.creds.key_id, 'PRIVATE KEY']) {
      assert.ok(!afterward.text.includes(secret), `${secret} must not appear in a scrape`);
    }
  });

  test('commits: batch sizes and durations', async (t) => {
    const app = await createApp(server, 'metrics-commits');
    const before = await scrape();
    if (ON_POSTGRES) {
      // Each PostgreSQL transaction is its own commit (the server groups their syncs itself).
      expectOk(await call(server, 'AddSecret', { application_id: app.id, secret_name: 'c1', secret_value: 'v' }));
    } else {
      await Promise.all([0, 1, 2].map((i) =>
        call(server, 'SetKeyValueItem', { application_id: app.id, key: `c${i}`, value: 'v' }).then(expectOk)));
    }
    const afterward = await scrape();
    const moved = (series) => value(afterward, series) - value(before, series);
    const batches = moved('coffer_commit_batch_size_count');
    assert.ok(batches >= 1, 'at least one commit');
    assert.equal(moved('coffer_commit_duration_seconds_count'), batches, 'one duration per commit');
    if (!ON_POSTGRES) assert.equal(moved('coffer_commit_batch_size_sum'), 3, 'three writes committed');
    else assert.equal(moved('coffer_commit_batch_size_sum'), batches, 'one write per transaction');
    assert.ok(moved('coffer_commit_duration_seconds_sum') > 0);
    t.diagnostic(`commits: ${batches}`);
  });

  test('open connections, build info, start time and, on PostgreSQL, the pool', async () => {
    const base = value(await scrape(), 'coffer_open_connections');
    const sockets = await Promise.all([0, 1, 2].map(() => new Promise((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
    })));
    let during;
    for (let i = 0; i < 50; i++) {
      during = await scrape();
      if (value(during, 'coffer_open_connections') >= base + 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(value(during, 'coffer_open_connections') >= base + 3,
      `three more connections counted: ${base} then ${value(during, 'coffer_open_connections')}`);
    for (const socket of sockets) socket.destroy();
    let closed;
    for (let i = 0; i < 100; i++) {
      closed = await scrape();
      if (value(closed, 'coffer_open_connections') <= base) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(value(closed, 'coffer_open_connections') <= base, 'and uncounted once closed');

    const version = (await runCoffer(['--version'])).stdout.trim().split(' ')[1];
    assert.equal(value(closed, `coffer_build_info{version="${version}"}`), 1);
    const started = value(closed, 'coffer_start_time_seconds');
    assert.ok(started > Date.now() / 1000 - 600 && started <= Date.now() / 1000, `start time ${started}`);
    if (ON_POSTGRES) {
      const open = value(closed, 'coffer_db_pool_connections{state="open"}');
      assert.ok(open >= 1 && open <= value(closed, 'coffer_db_pool_max_connections'), `pool ${open}`);
      assert.ok(closed.samples.has('coffer_db_pool_errors_total{kind="timeout"}'));
    } else {
      assert.ok(!closed.samples.has('coffer_db_pool_max_connections'), 'SQLite has no pool');
    }
    assert.ok(closed.samples.has('coffer_expiry_sweeps_total{result="ok"}'));
    assert.ok(closed.samples.has('coffer_http_refusals_total{status="413"}'));
  });

  test('a refused request and a sweep are counted', async () => {
    const sweeper = await startServer({ args: ['--metrics-listen', '127.0.0.1:0', '--sweep-interval', '0.2',
      '--max-body-bytes', '1024'] });
    try {
      const where = { port: Number(METRICS_RE.exec(sweeper.output.stderr)[1]), tls: false };
      const scrapeOf = async () => parseScrape((await request(where, { method: 'GET', path: '/metrics' })).text);
      const before = await scrapeOf();
      const big = await request(sweeper, { method: 'POST', path: '/platform_api/GetApplications',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'x='.padEnd(5000, 'y') });
      assert.equal(big.status, 413);
      await new Promise((r) => setTimeout(r, 700));
      const afterward = await scrapeOf();
      const series = 'coffer_http_refusals_total{status="413"}';
      assert.equal(value(afterward, series) - value(before, series), 1);
      assert.ok(value(afterward, 'coffer_expiry_sweeps_total{result="ok"}') >
        value(before, 'coffer_expiry_sweeps_total{result="ok"}'), 'sweeps counted');
    } finally {
      await sweeper.stop();
    }
  });
});

describe('the metrics listener', () => {
  test('answers GET and HEAD /metrics only', async () => {
    const head = await request(metrics, { method: 'HEAD', path: '/metrics' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal((await request(metrics, { method: 'GET', path: '/metrics?x=1' })).status, 200);
    assert.equal((await request(metrics, { method: 'GET', path: '/' })).status, 404);
    assert.equal((await request(metrics, { method: 'GET', path: '/metrics/x' })).status, 404);
    const post = await request(metrics, { method: 'POST', path: '/metrics', body: '' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  test('the API port does not serve /metrics', async () => {
    assert.equal((await request(server, { method: 'GET', path: '/metrics' })).status, 404);
  });

  test('is off unless asked for', async () => {
    const plain = await startServer({ plain: true });
    try {
      assert.doesNotMatch(plain.output.stderr, /metrics on/);
    } finally {
      await plain.stop();
    }
  });

  test('a bad or busy address is a one-line start-up error', async () => {
    for (const [address, pattern] of [['nope', /--metrics-listen must be HOST:PORT/],
      [`127.0.0.1:${metrics.port}`, new RegExp(`--metrics-listen.*${metrics.port}`)]]) {
      const r = await runCoffer(['serve', '--data', `/nonexistent/coffer-${process.pid}`, '--listen', '127.0.0.1:0',
        '--metrics-listen', address]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
    }
  });
});
