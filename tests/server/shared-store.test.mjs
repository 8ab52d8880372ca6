// Several servers on one PostgreSQL database, as deployed for scale: a
// member's batches and what members share (scan codes) are serialised across
// servers, not only within one. Runs when the suite runs on PostgreSQL
// (LOYALTY_TEST_PG); SQLite is one server's file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';

import { bin, client, freshDb, merchantKey, root, startServer, storeKind } from './loyalty-server.mjs';

const skip = storeKind !== 'postgres' && 'needs the shared store (LOYALTY_TEST_PG)';
const program = 'programs/bakery.json';
let db;
let servers = [];
let calls = [];

before(async () => {
  if (skip) return;
  db = freshDb();
  const args = ['--program', program, '--db', db, '--demo', '--member-rate', '0', '--ip-rate', '0'];
  servers = await Promise.all([startServer(args), startServer(args)]);
  calls = servers.map((s) => client(s.url));
});
after(() => Promise.all(servers.map((s) => s.stop())));

let joined = 0;
async function member(points = 0) {
  const member_id = `shared-${process.pid}-${++joined}`;
  assert.equal((await calls[0]('POST', '/v1/members', { auth: merchantKey, body: { member_id } })).status, 201);
  if (points) {
    const order = await calls[1]('POST', '/v1/orders', {
      auth: merchantKey,
      body: { member_id, id: 'o1', order_id: 'o1', lines: [{ sku: 'cake', category: 'cake', unit_price: points * 100, quantity: 1 }] },
    });
    assert.equal(order.status, 200, order.text);
  }
  const token = (await calls[0]('POST', '/v1/demo/login', { body: { member_id } })).json.token;
  return { member_id, token };
}
const sync = (server, token, events) => calls[server]('POST', '/v1/sync', { auth: token, body: { events } });

test('check-ins sent to two servers at once: exactly one applies', { skip }, async () => {
  const { token } = await member();
  const answers = await Promise.all([0, 1].map((s) => sync(s, token, [{ id: `device-${s}`, type: 'checkin' }])));
  assert.deepEqual(answers.map((a) => a.json.results[0].result).sort(), ['applied', 'rejected']);
  const me = await calls[1]('GET', '/v1/me', { auth: token });
  assert.equal(me.json.state.tasks.checkins, 1);
});

test('a balance spent through two servers at once is never overspent', { skip }, async () => {
  const { member_id, token } = await member(10);
  const me = await calls[0]('GET', '/v1/me', { auth: token });
  const available = me.json.balances.available;
  assert.ok(available > 0, me.text);
  const answers = await Promise.all(Array.from({ length: available + 6 }, (_, i) =>
    sync(i % 2, token, [{ id: `spend-${i}`, type: 'redeem', points: 1, reward_id: 'sticker' }])));
  const applied = answers.filter((a) => a.json.results[0].result === 'applied').length;
  assert.equal(applied, available);
  const ledger = (await calls[1]('GET', `/v1/members/${member_id}/ledger`, { auth: merchantKey })).json.ledger;
  assert.equal(ledger.reduce((sum, row) => sum + row.available, 0), 0);
});

test('one scan code sent by 100 members to two servers at once pays one of them', { skip }, async () => {
  const members = [];
  for (let i = 0; i < 100; ++i) members.push(await member());
  const answers = await Promise.all(members.map(({ token }, i) => sync(i % 2, token, [{ id: 's', type: 'scan', code: 'SHARED-1' }])));
  const results = answers.map((x) => x.json.results[0]);
  assert.equal(results.filter((r) => r.result === 'applied').length, 1);
  assert.ok(results.filter((r) => r.result !== 'applied').every((r) => r.errors[0].code === 'scan.code_used'));
});

