// `loyalty serve` on loopback: the programme endpoint, errors as envelopes,
// refusing a bad programme, and a clean stop on SIGTERM.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';

import { bin, client, root, startServer } from './loyalty-server.mjs';

let server;
before(async () => {
  server = await startServer(['--program', 'programs/coffee.json', '--package', 'wasm/dist']);
});
after(() => server?.stop());

test('GET /v1/program answers the normalised programme with an ETag', async () => {
  const call = client(server.url, server.log);
  const res = await call('GET', '/v1/program');
  assert.equal(res.status, 200);
  const body = res.json;
  assert.equal(body.program.id, 'coffee');
  assert.equal(body.version, 1);
  assert.equal(body.program.tiers[0].points_multiplier_bp, 10000);  // defaults filled in
  assert.deepEqual(body.program.tiers[0].perks, []);
  const etag = res.headers.get('etag');
  assert.match(etag, /^"coffee-1-[0-9a-f]{16}"$/);
  const again = await call('GET', '/v1/program', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
});

test('the JS package is served with the wasm MIME type streaming compilation needs', async () => {
  const res = await client(server.url, server.log)('GET', '/pkg/loyalty-core.wasm');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
});

test('an unknown path is a 404 with an error envelope', async () => {
  const res = await client(server.url, server.log)('GET', '/v1/nothing-here');
  assert.equal(res.status, 404);
  const body = res.json;
  assert.equal(body.ok, false);
  assert.equal(body.errors[0].code, 'http.not_found');
});

test('a broken programme is refused at start with its errors and paths', () => {
  const r = spawnSync(bin, ['serve', '--program', 'tests/server/fixtures/broken_program.json', '--listen', '127.0.0.1:0'],
    { cwd: root, encoding: 'utf8', timeout: 15000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /tiers\[2\]\.qualify\.growth: .* \[tiers\.threshold_order\]/);
});

test('bad flags are a usage error', () => {
  const r = spawnSync(bin, ['serve', '--program', 'programs/bakery.json', '--listen', 'nowhere'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--listen takes HOST:PORT/);
});

// The signal comes as soon as the server logs that it listens, before it may
// run: once in some hundred starts that signal was lost and the server stayed.
test('SIGTERM stops the server cleanly, even the moment it says it listens (20 starts)', async () => {
  for (let i = 0; i < 20; ++i) {
    const other = await startServer(['--program', 'programs/bakery.json']);
    const code = await Promise.race([other.stop(), new Promise((resolve) => setTimeout(() => resolve('still running'), 5000))]);
    if (code === 'still running') await other.kill();
    assert.equal(code, 0, `start ${i + 1}`);
  }
});

test('without its secrets the server refuses to start, unless in demo mode', () => {
  const env = { ...process.env, LOYALTY_MERCHANT_KEY: '', LOYALTY_TOKEN_SECRET: '' };
  const r = spawnSync(bin, ['serve', '--program', 'programs/bakery.json', '--listen', '127.0.0.1:0', '--db', 'sqlite::memory:'],
    { cwd: root, encoding: 'utf8', env, timeout: 15000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /LOYALTY_TOKEN_SECRET and LOYALTY_MERCHANT_KEY/);
});

test('a database URL that is not sqlite: is refused with what to use', () => {
  const r = spawnSync(bin, ['serve', '--program', 'programs/bakery.json', '--listen', '127.0.0.1:0', '--db', 'mysql://x'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, LOYALTY_MERCHANT_KEY: 'k', LOYALTY_TOKEN_SECRET: 's' }, timeout: 15000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unsupported database URL 'mysql:\/\/x': use sqlite:PATH or postgres:/);
});
