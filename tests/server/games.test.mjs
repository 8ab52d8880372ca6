// Tasks and games through the sync server: check-ins from two devices at
// once, one-time codes across members, box draws the client cannot steer,
// seed commitments and reveals, stock across members, referrals.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { serverForFile } from './file-server.mjs';
import { joinMember, merchantKey, root } from './loyalty-server.mjs';

// The bakery programme with a box whose only prize has a stock of one, so
// that stock shared by all members can be seen running out.
const bakery = JSON.parse(readFileSync(`${root}programs/bakery.json`, 'utf8'));
bakery.tasks.boxes.push({
  id: 'last-cake', cost: { points: 0 }, free_per_day: 1, fallback_prize: 'thanks',
  prizes: [{ id: 'cake', weight: 1, reward: { coupon: { id: 'WHOLE-CAKE' } }, stock: 1 }, { id: 'thanks', weight: 0, reward: {} }],
});
const programPath = join(mkdtempSync(join(tmpdir(), 'loyalty-games-')), 'program.json');
writeFileSync(programPath, JSON.stringify(bakery));

const { call } = serverForFile(['--program', programPath, '--demo', '--member-rate', '0', '--ip-rate', '0']);

let joined = 0;
const newMember = ({ inviter } = {}) => joinMember(call, `g-${process.pid}-${++joined}`, inviter ? { inviter } : {});
const sync = (token, events) => call('POST', '/v1/sync', { auth: token, body: { events } });

test('two devices checking in at the same moment: exactly one check-in applies', async () => {
  const { token } = await newMember();
  const answers = await Promise.all([sync(token, [{ id: 'phone', type: 'checkin' }]), sync(token, [{ id: 'tablet', type: 'checkin' }])]);
  const results = answers.map((a) => a.json.results[0]);
  assert.deepEqual(results.map((r) => r.result).sort(), ['applied', 'rejected']);
  assert.equal(results.find((r) => r.result === 'rejected').errors[0].code, 'checkin.already_today');
  const me = await call('GET', '/v1/me', { auth: token });
  assert.equal(me.json.balances.available, 5);
  assert.equal(me.json.state.tasks.checkins, 1);
});

test('one product code scanned by 100 members at once pays exactly one of them', async () => {
  const members = [];
  for (let i = 0; i < 100; ++i) members.push(await newMember());
  const code = `C-${process.pid}-1`;
  const answers = await Promise.all(members.map(({ token }, i) => sync(token, [{ id: `s${i}`, type: 'scan', code }])));
  const winners = answers.filter((a) => a.json.results[0].result === 'applied');
  assert.equal(winners.length, 1);
  const losers = answers.filter((a) => a.json.results[0].result !== 'applied');
  assert.deepEqual([...new Set(losers.map((a) => a.json.results[0].errors[0].code))], ['scan.code_used']);
  assert.ok(losers.every((a) => a.json.balances.available === 0 && a.json.version === 0));
  // The one who got it cannot get it again either.
  const again = await sync(members[answers.indexOf(winners[0])].token, [{ id: 'again', type: 'scan', code }]);
  assert.equal(again.json.results[0].errors[0].code, 'scan.code_used');
});

test('a client cannot supply a draw\'s seed, stock or outcome, nor who used a code', async () => {
  const { token } = await newMember();
  const seed = 'ab'.repeat(32);
  const answer = await sync(token, [
    { id: 'd1', type: 'draw', box: 'chest', seed },
    { id: 'd2', type: 'draw', box: 'chest', prize: 'red-packet' },
    { id: 's1', type: 'scan', code: 'C-x', code_used_by: 'nobody' },
  ]);
  assert.deepEqual(answer.json.results.map((r) => r.errors[0].code), ['event.server_field', 'field.unknown', 'event.server_field']);
  assert.equal(answer.json.version, 0);
});

