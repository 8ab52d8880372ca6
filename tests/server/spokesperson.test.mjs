// Spokesperson tasks (代言人) through the sync server: a member's signed
// share code, friends who join or visit through it, their first orders
// reaching the spokesperson once through the outbox, and what farmers try:
// made-up or altered codes, one's own code, the same friend again, many
// friends in a day.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { serverForFile } from './file-server.mjs';
import { joinMember, merchantKey } from './loyalty-server.mjs';

const { call } = serverForFile(['--program', 'programs/bakery.json', '--demo', '--member-rate', '0', '--ip-rate', '0']);

const campaign = 'bakery-friends';
let made = 0;
const fresh = (name) => `sp-${process.pid}-${name}-${++made}`;

async function shareCode(token) {
  const answer = await call('GET', `/v1/me/share-code?campaign=${campaign}`, { auth: token });
  assert.equal(answer.status, 200, answer.text);
  return answer.json.code;
}

const campaignOf = async (member_id) => {
  const member = await call('GET', `/v1/members/${member_id}`, { auth: merchantKey });
  return member.json.state.tasks?.campaigns?.find((c) => c.campaign === campaign);
};

const order = (member_id, id, unit_price = 5000) => call('POST', '/v1/orders', {
  auth: merchantKey,
  body: { member_id, id, order_id: id, lines: [{ sku: 'baguette', category: 'bread', unit_price, quantity: 1 }] },
});

test('friends who join through a share code count for the spokesperson; the third pays the first milestone', async () => {
  const spokesperson = await joinMember(call, fresh('sp'));
  const code = await shareCode(spokesperson.token);
  assert.match(code, /^s1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
  for (let i = 0; i < 3; i += 1) await joinMember(call, fresh('friend'), { share_code: code });
  const counted = await campaignOf(spokesperson.member_id);
  assert.equal(counted.friends.length, 3);
  assert.ok(counted.friends.every((f) => f.actions.join() === 'join'));
  const ledger = await call('GET', `/v1/members/${spokesperson.member_id}/ledger`, { auth: merchantKey });
  assert.deepEqual(ledger.json.ledger.filter((r) => r.kind === 'spokesperson').map((r) => [r.available, r.prize]), [[30, 'join:3']]);
});

test('a friend\'s first order pays the spokesperson once; later orders do not', async () => {
  const spokesperson = await joinMember(call, fresh('sp'));
  const friend = await joinMember(call, fresh('friend'), { share_code: await shareCode(spokesperson.token) });
  await order(friend.member_id, 'o1');
  await order(friend.member_id, 'o2');
  const ledger = await call('GET', `/v1/members/${spokesperson.member_id}/ledger`, { auth: merchantKey });
  const rows = ledger.json.ledger.filter((r) => r.kind === 'spokesperson');
  assert.deepEqual(rows.map((r) => [r.available, r.prize]), [[20, friend.member_id]]);
  const counted = await campaignOf(spokesperson.member_id);
  assert.deepEqual(counted.friends.map((f) => f.actions), [['join', 'first_order']]);
});

test('the share code is the member\'s own: made-up, altered and someone else\'s claims are refused', async () => {
  const spokesperson = await joinMember(call, fresh('sp'));
  const code = await shareCode(spokesperson.token);
  const parts = code.split('.');
  const otherMember = Buffer.from('someone-else').toString('base64url');
  for (const bad of ['s1.x.y.z', `${parts[0]}.${parts[1]}.${otherMember}.${parts[3]}`, `${code}x`, 42]) {
    const join = await call('POST', '/v1/members', { auth: merchantKey, body: { member_id: fresh('friend'), share_code: bad } });
    assert.equal(join.status, 400, join.text);
    assert.deepEqual(join.json.errors.map((e) => [e.code, e.path]), [['spokesperson.invalid_code', 'share_code']]);
  }
  const friend = await joinMember(call, fresh('member'));
  const claimed = await call('POST', '/v1/sync', {
    auth: friend.token,
    body: { events: [{ id: 'v1', type: 'spokesperson_visit', code, spokesperson: 'someone-else' }] },
  });
  assert.deepEqual(claimed.json.results[0].errors.map((e) => e.code), ['event.server_field']);
  const own = await call('POST', '/v1/sync', { auth: spokesperson.token, body: { events: [{ id: 'v1', type: 'spokesperson_visit', code }] } });
  assert.deepEqual(own.json.results[0].errors.map((e) => e.code), ['spokesperson.self']);
  const self = await call('POST', '/v1/members', { auth: merchantKey, body: { member_id: spokesperson.member_id, share_code: code } });
  assert.equal(self.json.errors[0].code, 'spokesperson.self');
  const credit = await call('POST', '/v1/sync', {
    auth: friend.token,
    body: { events: [{ id: 'c1', type: 'spokesperson_credit', campaign, friend: 'x', action: 'join' }] },
  });
  assert.equal(credit.json.results[0].errors[0].code, 'event.not_allowed', 'only the server reports friends');
});

test('an existing member opening a share of a new-members campaign is told why and counts for nobody', async () => {
  const spokesperson = await joinMember(call, fresh('sp'));
  const existing = await joinMember(call, fresh('member'));
  const visit = await call('POST', '/v1/sync', {
    auth: existing.token,
    body: { events: [{ id: 'v1', type: 'spokesperson_visit', code: await shareCode(spokesperson.token) }] },
  });
  assert.equal(visit.json.results[0].errors[0].code, 'spokesperson.new_members_only');
  assert.equal(await campaignOf(spokesperson.member_id), undefined);
});

test('a farmer joining 8 accounts in a day through one code counts 5 (the daily cap); each account once', async () => {
  const farmer = await joinMember(call, fresh('farmer'));
  const code = await shareCode(farmer.token);
  for (let i = 0; i < 8; i += 1) await joinMember(call, fresh('account'), { share_code: code });
  const counted = await campaignOf(farmer.member_id);
  assert.equal(counted.friends.length, 5);
  assert.equal(counted.today, 5);
  // The same account again, through the demo login or a retried join, changes nothing.
  const again = await call('POST', '/v1/demo/login', { body: { member_id: counted.friends[0].member_id, share_code: code } });
  assert.equal(again.status, 200);
  assert.equal((await campaignOf(farmer.member_id)).friends.length, 5);
});

test('the share code is refused for an unknown campaign, with its code', async () => {
  const member = await joinMember(call, fresh('sp'));
  const unknown = await call('GET', '/v1/me/share-code?campaign=summer', { auth: member.token });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.errors[0].code, 'spokesperson.unknown_campaign');
  const none = await call('GET', '/v1/me/share-code', { auth: member.token });
  assert.equal(none.status, 400);
  assert.deepEqual(none.json.errors.map((e) => [e.code, e.path]), [['field.missing', 'campaign']]);
});

test('a new member who logs in to the demo through a share code is brought by it', async () => {
  const spokesperson = await joinMember(call, fresh('sp'));
  const member_id = fresh('demo-friend');
  const login = await call('POST', '/v1/demo/login', { body: { member_id, share_code: await shareCode(spokesperson.token) } });
  assert.equal(login.status, 200, login.text);
  const me = await call('GET', '/v1/me', { auth: login.json.token });
  assert.deepEqual(me.json.state.tasks.brought_by, [{ campaign, joined: true, sent: ['join'], spokesperson: spokesperson.member_id }]);
  assert.equal((await campaignOf(spokesperson.member_id)).friends.length, 1);
});
