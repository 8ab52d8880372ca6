// The simulation report page (reports/simulation-report.mjs) from a real
// `loyalty simulate` run, opened in Chromium from a file, offline: every
// chart drawn, the summary's figures the report's own, tier moves and the
// most affected members listed, zh-CN first and English a click away, no
// error in the console. Screenshots at 1440×900 and 390×844.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { bin, root } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const shots = `${root}test-output/screenshots`;
const work = mkdtempSync(join(tmpdir(), 'loyalty-report-'));
let browser;
let report;
let page;

before(async () => {
  mkdirSync(shots, { recursive: true });
  const events = join(work, 'events.jsonl.gz');
  execFileSync(bin, ['generate', '--program', `${root}programs/bakery.json`, '--members', '400', '--days', '365',
    '--seed', '9', '--out', events], { stdio: 'ignore' });
  const candidate = JSON.parse(readFileSync(`${root}programs/bakery.json`, 'utf8'));
  candidate.version += 1;
  candidate.earning.categories.find((c) => c.id === 'bread').multiplier_bp = 30000;
  candidate.tiers[1].qualify.growth /= 2;
  // An A/B test of the change: the report splits the candidate by variant.
  candidate.experiment = { id: 'bread-x3', seed: 'report', variants: [{ id: 'control', share_bp: 5000 }, { id: 'bread-x3', share_bp: 5000 }] };
  writeFileSync(join(work, 'candidate.json'), JSON.stringify(candidate));
  execFileSync(bin, ['simulate', '--program', `${root}programs/bakery.json`, '--candidate', join(work, 'candidate.json'),
    '--events', events, '--out', join(work, 'report.json')], { stdio: 'ignore' });
  report = JSON.parse(readFileSync(join(work, 'report.json'), 'utf8'));
  execFileSync('node', [`${root}reports/simulation-report.mjs`, join(work, 'report.json'), '--out', join(work, 'report.html')]);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

test('the report draws every chart offline and shows the run it came from', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, offline: true });
  page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(pathToFileURL(join(work, 'report.html')).href);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.textContent('h1'), '积分方案模拟报告');
  for (const id of ['points-chart', 'outstanding-chart', 'tiers-chart', 'kinds-chart', 'redeemed-chart']) {
    const size = await page.$eval(`#${id} canvas`, (c) => [c.width, c.height]);
    assert.ok(size[0] > 200 && size[1] > 200, `${id}: ${size}`);
  }
  const cards = await page.$$eval('.card .value', (nodes) => nodes.map((n) => n.textContent));
  const outstanding = report.programmes.candidate.outstanding_points;
  assert.ok(cards.includes(new Intl.NumberFormat('zh-CN').format(outstanding)), `${cards} has ${outstanding}`);
  const meta = await page.textContent('#meta');
  assert.match(meta, /bakery v1 \/ .*bakery v2/);
  assert.ok(report.tier_changes.upgraded > 0);
  assert.match(await page.textContent('#moves'), new RegExp(`member → silver${report.tier_moves['member -> silver']}`));
  assert.equal(await page.$$eval('#affected tbody tr', (rows) => rows.length), report.most_affected.length);
  const variants = await page.$$eval('#variants tbody tr', (rows) => rows.map((r) => [...r.cells].slice(0, 3).map((c) => c.textContent)));
  const split = report.programmes.candidate.by_variant;
  assert.deepEqual(variants, Object.entries(split).map(([id, v]) => ['候选方案', id, new Intl.NumberFormat('zh-CN').format(v.members)]));
  assert.ok(report.programmes.candidate.total.redeemed_by_kind.mall_redeem > 0, 'the generated members redeem in the mall');
  await page.screenshot({ path: `${shots}/simulation-report-zh-1440x900.png`, fullPage: true });
  assert.deepEqual(problems, []);
});

test('the report reads in English after one click and fits a phone', async () => {
  await page.click('#language');
  assert.equal(await page.textContent('h1'), 'Programme simulation report');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('#moves'), /Upgraded/);
  await page.setViewportSize({ width: 390, height: 844 });
  // The charts redraw at the new width on the resize event.
  const fits = await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null, { timeout: 5000 })
    .then(() => true, () => false);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(fits, `the page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: `${shots}/simulation-report-en-390x844.png`, fullPage: true });
});