test('a draw is committed before and revealed after its window, and the core can verify it', async () => {
  const { member_id, token } = await newMember();
  const before = await call('GET', '/v1/boxes/chest/commitment');
  assert.equal(before.status, 200);
  const drawn = await sync(token, [{ id: 'd1', type: 'draw', box: 'chest' }]);
  const result = drawn.json.results[0];
  assert.equal(result.result, 'applied', drawn.text);
  assert.equal(result.draw.commitment, before.json.commitment, 'the draw used the seed committed to');
  assert.equal(result.draw.window, before.json.window);
  const opened = result.notices.find((n) => n.kind === 'box_opened');
  assert.equal(opened.nonce, 0);
  assert.equal((await call('GET', `/v1/boxes/chest/seeds/${result.draw.window}`)).json.errors[0].code, 'box.not_revealed');
  // A window that is over is revealed, and its seed hashes to its commitment.
  const old = await call('GET', '/v1/boxes/chest/seeds/2020-01-01');
  assert.equal(old.status, 200);
  assert.equal(createHash('sha256').update(Buffer.from(old.json.seed, 'hex')).digest('hex'), old.json.commitment);
  assert.ok(member_id);
});

test('a prize\'s stock is shared by all members: the second winner gets the fallback', async () => {
  const a = await newMember();
  const b = await newMember();
  const first = (await sync(a.token, [{ id: 'd', type: 'draw', box: 'last-cake' }])).json.results[0];
  const second = (await sync(b.token, [{ id: 'd', type: 'draw', box: 'last-cake' }])).json.results[0];
  assert.equal(first.notices.find((n) => n.kind === 'box_opened').prize, 'cake');
  assert.equal(first.draw.stock.cake, 1);
  assert.equal(second.notices.find((n) => n.kind === 'box_opened').prize, 'thanks');
  assert.equal(second.draw.stock.cake, 0);

  // The operators' view of every box: prizes given, what is left of stocked ones, today's budget.
  const stock = await call('GET', '/v1/boxes/stock', { auth: merchantKey });
  assert.equal(stock.status, 200, stock.text);
  assert.deepEqual(stock.json.boxes['last-cake'].prizes, { cake: { given: 1, left: 0 }, thanks: { given: 1 } });
  assert.deepEqual(stock.json.boxes.chest.budget.red_packet.left_today + stock.json.boxes.chest.budget.red_packet.used_today, 100000);
  assert.equal((await call('GET', '/v1/boxes/stock', { auth: a.token })).status, 403, 'not a member\'s to read');
});

test('a referral pays the invitee and the inviter at the invitee\'s first order, once', async () => {
  const inviter = await newMember();
  const invitee = await newMember({ inviter: inviter.member_id });
  const order = (id) => call('POST', '/v1/orders', {
    auth: merchantKey,
    body: { member_id: invitee.member_id, id, order_id: id, lines: [{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 1 }] },
  });
  assert.equal((await order('o-1')).json.results[0].result, 'applied');
  await order('o-2');
  const mine = await call('GET', '/v1/me', { auth: invitee.token });
  assert.equal(mine.json.state.tasks.invited_by, inviter.member_id);
  assert.equal(mine.json.balances.available, 24 + 50 + 24);
  const theirs = await call('GET', '/v1/me', { auth: inviter.token });
  assert.equal(theirs.json.balances.available, 100);
  assert.deepEqual(theirs.json.state.tasks.invitees, [{ member_id: invitee.member_id, rewarded: true }]);
});

test('a like, a share and a make-up from the member centre go through sync', async () => {
  const { token } = await newMember();
  const answer = await sync(token, [
    { id: 'l1', type: 'like', article: 'croissant-story' },
    { id: 'l2', type: 'like', article: 'croissant-story' },
    { id: 'h1', type: 'share', article: 'croissant-story' },
    { id: 'm1', type: 'makeup', day: '2020-01-01' },
  ]);
  assert.deepEqual(answer.json.results.map((r) => r.result), ['applied', 'rejected', 'applied', 'rejected']);
  assert.equal(answer.json.results[1].errors[0].code, 'like.already_rewarded');
  assert.equal(answer.json.results[3].errors[0].code, 'makeup.not_in_cycle');
});
