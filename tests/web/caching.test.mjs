// The storefront as built for deployment (build/web-demo) reloaded in
// Chromium: the core's files, loaded by the content-hashed names the
// package's manifest lists, and the page modules and style sheet under their
// hashed names, come from the browser's cache without a request to the
// server; the manifest and the pages are asked after and answered 304 when
// unchanged.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { root, startServer } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const manifest = JSON.parse(readFileSync(`${root}wasm/dist/manifest.json`, 'utf8'));
const site = `${root}build/web-demo`;
const pageFiles = readdirSync(site).filter((name) => /\.[0-9a-f]{12}\.(js|css)$/.test(name)).map((name) => `/${name}`);
let server;
let browser;

before(async () => {
  server = await startServer(['--program', 'programs/bakery.json', '--demo', '--static', 'build/web-demo', '--package', 'wasm/dist']);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// The requests the server logged after `from` characters of its log: [path, status].
const requestsSince = (from) => server.log().slice(from).split('\n').filter((line) => line.includes('"event":"request"'))
  .map((line) => JSON.parse(line)).map((r) => [r.path, r.status]);

test('a reload takes the content-hashed core from the cache and asks only after the manifest', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const start = server.log().length;
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  const hashed = Object.values(manifest).map((name) => `/pkg/${name}`);
  const first = requestsSince(start);
  for (const path of hashed) assert.deepEqual(first.filter(([p]) => p === path), [[path, 200]], `first visit: ${path}`);
  assert.ok(!first.some(([p]) => Object.keys(manifest).includes(p.slice(5))), 'the plain names are not fetched');

  const before = server.log().length;
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const again = requestsSince(before);
  assert.deepEqual(again.filter(([p]) => hashed.includes(p)), [], 'no request for a hashed file');
  assert.deepEqual(again.filter(([p]) => p === '/pkg/manifest.json'), [['/pkg/manifest.json', 304]]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the pages load their modules and style sheet by content-hashed names, kept for a year', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const start = server.log().length;
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  const storefront = requestsSince(start).map(([p]) => p);
  for (const plain of ['/app.js', '/boot.js', '/i18n.js', '/store.js', '/widgets.js', '/styles.css']) {
    assert.ok(!storefront.includes(plain), `${plain} is asked by its hashed name`);
  }
  const loaded = pageFiles.filter((p) => storefront.includes(p));
  assert.ok(loaded.some((p) => p.startsWith('/app.')) && loaded.some((p) => p.startsWith('/styles.')), loaded.join(' '));
  const answer = await fetch(`${server.url}${loaded[0]}`, { headers: { 'Accept-Encoding': 'br' } });
  assert.equal(answer.headers.get('cache-control'), 'public, max-age=31536000, immutable');

  const before = server.log().length;
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const again = requestsSince(before);
  assert.deepEqual(again.filter(([p]) => pageFiles.includes(p)), [], 'no request for a hashed page file');
  assert.deepEqual(again.filter(([p]) => p === '/'), [['/', 304]], 'the page itself is revalidated');

  // The member centre shares the storefront's modules: none is asked again.
  const across = server.log().length;
  await page.goto(`${server.url}/member.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const shared = requestsSince(across).map(([p]) => p).filter((p) => storefront.includes(p) && pageFiles.includes(p));
  assert.deepEqual(shared, []);
  assert.deepEqual(problems, []);
  await context.close();
});
