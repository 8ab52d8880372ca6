// The mini-program's pages rendered by miniprogram-simulate, their logic in
// the WeChat-like host, synced with a real `loyalty serve --demo` on
// loopback: what a member sees and taps, and that it is what the core says.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { client, merchantKey, startServer } from '../server/loyalty-server.mjs';
import { closeView, renderPage, tap, text, until } from './render-page.mjs';
import { createWeChatHost } from './wechat-host.mjs';

const DAY = 86400000;
let server;
let call;

before(async () => {
  server = await startServer(['--program', 'programs/bakery.json', '--demo']);
  call = client(server.url);
});
const hosts = [];
after(async () => {
  for (const host of hosts) host.app.member?.sync.stop();
  closeView();
  await server.stop();
});

async function launch(memberId, options = {}) {
  const host = createWeChatHost({ server: server.url, storage: { 'loyalty.account': { memberId } }, ...options });
  hosts.push(host);
  const member = await host.launch();
  await until(() => member.sync.version !== null || host.offline, 'the first answer from the server');
  return { host, member };
}

async function serverLedger(memberId) {
  const res = await call('GET', `/v1/members/${memberId}/ledger?limit=1000`, { auth: merchantKey });
  assert.equal(res.status, 200, res.text);
  return res.json.ledger;
}

test('home greets a new member and shows the tier, goal and balance the core computes', async () => {
  const { host, member } = await launch('mp-home');
  const home = await renderPage(host, 'pages/home/index');
  await until(() => home.data.stage === 'new', 'the greeting for a new member');
  const progress = member.ask('tierProgress');
  assert.equal(text(home, '.tier-name'), '会员');
  assert.equal(text(home, '.goal'), `再消费 ${member.money(progress.spend_needed)} 升级银卡`);
  assert.equal(text(home, '.balance'), '可用 0');
  assert.match(text(home, '.greeting'), /欢迎加入/);
});

test('the language switch turns every page to English and is remembered', async () => {
  const { host } = await launch('mp-lang');
  const home = await renderPage(host, 'pages/home/index');
  tap(home, '.language');
  await until(() => text(home, '.title') === 'Membership card', 'English words');
  assert.equal(host.storageValue('loyalty.locale'), 'en');
  const checkin = await renderPage(host, 'pages/checkin/index');
  assert.equal(text(checkin, '.title'), 'Daily check-in');
});

test('checking in marks today done, shows the streak, and the server keeps it once', async () => {
  const { host, member } = await launch('mp-checkin');
  const page = await renderPage(host, 'pages/checkin/index');
  const today = page.data.days.find((d) => d.status === 'today');
  assert.equal(text(page, '#checkin'), `签到领 ${today.reward}`);
  tap(page, '#checkin');
  await until(() => member.sync.queue.length === 0 && page.data.streak === 1, 'the server to answer');
  assert.equal(text(page, '.streak'), '已连续签到 1 天');
  assert.equal(text(page, '.checked-in'), '今日已签到');
  assert.equal(page.data.days.find((d) => d.date === today.date).status, 'done');
  const home = await renderPage(host, 'pages/home/index');
  assert.equal(text(home, '.balance'), `可用 ${member.ask('pointsSummary').available}`);
  assert.equal(member.ask('pointsSummary').available, 5);
  assert.deepEqual((await serverLedger('mp-checkin')).map((e) => e.kind), ['checkin']);
});

// A member the phone last heard of from the server with `events` applied
// since joining `joinedDaysAgo`, opened with the server unreachable.
async function launchOfflineWith(memberId, joinedDaysAgo, events) {
  const host = createWeChatHost({ server: server.url });
  hosts.push(host);
  const { createLoyaltyCore } = host.require('./lib/loyalty-core.js');
  const core = await createLoyaltyCore({ program: host.require('./lib/program.js'), wasmPath: '/lib/loyalty-core.wasm.br' });
  const { state } = core.applyEvents({ state: { member_id: memberId, joined_at: Date.now() - joinedDaysAgo * DAY }, events });
  host.wx.setStorageSync('loyalty.account', { memberId, state, version: events.length });
  host.offline = true;
  return { host, member: await host.launch() };
}

const breadOrder = (at) => ({ id: 'o1', at, type: 'order', order_id: 'o1', lines: [{ sku: 'b', category: 'bread', unit_price: 5000, quantity: 1 }] });

test('a missed day is offered as a make-up with its cost; taking it previews the calendar while offline', async () => {
  // The last answer the server gave: 100 points, a check-in two days ago.
  const now = Date.now();
  const { host, member } = await launchOfflineWith('mp-makeup', 5, [breadOrder(now - 3 * DAY), { id: 'c1', at: now - 2 * DAY, type: 'checkin' }]);
  const page = await renderPage(host, 'pages/checkin/index');
  const yesterday = page.data.days.find((d) => d.status === 'fillable');
  assert.ok(yesterday, JSON.stringify(page.data.days));
  assert.equal(text(page, '.makeup'), `补签 ${yesterday.date}（20 积分）`);
  tap(page, '.makeup');
  await until(() => page.data.days.find((d) => d.date === yesterday.date).status === 'made_up', 'the make-up preview');
  assert.equal(page.data.streak, 2);
  assert.equal(member.sync.queue.length, 1);
  assert.equal(text(page, '#sync-status'), '无法连接服务器：订单已保存，联网后自动同步');
  assert.equal(member.ask('pointsSummary').available, 100 - 20 + 5);
  member.sync.stop();
});

