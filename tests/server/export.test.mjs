// `loyalty export`: the store's own history, taken while the server runs,
// simulated under the same programme, gives the server's ledger to the point
// (orders, refunds, check-ins, likes, draws, redemptions, a referral, a
// birthday): the event log holds each event as it was applied.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';

import { bin, client, freshDb, joinMember, merchantKey, root, startServer } from './loyalty-server.mjs';

const program = 'programs/bakery.json';
const order = (member_id, id, price, quantity = 2) => ({ member_id, id, order_id: id,
  lines: [{ sku: 'loaf', category: 'bread', unit_price: price, quantity }, { sku: 'tea', category: 'drinks', unit_price: 900, quantity: 1 }] });

test('an exported history simulated under the same programme gives the server\'s ledger to the point', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-export-'));
  const db = freshDb();
  const server = await startServer(['--program', program, '--db', db, '--demo']);
  const members = [];
  try {
    const call = client(server.url);
    const sync = async (token, events) => {
      const r = await call('POST', '/v1/sync', { auth: token, body: { events } });
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    const ada = await joinMember(call, 'export-ada', { birthday: '03-14' });
    const bo = await joinMember(call, 'export-bo', { inviter: 'export-ada' });
    const cy = await joinMember(call, 'export-cy');
    members.push(ada.member_id, bo.member_id, cy.member_id);
    for (const [i, m] of members.entries()) {
      assert.equal((await call('POST', '/v1/orders', { auth: merchantKey, body: order(m, `o-${m}-1`, 12000 + 1000 * i) })).status, 200);
      assert.equal((await call('POST', '/v1/orders', { auth: merchantKey, body: order(m, `o-${m}-2`, 3000) })).status, 200);
    }
    assert.equal((await call('POST', '/v1/refunds', { auth: merchantKey,
      body: { member_id: 'export-cy', id: 'rf-1', order_id: 'o-export-cy-2' } })).status, 200);
    await sync(ada.token, [{ id: 'c-1', type: 'checkin' }, { id: 'l-1', type: 'like', article: 'a-1' },
      { id: 'd-1', type: 'draw', box: 'chest' }, { id: 'r-1', type: 'redeem', points: 100, reward_id: 'cake' }]);
    await sync(bo.token, [{ id: 'c-1', type: 'checkin' }, { id: 'c-1', type: 'checkin' },  // a duplicate: logged once
      { id: 'r-2', type: 'redeem', points: 999999, reward_id: 'car' }]);                   // refused: not logged

    // Exported while the server runs, compressed.
    const file = join(dir, 'history.jsonl.gz');
    const exported = spawnSync(bin, ['export', '--db', db, '--out', file], { cwd: root, encoding: 'utf8' });
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stderr, /^exported 3 members, \d+ events\n$/);
    const lines = gunzipSync(readFileSync(file)).toString().trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], { birthday: '03-14', joined_at: lines[0].joined_at, member_id: 'export-ada' });
    assert.equal(lines.find((l) => l.member_id === 'export-bo' && !l.event).inviter, 'export-ada');
    assert.ok(lines.some((l) => l.event?.type === 'draw' && /^[0-9a-f]{64}$/.test(l.event.seed)), 'a draw carries its seed');
    assert.equal(lines.filter((l) => l.member_id === 'export-bo' && l.event?.type === 'checkin').length, 1);
    assert.ok(!lines.some((l) => l.event?.id === 'r-2'), 'a refused event changed nothing and is not history');

    const simulated = spawnSync(bin, ['simulate', '--program', program, '--events', file, '--threads', '1'],
      { cwd: root, encoding: 'utf8' });
    assert.equal(simulated.status, 0, simulated.stderr);
    const current = JSON.parse(simulated.stdout).programmes.current;
    assert.equal(current.refused_events, 0);

    // The server's own ledger, every row of every member.
    let outstanding = 0;
    const issued = {};
    let redeemed = 0;
    for (const m of members) {
      const rows = (await call('GET', `/v1/members/${m}/ledger?limit=1000`, { auth: merchantKey })).json.ledger;
      for (const row of rows) {
        outstanding += row.available + row.pending - row.debt;
        const points = row.available + row.pending;
        if (['earn', 'birthday_gift', 'checkin', 'like', 'scan', 'referral', 'task', 'box_prize'].includes(row.kind) && points > 0) {
          issued[row.kind] = (issued[row.kind] ?? 0) + points;
        }
        if (['checkout', 'redeem', 'box_cost', 'makeup'].includes(row.kind)) redeemed -= points;
      }
    }
    assert.ok(outstanding > 0 && issued.earn > 0 && issued.referral > 0 && redeemed >= 100, JSON.stringify({ outstanding, issued, redeemed }));
    assert.equal(current.outstanding_points, outstanding);
    assert.deepEqual(current.total.issued_by_kind, issued);
    assert.equal(current.total.redeemed, redeemed);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store of many members is exported whole and in member order, each member\'s lines together', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-export-'));
  const db = freshDb();
  const server = await startServer(['--program', program, '--db', db, '--demo', '--member-rate', '0', '--ip-rate', '0']);
  try {
    const call = client(server.url);
    // More members than one batch of the export's (256), joined out of order, every third with an order.
    const ids = Array.from({ length: 600 }, (_, i) => `many-${String((i * 7919) % 600).padStart(3, '0')}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map(async (member_id, j) => {
        assert.equal((await call('POST', '/v1/members', { auth: merchantKey, body: { member_id } })).status, 201);
        if ((i + j) % 3 === 0) assert.equal((await call('POST', '/v1/orders', { auth: merchantKey, body: order(member_id, `o-${member_id}`, 1000) })).status, 200);
      }));
    }
    const exported = spawnSync(bin, ['export', '--db', db], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stderr, /^exported 600 members, 200 events\n$/);
    const lines = exported.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const joins = lines.filter((l) => !l.event).map((l) => l.member_id);
    assert.deepEqual(joins, [...ids].sort(), 'every member once, by member id');
    lines.forEach((line, i) => {
      if (line.event) assert.equal(line.member_id, lines[i - 1].member_id, 'an event follows its member\'s join');
    });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
