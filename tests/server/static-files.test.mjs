// The package as browsers fetch it: from its brotli or gzip sibling when the
// client accepts one (the exact bytes of the file once decoded, compressed
// once), revalidated by ETag, and the file itself otherwise; the copies with
// content-hashed names kept for a year; nothing outside the mounted folders.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { root } from './loyalty-server.mjs';
import { serverForFile } from './file-server.mjs';

const server = serverForFile(['--program', 'programs/bakery.json', '--package', 'wasm/dist', '--static', 'web-demo']);

// node:http: no decoding of its own, and the path sent as written.
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url());
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const file = (name) => readFileSync(`${root}wasm/dist/${name}`);

test('the core\'s .wasm goes out as its brotli sibling, a third of its size, with its own media type', async () => {
  const r = await get('/pkg/loyalty-core.wasm', { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(r.headers['content-type'], 'application/wasm');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.ok(r.body.length < file('loyalty-core.wasm').length / 2, `${r.body.length} bytes`);
  assert.deepEqual(brotliDecompressSync(r.body), file('loyalty-core.wasm'));
});

test('gzip where brotli is not accepted, and the file itself where neither is', async () => {
  const gz = await get('/pkg/loyalty-core.wasm', { 'Accept-Encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), file('loyalty-core.wasm'));
  const refused = await get('/pkg/loyalty-core.wasm', { 'Accept-Encoding': 'br;q=0, gzip;q=0' });
  assert.equal(refused.headers['content-encoding'], undefined);
  const plain = await get('/pkg/loyalty-core.wasm');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(plain.body, file('loyalty-core.wasm'));
});

test('the JS module is compressed once, and decodes to the file', async () => {
  const r = await get('/pkg/loyalty-core.web.mjs', { 'Accept-Encoding': 'br' });
  assert.equal(r.headers['content-encoding'], 'br', 'one coding, not br twice');
  assert.match(r.headers['content-type'], /javascript/);
  assert.deepEqual(brotliDecompressSync(r.body), file('loyalty-core.web.mjs'));
});

test('a browser holding the sibling revalidates it by ETag', async () => {
  const first = await get('/pkg/loyalty-core.wasm', { 'Accept-Encoding': 'br' });
  assert.match(first.headers.etag, /^"br-\d+-[0-9a-f]+"$/);
  assert.equal(first.headers['cache-control'], 'no-cache');
  const again = await get('/pkg/loyalty-core.wasm', { 'Accept-Encoding': 'br', 'If-None-Match': first.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
});

test('nothing outside the mounted folders is served, compressed or not', async () => {
  for (const path of ['/pkg/../CMakeLists.txt', '/pkg/%2e%2e/CMakeLists.txt', '/pkg/.hidden.wasm', '/pkg//etc/passwd']) {
    const r = await get(path, { 'Accept-Encoding': 'br, gzip' });
    assert.ok(r.status >= 400, `${path}: ${r.status}`);
  }
});

test('the package\'s manifest names content-hashed copies, kept a year whether compressed or not; the rest are asked after', async () => {
  const manifest = JSON.parse(brotliDecompressSync((await get('/pkg/manifest.json', { 'Accept-Encoding': 'br' })).body));
  assert.deepEqual(Object.keys(manifest).sort(), ['loyalty-core.wasm', 'loyalty-core.web.mjs', 'loyalty-sync.mjs']);
  for (const [name, hashed] of Object.entries(manifest)) {
    assert.match(hashed, /\.[0-9a-f]{12}\.(wasm|mjs)$/);
    assert.deepEqual(file(hashed), file(name), `${hashed} is ${name}`);
    for (const encoding of ['br', '']) {
      const r = await get(`/pkg/${hashed}`, encoding ? { 'Accept-Encoding': encoding } : {});
      assert.equal(r.status, 200);
      assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable', `${hashed} ${encoding || 'identity'}`);
    }
  }
  const manifestAnswer = await get('/pkg/manifest.json', { 'Accept-Encoding': 'gzip' });
  assert.equal(manifestAnswer.headers['cache-control'], 'no-cache');
  const again = await get('/pkg/manifest.json', { 'Accept-Encoding': 'gzip', 'If-None-Match': manifestAnswer.headers.etag });
  assert.equal(again.status, 304, 'the manifest is asked after, by its ETag');
  assert.equal((await get('/pkg/loyalty-core.wasm', { 'Accept-Encoding': 'br' })).headers['cache-control'], 'no-cache');
});

test('a page\'s answer has its browser preload the hashed core and sync client the manifest names', async () => {
  const manifest = JSON.parse(file('manifest.json'));
  const page = await get('/', { 'Accept-Encoding': 'gzip' });
  assert.equal(page.status, 200);
  assert.equal(page.headers.link, [
    `</pkg/${manifest['loyalty-core.web.mjs']}>; rel=modulepreload`,
    `</pkg/${manifest['loyalty-sync.mjs']}>; rel=modulepreload`,
    `</pkg/${manifest['loyalty-core.wasm']}>; rel=preload; as=fetch; type="application/wasm"; crossorigin`,
  ].join(', '));
  assert.equal((await get('/pkg/manifest.json')).headers.link, undefined, 'pages only');
});
