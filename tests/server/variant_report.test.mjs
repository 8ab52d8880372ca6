// An experiment live: the merchant's report of each variant's figures over
// local days, read from the ledger while the server runs; the variants add
// up to everything the ledger holds, and the tested group of a bread x2
// experiment earns more per order than the control.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { serverForFile } from './file-server.mjs';
import { joinMember, merchantKey, root } from './loyalty-server.mjs';

const bakery = JSON.parse(readFileSync(`${root}programs/bakery.json`, 'utf8'));
bakery.experiment = { id: 'bread-x2', seed: 'live', variants: [{ id: 'control', share_bp: 5000 }, { id: 'bread', share_bp: 5000 }] };
bakery.segments = [...(bakery.segments ?? []), { id: 'bread-test', when: { variants: ['bread'] } }];
bakery.earning.campaigns = [...(bakery.earning.campaigns ?? []),
  { id: 'bread-double', categories: ['bread'], multiplier_bp: 20000, from: '2020-01-01', to: '2099-12-31', segments: ['bread-test'] }];
const path = join(mkdtempSync(join(tmpdir(), 'loyalty-variants-')), 'program.json');
writeFileSync(path, JSON.stringify(bakery));

const { call } = serverForFile(['--program', path, '--demo', '--member-rate', '0', '--ip-rate', '0']);

test('each variant\'s figures add up to the ledger, and the tested group earns more per order', async () => {
  const members = [];
  for (let m = 0; m < 16; m += 1) {
    const { member_id } = await joinMember(call, `variant-live-${process.pid}-${m}`);
    const order = await call('POST', '/v1/orders', {
      auth: merchantKey,
      body: { member_id, id: 'o1', order_id: 'o1', lines: [{ sku: 'baguette', category: 'bread', unit_price: 1000, quantity: 1 }] },
    });
    assert.equal(order.status, 200, order.text);
    members.push({ member_id, earned: order.json.ledger.reduce((n, r) => n + r.available + r.pending, 0) });
  }
  const report = await call('GET', '/v1/reports/variants', { auth: merchantKey });
  assert.equal(report.status, 200, report.text);
  const { variants } = report.json;
  assert.deepEqual(Object.keys(variants), ['bread', 'control']);
  assert.equal(report.json.experiment, 'bread-x2');
  assert.equal(report.json.from, report.json.to, 'today by default');
  assert.equal(variants.bread.members_with_rows + variants.control.members_with_rows, members.length);
  assert.equal(variants.bread.issued + variants.control.issued, members.reduce((n, m) => n + m.earned, 0));
  const perMember = (v) => variants[v].issued / variants[v].members_with_rows;
  assert.ok(perMember('bread') > perMember('control'), JSON.stringify(variants));
  assert.deepEqual(Object.keys(variants.bread.issued_by_kind), ['earn']);

  // The activity report: the same days in all, and the same split by variant.
  const activity = await call('GET', '/v1/reports/activity', { auth: merchantKey });
  assert.equal(activity.status, 200, activity.text);
  assert.equal(activity.json.figures.issued, variants.bread.issued + variants.control.issued);
  assert.equal(activity.json.members_with_rows, members.length);
  assert.deepEqual(activity.json.variants, variants);
});

test('the days asked are checked, and a day with nothing has nothing', async () => {
  const empty = await call('GET', '/v1/reports/variants?from=2020-01-01&to=2020-01-31', { auth: merchantKey });
  assert.equal(empty.status, 200, empty.text);
  assert.deepEqual(Object.values(empty.json.variants).map((v) => [v.issued, v.members_with_rows]), [[0, 0], [0, 0]]);
  for (const [query, path] of [['from=2026-13-01', 'from'], ['from=2026-02-01&to=2026-01-01', 'to'], ['from=2020-01-01&to=2026-01-01', 'to']]) {
    const bad = await call('GET', `/v1/reports/variants?${query}`, { auth: merchantKey });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.errors[0].path, path);
  }
  const member = await joinMember(call, `variant-live-${process.pid}-x`);
  assert.equal((await call('GET', '/v1/reports/variants', { auth: member.token })).status, 403);
});
