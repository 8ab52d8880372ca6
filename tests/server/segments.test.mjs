// Operator tags through the sync server: only the merchant's backend sets
// them, each one that comes or goes is in the member's ledger, and what a
// segment names decides what the member is offered.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { serverForFile } from './file-server.mjs';
import { joinMember, merchantKey } from './loyalty-server.mjs';

const { call } = serverForFile(['--program', 'programs/bakery.json', '--demo', '--member-rate', '0', '--ip-rate', '0']);

let joined = 0;
const newMember = () => joinMember(call, `seg-${process.pid}-${++joined}`);
const tag = (body) => call('POST', '/v1/tags', { auth: merchantKey, body });

test('the operator tags a member; the tag is in its state and its ledger, once', async () => {
  const { member_id } = await newMember();
  const first = await tag({ member_id, id: 't1', add: ['wholesale', 'vip'] });
  assert.equal(first.json.results[0].result, 'applied', first.text);
  assert.deepEqual(first.json.ledger.map((row) => [row.kind, row.subject]), [['tag_added', 'wholesale'], ['tag_added', 'vip']]);
  const again = await tag({ member_id, id: 't2', add: ['vip'], remove: ['vip-2'] });
  assert.deepEqual(again.json.ledger, [], 'nothing came or went');
  const removed = await tag({ member_id, id: 't3', remove: ['vip'] });
  assert.deepEqual(removed.json.ledger.map((row) => [row.kind, row.subject]), [['tag_removed', 'vip']]);
  const member = await call('GET', `/v1/members/${member_id}`, { auth: merchantKey });
  assert.deepEqual(member.json.state.tags, ['wholesale']);
});

test('a member\'s client cannot tag itself, and an unknown member is not tagged', async () => {
  const { token } = await newMember();
  const own = await call('POST', '/v1/sync', { auth: token, body: { events: [{ id: 't1', type: 'tag', add: ['vip'] }] } });
  assert.equal(own.json.results[0].errors[0].code, 'event.not_allowed');
  const nobody = await tag({ member_id: `nobody-${process.pid}`, id: 't1', add: ['vip'] });
  assert.equal(nobody.status, 404);
  assert.equal(nobody.json.errors[0].code, 'member.unknown');
});

test('a mall item for new members is redeemed by a new member through sync', async () => {
  const { member_id, token } = await newMember();
  await call('POST', '/v1/orders', {
    auth: merchantKey,
    body: { member_id, id: 'o1', order_id: 'o1', lines: [{ sku: 'baguette', category: 'bread', unit_price: 5000, quantity: 1 }] },
  });
  const answer = await call('POST', '/v1/sync', { auth: token, body: { events: [{ id: 'r1', type: 'mall_redeem', item: 'welcome-croissant' }] } });
  assert.equal(answer.json.results[0].result, 'applied', answer.text);
  assert.ok(answer.json.results[0].ledger.some((row) => row.coupon === 'WELCOME-CROISSANT'));
});
