// The points mall through the sync server: members redeem through sync, the
// server decides stock shared by every member (the last units go to exactly
// as many members as there are units), goods go on the merchant's list to
// ship, the merchant's backend sends redemptions with a cash part and
// cancellations, and a cancellation gives the points and the stock back once.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { serverForFile } from './file-server.mjs';
import { joinMember, merchantKey, root } from './loyalty-server.mjs';

// The bakery's mall, and an item of which only 50 units are left.
const bakery = JSON.parse(readFileSync(`${root}programs/bakery.json`, 'utf8'));
bakery.mall.items.push({ id: 'last-50', points: 100, stock: 50, reward: { box_chances: 1 } });
const programPath = join(mkdtempSync(join(tmpdir(), 'loyalty-mall-')), 'program.json');
writeFileSync(programPath, JSON.stringify(bakery));

const { call } = serverForFile(['--program', programPath, '--demo', '--member-rate', '0', '--ip-rate', '0']);

let joined = 0;
const sync = (token, events) => call('POST', '/v1/sync', { auth: token, body: { events } });
const merchant = (path, body) => call('POST', path, { auth: merchantKey, body });

// A member with the points of a ¥1,000 order of bread (2,000 points).
async function memberWithPoints() {
  const member = await joinMember(call, `mall-${process.pid}-${++joined}`);
  const order = await merchant('/v1/orders', {
    member_id: member.member_id, id: 'o1', order_id: 'o1',
    lines: [{ sku: 'baguette', category: 'bread', unit_price: 100000, quantity: 1 }],
  });
  assert.equal(order.json.results[0].result, 'applied', order.text);
  return { ...member, points: order.json.balances.available };
}

const stockOf = async (item) => (await call('GET', '/v1/mall')).json.stock[item];

test('a member redeems goods through sync: the points go, the goods are named, and the stock left falls', async () => {
  const member = await memberWithPoints();
  const before = await stockOf('tote-bag');
  assert.deepEqual(Object.keys(before).sort(), ['left', 'left_today']);
  const answer = await sync(member.token, [{ id: 'r1', type: 'mall_redeem', item: 'tote-bag' }]);
  const result = answer.json.results[0];
  assert.equal(result.result, 'applied', answer.text);
  assert.equal(answer.json.balances.available, member.points - 1500);
  assert.ok(result.ledger.some((row) => row.kind === 'mall_redeem' && row.prize === 'tote-2026'));
  assert.deepEqual(await stockOf('tote-bag'), { left: before.left - 1, left_today: before.left_today - 1 });
  const shipping = (await call('GET', '/v1/mall/fulfilments?limit=1000', { auth: merchantKey })).json.fulfilments;
  assert.deepEqual(shipping.filter((f) => f.member_id === member.member_id).map((f) => [f.redemption, f.goods, f.cancelled_at]),
    [['r1', 'tote-2026', null]]);
  // Once per member in all.
  const again = await sync(member.token, [{ id: 'r2', type: 'mall_redeem', item: 'tote-bag' }]);
  assert.equal(again.json.results[0].errors[0].code, 'mall.limit_total');
  assert.deepEqual(await stockOf('tote-bag'), { left: before.left - 1, left_today: before.left_today - 1 });
});

test('a member\'s client can say neither what is left nor what cash was paid', async () => {
  const member = await memberWithPoints();
  const answer = await sync(member.token, [
    { id: 'r1', type: 'mall_redeem', item: 'last-50', stock: { left: 1000 } },
    { id: 'r2', type: 'mall_redeem', item: 'birthday-cake', cash_paid: 1990 },
  ]);
  assert.deepEqual(answer.json.results.map((r) => r.errors[0].code), ['event.server_field', 'event.server_field']);
  assert.equal(answer.json.version, 1, 'only the order');
});

test('an item with a cash part is redeemed by the merchant\'s backend once it took the cash, never by the member', async () => {
  const member = await memberWithPoints();
  const own = await sync(member.token, [{ id: 'r1', type: 'mall_redeem', item: 'birthday-cake' }]);
  assert.equal(own.json.results[0].errors[0].code, 'mall.cash_unpaid');
  const paid = await merchant('/v1/mall/redemptions', { member_id: member.member_id, id: 'cake-1', item: 'birthday-cake', cash_paid: 1990 });
  assert.equal(paid.json.results[0].result, 'applied', paid.text);
  assert.equal(paid.json.balances.available, member.points - 500);
  const me = await call('GET', '/v1/me', { auth: member.token });
  assert.deepEqual(me.json.state.tasks.coupons.map((c) => c.coupon), ['CAKE-8IN']);
  assert.equal(me.json.state.tasks.mall[0].cash, 1990);
});

test('a cancellation gives the points and the stock back, once', async () => {
  const member = await memberWithPoints();
  const before = await stockOf('tote-bag');
  await sync(member.token, [{ id: 'tote', type: 'mall_redeem', item: 'tote-bag' }]);
  const cancel = { member_id: member.member_id, id: 'c1', redemption: 'tote' };
  const cancelled = await merchant('/v1/mall/cancellations', cancel);
  assert.equal(cancelled.json.results[0].result, 'applied', cancelled.text);
  assert.equal(cancelled.json.balances.available, member.points);
  assert.deepEqual(await stockOf('tote-bag'), before);
  // The same request again is answered as before; another cancellation is refused.
  const retried = await merchant('/v1/mall/cancellations', cancel);
  assert.equal(retried.json.results[0].result, 'duplicate');
  const twice = await merchant('/v1/mall/cancellations', { ...cancel, id: 'c2' });
  assert.equal(twice.json.results[0].errors[0].code, 'mall.already_cancelled');
  assert.deepEqual(await stockOf('tote-bag'), before);
  assert.equal((await call('GET', '/v1/me', { auth: member.token })).json.balances.available, member.points);
  // The goods are on the merchant's list to ship, and marked cancelled.
  const page = await call('GET', '/v1/mall/fulfilments?limit=1000', { auth: merchantKey });
  const mine = page.json.fulfilments.filter((f) => f.member_id === member.member_id);
  assert.deepEqual(mine.map((f) => [f.redemption, f.goods, f.quantity, f.cancelled_at !== null]), [['tote', 'tote-2026', 1, true]]);
  // A member cannot cancel for itself.
  const own = await sync(member.token, [{ id: 'c3', type: 'mall_cancel', redemption: 'tote' }]);
  assert.equal(own.json.results[0].errors[0].code, 'event.not_allowed');
});

test('200 members redeem the last 50 units at once: exactly 50 get one', async () => {
  const members = [];
  for (let i = 0; i < 200; ++i) members.push(await memberWithPoints());
  const answers = await Promise.all(members.map(({ token }) => sync(token, [{ id: 'last', type: 'mall_redeem', item: 'last-50' }])));
  const results = answers.map((a) => a.json.results[0]);
  assert.equal(results.filter((r) => r.result === 'applied').length, 50);
  assert.deepEqual([...new Set(results.filter((r) => r.result !== 'applied').map((r) => r.errors[0].code))], ['mall.sold_out']);
  assert.deepEqual(await stockOf('last-50'), { left: 0 });
  // Every loser kept its points; every winner paid 100 and holds a chance.
  for (const [i, answer] of answers.entries()) {
    const won = results[i].result === 'applied';
    assert.equal(answer.json.balances.available, members[i].points - (won ? 100 : 0));
  }
});
