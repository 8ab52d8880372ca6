// The member centre in Debian's Chromium, on the member's own synced account:
// what it shows is what the core computes, check-ins and draws go through the
// sync server once each (also after time offline), and both languages render.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { createLoyaltyCore } from '@loyalty-core/wasm';

import { client, merchantKey, root, startServer } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const shots = `${root}test-output/screenshots`;
const program = JSON.parse(readFileSync(`${root}programs/bakery.json`, 'utf8'));
const reference = await createLoyaltyCore({ program });

let server;
let browser;
let page;
let problems;
let memberId;

const serverLedger = async () =>
  (await client(server.url)('GET', `/v1/members/${memberId}/ledger`, { auth: merchantKey })).json.ledger;
// The member's state as the server holds it (the page keeps it as the core's snapshot).
const serverState = async () =>
  (await client(server.url)('GET', `/v1/members/${memberId}`, { auth: merchantKey })).json.state;
const shownAvailable = async () => Number(await page.getAttribute('.points-balance', 'data-available'));

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer(['--program', 'programs/bakery.json', '--demo', '--static', 'build/web-demo', '--package', 'wasm/dist']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  problems = watchProblems(page, /\/v1\/sync$/);  // the offline test cuts it
  await page.goto(`${server.url}member.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('loyalty-demo.account') ?? '{}').version === 0);
  memberId = await page.evaluate(() => JSON.parse(localStorage.getItem('loyalty-demo.account')).memberId);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a new member is greeted as new and sees the tier and progress the core computes', async () => {
  const at = Date.now();
  const state = await serverState();
  assert.equal(await page.getAttribute('.greeting', 'data-stage'), reference.lifecycle({ state, at }).stage);
  assert.equal(await page.getAttribute('.greeting', 'data-stage'), 'new');
  const progress = reference.tierProgress({ state, at });
  assert.equal(await page.getAttribute('.tier-name', 'data-tier'), progress.tier);
  assert.equal(await page.getAttribute('.ring', 'aria-valuenow'), String(progress.permille));
  assert.match(await page.textContent('loyalty-tier-card .goal'), /再消费 ¥500\.00 升级银卡/);
  assert.equal(await shownAvailable(), 0);
});

test('the calendar shows the cycle with each day\'s reward, and today open to check in', async () => {
  const calendar = reference.checkinCalendar({ state: {}, at: Date.now() });
  const statuses = await page.$$eval('.calendar .day', (days) => days.map((d) => d.dataset.status));
  assert.deepEqual(statuses, calendar.days.map((d) => d.status));
  assert.equal(statuses.length, program.tasks.checkin.cycle_days);
  assert.match(await page.textContent('.calendar .day:nth-child(7)'), /50 积分 \+ 1 次宝箱机会/);
  assert.equal(await page.textContent('button.checkin'), `签到领 ${calendar.today.reward.points} 积分`);
});

test('a check-in while the server is unreachable is previewed as pending, then sent once', async () => {
  const reward = reference.checkinCalendar({ state: {}, at: Date.now() }).today.reward.points;
  await page.route('**/v1/sync', (route) => route.abort());
  await page.focus('button.checkin');
  await page.keyboard.press('Enter');  // keyboard reachable
  await page.waitForSelector('.checked-in[data-pending="true"]');
  assert.equal(await page.getAttribute('.pending-events', 'data-count'), '1');
  assert.equal(await page.getAttribute('.streak', 'data-streak'), '1');
  assert.equal(await shownAvailable(), reward, 'the core previews the unsent check-in');
  assert.match(await page.textContent('loyalty-points-history .entry.pending'), /签到.*待同步/);
  assert.deepEqual(await serverLedger(), []);
  await page.screenshot({ path: `${shots}/member-centre-offline-1280x800.png`, fullPage: true });

  await page.unroute('**/v1/sync');
  await page.click('loyalty-sync-status .sync-now');
  await page.waitForSelector('.checked-in[data-pending="false"]');
  assert.equal(await page.isVisible('.pending-events'), false);
  assert.equal(await shownAvailable(), reward);
  await page.reload();  // syncs again: nothing left to send, nothing applied twice
  await page.waitForSelector('.checked-in[data-pending="false"]');
  const ledger = await serverLedger();
  assert.deepEqual(ledger.map((row) => [row.kind, row.available]), [['checkin', reward]]);
  assert.match(await page.textContent('loyalty-points-history'), new RegExp(`签到 · .*\\+${reward}`));
  assert.equal(await page.getAttribute('.calendar .day:nth-child(1)', 'data-status'), 'done');
});

test('the box shows its published odds, opens with the server\'s draw and says the seed comes later', async () => {
  const odds = reference.boxOdds({ box: 'chest' });
  const shown = await page.$$eval('.odds tbody tr', (rows) => rows.map((r) => [r.dataset.prize, Number(r.dataset.perMillion)]));
  assert.deepEqual(shown, odds.prizes.map((p) => [p.prize, p.per_million]));
  assert.match(await page.textContent('.odds'), /5积分\s*50\.00%/);

  await page.click('button.draw');
  const prize = await page.getAttribute('.box-result', 'data-prize', { timeout: 10000 });
  const ledger = await serverLedger();
  const prizeRow = ledger.find((row) => row.kind === 'box_prize');
  assert.equal(prize, prizeRow?.prize ?? 'thanks');
  const name = program.tasks.boxes[0].prizes.find((p) => p.id === prize).name['zh-CN'];
  assert.equal(await page.textContent('.won'), `恭喜获得：${name}`);
  assert.equal(await page.isDisabled('button.draw'), true, 'the free draw is used and 5 points do not pay for another');

  await page.click('button.verify');
  await page.waitForSelector('.verification');
  assert.match(await page.textContent('.verification'), /种子将在 \d{4}-\d{2}-\d{2} 结束后公布/);
});

test('a revealed seed that does not match the draw is flagged', async () => {
  const window = await page.evaluate(() => JSON.parse(localStorage.getItem('loyalty-demo.account')).draws[0].window);
  await page.clock.setFixedTime(Date.parse(`${window}T16:00:00Z`));  // the next local day begins (UTC+8)
  await page.route('**/v1/boxes/chest/seeds/*', (route) => route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ box: 'chest', window, commitment: '0'.repeat(64), seed: '1'.repeat(64) }),
  }));
  await page.click('button.verify');
  await page.waitForSelector('.verification[data-ok="false"]');
  assert.match(await page.textContent('.verification'), /不一致/);
  await page.unroute('**/v1/boxes/chest/seeds/*');
});

test('the points mall shows what the member can redeem, and a redemption waits offline, then goes once', async () => {
  // 600 points and 300 growth: enough for a coffee, not silver.
  const order = await client(server.url)('POST', '/v1/orders', {
    auth: merchantKey,
    body: { member_id: memberId, id: 'mall-order', order_id: 'mall-order', lines: [{ sku: 'baguette', category: 'bread', unit_price: 30000, quantity: 1 }] },
  });
  assert.equal(order.json.results[0].result, 'applied', order.text);
  await page.reload();  // asks the server for the member's state
  await page.waitForSelector('.mall-item[data-item="free-coffee"][data-can-redeem="true"]');
  const catalog = reference.mallCatalog({ state: await serverState(), at: await page.evaluate(() => Date.now()) });
  const shown = await page.$$eval('.mall-item', (items) => items.map((i) => [i.dataset.item, i.dataset.canRedeem === 'true']));
  assert.deepEqual(shown, catalog.items.map((i) => [i.item, i.can_redeem]));
  assert.equal(await page.textContent('.mall-item[data-item="red-packet-5"] .refusal'), '等级专享');
  assert.match(await page.textContent('.mall-item[data-item="birthday-cake"]'), /500 积分 \+ ¥19\.90.*下单支付后兑换/);
  const before = await shownAvailable();

  await page.route('**/v1/sync', (route) => route.abort());
  await page.click('.mall-item[data-item="free-coffee"] button.redeem');
  await page.waitForSelector('.mall-item[data-item="free-coffee"] .pending');
  assert.equal(await shownAvailable(), before - 300, 'the core previews the unsent redemption');
  assert.equal((await serverLedger()).filter((row) => row.kind === 'mall_redeem').length, 0);

  await page.unroute('**/v1/sync');
  await page.click('loyalty-sync-status .sync-now');
  await page.waitForSelector('.mall-item[data-item="free-coffee"] .pending', { state: 'detached' });
  const after = reference.mallCatalog({ state: await serverState(), at: await page.evaluate(() => Date.now()) });
  const statuses = await page.$$eval('.mall-item', (items) => items.map((i) => [i.dataset.item, i.dataset.canRedeem === 'true']));
  assert.deepEqual(statuses, after.items.map((i) => [i.item, i.can_redeem]));
  const redeemed = (await serverLedger()).filter((row) => row.kind === 'mall_redeem');
  assert.deepEqual(redeemed.map((row) => row.coupon ?? row.available).filter((x) => typeof x === 'string'), ['FREE-COFFEE']);
  assert.equal(redeemed.reduce((sum, row) => sum + row.available, 0), -300);
  assert.match(await page.textContent('.my-redemptions'), /咖啡兑换券 ×1/);
  assert.match(await page.textContent('loyalty-points-history'), /积分商城兑换 · 咖啡兑换券/);
  assert.equal(await shownAvailable(), before - 300);
});

test('the spokesperson card makes a QR poster of the member\'s share link; a friend who opens it joins and counts', async () => {
  await page.waitForSelector('loyalty-spokesperson .campaign[data-campaign="bakery-friends"][data-eligible="true"]');
  const overview = reference.taskOverview({ state: await serverState(), at: await page.evaluate(() => Date.now()) });
  assert.match(await page.textContent('loyalty-spokesperson .next'), new RegExp(`再有 ${overview.spokesperson[0].next.needed} 位好友注册入会，得 30 积分`));
  await page.click('loyalty-spokesperson button[data-key="poster-bakery-friends"]');
  await page.waitForSelector('loyalty-spokesperson .poster img.qr');
  const link = await page.inputValue('loyalty-spokesperson .share-link');
  assert.match(link, new RegExp(`^${server.url}member\\.html\\?share=s1\\.`));
  const { qrSvg, svgDataUri } = await import('../../web-demo/qr.js');
  assert.equal(await page.getAttribute('loyalty-spokesperson img.qr', 'src'), svgDataUri(qrSvg(link)), 'the QR code is of the link');
  await page.locator('loyalty-spokesperson').screenshot({ path: `${shots}/spokesperson-poster.png` });

  // A friend, on another device, opens the link and becomes a member through it.
  const friendContext = await browser.newContext();
  const friend = await friendContext.newPage();
  await friend.goto(link);
  await friend.waitForSelector('body[data-ready="true"]');
  await friend.waitForFunction(() => JSON.parse(localStorage.getItem('loyalty-demo.account') ?? '{}').token);
  const friendId = await friend.evaluate(() => JSON.parse(localStorage.getItem('loyalty-demo.account')).memberId);
  await friendContext.close();
  const counted = (await serverState()).tasks.campaigns.find((c) => c.campaign === 'bakery-friends');
  assert.deepEqual(counted.friends, [{ actions: ['join'], member_id: friendId }]);
  // The reloaded page shows its kept state at once and the server's after its first pull.
  await page.reload();
  await page.waitForFunction(() => /已带来 1 位好友/.test(document.querySelector('loyalty-spokesperson .friends')?.textContent ?? ''), null, { timeout: 10000 })
    .catch(async () => assert.fail(`the card still says: ${await page.textContent('loyalty-spokesperson .friends')}`));
});

test('the member centre speaks English and fits a phone', async () => {
  await page.click('#language');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('loyalty-checkin-calendar'), /Daily check-in.*1-day streak/s);
  assert.match(await page.textContent('loyalty-treasure-box'), /Published odds/);
  assert.match(await page.textContent('loyalty-points-history'), /Check-in/);
  await page.screenshot({ path: `${shots}/member-centre-1280x800.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
  await page.screenshot({ path: `${shots}/member-centre-390x844.png`, fullPage: true });
  await page.click('#language');
  await page.screenshot({ path: `${shots}/member-centre-zh-390x844.png`, fullPage: true });
});

test('a member asleep for 90 days finds the recall offer in the task list, with when it closes', async () => {
  const DAY = 86400000;
  const state = await serverState();
  const at = state.last_activity_at + 93 * DAY;
  const offer = reference.taskOverview({ state, at }).recall;
  assert.equal(offer.id, 'wake-up');
  await page.clock.setFixedTime(at);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('.task.recall[data-offer="wake-up"]');
  const shown = await page.textContent('.task.recall');
  assert.match(shown, /^回归礼：下单3倍积分下一单积分 ×3，\d{4}-\d{2}-\d{2}.* 前有效$/);
});

test('nothing logged an error in the member centre', () => {
  assert.deepEqual(problems, []);
});
