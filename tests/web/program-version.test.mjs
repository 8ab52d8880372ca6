// A brand publishes new rules while a member has the member centre open:
// the page previews under version 1, the server publishes version 2, the
// page's next sync names it, and the page loads it and previews under it
// (and keeps it for an offline start).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { client, merchantKey, root, startServer } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const shots = `${root}test-output/screenshots`;
// Version 2: Silver merged into Gold, pastry counted as bread.
const bakeryV2 = JSON.parse(readFileSync(`${root}programs/bakery-v2.json`, 'utf8'));

let server;
let browser;
let page;
let problems;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer(['--program', 'programs/bakery.json', '--demo', '--static', 'build/web-demo', '--package', 'wasm/dist']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  problems = watchProblems(page);
  await page.goto(`${server.url}member.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('loyalty-demo.account') ?? '{}').version === 0);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a page holding version 1 previews under version 2 after the sync that follows its publication', async () => {
  assert.match(await page.textContent('loyalty-tier-card .goal'), /再消费 ¥500\.00 升级银卡/, 'version 1: Silver is next');

  const published = await client(server.url)('POST', '/v1/program', { auth: merchantKey, body: { program: bakeryV2 } });
  assert.equal(published.status, 201, published.text);
  assert.match(await page.textContent('loyalty-tier-card .goal'), /升级银卡/, 'nothing changes before the page hears of it');

  await page.click('button.checkin');  // the next sync answers program_version 2
  await page.waitForFunction(() => /升级金卡/.test(document.querySelector('loyalty-tier-card .goal')?.textContent ?? ''));
  assert.match(await page.textContent('loyalty-tier-card .goal'), /再消费 ¥2,?000\.00 升级金卡/);
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('loyalty-demo.program')).version);
  assert.equal(kept, 2, 'kept for an offline start');
  await page.screenshot({ path: `${shots}/member-centre-program-v2-1280x800.png`, fullPage: true });

  await page.reload();  // a later visit starts on version 2
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.textContent('loyalty-tier-card .goal'), /升级金卡/);
});

test('nothing logged an error in the page', () => {
  assert.deepEqual(problems, []);
});
