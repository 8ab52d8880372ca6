// The web demo in Debian's Chromium: widgets show exactly what the core
// computes, the page keeps working offline, and nothing logs an error.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { createLoyaltyCore } from '@loyalty-core/wasm';

import { client, merchantKey, root, startServer } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const shots = `${root}test-output/screenshots`;
const products = JSON.parse(readFileSync(`${root}web-demo/products.json`, 'utf8'));
const reference = await createLoyaltyCore({ program: readFileSync(`${root}programs/bakery.json`, 'utf8') });
const line = (sku, quantity = 1) => {
  const p = products.find((x) => x.sku === sku);
  return { sku, category: p.category, unit_price: p.unit_price, quantity };
};
const expectedPoints = (growth, lines) =>
  reference.previewOrder({ state: { growth }, cart: { lines }, at: Date.now() }).points;

let server;
let browser;
let page;
let problems;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer(['--program', 'programs/bakery.json', '--demo', '--static', 'build/web-demo', '--package', 'wasm/dist']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // The offline tests cut these on purpose.
  problems = watchProblems(page, /\/v1\/(program|demo\/checkout)$/);
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const badgePoints = (sku) => page.getAttribute(`.product[data-sku="${sku}"] .badge`, 'data-points');

test('every badge shows what the core computes for that product', async () => {
  for (const p of products) {
    assert.equal(Number(await badgePoints(p.sku)), expectedPoints(0, [line(p.sku)]), p.sku);
  }
  assert.equal(await page.textContent('.product[data-sku="baguette"] .badge'), '购买得 24 积分');
});

test('the cart earns what the core computes for the same cart', async () => {
  await page.click('.product[data-sku="baguette"] button');
  await page.click('.product[data-sku="baguette"] button');
  await page.click('.product[data-sku="croissant"] button');
  await page.click('.product[data-sku="black-forest"] button');
  const shown = Number(await page.getAttribute('.earns', 'data-points'));
  assert.equal(shown, expectedPoints(0, [line('baguette', 2), line('croissant'), line('black-forest')]));
  await page.screenshot({ path: `${shots}/storefront-1280x800.png`, fullPage: true });
});

test('a gold member sees gold points and the top-tier message', async () => {
  await page.selectOption('#member', 'gold');
  assert.equal(Number(await badgePoints('baguette')), expectedPoints(2600, [line('baguette')]));
  assert.match(await page.textContent('loyalty-tier-progress'), /金卡/);
});

test('a member close to gold is told how much more to spend', async () => {
  await page.selectOption('#member', 'silver');
  const text = await page.textContent('loyalty-tier-progress .goal');
  assert.match(text, /升级金卡/);
  assert.match(text, /150\.00/);  // 1850 growth, gold at 2000, 1 growth per yuan
  assert.match(await page.textContent('loyalty-tier-progress'), /下单后将升级为金卡/);
});

test('switching to English re-renders every widget', async () => {
  await page.click('#language');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('.product[data-sku="latte"] .badge'), /^Earn \d+ points$/);
  assert.match(await page.textContent('loyalty-cart-summary'), /This order earns/);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/storefront-390x844.png`, fullPage: true });
});

test("the member's own account checks out through the sync server and shows its balance", async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.selectOption('#member', 'me');
  await page.waitForSelector('.balance[data-available="0"]');
  await page.click('.product[data-sku="baguette"] button');
  await page.click('.product[data-sku="baguette"] button');
  await page.click('loyalty-account .checkout');
  // The cart still holds what the earlier tests added.
  const earned = expectedPoints(0, [line('baguette', 4), line('croissant'), line('black-forest')]);
  await page.waitForSelector(`.balance[data-available="${earned}"]`);
  const memberId = await page.evaluate(() => JSON.parse(localStorage.getItem('loyalty-demo.account')).memberId);
  const ledger = await client(server.url)('GET', `/v1/members/${memberId}/ledger`, { auth: merchantKey });
  assert.deepEqual(ledger.json.ledger.map((row) => [row.kind, row.available]), [['earn', earned]]);
});

test('a checkout while the server is unreachable waits as pending and is sent once when it is back', async () => {
  const before = Number(await page.getAttribute('.balance', 'data-available'));
  await page.route('**/v1/demo/checkout', (route) => route.abort());
  await page.click('.product[data-sku="croissant"] button');
  await page.click('loyalty-account .checkout');
  await page.waitForSelector('.pending[data-count="1"]');
  assert.equal(await page.isVisible('loyalty-account .unsent'), true);
  assert.equal(Number(await page.getAttribute('.balance', 'data-available')), before);
  await page.screenshot({ path: `${shots}/account-pending-1280x800.png`, fullPage: true });
  await page.unroute('**/v1/demo/checkout');
  await page.click('loyalty-account .sync-now');
  const after = before + expectedPoints(0, [line('croissant')]);
  await page.waitForSelector(`.balance[data-available="${after}"]`);
  assert.equal(await page.isVisible('.pending'), false);
  await page.click('loyalty-account .sync-now');  // nothing left to send: nothing applied twice
  await page.waitForSelector(`.balance[data-available="${after}"]`);
  const memberId = await page.evaluate(() => JSON.parse(localStorage.getItem('loyalty-demo.account')).memberId);
  const ledger = await client(server.url)('GET', `/v1/members/${memberId}/ledger`, { auth: merchantKey });
  assert.equal(ledger.json.ledger.length, 2);
});

test('with the server unreachable the page still previews from its last programme', async () => {
  await page.route('**/v1/program', (route) => route.abort());
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.isVisible('#offline'), true);
  assert.equal(Number(await badgePoints('baguette')), expectedPoints(0, [line('baguette')]));
});

test('nothing logged an error in the page', () => {
  assert.deepEqual(problems, []);
});
