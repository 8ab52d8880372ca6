// The member centre on Douyin: the core's Douyin entry (TTWebAssembly, with
// the base library's limits), and the project build-douyin.mjs makes from the
// WeChat one, run in a Douyin-like logic layer and synced with a real
// `loyalty serve --demo`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { client, merchantKey, startServer } from '../server/loyalty-server.mjs';
import { until } from './render-page.mjs';
import { createWeChatHost, douyinRoot, projectRoot } from './wechat-host.mjs';

const douyin = (options = {}) => createWeChatHost({ platform: 'douyin', ...options });
const bakery = douyin().require('./lib/program.js');
const cart = { lines: [{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 2 }] };

test('the Douyin entry loads the .wasm.br through TTWebAssembly and previews as on WeChat', async () => {
  const host = douyin();
  const { createLoyaltyCore } = host.require('./lib/loyalty-core.js');
  const core = await createLoyaltyCore({ program: bakery });
  const wechat = createWeChatHost();
  const other = await wechat.require('./lib/loyalty-core.js').createLoyaltyCore({ program: bakery });
  assert.deepEqual(host.journal.instantiated, ['/lib/loyalty-core.wasm.br']);
  // Each host is its own V8 context: compare the answers as JSON.
  assert.equal(JSON.stringify(core.previewOrder({ state: { growth: 100 }, cart, at: 1796000000000 })),
    JSON.stringify(other.previewOrder({ state: { growth: 100 }, cart, at: 1796000000000 })));
});

test('a base library from 2.34 to before 2.92 is given the plain .wasm, which the package carries', async () => {
  const host = douyin({ library: '2.56.0.0' });
  const core = await host.require('./lib/loyalty-core.js').createLoyaltyCore({ program: bakery });
  assert.deepEqual(host.journal.instantiated, ['/lib/loyalty-core.wasm']);
  assert.ok(core.previewOrder({ state: {}, cart, at: 1796000000000 }).points > 0);
});

test('a base library before 2.34, or without TTWebAssembly, is refused with host.no_ttwebassembly', async () => {
  for (const host of [douyin({ library: '2.20.1.0' }), douyin({ withWXWebAssembly: false })]) {
    const { createLoyaltyCore, LoyaltyError } = host.require('./lib/loyalty-core.js');
    await assert.rejects(createLoyaltyCore({ program: bakery }), (e) => e instanceof LoyaltyError && e.code === 'host.no_ttwebassembly');
    assert.deepEqual(host.journal.instantiated, []);
  }
});

test('the Douyin project has every WeChat page in TTML and TTSS, and nothing of WeChat left', () => {
  const files = readdirSync(douyinRoot, { recursive: true }).map(String);
  const pages = JSON.parse(readFileSync(join(projectRoot, 'app.json'), 'utf8')).pages;
  for (const page of pages) {
    for (const ext of ['js', 'json', 'ttml', 'ttss']) assert.ok(files.includes(`${page}.${ext}`), `${page}.${ext}`);
  }
  assert.deepEqual(files.filter((f) => /\.wx(ml|ss)$/.test(f)), []);
  for (const f of files.filter((name) => /\.(ttml|js)$/.test(name) && !name.startsWith('lib/'))) {
    const code = readFileSync(join(douyinRoot, f), 'utf8').replace(/^\s*\/\/.*$/gm, '');  // comments may name WeChat
    assert.doesNotMatch(code, /\bwx[:.]|\.wxml|WXWebAssembly|wechatHost/, f);
  }
  assert.equal(JSON.parse(readFileSync(join(douyinRoot, 'app.json'), 'utf8')).sitemapLocation, undefined);
});

let server;
before(async () => {
  server = await startServer(['--program', 'programs/bakery.json', '--demo']);
});
after(() => server.stop());

test('on Douyin a member checks in on the check-in page; the server keeps it once', async () => {
  const memberId = 'douyin-checkin';
  const host = douyin({ server: server.url, storage: { 'loyalty.account': { memberId } } });
  const member = await host.launch();
  try {
    await until(() => member.sync.version !== null, 'the first answer from the server');
    // The page's logic as Douyin runs it: Page(definition), then setData into `data`.
    const page = Object.assign(Object.create(host.pageDefinition('pages/checkin/index')), {
      setData(values) { this.data = { ...this.data, ...values }; },
    });
    page.data = { ...page.data };
    page.onLoad({});
    await until(() => page.data.ready && page.data.canCheckIn, 'the check-in page');
    page.checkIn();
    await until(() => member.sync.queue.length === 0 && page.data.streak === 1, 'the server to answer');
    assert.equal(page.data.canCheckIn, false);
    const ledger = await client(server.url)('GET', `/v1/members/${memberId}/ledger?limit=100`, { auth: merchantKey });
    assert.deepEqual(ledger.json.ledger.map((row) => row.kind), ['checkin']);
    assert.ok(host.journal.requests.some((r) => r.url.endsWith('/v1/sync')), 'through tt.request');
    page.onUnload();
  } finally {
    member.sync.stop();
  }
});
