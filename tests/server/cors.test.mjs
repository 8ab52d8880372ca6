// Cross-origin access (--cors-origin): exactly the listed origins may call
// the API and load the package; preflights say what they may send; others
// are refused and their answers carry no CORS header. The browser side is
// tests/web/cross-origin.test.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { test } from 'node:test';

import { bin, root } from './loyalty-server.mjs';
import { serverForFile } from './file-server.mjs';

const shop = 'https://shop.example';
const server = serverForFile(['--program', 'programs/bakery.json', '--package', 'wasm/dist',
  '--cors-origin', shop, '--cors-origin', 'http://127.0.0.1:9000']);

// node:http, which sends Origin as given (fetch treats it as the browser's to set).
function send(method, path, headers) {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url()), { method, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const preflight = (origin, method, headers = 'authorization,content-type') => send('OPTIONS', '/v1/sync', {
  Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers,
});

test('a preflight from a listed origin is answered with what it may send', async () => {
  const r = await preflight(shop, 'POST');
  assert.equal(r.status, 204);
  assert.equal(r.headers['access-control-allow-origin'], shop);
  assert.equal(r.headers['access-control-allow-methods'], 'GET, POST');
  assert.equal(r.headers['access-control-allow-headers'], 'Authorization, Content-Type, If-None-Match');
  assert.equal(r.headers['access-control-max-age'], '600');
  assert.equal(r.headers['access-control-allow-credentials'], undefined, 'bearer tokens, not cookies');
  assert.match(r.headers.vary, /\bOrigin\b/);
});

test('a preflight from another origin, or for another method or header, is refused', async () => {
  for (const [origin, method, headers] of [
    ['https://evil.example', 'POST', 'content-type'],
    ['https://shop.example.evil.com', 'GET', ''],
    [`${shop}:443`, 'GET', ''],
    [shop, 'DELETE', ''],
    [shop, 'POST', 'x-forwarded-for'],
  ]) {
    const r = await preflight(origin, method, headers);
    assert.equal(r.status, 403, `${origin} ${method} ${headers}`);
    assert.equal(JSON.parse(r.body).errors[0].code, 'cors.refused');
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  }
});

test('answers to a listed origin name it and expose the headers a page reads; others carry no CORS header', async () => {
  const mine = await send('GET', '/v1/program', { Origin: shop });
  assert.equal(mine.status, 200);
  assert.equal(mine.headers['access-control-allow-origin'], shop);
  assert.match(mine.headers['access-control-expose-headers'], /ETag/);
  assert.match(mine.headers.vary, /\bOrigin\b/);
  const theirs = await send('GET', '/v1/program', { Origin: 'https://evil.example' });
  assert.equal(theirs.status, 200, 'the answer is the same; the browser keeps it from the page');
  assert.equal(theirs.headers['access-control-allow-origin'], undefined);
  assert.match(theirs.headers.vary, /\bOrigin\b/, 'so that no cache gives one origin another\'s answer');
});

test('the package is served to listed origins, which fetch module scripts and the .wasm in CORS mode', async () => {
  for (const file of ['/pkg/loyalty-core.web.mjs', '/pkg/loyalty-core.wasm']) {
    const r = await send('GET', file, { Origin: shop });
    assert.equal(r.status, 200, file);
    assert.equal(r.headers['access-control-allow-origin'], shop, file);
  }
});

test('--cors-origin takes exact origins only', () => {
  for (const [origin, why] of [['*', /not \*/], ['shop.example', /no scheme/], ['ftp://shop.example', /not http or https/],
    ['https://shop.example/', /no path/], ['https://Shop.example', /lower-case/]]) {
    const r = spawnSync(bin, ['serve', '--program', 'programs/bakery.json', '--cors-origin', origin], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 2, origin);
    assert.match(r.stderr, why, origin);
  }
});
