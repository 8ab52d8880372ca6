// The points liability (GET /v1/reports/liability and `loyalty report
// liability`), from the store while the server runs: what members hold adds
// up to their balances, splits whole by tier, stage and month of expiry, is
// worth its points at the redemption rate, and is the merchant's to read.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { bin, client, freshDb, joinMember, memberToken, merchantKey, root, startServer, storeKind } from './loyalty-server.mjs';

const program = 'programs/bakery.json';
const order = (member_id, i, price) => ({ member_id, id: `o-${i}`, order_id: `o-${i}`,
  lines: [{ sku: 'loaf', category: 'bread', unit_price: price, quantity: 1 }] });

test('the liability adds up to the members\' balances and splits whole by tier, stage and month', async () => {
  const db = freshDb();
  const server = await startServer(['--program', program, '--db', db, '--demo']);
  try {
    const call = client(server.url);
    const members = [];
    for (let m = 0; m < 6; m++) members.push((await joinMember(call, `liability-${m}`)).member_id);
    // A gold member (¥2,000 of bread), others with less, one with nothing.
    const prices = [200000, 30000, 5000, 1200, 800, 0];
    for (let m = 0; m < 5; m++) {
      const r = await call('POST', '/v1/orders', { auth: merchantKey, body: order(members[m], m, prices[m]) });
      assert.equal(r.status, 200, r.text);
    }
    let outstanding = 0;
    for (const m of members) {
      const { balances } = (await call('GET', `/v1/members/${m}`, { auth: merchantKey })).json;
      outstanding += balances.available + balances.pending - balances.debt;
    }

    const r = await call('GET', '/v1/reports/liability', { auth: merchantKey });
    assert.equal(r.status, 200, r.text);
    const report = r.json;
    assert.equal(report.members, 6);
    assert.equal(report.members_with_points, 5);
    assert.equal(report.outstanding_points, outstanding);
    assert.ok(outstanding > 4000, `${outstanding}`);
    assert.equal(report.liability_minor, outstanding);  // the bakery pays ¥1 (100 fen) for 100 points
    const sum = (shares, key) => Object.values(shares).reduce((total, s) => total + s[key], 0);
    for (const split of ['by_tier', 'by_stage']) {
      assert.equal(sum(report[split], 'members'), 6, split);
      assert.equal(sum(report[split], 'outstanding_points'), outstanding, split);
    }
    assert.equal(report.by_tier.gold.members, 1);
    const expiring = report.expiring_by_month.reduce((total, m) => total + m.points, 0);
    assert.equal(expiring + report.never_expiring_points, report.available_points + report.pending_points);
    assert.ok(report.expiring_by_month.every((m) => /^\d{4}-\d{2}$/.test(m.month)));

    // The same from the command line, on the store the server is using.
    const cli = spawnSync(bin, ['report', 'liability', '--db', db], { cwd: root, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const { at: printedAt, ...printed } = JSON.parse(cli.stdout);
    const { at: answeredAt, ...answered } = report;
    assert.ok(printedAt >= answeredAt);
    assert.deepEqual(printed, answered);

    // A member's token cannot read it.
    const refused = await call('GET', '/v1/reports/liability', { auth: memberToken(members[0]) });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.errors[0].code, 'auth.forbidden');
  } finally {
    await server.stop();
  }
});

test('the liability of a moment after points expire counts them no more', { skip: storeKind !== 'sqlite' && 'one store suffices' }, async () => {
  const db = freshDb();
  const server = await startServer(['--program', program, '--db', db, '--demo']);
  try {
    const call = client(server.url);
    const { member_id } = await joinMember(call, 'liability-expiry');
    assert.equal((await call('POST', '/v1/orders', { auth: merchantKey, body: order(member_id, 1, 10000) })).status, 200);
  } finally {
    await server.stop();
  }
  const at = (ms) => JSON.parse(spawnSync(bin, ['report', 'liability', '--db', db, '--at', String(ms)],
    { cwd: root, encoding: 'utf8' }).stdout);
  const now = at(Date.now());
  assert.ok(now.outstanding_points > 0);
  const last = now.expiring_by_month.at(-1);
  assert.ok(last, 'the bakery\'s points expire');
  const [year, month] = last.month.split('-').map(Number);
  const later = at(Date.UTC(year, month, 1) + 86400000);  // the month after the last expiry
  assert.equal(later.available_points + later.pending_points, now.never_expiring_points);
  assert.deepEqual(later.expiring_by_month, []);
});

test('the report and the audit read every member of a store larger than one page of their scan', async () => {
  const db = freshDb();
  const server = await startServer(['--program', program, '--db', db, '--demo']);
  try {
    const call = client(server.url);
    const count = 1234;  // PostgreSQL's scan reads 500 members a page
    for (let from = 0; from < count; from += 50) {
      await Promise.all(Array.from({ length: Math.min(50, count - from) }, (_, i) =>
        call('POST', '/v1/members', { auth: merchantKey, body: { member_id: `page-${from + i}` } })));
    }
    const report = (await call('GET', '/v1/reports/liability', { auth: merchantKey })).json;
    assert.equal(report.members, count);
    assert.equal(Object.values(report.by_stage).reduce((total, s) => total + s.members, 0), count);
  } finally {
    await server.stop();
  }
  const audit = spawnSync(bin, ['audit', '--db', db], { cwd: root, encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stderr);
  assert.match(audit.stdout, new RegExp(`^audited ${1234} members, 0 ledger rows: clean`));
});

test('under an experiment the liability also splits whole by variant', async () => {
  const bakery = JSON.parse(readFileSync(`${root}${program}`, 'utf8'));
  bakery.experiment = { id: 'ab', seed: 'liability', variants: [{ id: 'a', share_bp: 5000 }, { id: 'b', share_bp: 5000 }] };
  const path = join(mkdtempSync(join(tmpdir(), 'loyalty-liability-')), 'program.json');
  writeFileSync(path, JSON.stringify(bakery));
  const server = await startServer(['--program', path, '--db', freshDb(), '--demo']);
  try {
    const call = client(server.url);
    for (let m = 0; m < 12; m++) {
      const { member_id } = await joinMember(call, `variant-${m}`);
      await call('POST', '/v1/orders', { auth: merchantKey, body: order(member_id, m, 1000 * (m + 1)) });
    }
    const report = (await call('GET', '/v1/reports/liability', { auth: merchantKey })).json;
    const shares = Object.values(report.by_variant);
    assert.deepEqual(Object.keys(report.by_variant), ['a', 'b']);
    assert.equal(shares.reduce((n, s) => n + s.members, 0), report.members);
    assert.equal(shares.reduce((n, s) => n + s.outstanding_points, 0), report.outstanding_points);
  } finally {
    await server.stop();
  }
});
