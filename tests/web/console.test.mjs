// The operator console in Debian's Chromium: customer service signs in,
// finds a member, sees what the server holds, tags the member and sees the
// change in the audit log; a viewer gets no change controls; a refused
// sign-in is explained in the operator's language. Screenshots at a desktop
// and a phone size, in both languages.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { bin, client, freshDb, merchantKey, root, startServer } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const shots = `${root}test-output/screenshots`;
const password = 'correct horse battery';
// Refused on purpose: asking for a session before signing in, a wrong password.
const expectedRefusals = /\/v1\/console\/(session|sign-in)$/;

let server;
let browser;
let call;
const memberId = 'm-desk';

before(async () => {
  mkdirSync(shots, { recursive: true });
  const db = freshDb();
  for (const [name, role] of [['service-1', 'service'], ['viewer-1', 'viewer'], ['editor-1', 'editor'], ['publisher-1', 'publisher']]) {
    const added = spawnSync(bin, ['operator', 'add', '--db', db, '--name', name, '--role', role],
      { cwd: root, encoding: 'utf8', env: { ...process.env, LOYALTY_OPERATOR_PASSWORD: password } });
    assert.equal(added.status, 0, added.stderr);
  }
  server = await startServer(['--program', 'programs/bakery.json', '--static', 'build/web-demo', '--package', 'wasm/dist', '--db', db]);
  call = client(server.url, server.log);
  assert.equal((await call('POST', '/v1/members', { auth: merchantKey, body: { member_id: memberId } })).status, 201);
  const order = await call('POST', '/v1/orders', {
    auth: merchantKey,
    body: { member_id: memberId, id: 'o-1', order_id: 'o-1', lines: [{ sku: 'cake', category: 'cake', unit_price: 60000, quantity: 1 }] },
  });
  assert.equal(order.status, 200, order.text);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openConsole(viewport = { width: 1440, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const problems = watchProblems(page, expectedRefusals);
  await page.goto(`${server.url}console.html`);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, problems };
}

async function signIn(page, name, secret = password) {
  await page.fill('#sign-in input[name="name"]', name);
  await page.fill('#sign-in input[name="password"]', secret);
  await page.click('#sign-in button[type="submit"]');
}

test('customer service finds a member, sees what the server holds, tags it, and the audit log shows it', async () => {
  const { page, problems } = await openConsole();
  assert.equal(await page.textContent('h1'), '会员运营后台');
  await signIn(page, 'service-1');
  await page.waitForSelector('body[data-signed-in="true"]');
  assert.equal(await page.textContent('#operator'), 'service-1 · 客服');

  // The dashboard: the liability now, this month's points, tiers and stages, the mall's stock.
  await page.waitForSelector('body[data-dashboard="ready"]');
  const liability = (await call('GET', '/v1/reports/liability', { auth: merchantKey })).json;
  assert.equal(await page.textContent('#outstanding'), String(liability.outstanding_points));
  assert.equal(await page.textContent('#members-total'), '1');
  assert.match(await page.textContent('#liability'), /6\.00/);
  const month = JSON.parse(await page.getAttribute('#chart-month', 'data-values'));
  assert.equal(month['发放'], 600, "the order's points, issued this month");
  const tiers = JSON.parse(await page.getAttribute('#chart-tiers', 'data-values'));
  assert.deepEqual(Object.entries(tiers), [['会员', 0], ['银卡', 1], ['金卡', 0]], "the programme's tiers, in its order");
  const stock = (await call('GET', '/v1/mall')).json.stock;
  assert.equal(await page.locator('#stock tbody tr').count(), Object.keys(stock).length);
  assert.equal(await page.isVisible('#variants'), false, 'no experiment runs');
  // The chest's prizes and today's red packet budget, none given yet.
  const boxRows = await page.$$eval('#box-stock tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.deepEqual(boxRows.find((r) => r[1] === '1.88元红包'), ['麦香宝箱', '1.88元红包', '0', '1000']);
  assert.deepEqual(boxRows.find((r) => r[1] === '5积分'), ['麦香宝箱', '5积分', '0', '不限']);
  assert.deepEqual(boxRows.at(-1), ['麦香宝箱', '今日红包预算（元）', '0.00', '1000.00']);
  assert.ok(await page.evaluate(() => document.querySelectorAll('#chart-month canvas').length > 0), 'drawn by ECharts');

  await page.fill('#find input[name="member"]', memberId);
  await page.click('#find button');
  await page.waitForSelector('#member:not([hidden])');
  const held = (await call('GET', `/v1/members/${memberId}`, { auth: merchantKey })).json;
  assert.equal(await page.getAttribute('#member-tier', 'data-tier'), held.state.tier);
  assert.equal(await page.textContent('#member-tier'), '银卡', "the tier's name in the operator's language");
  assert.equal(await page.textContent('#member-available'), String(held.balances.available));
  assert.equal(await page.textContent('#member-pending'), String(held.balances.pending));
  assert.equal(await page.textContent('#member-growth'), String(held.state.growth));
  assert.equal(await page.locator('#lots tbody tr').count(), held.state.lots.length);
  assert.equal(await page.locator('#lots tbody tr td').first().textContent(), String(held.state.lots[0].points));
  const ledger = (await call('GET', `/v1/members/${memberId}/ledger`, { auth: merchantKey })).json.ledger;
  assert.equal(await page.locator('#ledger tbody tr').count(), Math.min(20, ledger.length));
  assert.equal(await page.locator('#ledger tbody tr td').nth(4).textContent(), ledger.at(-1).order_id, 'newest first');

  // The member's progress and tasks, as the core computes them for the member.
  await page.waitForSelector('#member-next:not(:empty)');
  assert.equal(await page.textContent('#member-next'), '距金卡还差 1400（成长值）');
  assert.equal(await page.textContent('#member-box-chances'), '0');
  const tasks = await page.$$eval('#member-tasks tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.deepEqual(tasks[0], ['今日点赞', '0 / 5', '']);
  assert.ok(tasks.some((t) => t[0] === '本周分享3篇文章' && t[1] === '0 / 3'), JSON.stringify(tasks));

  await page.fill('#tag input[name="tag"]', 'vip');
  await page.click('#tag button[value="add"]');
  await page.waitForSelector('#member-tags[data-tags=\'["vip"]\']');
  const tagged = (await call('GET', `/v1/members/${memberId}`, { auth: merchantKey })).json.state;
  assert.deepEqual(tagged.tags, ['vip']);
  await page.waitForSelector('#audit tbody tr[data-action="member_tagged"]');
  const row = await page.locator('#audit tbody tr[data-action="member_tagged"]').first().textContent();
  assert.match(row, /service-1修改会员标签m-desk\{"tags":\[\]\} → \{"tags":\["vip"\]\}/);
  // An adjustment with a reason: in the member's ledger at once, with the reason on its row.
  await page.fill('#adjust input[name="points"]', '-150');
  await page.fill('#adjust input[name="reason"]', '重复发放的积分');
  await page.click('#adjust button');
  await page.waitForSelector('#message:text("已调整")');
  const adjusted = (await call('GET', `/v1/members/${memberId}`, { auth: merchantKey })).json;
  assert.equal(adjusted.balances.available, held.balances.available - 150);
  assert.equal(await page.textContent('#member-available'), String(adjusted.balances.available));
  assert.equal(await page.locator('#ledger tbody tr td').nth(1).textContent(), 'adjust');
  assert.equal(await page.locator('#ledger tbody tr td').nth(4).textContent(), '重复发放的积分', 'the reason, on its row');
  const rows = (await call('GET', `/v1/members/${memberId}/ledger`, { auth: merchantKey })).json.ledger;
  assert.equal(rows.at(-1).subject, '重复发放的积分');
  // The ledger filtered by kind and by day.
  await page.selectOption('#ledger-kind', 'earn');
  assert.deepEqual(await page.$$eval('#ledger tbody tr td:nth-child(2)', (c) => c.map((x) => x.textContent)), ['earn']);
  assert.equal(await page.textContent('#ledger-count'), `符合条件 1 条，共 ${rows.length} 条`);
  await page.selectOption('#ledger-kind', '');
  await page.fill('#ledger-to', '2020-01-01');
  await page.dispatchEvent('#ledger-to', 'change');
  assert.equal(await page.locator('#ledger tbody tr').count(), 0, 'nothing before 2020');
  await page.fill('#ledger-to', '');
  await page.dispatchEvent('#ledger-to', 'change');
  assert.equal(await page.locator('#ledger tbody tr').count(), rows.length);
  await page.fill('#adjust input[name="points"]', '0');
  await page.fill('#adjust input[name="reason"]', '无');
  await page.click('#adjust button');
  await page.waitForSelector('#message:text("积分和成长值都为 0，没有可调整的")');
  await page.waitForSelector('#audit tbody tr[data-action="member_adjusted"] >> text=adjust.nothing');

  // A phone set at the desk finds the member again, however it is written; the desk shows its ending only.
  assert.equal(await page.textContent('#member-phone'), '未绑定');
  await page.fill('#phone input[name="phone"]', '+86 138 0013 8000');
  await page.click('#phone button[type="submit"]');
  await page.waitForSelector('#member-phone[data-ending="8000"]');
  assert.equal(await page.textContent('#member-phone'), '尾号 8000');
  await page.fill('#find input[name="member"]', '138-0013-8000');
  const lookup = page.waitForResponse((r) => r.url().includes('/v1/members?phone='));
  await page.click('#find button');
  assert.equal((await lookup).status(), 200);
  await page.waitForSelector('#member[data-member="m-desk"] #member-phone[data-ending="8000"]');
  await page.waitForSelector('#audit tbody tr[data-action="member_phone_set"]');
  assert.match(await page.locator('#audit tbody tr[data-action="member_phone_set"]').first().textContent(), /\{"phone_ending":null\} → \{"phone_ending":"8000"\}/);
  await page.screenshot({ path: `${shots}/console-desk-1440.png`, fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/console-desk-390.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px on a phone`);

  await page.click('#sign-out');
  await page.waitForSelector('body[data-signed-in="false"]');
  const after = await page.evaluate(async () => (await fetch('/v1/console/session')).status);
  assert.equal(after, 401, 'signed out on the server, not only in the page');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a refused sign-in is explained in the operator\'s language, and a viewer gets no change controls', async () => {
  const { page, problems } = await openConsole({ width: 390, height: 844 });
  await signIn(page, 'viewer-1', 'not the password');
  await page.waitForSelector('#message:not([hidden])');
  assert.equal(await page.textContent('#message'), '账号或密码不正确');

  await page.click('#language');
  assert.equal(await page.textContent('h1'), 'Members console');
  await signIn(page, 'viewer-1');
  await page.waitForSelector('body[data-signed-in="true"]');
  await page.fill('#find input[name="member"]', memberId);
  await page.click('#find button');
  await page.waitForSelector('#member:not([hidden])');
  assert.equal(await page.isVisible('#tag'), false);
  assert.equal(await page.isVisible('#revoke'), false);
  assert.equal(await page.isVisible('#adjust'), false);
  // Even a request made by hand is the server's to refuse.
  const forced = await page.evaluate(async (member) => (await fetch('/v1/tags', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ member_id: member, id: 'x', add: ['y'] }),
  })).status, memberId);
  assert.equal(forced, 403);
  await page.screenshot({ path: `${shots}/console-viewer-en-390.png`, fullPage: true });
  assert.deepEqual(problems.filter((p) => !p.includes('403')), []);
  await page.close();
});

const previewCell = (page, row, column) => page.locator(`#preview tr[data-row="${row}"] td`).nth(column).textContent();

test("an editor's threshold change shows in the preview, an invalid one is shown at its field, and only a publisher publishes", async () => {
  const { page, problems } = await openConsole();
  await signIn(page, 'editor-1');
  await page.waitForSelector('body[data-draft="valid"]');
  assert.equal(await page.isVisible('#publish'), false, 'an editor drafts but does not publish');
  assert.equal(await previewCell(page, 'tier', 1), '会员');
  assert.equal(await previewCell(page, 'tier', 2), '会员', 'the draft starts as the version in force');
  // The chest's odds from its prize weights: 5 points are 500 of 1,000.
  assert.equal(await page.textContent('#box-odds tr[data-prize="chest/points-5"] td:nth-child(2)'), '50%');
  assert.match(await page.textContent('#box-odds tr[data-prize="chest/average"] td:nth-child(2)'), /^8\.5 积分 · ¥0\.09 红包$/);

  // Forms for the boxes, the mall and the tasks: a prize weight moves the odds; a bad price is shown at its field.
  await page.click('#editor details:has(#box-fields) summary');
  await page.fill('#box-fields input[data-path="tasks.boxes[0].prizes[0].weight"]', '1500');
  await page.waitForFunction(() => document.querySelector('#box-odds tr[data-prize="chest/points-5"] td:nth-child(3)')?.textContent === '75%');
  await page.click('#editor details:has(#mall-fields) summary');
  const price = page.locator('#mall-fields input[data-path="mall.items[0].points"]');
  assert.equal(await price.inputValue(), '300');
  await price.fill('-5');
  await page.waitForSelector('body[data-draft="invalid"]');
  assert.match(await page.locator('#mall-fields input[data-path="mall.items[0].points"] + .field-problem').textContent(), /between 0 and/);
  await price.fill('300');
  await page.click('#editor details:has(#task-fields) summary');
  await page.fill('#task-fields input[data-path="tasks.likes.daily_cap"]', '8');
  await page.waitForFunction(() => /tasks\.likes\.daily_cap: 5 → 8/.test(document.querySelector('#changes').textContent));
  await page.waitForSelector('body[data-draft="valid"]');
  await page.locator('#editor').screenshot({ path: `${shots}/console-forms-1440.png` });
  await page.fill('#task-fields input[data-path="tasks.likes.daily_cap"]', '5');
  await page.fill('#box-fields input[data-path="tasks.boxes[0].prizes[0].weight"]', '500');

  // The JSON, with the programme format's completion at the caret: keys the object has not got yet, values a field allows.
  await page.click('#editor details:has(#draft) summary');
  const text = await page.inputValue('#draft');
  const caretAt = (offset) => page.evaluate((at) => {
    const area = document.querySelector('#draft');
    area.focus();
    area.setSelectionRange(at, at);
    area.dispatchEvent(new Event('click'));
  }, offset);
  await caretAt(2);
  const offered = await page.$$eval('#completions button', (buttons) => buttons.map((b) => b.textContent));
  assert.ok(offered.includes('experiment') && !offered.includes('tiers'), offered.join(' '));
  const combine = text.indexOf('"combine": "') + '"combine": "'.length;
  await caretAt(combine);
  assert.deepEqual(await page.$$eval('#completions button', (buttons) => buttons.map((b) => b.textContent)), ['"multiply"', '"add"']);
  await caretAt(2);
  await page.click('#completions button:text-is("experiment")');
  assert.match(await page.inputValue('#draft'), /^\{\n"experiment": \{\}/);
  await page.fill('#draft', text);
  await page.waitForSelector('body[data-draft="valid"]');
  await page.click('#editor details:has(#draft) summary');

  // The sample cart, made by the operator: three loaves of bread alone (2 points a yuan).
  assert.equal(await previewCell(page, 'points', 1), '500', 'one ¥100 item of each category');
  for (let i = 0; i < 3; i++) await page.click('#cart tbody tr:last-child button');
  await page.fill('#cart tbody tr:first-child input[aria-label="数量"]', '3');
  await page.waitForFunction(() => document.querySelector('#preview tr[data-row="points"] td:nth-child(2)')?.textContent === '600');
  assert.equal(await page.inputValue('#cart tbody tr:first-child select'), 'bread');
  // Earning as a form: bread at ×3 in the draft.
  await page.click('#editor details:has(#earning-fields) summary');
  await page.fill('#earning-fields input[data-path="earning.categories[0].multiplier_bp"]', '30000');
  await page.waitForFunction(() => document.querySelector('#preview tr[data-row="points"] td:nth-child(3)')?.textContent === '900');
  await page.fill('#earning-fields input[data-path="earning.categories[0].multiplier_bp"]', '20000');
  await page.waitForFunction(() => document.querySelector('#preview tr[data-row="points"] td:nth-child(3)')?.textContent === '600');

  await page.locator('#thresholds input[data-path="tiers[1].retain.growth"]').fill('100');
  const silver = page.locator('#thresholds input[data-path="tiers[1].qualify.growth"]');
  await silver.fill('100');
  await page.waitForFunction(() => document.querySelector('#preview tr[data-row="tier"] td:nth-child(3)')?.textContent === '银卡');
  assert.equal(await previewCell(page, 'tier', 1), '会员', 'the version in force is unchanged');
  assert.match(await page.textContent('#changes'), /tiers\[1\]\.qualify\.growth: 500 → 100/);

  // A member from the store, ranked by each version: m-desk has 600 growth, silver under both.
  await page.fill('#sample input[name="member"]', memberId);
  await page.click('#sample button');
  await page.waitForSelector('#preview tr[data-row="memberTier"]');
  assert.equal(await previewCell(page, 'memberTier', 1), '银卡');
  assert.equal(await previewCell(page, 'memberNeeds', 1), '距下一级还差 1400（成长值）');
  await page.locator('#thresholds input[data-path="tiers[2].retain.growth"]').fill('600');
  await page.locator('#thresholds input[data-path="tiers[2].qualify.growth"]').fill('600');
  await page.waitForFunction(() => document.querySelector('#preview tr[data-row="memberTier"] td:nth-child(3)')?.textContent === '金卡');
  assert.equal(await previewCell(page, 'memberTier', 1), '银卡', 'the version in force ranks it as before');
  assert.equal(await previewCell(page, 'memberNeeds', 2), '已是最高等级');
  // A made-up new member who spends ¥700 (700 growth): silver under the version in force, gold under the draft.
  await page.fill('#sample input[name="member"]', '');
  await page.fill('#sample input[name="spend"]', '700');
  await page.click('#sample button');
  await page.waitForFunction(() => document.querySelector('#preview tr[data-row="memberTier"] td')?.textContent.startsWith('消费 ¥700'));
  assert.equal(await previewCell(page, 'memberTier', 1), '银卡');
  assert.equal(await previewCell(page, 'memberTier', 2), '金卡');

  // The draft replayed on the store's history: the same points, m-desk a gold member instead of a silver one.
  await page.click('#simulate button');
  await page.waitForSelector('body[data-simulation="ready"]');
  const totals = await page.$$eval('#simulation-totals tr[data-row]', (rows) =>
    Object.fromEntries(rows.map((r) => [r.dataset.row, [...r.cells].slice(1).map((c) => c.textContent)])));
  assert.equal(totals.issued[2], '0', 'the same points issued');
  assert.deepEqual(totals.upgraded, ['—', '1', '']);
  assert.deepEqual(await page.$$eval('#tier-moves tbody td', (cells) => cells.map((c) => c.textContent)), ['银卡 → 金卡', '1']);
  assert.match(await page.textContent('#simulation-sample'), /模拟了 1 \/ 1 位会员/);
  const issued = JSON.parse(await page.getAttribute('#chart-sim-issued', 'data-values'));
  assert.deepEqual(Object.keys(issued), ['当前版本', '草稿']);
  assert.deepEqual(issued['当前版本'], issued['草稿']);
  assert.equal(await page.isVisible('#simulation-stale'), false);

  // Saved on the server under a name, for a publisher to open.
  await page.fill('#drafts input[name="name"]', 'gold-600');
  await page.click('#drafts button[name="save"]');
  await page.waitForSelector('#message:text("草稿 gold-600 已保存（第 1 次）")');
  assert.equal(await page.inputValue('#saved-drafts'), 'gold-600');

  const gold = page.locator('#thresholds input[data-path="tiers[2].qualify.growth"]');
  await gold.fill('50');
  await page.waitForSelector('#simulation-stale:not([hidden])');
  assert.equal(await page.isDisabled('#simulate button'), true, 'an invalid draft is not simulated');
  await page.waitForSelector('body[data-draft="invalid"]');
  assert.equal(await gold.getAttribute('aria-invalid'), 'true');
  const shown = await page.locator('#thresholds input[data-path="tiers[2].qualify.growth"] + .field-problem').textContent();
  assert.match(shown, /tiers\[1\]\.qualify\.growth/, 'the error, at the field it is about');
  assert.match(await page.textContent('#problems'), /\[tiers\.threshold_order\]/);
  assert.equal(await previewCell(page, 'tier', 2), '—', 'an invalid draft previews nothing');
  await page.screenshot({ path: `${shots}/console-editor-1440.png`, fullPage: true });
  // The same editor in English (the draft valid again): its fields, preview, odds and simulation say so.
  await gold.fill('600');
  await page.waitForSelector('body[data-draft="valid"]');
  await page.click('#language');
  await page.waitForFunction(() => document.querySelector('#preview tr[data-row="memberTier"] td')?.textContent === "A member who spent ¥700's tier");
  assert.match(await page.textContent("#thresholds"), /Gold · to qualify · growth/);
  assert.match(await page.textContent('#published'), /^In force: version 1/);
  assert.equal(await page.textContent('#box-odds tr[data-prize="chest/points-5"] td'), '5 points');
  assert.match(await page.textContent('#simulation-totals'), /Points issued/);
  await page.screenshot({ path: `${shots}/console-editor-en-1440.png`, fullPage: true });
  await page.click('#language');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a publisher publishes the draft with its effective time, and the storefront previews under it from then on', async () => {
  const shop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const badge = async () => {
    await shop.goto(`${server.url}index.html`);
    await shop.waitForSelector('body[data-ready="true"]');
    return Number(await shop.getAttribute('.product[data-sku="baguette"] .badge', 'data-points'));
  };
  const before = await badge();

  const { page, problems } = await openConsole({ width: 390, height: 844 });
  await signIn(page, 'publisher-1');
  await page.waitForSelector('body[data-draft="valid"]');
  // The editor's saved draft, opened here: gold from 600 growth.
  await page.selectOption('#saved-drafts', 'gold-600');
  await page.click('#open-draft');
  await page.waitForSelector('#message:text("已打开草稿 gold-600（第 1 次保存）")');
  assert.equal(await page.inputValue('#thresholds input[data-path="tiers[2].qualify.growth"]'), '600');
  const draft = JSON.parse(await page.inputValue('#draft'));
  draft.earning.points.earn *= 2;
  draft.tasks.boxes[0].prizes[0].weight = 1500;
  await page.click('#editor details:has(#draft) summary');
  await page.fill('#draft', JSON.stringify(draft, null, 2));
  await page.waitForFunction(() => /earning\.points\.earn: 1 → 2/.test(document.querySelector('#changes').textContent));
  await page.waitForSelector('body[data-draft="valid"]');
  assert.equal(Number(await previewCell(page, 'points', 2)), 2 * Number(await previewCell(page, 'points', 1)));
  assert.deepEqual(await page.$$eval('#box-odds tr[data-prize="chest/points-5"] td', (c) => c.map((td) => td.textContent)),
    ['5积分', '50%', '75%'], '1,500 of 2,000');
  const effective = Date.now() + 3000;
  await page.evaluate((at) => {
    const local = new Date(at - new Date(at).getTimezoneOffset() * 60000);
    document.querySelector('#publish input[name="at"]').value = local.toISOString().slice(0, 19);
  }, effective);
  await page.locator('#editor').screenshot({ path: `${shots}/console-editor-390.png` });
  await page.click('#publish button');
  await page.waitForSelector('#message:text("第 2 版已发布")');
  await page.screenshot({ path: `${shots}/console-publish-390.png`, fullPage: true });

  const versions = (await call('GET', '/v1/program/versions', { auth: merchantKey })).json.versions;
  assert.deepEqual(versions.map((v) => [v.version, v.in_force]), [[1, true], [2, false]], 'not before its time');
  assert.equal(await badge(), before, 'the storefront still previews under version 1');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, effective - Date.now()) + 300));
  assert.ok(await badge() > before, 'from its effective time, the storefront previews under version 2');
  const audit = (await call('GET', '/v1/console/audit', { auth: merchantKey })).json.rows.filter((r) => r.action === 'program_published');
  assert.deepEqual(audit.map((r) => [r.operator, r.before, r.after.version]), [['publisher-1', { newest_version: 1 }, 2]]);
  // The published draft has left the list.
  assert.deepEqual((await call('GET', '/v1/program/drafts', { auth: merchantKey })).json.drafts, []);
  const drafts = (await call('GET', '/v1/console/audit', { auth: merchantKey })).json.rows.filter((r) => r.action.startsWith('draft_'));
  assert.deepEqual(drafts.map((r) => [r.operator, r.action, r.target]), [['editor-1', 'draft_saved', 'gold-600'], ['publisher-1', 'draft_deleted', 'gold-600']]);
  assert.deepEqual(problems, []);
  await page.close();
  await shop.close();
});
