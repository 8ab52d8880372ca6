// A storefront on its own origin, in Debian's Chromium: with its origin
// listed by --cors-origin it loads the core from the server's /pkg/, reads
// the programme and syncs a check-in with a member token (a preflighted
// request); a page on an origin not listed is kept from all of it by the
// browser.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import { startServer } from '../server/loyalty-server.mjs';
import { launchChromium } from './browser.mjs';

// A page that tries everything a storefront needs of the loyalty server and reports what worked.
const page = (api) => `<!doctype html><meta charset="utf-8"><title>shop</title><script type="module">
const api = ${JSON.stringify(api)};
const report = {};
const attempt = async (name, fn) => {
  try { report[name] = await fn(); } catch (e) { report[name] = 'failed: ' + e.message; }
};
await attempt('program', async () => (await (await fetch(api + 'v1/program')).json()).program.id);
await attempt('core', async () => {
  const { createLoyaltyCore } = await import(api + 'pkg/loyalty-core.web.mjs');
  const program = await (await fetch(api + 'v1/program')).json();
  const core = await createLoyaltyCore({ program: program.program });
  return core.previewOrder({ state: { member_id: 'm-1' }, at: Date.now(),
    cart: { lines: [{ sku: 'baguette', category: 'bread', unit_price: 1200, quantity: 1 }] } }).points;
});
await attempt('sync', async () => {
  const login = await (await fetch(api + 'v1/demo/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ member_id: 'shopper-1' }) })).json();
  const synced = await fetch(api + 'v1/sync', { method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + login.token },
    body: JSON.stringify({ events: [{ id: 'c-' + Date.now(), type: 'checkin' }] }) });
  return (await synced.json()).results[0].result;
});
await attempt('etag', async () => (await fetch(api + 'v1/program')).headers.get('ETag') !== null);
document.body.dataset.report = JSON.stringify(report);
</script><body></body>`;

// A plain origin of its own serving the shop's page.
function shopOrigin() {
  let api = '';
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page(api));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server,
    origin: `http://127.0.0.1:${server.address().port}`,
    setApi: (url) => { api = url; },
  })));
}

let allowed;
let other;
let loyalty;
let browser;

before(async () => {
  allowed = await shopOrigin();
  other = await shopOrigin();
  loyalty = await startServer(['--program', 'programs/bakery.json', '--demo', '--package', 'wasm/dist',
    '--cors-origin', allowed.origin, '--cors-origin', 'https://shop.example']);
  allowed.setApi(loyalty.url);
  other.setApi(loyalty.url);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await loyalty?.stop();
  allowed?.server.close();
  other?.server.close();
});

async function reportFrom(origin) {
  const tab = await browser.newPage();
  const blocked = [];
  tab.on('console', (m) => { if (m.type() === 'error') blocked.push(m.text()); });
  await tab.goto(origin);
  await tab.waitForSelector('body[data-report]', { state: 'attached', timeout: 20000 });
  const report = JSON.parse(await tab.getAttribute('body', 'data-report'));
  await tab.close();
  return { report, blocked };
}

test('a storefront on a listed origin loads the core, reads the programme and syncs with a member token', async () => {
  const { report, blocked } = await reportFrom(allowed.origin);
  assert.equal(report.program, 'bakery');
  assert.equal(typeof report.core, 'number', `the core from /pkg/ ran: ${report.core}`);
  assert.equal(report.sync, 'applied', 'the preflighted sync went through');
  assert.equal(report.etag, true, 'ETag is exposed to the page');
  assert.deepEqual(blocked, []);
});

test('a page on an origin that is not listed can use none of it', async () => {
  const { report, blocked } = await reportFrom(other.origin);
  for (const name of ['program', 'core', 'sync', 'etag']) assert.match(String(report[name]), /^failed/, name);
  assert.ok(blocked.some((text) => /CORS/.test(text)), `the browser says why: ${blocked.join('\n')}`);
});