test('a sleeping member sees the recall offer on the tasks page, with when it closes', async () => {
  const ordered = Date.now() - 95 * DAY;  // asleep since 5 days ago: the offer runs 14 days from then
  const { host, member } = await launchOfflineWith('mp-recall', 200, [breadOrder(ordered)]);
  const page = await renderPage(host, 'pages/tasks/index');
  assert.equal(text(page, '#recall-name'), '回归礼：下单3倍积分');
  assert.equal(text(page, '#recall-text'), `下一单积分 ×3，${member.time(ordered + (90 + 14) * DAY)} 前有效`);
  member.sync.stop();
});

test('offline events queue, are sent when the server is back, and a lost answer applies nothing twice', async () => {
  const { host, member } = await launch('mp-offline');
  const tasks = await renderPage(host, 'pages/tasks/index');
  host.offline = true;
  tap(tasks, '.like', 0);
  tap(tasks, '.share', 0);
  await until(() => member.sync.offline && tasks.data.status.text !== '', 'the offline banner');
  assert.equal(member.sync.queue.length, 2);
  assert.equal(tasks.data.articles[0].liked, true, 'the like is previewed');
  const history = await renderPage(host, 'pages/history/index');
  assert.deepEqual(history.data.entries.filter((e) => e.delta === '待同步').map((e) => e.kind).sort(), ['like', 'share']);

  // A flush that found the server unreachable may still be settling (the
  // pages refresh as they render); let it end, so the next one is the first
  // back online and the one whose answer is lost.
  while (member.sync.flushing) await member.sync.flushing;
  // Back online, but the first answer is lost on the way: the retry carries the same ids.
  host.offline = false;
  host.loseAnswers = 1;
  member.sync.stop();
  await member.sync.flush();
  assert.equal(member.sync.queue.length, 2, 'kept after the lost answer');
  member.sync.stop();
  await member.sync.flush();
  assert.equal(member.sync.queue.length, 0);
  const kinds = (await serverLedger('mp-offline')).map((e) => e.kind);
  assert.deepEqual(kinds, ['like'], 'one like; one share is not yet a task done');
  const sent = host.journal.requests.filter((r) => r.url.endsWith('/v1/sync'));
  assert.deepEqual(JSON.parse(sent.at(-1).body).events.map((e) => e.id), JSON.parse(sent.at(-2).body).events.map((e) => e.id));
  await until(() => tasks.data.status.text === '', 'the banner to clear');
  assert.equal(member.ask('pointsSummary').available, 2);
});

test('a scanned code is redeemed once; a second scan of it is refused with its code', async () => {
  const { host, member } = await launch('mp-scan');
  const tasks = await renderPage(host, 'pages/tasks/index');
  host.scans.push('XMAS-0001', 'XMAS-0001');
  tap(tasks, '#scan');
  await until(() => member.sync.ledger.some((e) => e.kind === 'scan'), 'the scan to be applied');
  tap(tasks, '#scan');
  await until(() => member.sync.rejected.length === 1, 'the second scan to be refused');
  assert.equal(member.sync.rejected[0].code, 'scan.code_used');
  await until(() => text(tasks, '#refused').includes('scan.code_used'), 'the refusal on the page');
  assert.match(text(tasks, '#wallet'), /红包/);
  assert.equal(tasks.data.coupons.length, 1);
});

test('the box shows its published odds, waits offline, opens with the server\'s draw and says the seed comes later', async () => {
  const { host, member } = await launch('mp-box');
  const page = await renderPage(host, 'pages/box/index');
  const odds = member.core.boxOdds({ box: 'chest' });
  assert.equal(page.querySelectorAll('.odds-row').length, odds.prizes.length);
  assert.equal(page.data.odds[0].chance, `${(odds.prizes[0].per_million / 10000).toFixed(2)}%`);
  host.offline = true;
  tap(page, '#open');
  await until(() => page.data.opening && member.sync.offline, 'the chest to wait for the server');
  assert.equal(text(page, '#box-status'), '已排队：联网后开启');
  assert.equal(page.data.canDraw, false, 'one draw at a time');
  host.offline = false;
  member.sync.stop();
  member.sync.flush();
  await until(() => page.data.result, 'the prize');
  assert.equal(page.data.opening, false);
  const ledger = await serverLedger('mp-box');
  const prize = ledger.find((e) => e.kind === 'box_prize' || e.prize);
  assert.equal(page.data.result.prize, member.sync.draws[0].prize);
  if (prize) assert.equal(prize.prize, page.data.result.prize);
  assert.match(text(page, '.commitment'), /种子承诺 SHA-256/);
  tap(page, '#verify');
  await until(() => page.data.verification, 'the verification answer');
  assert.match(page.data.verification.text, /结束后公布/);
});