test('after all of it the audit of the shared database is clean', { skip }, () => {
  const audit = spawnSync(bin, ['audit', '--program', program, '--db', db], { cwd: root, encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
});

test('two servers taking turns on one member never apply to a state the other has changed', { skip }, async () => {
  const { member_id, token } = await member(10);
  const start = (await calls[0]('GET', '/v1/me', { auth: token })).json;
  const reruns = async () => (await Promise.all(calls.map((call) => call('GET', '/healthz'))))
    .reduce((sum, health) => sum + health.json.held_members.reruns, 0);
  const rerunBefore = await reruns();
  // Each server holds the member's state after its turn; the other's turn makes that copy stale.
  for (let turn = 1; turn <= 8; ++turn) {
    const answer = await sync(turn % 2, token, [{ id: `turn-${turn}`, type: 'redeem', points: 1, reward_id: 'sticker' }]);
    assert.equal(answer.json.results[0].result, 'applied', answer.text);
    assert.equal(answer.json.version, start.version + turn);
    assert.equal(answer.json.balances.available, start.balances.available - turn);
  }
  const ledger = (await calls[1]('GET', `/v1/members/${member_id}/ledger`, { auth: merchantKey })).json.ledger;
  assert.equal(ledger.reduce((sum, row) => sum + row.available, 0), start.balances.available - 8);
  // From the third turn on, the copy a server held was assumed current, failed its check, and the
  // transaction ran again reading the member: the answers above are the second runs'.
  assert.ok(await reruns() - rerunBefore >= 6, `${await reruns() - rerunBefore} reruns`);
});

test('a member whose held state another server changed is taken out of its group: the rest commit together', { skip }, async () => {
  const farmer = await member(60);
  const start = (await calls[1]('GET', '/v1/me', { auth: farmer.token })).json.balances.available;
  const honest = [];
  for (let i = 0; i < 16; ++i) honest.push(await member());
  const groups = async () => (await calls[0]('GET', '/healthz')).json.member_groups;
  const spend = (server, id) => sync(server, farmer.token, [{ id, type: 'redeem', points: 1, reward_id: 'sticker' }]);
  assert.equal((await spend(0, 'warm')).json.results[0].result, 'applied');  // server 0 holds the farmer's state
  const before = await groups();
  let now = before;
  let spent = 1;
  // Each round the other server changes the farmer, then server 0 gets the farmer's next request, assuming
  // the state it holds, among the honest members' requests; until one round puts them in one group.
  for (let round = 1; round <= 20 && now.rolled_back === before.rolled_back; ++round) {
    assert.equal((await spend(1, `elsewhere-${round}`)).json.results[0].result, 'applied');
    const [mine, ...theirs] = await Promise.all([
      spend(0, `here-${round}`),
      ...honest.map(({ token }, i) => sync(0, token, [{ id: `like-${round}-${i}`, type: 'like', article: `post-${round}` }])),
    ]);
    spent += 2;
    assert.equal(mine.json.results[0].result, 'applied', mine.text);
    assert.equal(mine.json.balances.available, (await calls[1]('GET', '/v1/me', { auth: farmer.token })).json.balances.available);
    for (const answer of theirs) assert.equal(answer.status, 200, answer.text);
    now = await groups();
  }
  assert.ok(now.rolled_back > before.rolled_back, 'the farmer never shared a group with honest members');
  assert.equal(now.run_alone, before.run_alone, 'nobody ran alone: the honest members committed together again');
  const ledger = (await calls[1]('GET', `/v1/members/${farmer.member_id}/ledger`, { auth: merchantKey })).json.ledger;
  assert.equal(ledger.reduce((sum, row) => sum + row.available, 0), start - spent);
});

test("revoking a member's tokens through one server refuses them on the other at once", { skip }, async () => {
  const { member_id, token } = await member();
  assert.equal((await calls[1]('GET', '/v1/me', { auth: token })).status, 200);
  // The other server holds the member's state after this: its check reads the store, not that copy.
  assert.equal((await sync(1, token, [{ id: 'before', type: 'checkin' }])).json.results[0].result, 'applied');
  assert.equal((await calls[0]('POST', `/v1/members/${member_id}/tokens/revoke`, { auth: merchantKey })).status, 200);
  const refused = await calls[1]('GET', '/v1/me', { auth: token });
  assert.equal(refused.status, 401);
  assert.equal(refused.json.errors[0].code, 'auth.revoked');
  const refusedSync = await sync(1, token, [{ id: 'after', type: 'like', article: 'spring-menu' }]);
  assert.equal(refusedSync.status, 401);
  assert.equal(refusedSync.json.errors[0].code, 'auth.revoked');
});

test("a member's syncs through two servers share its rate limit, bad ones too, and a refused batch applies nothing", { skip }, async () => {
  const args = ['--program', program, '--db', db, '--demo', '--member-rate', '4', '--ip-rate', '0'];
  const limited = await Promise.all([startServer(args), startServer(args)]);
  try {
    const limitedCalls = limited.map((s) => client(s.url));
    const member_id = `sync-rated-${process.pid}`;
    assert.equal((await limitedCalls[0]('POST', '/v1/members', { auth: merchantKey, body: { member_id } })).status, 201);
    const { token } = (await limitedCalls[0]('POST', '/v1/demo/login', { body: { member_id } })).json;
    const answers = [];
    for (let i = 0; i < 8; ++i) {
      // The first two are refused before the member's transaction, and count all the same.
      const events = i < 2 ? 'not a list' : [{ id: `like-${i}`, type: 'like', article: `article-${i}` }];
      answers.push(await limitedCalls[i % 2]('POST', '/v1/sync', { auth: token, body: { events } }));
    }
    assert.deepEqual(answers.map((a) => a.status), [400, 400, 200, 200, 429, 429, 429, 429]);
    assert.equal(answers[4].json.errors[0].code, 'rate.limited');
    assert.ok(Number(answers[4].headers.get('retry-after')) >= 1);
    // The ledger (read with the merchant's key, which the member's limit
    // does not count): the two likes let in earned, the rest nothing.
    const ledger = (await limitedCalls[1]('GET', `/v1/members/${member_id}/ledger`, { auth: merchantKey })).json.ledger;
    assert.deepEqual([...new Set(ledger.map((row) => row.event_id))].sort(), ['like-2', 'like-3']);
  } finally {
    await Promise.all(limited.map((s) => s.stop()));
  }
});

test("a member's rate limit holds across servers, not per server", { skip }, async () => {
  const args = ['--program', program, '--db', db, '--demo', '--member-rate', '6', '--ip-rate', '0'];
  const limited = await Promise.all([startServer(args), startServer(args)]);
  try {
    const limitedCalls = limited.map((s) => client(s.url));
    const { token } = (await limitedCalls[0]('POST', '/v1/demo/login', { body: { member_id: `rated-${process.pid}` } })).json;
    const statuses = [];
    for (let i = 0; i < 12; ++i) statuses.push((await limitedCalls[i % 2]('GET', '/v1/me', { auth: token })).status);
    // A burst of 6 in all: per server, each would have allowed 6.
    assert.deepEqual(statuses, [...Array(6).fill(200), ...Array(6).fill(429)]);
  } finally {
    await Promise.all(limited.map((s) => s.stop()));
  }
});

test("a member with a year of orders is rewritten whole in its row, not moved to the TOAST table, and read back by either server", { skip }, async () => {
  const { member_id } = await member(10);
  for (let i = 0; i < 120; ++i) {
    const order = await calls[i % 2]('POST', '/v1/orders', {
      auth: merchantKey,
      body: { member_id, id: `year-${i}`, order_id: `year-${i}`, lines: [{ sku: 'baguette', category: 'bread', unit_price: 1200 + i, quantity: 1 }] },
    });
    assert.equal(order.status, 200, order.text);
  }
  const psql = (sql) => {
    const run = spawnSync('psql', [db, '-Atc', sql], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.trim();
  };
  // Past PostgreSQL's default 2 KB a row's snapshot went out of line: three writes an update, not one.
  assert.ok(Number(psql(`SELECT length(snapshot) FROM members WHERE member_id = '${member_id}'`)) > 2500);
  assert.equal(psql("SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'members'"), '0');
  // Each server reads what the other wrote last (the orders compressed apart from the rest), whole.
  for (const call of calls) {
    const got = await call('GET', `/v1/members/${member_id}`, { auth: merchantKey });
    assert.equal(got.status, 200, got.text);
    const years = got.json.state.orders.filter((o) => o.order_id.startsWith('year-')).map((o) => o.order_id);
    assert.deepEqual(years, Array.from({ length: 120 }, (_, i) => `year-${i}`));
  }
});
