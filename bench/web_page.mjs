// The web demo in Chromium, against `loyalty serve`: navigation to the first
// rendered preview (the page's 'loyalty:first-preview' mark, read from the
// Performance API), the bytes of wasm + JS the page fetched, and badge
// updates for a 100-product listing. Prints JSON for bench/report.mjs.
//   node bench/web_page.mjs [--bin build/native-release/server/loyalty] [--loads 10] [--latency MS --kbps N]
//                           [--static build/web-demo]  (web-demo: the sources, plain names revalidated)
// --latency and --kbps put the page loads behind a slow network (Chromium's
// emulation: each request's round trip, and the download rate), where a
// request saved or made earlier shows.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

import { root, startServer } from '../tests/server/loyalty-server.mjs';
import { launchChromium } from '../tests/web/browser.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
// The release build unless told otherwise; the tests' default is the sanitised debug build.
const binary = resolve(root, option('--bin', 'build/native-release/server/loyalty'));
const loads = Number(option('--loads', '10'));
const latency = Number(option('--latency', '0'));
const kbps = Number(option('--kbps', '0'));
const site = option('--static', 'build/web-demo');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer(['--program', 'programs/bakery.json', '--demo', '--static', site, '--package', 'wasm/dist'], { binary });
const browser = await launchChromium();
const result = {};
try {
  // A first visit each time: a new context has an empty cache.
  const firstPreview = async (path, context) => {
    const page = await context.newPage();
    if (latency || kbps) {
      const cdp = await context.newCDPSession(page);
      const throughput = kbps ? (kbps * 1000) / 8 : -1;  // bytes a second; -1: not limited
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: throughput, uploadThroughput: throughput });
    }
    await page.goto(`${server.url}${path}`);
    await page.waitForSelector('body[data-ready="true"]');
    const ms = await page.evaluate(() => performance.getEntriesByName('loyalty:first-preview')[0].startTime);
    return { page, ms };
  };
  for (const path of ['', 'member.html']) {
    const cold = [];
    const warm = [];
    for (let i = 0; i < loads; ++i) {
      const context = await browser.newContext();
      const { page, ms } = await firstPreview(path, context);
      cold.push(ms);
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      warm.push(await page.evaluate(() => performance.getEntriesByName('loyalty:first-preview')[0].startTime));
      await context.close();
    }
    result[`first_preview_ms${path ? '_member' : ''}`] = { cold: median(cold), warm: median(warm), loads };
  }

  // What the storefront fetched of wasm and JS, and the same files gzipped.
  const context = await browser.newContext();
  const { page } = await firstPreview('', context);
  const fetched = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => /\.(m?js|wasm)$/.test(new URL(r.name).pathname))
    .map((r) => ({ path: new URL(r.name).pathname, transferred: r.encodedBodySize })));
  const local = (path) => `${root}${path.startsWith('/pkg/') ? `wasm/dist/${path.slice(5)}` : `${site}${path}`}`;
  result.transfer = fetched.map(({ path, transferred }) => {
    const bytes = readFileSync(local(path));
    return { path, transferred, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  await context.close();

  // Start-up in a page, ours beside zen-engine-wasm's init: import the
  // module, fetch and compile its wasm, and for ours load bakery.json, in a
  // fresh context each time (an empty cache), both served from one origin.
  const served = {
    '/ours/': `${root}wasm/dist/`,
    '/zen/': `${root}node_modules/@gorules/zen-engine-wasm/`,
  };
  const types = { mjs: 'text/javascript', js: 'text/javascript', wasm: 'application/wasm', json: 'application/json', html: 'text/html' };
  const program = readFileSync(`${root}programs/bakery.json`, 'utf8');
  const startups = { ours: [], zen: [] };
  for (let i = 0; i < loads; ++i) {
    for (const which of ['ours', 'zen']) {
      const context = await browser.newContext();
      await context.route('http://bench.local/**', (route) => {
        const path = new URL(route.request().url()).pathname;
        const prefix = Object.keys(served).find((p) => path.startsWith(p));
        if (!prefix) return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>start-up</title>' });
        return route.fulfill({ contentType: types[path.split('.').pop()], body: readFileSync(served[prefix] + path.slice(prefix.length)) });
      });
      const page = await context.newPage();
      await page.goto('http://bench.local/');
      startups[which].push(await page.evaluate(async ({ which, program }) => {
        const t0 = performance.now();
        if (which === 'ours') {
          const { createLoyaltyCore } = await import('/ours/loyalty-core.web.mjs');
          await createLoyaltyCore({ program });
        } else {
          const zen = await import('/zen/index.js');
          await zen.default('/zen/dist/zen_engine_wasm_bg.wasm');
        }
        return performance.now() - t0;
      }, { which, program }));
      await context.close();
    }
  }
  result.startup_ms = { ours: median(startups.ours), zen: median(startups.zen), loads };

  // A 100-product listing: every badge re-rendered when the member changes
  // (one previewListing call), and the core's calls alone, side by side.
  const listing = await browser.newContext();
  const big = await listing.newPage();
  const products = Array.from({ length: 100 }, (_, i) => ({
    sku: `p-${i}`, category: ['bread', 'pastry', 'cake', 'drinks'][i % 4], unit_price: 500 + 37 * i, name: { 'zh-CN': `商品${i}`, en: `Product ${i}` },
  }));
  await big.route('**/products.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(products) }));
  await big.goto(server.url);
  await big.waitForSelector('body[data-ready="true"]');
  result.listing = await big.evaluate(async (runs) => {
    const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const select = document.querySelector('#member');
    const rerender = [];
    for (let i = 0; i < runs; ++i) {
      select.value = i % 2 ? 'gold' : 'silver';
      const t0 = performance.now();
      select.dispatchEvent(new Event('change'));  // widgets re-render synchronously
      rerender.push(performance.now() - t0);
    }
    const badges = document.querySelectorAll('loyalty-badge .badge').length;
    const { createLoyaltyCore } = await import('/pkg/loyalty-core.web.mjs');
    const program = JSON.parse(localStorage.getItem('loyalty-demo.program'));
    const core = await createLoyaltyCore({ program });
    const lines = [...document.querySelectorAll('.product')].map((card, i) => ({
      sku: card.dataset.sku, category: ['bread', 'pastry', 'cake', 'drinks'][i % 4], unit_price: 500 + 37 * i, quantity: 1,
    }));
    const state = { growth: 2600 };
    const batch = [];
    const each = [];
    for (let i = 0; i < runs; ++i) {
      let t0 = performance.now();
      core.previewListing({ state, products: lines, at: 1795276800000 });
      batch.push(performance.now() - t0);
      t0 = performance.now();
      for (const line of lines) core.previewOrder({ state, cart: { lines: [line] }, at: 1795276800000 });
      each.push(performance.now() - t0);
    }
    return { badges, rerender_ms: mid(rerender), batch_ms: mid(batch), per_product_ms: mid(each), runs };
  }, 21);
  await listing.close();
} finally {
  await browser.close();
  await server.stop();
}
console.log(JSON.stringify(result, null, 2));