test('the points mall shows what the member can redeem; a redemption waits offline, then the server decides it once', async () => {
  const { host, member } = await launch('mp-mall');
  const order = await call('POST', '/v1/orders', {
    auth: merchantKey,
    body: { member_id: 'mp-mall', id: 'o1', order_id: 'o1', lines: [{ sku: 'baguette', category: 'bread', unit_price: 30000, quantity: 1 }] },
  });
  assert.equal(order.json.results[0].result, 'applied', order.text);
  await member.sync.refresh();
  const home = await renderPage(host, 'pages/home/index');
  assert.equal(text(home, '#mall-link'), '积分商城 ›');
  const page = await renderPage(host, 'pages/mall/index');
  await until(() => page.data.items.some((i) => i.notes.includes('剩余')), 'the stock from the server');
  const catalog = member.session.mallCatalog(Date.now());
  assert.deepEqual(Array.from(page.data.items, (i) => i.item), Array.from(catalog.items, (i) => i.item));
  assert.equal(text(page, '#item-red-packet-5 .item-state'), '等级专享');
  assert.match(text(page, '#item-birthday-cake'), /500 积分 \+ ¥19\.90/);
  const before = catalog.available;
  host.offline = true;
  tap(page, '#item-free-coffee .redeem');
  await until(() => page.data.items.find((i) => i.item === 'free-coffee').state === '待同步', 'the redemption to wait');
  assert.equal(text(page, '#item-free-coffee .item-state'), '待同步');
  assert.equal(member.session.mallCatalog(Date.now()).available, before - 300, 'the core previews the unsent redemption');
  host.offline = false;
  member.sync.stop();
  member.sync.flush();
  await until(() => member.sync.queue.length === 0 && member.sync.ledger.some((e) => e.kind === 'mall_redeem'), 'the server');
  const rows = (await serverLedger('mp-mall')).filter((e) => e.kind === 'mall_redeem');
  assert.equal(rows.reduce((sum, e) => sum + e.available, 0), -300);
  assert.deepEqual(Array.from(rows.filter((e) => e.coupon), (e) => e.coupon), ['FREE-COFFEE']);
  await until(() => page.data.mine.length === 1, 'the redemption listed');
  assert.match(page.data.mine[0].text, /咖啡兑换券 ×1$/);
});

test('the spokesperson page makes a QR poster and a share card; a friend who opens the card joins and counts', async () => {
  const { host, member } = await launch('mp-spokesperson');
  const home = await renderPage(host, 'pages/home/index');
  assert.equal(text(home, '#spokesperson-link'), '代言人任务 ›');
  const page = await renderPage(host, 'pages/spokesperson/index');
  const overview = member.ask('taskOverview').spokesperson[0];
  assert.equal(text(page, '#campaign-bakery-friends .next'), `再有 ${overview.next.needed} 位好友注册入会，得 30 积分`);
  tap(page, '#campaign-bakery-friends .make-poster');
  await until(() => page.data.campaigns[0].poster?.qr, 'the share code from the server');
  const poster = page.data.campaigns[0].poster;
  assert.match(poster.link, /\/member\.html\?share=s1\./);
  assert.match(decodeURIComponent(poster.qr), /^data:image\/svg\+xml;charset=utf-8,<svg .*<path d="M/);
  assert.ok(page.querySelector('.qr'), 'the poster shows the QR image');
  tap(page, '#campaign-bakery-friends .copy');
  await until(() => host.clipboard === poster.link, 'the link copied');
  const card = page.instance.onShareAppMessage();
  const code = decodeURIComponent(card.path.split('?share=')[1]);
  assert.equal(card.title, '麦香代言人');
  assert.equal(card.path, `/pages/home/index?share=${code}`);

  // The friend taps the card on a phone that never ran the mini-program.
  const friend = createWeChatHost({ server: server.url, storage: { 'loyalty.account': { memberId: 'mp-friend-1' } } });
  hosts.push(friend);
  const friendMember = await friend.launch({ path: 'pages/home/index', query: { share: code } });
  await until(() => friendMember.sync.version !== null, 'the friend to join');
  const spokesperson = await call('GET', '/v1/members/mp-spokesperson', { auth: merchantKey });
  assert.deepEqual(spokesperson.json.state.tasks.campaigns[0].friends, [{ actions: ['join'], member_id: 'mp-friend-1' }]);
  await member.sync.refresh();
  await until(() => text(page, '#campaign-bakery-friends .friends').startsWith('已带来 1 位好友'), 'the friend counted');
});

test('points history lists the server\'s ledger newest first with names', async () => {
  const { host, member } = await launch('mp-history');
  const checkin = await renderPage(host, 'pages/checkin/index');
  tap(checkin, '#checkin');
  await until(() => member.sync.queue.length === 0 && member.sync.ledger.length === 1, 'the check-in');
  const history = await renderPage(host, 'pages/history/index');
  assert.equal(history.data.entries.length, 1);
  const [entry] = history.data.entries;
  assert.deepEqual([entry.what, entry.delta], [`签到 · ${member.sync.ledger[0].subject}`, '+5']);
  assert.equal(text(history, '.entry'), `${entry.what}${entry.when}+5`);
});
