// The storefront reloaded in Chromium: the core's files, loaded by the
// content-hashed names the package's manifest lists, come from the browser's
// cache without a request to the server; the manifest and the pages are
// asked after and answered 304 when unchanged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { root, startServer } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const manifest = JSON.parse(readFileSync(`${root}wasm/dist/manifest.json`, 'utf8'));
let server;
let browser;

before(async () => {
  server = await startServer(['--program', 'programs/bakery.json', '--demo', '--static', 'web-demo', '--package', 'wasm/dist']);
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
