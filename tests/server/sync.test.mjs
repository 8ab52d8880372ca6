// The sync API against the real binary on loopback: member and merchant
// flows, idempotent retries, who may call what, bad input, concurrency.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import SwaggerParser from '@apidevtools/swagger-parser';

import { serverForFile } from './file-server.mjs';
import { client, joinMember, merchantKey, root, startServer, storeKind, tokenSecret } from './loyalty-server.mjs';

const { call } = serverForFile(['--program', 'programs/bakery.json', '--demo', '--member-rate', '0', '--ip-rate', '0']);

const baguettes = (quantity) => [{ sku: 'baguette', category: 'bread', unit_price: 12500, quantity }];
let joined = 0;

// A member who joined through the merchant, with a token from the demo login.
async function newMember(ordered = 0) {
  const member = await joinMember(call, `m-${process.pid}-${++joined}`);
  const { member_id } = member;
  if (ordered) {
    const order = await call('POST', '/v1/orders', {
      auth: merchantKey, body: { member_id, id: `${member_id}-o`, order_id: `${member_id}-A`, lines: baguettes(ordered) },
    });
    assert.equal(order.json.results[0].result, 'applied', order.text);
  }
  return member;
}

const redeem = (id, points) => ({ id, type: 'redeem', points, reward_id: 'cookie' });

test('a merchant order earns points the member then spends from the mini-program', async () => {
  const { member_id, token } = await newMember(2);  // 2 x ¥125 bread: 250 x 2 = 500 points
  const me = await call('GET', '/v1/me', { auth: token });
  assert.equal(me.status, 200);
  assert.equal(me.json.balances.available, 500);
  assert.equal(me.json.version, 1);

  const sync = await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('r-1', 120)] } });
  assert.equal(sync.status, 200);
  assert.equal(sync.json.results[0].result, 'applied');
  assert.equal(sync.json.balances.available, 380);
  assert.equal(sync.json.version, 2);
  assert.deepEqual(sync.json.ledger.map((row) => [row.kind, row.available]), [['redeem', -120]]);

  const ledger = await call('GET', `/v1/members/${member_id}/ledger`, { auth: merchantKey });
  assert.deepEqual(ledger.json.ledger.map((row) => [row.event_id, row.kind, row.available]),
    [[`${member_id}-o`, 'earn', 500], ['r-1', 'redeem', -120]]);
  const mine = await call('GET', '/v1/me/ledger?limit=1', { auth: token });
  assert.equal(mine.json.ledger.length, 1);
  const rest = await call('GET', `/v1/me/ledger?after=${mine.json.next_after}`, { auth: token });
  assert.deepEqual(rest.json.ledger.map((row) => row.event_id), ['r-1']);
});

test('/healthz tells the member states held between requests, their budget, and how often they serve', async () => {
  const before = (await call('GET', '/healthz')).json.held_members;
  assert.equal(before.budget_bytes, 32 * 1024 * 1024);  // serve's default
  const { token } = await newMember(1);
  const after = (await call('GET', '/healthz')).json.held_members;
  assert.equal(after.members, before.members + 1);
  assert.ok(after.bytes > before.bytes, JSON.stringify({ before, after }));
  assert.ok(after.bytes <= after.budget_bytes);

  assert.equal((await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('h-1', 10)] } })).status, 200);
  const used = (await call('GET', '/healthz')).json.held_members;
  assert.equal(used.hits, after.hits + 1, 'the order left the member held; the sync applied to it');
  assert.equal(used.misses, after.misses);
  assert.equal(used.reruns, 0, 'one server: a held state is never stale');
});

test('/healthz tells where the memory is: the heap malloc has handed out, the free memory it keeps, SQLite\'s share', async () => {
  await newMember(1);
  const { held_members: held, memory } = (await call('GET', '/healthz')).json;
  if (storeKind === 'sqlite') assert.ok(memory.sqlite > 0, 'this server keeps its members in an SQLite file');
  else assert.equal(memory.sqlite, 0, 'a server on PostgreSQL opens no SQLite database');
  if (memory.heap_in_use === -1) {
    // Another allocator in glibc's place (the sanitizer build): unknown, and said so, not 0.
    assert.equal(memory.heap_free_kept, -1);
    return;
  }
  assert.ok(memory.heap_in_use > held.bytes + memory.sqlite, JSON.stringify({ held, memory }));
  assert.ok(memory.heap_free_kept >= 0);
});

test('/healthz counts the worker threads: the one serving it busy, none past the maximum', async () => {
  const { workers } = (await call('GET', '/healthz')).json;
  assert.equal(workers.max, 256);
  assert.ok(workers.busy >= 1, `the thread answering is busy: ${JSON.stringify(workers)}`);
  assert.ok(workers.threads >= workers.busy && workers.threads <= workers.max, JSON.stringify(workers));
  assert.ok(workers.queued >= 0);
});

// busy_ms tells an engineer whether the store's writer is the limit: it can
// grow at most as fast as the clock times the groups run at once (one on
// SQLite, two on PostgreSQL), and every group adds to it.
test('/healthz tells how long member groups ran: more after syncs, never faster than the clock allows', async () => {
  const { token } = await newMember(1);
  const before = (await call('GET', '/healthz')).json.member_groups;
  const started = performance.now();
  for (let i = 0; i < 10; ++i) await call('POST', '/v1/sync', { auth: token, body: { events: [redeem(`busy-${i}`, 1)] } });
  const elapsedMs = performance.now() - started;
  const after = (await call('GET', '/healthz')).json.member_groups;
  assert.ok(after.groups >= before.groups + 10, JSON.stringify({ before, after }));
  const busy = after.busy_ms - before.busy_ms;
  assert.ok(busy > 0, `ten groups took some time: ${JSON.stringify({ before, after })}`);
  assert.ok(busy <= 2 * elapsedMs + 0.01, `${busy} ms busy in ${elapsedMs} ms of wall time`);
});

test('a retried batch answers each first answer byte for byte and applies nothing twice', async () => {
  const { token } = await newMember(1);
  const body = { events: [redeem('r-1', 50), redeem('r-2', 999999)] };
  const first = await call('POST', '/v1/sync', { auth: token, body });
  assert.deepEqual(first.json.results.map((r) => r.result), ['applied', 'rejected']);
  assert.equal(first.json.results[1].errors[0].code, 'points.insufficient');
  const again = await call('POST', '/v1/sync', { auth: token, body });
  assert.deepEqual(again.json.results.map((r) => r.result), ['duplicate', 'duplicate']);
  for (let i = 0; i < 2; ++i) {
    const firstText = JSON.stringify(first.json.results[i]);
    assert.equal(JSON.stringify(again.json.results[i].first), firstText);
    assert.ok(again.text.includes(`"first":${firstText}`), 'the stored bytes, not a re-rendering');
  }
  assert.equal(again.json.balances.available, 200);
  assert.equal(again.json.version, first.json.version);
  assert.deepEqual(again.json.ledger, []);
});

test('an id sent twice in one batch is applied once; a batch mixing answered and new ids applies only the new', async () => {
  const { token } = await newMember(1);
  const once = await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('r-1', 10), redeem('r-1', 10), redeem('r-1', 20)] } });
  assert.deepEqual(once.json.results.map((r) => r.result), ['applied', 'duplicate', 'rejected'], once.text);
  assert.equal(JSON.stringify(once.json.results[1].first), JSON.stringify(once.json.results[0]));
  assert.equal(once.json.results[2].errors[0].code, 'event.id_reused');
  const mixed = await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('r-2', 5), redeem('r-1', 10), redeem('r-3', 5)] } });
  assert.deepEqual(mixed.json.results.map((r) => r.result), ['applied', 'duplicate', 'applied'], mixed.text);
  assert.equal(mixed.json.balances.available, once.json.balances.available - 5 - 5);
  assert.equal(mixed.json.version, once.json.version + 2);
  // Ids are looked up as given, whatever characters they hold.
  const odd = ['say "hi"', 'back\\slash', '{a,b}', 'NULL', '中文 id'];
  const first = await call('POST', '/v1/sync', { auth: token, body: { events: odd.map((id) => redeem(id, 1)) } });
  assert.deepEqual(first.json.results.map((r) => r.result), odd.map(() => 'applied'), first.text);
  const again = await call('POST', '/v1/sync', { auth: token, body: { events: odd.map((id) => redeem(id, 1)) } });
  assert.deepEqual(again.json.results.map((r) => r.result), odd.map(() => 'duplicate'), again.text);
});

test('the same event id with another body is refused and changes nothing', async () => {
  const { token } = await newMember(1);
  await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('r-1', 50)] } });
  const reused = await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('r-1', 60)] } });
  assert.equal(reused.json.results[0].result, 'rejected');
  assert.deepEqual(reused.json.results[0].errors[0], {
    code: 'event.id_reused', message: 'this id was used for another event', path: 'event.id',
  });
  assert.equal(reused.json.balances.available, 200);
});

test('a member cannot send what only the merchant may: orders, refunds', async () => {
  const { token } = await newMember();
  const sync = await call('POST', '/v1/sync', {
    auth: token, body: { events: [{ id: 'o-1', type: 'order', order_id: 'A', lines: baguettes(100) }] },
  });
  assert.equal(sync.json.results[0].errors[0].code, 'event.not_allowed');
  assert.equal(sync.json.balances.available, 0);
  for (const path of ['/v1/orders', '/v1/refunds', '/v1/members', '/v1/memberships']) {
    const res = await call('POST', path, { auth: token, body: {} });
    assert.equal(res.status, 403, path);
    assert.equal(res.json.errors[0].code, 'auth.forbidden');
  }
  const look = await call('GET', '/v1/members/anyone', { auth: token });
  assert.equal(look.status, 403);
});

test("a member token acts for its own member only", async () => {
  const { token } = await newMember();
  const other = await newMember(1);
  const res = await call('POST', '/v1/sync', { auth: token, body: { member_id: other.member_id, events: [redeem('x', 1)] } });
  assert.equal(res.status, 403);
  assert.equal(res.json.errors[0].code, 'auth.other_member');
  const me = await call('GET', '/v1/me', { auth: other.token });
  assert.equal(me.json.balances.available, 250);
});

test('callers without valid credentials are refused with 401, and the merchant key is not a member token', async () => {
  const { token } = await newMember();
  const none = await call('GET', '/v1/me');
  assert.equal(none.status, 401);
  assert.equal(none.json.errors[0].code, 'auth.missing');
  assert.equal(none.headers.get('www-authenticate'), 'Bearer');
  const forged = await call('GET', '/v1/me', { auth: `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}` });
  assert.equal(forged.json.errors[0].code, 'auth.invalid');
  const wrongKey = await call('POST', '/v1/orders', { auth: 'not-the-key', body: {} });
  assert.equal(wrongKey.status, 401);
  const merchantAsMember = await call('POST', '/v1/sync', { auth: merchantKey, body: { events: [] } });
  assert.equal(merchantAsMember.status, 403);
});

test('bad bodies get 400 with a stable code and the JSON path', async () => {
  const { token } = await newMember(1);
  const syntax = await call('POST', '/v1/sync', { auth: token, body: '{"events": [' });
  assert.equal(syntax.status, 400);
  assert.equal(syntax.json.errors[0].code, 'json.syntax');
  const types = await call('POST', '/v1/sync', { auth: token, body: { events: {}, extra: 1 } });
  assert.equal(types.status, 400);
  assert.deepEqual(types.json.errors.map((e) => [e.code, e.path]), [['field.unknown', 'extra'], ['type.expected_array', 'events']]);
  const order = await call('POST', '/v1/orders', {
    auth: merchantKey, body: { member_id: 'nobody-here', id: 'o', order_id: 'A', lines: [] },
  });
  assert.equal(order.status, 404);
  assert.equal(order.json.errors[0].code, 'member.unknown');
  const badLine = await call('POST', '/v1/sync', {
    auth: token,
    body: { events: [{ id: 'r', type: 'redeem', points: '10', reward_id: 'x' }, 7, { id: 't', type: 276799999 }] },
  });
  assert.deepEqual(badLine.json.results.map((r) => [r.result, r.errors[0].code, r.errors[0].path]),
    [['rejected', 'type.expected_integer', 'event.points'], ['rejected', 'type.expected_object', 'event'],
      ['rejected', 'type.expected_string', 'event.type']]);
  const badJoin = await call('POST', '/v1/members', { auth: merchantKey, body: { member_id: 'a b', birthday: '13-40' } });
  assert.deepEqual(badJoin.json.errors.map((e) => [e.code, e.path]), [['member.invalid_id', 'member_id']]);
  const badPage = await call('GET', '/v1/me/ledger?limit=0', { auth: token });
  assert.equal(badPage.json.errors[0].code, 'request.bad_page');
});

test('a batch answers the state as JSON, as its binary snapshot, or not at all, as the client asks', async () => {
  const { token } = await newMember(1);
  const json = await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('s-1', 10)] } });
  assert.equal(json.json.state.member_id, json.json.member_id);
  assert.equal(json.json.snapshot, undefined);

  const snapshot = await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('s-2', 10)], state: 'snapshot' } });
  assert.equal(snapshot.status, 200, snapshot.text);
  assert.equal(snapshot.json.state, undefined);
  const bytes = Buffer.from(snapshot.json.snapshot, 'base64url');
  assert.deepEqual([...bytes.subarray(0, 4)], [...Buffer.from('LCS'), 7], 'the core\'s snapshot header');
  assert.equal(snapshot.json.balances.available, json.json.balances.available - 10);
  assert.ok(bytes.length < JSON.stringify((await call('GET', '/v1/me', { auth: token })).json.state).length);

  const none = await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('s-3', 10)], state: 'none' } });
  assert.equal(none.json.state, undefined);
  assert.equal(none.json.snapshot, undefined);
  assert.equal(none.json.version, snapshot.json.version + 1);
  assert.equal(none.json.balances.available, snapshot.json.balances.available - 10);

  const bad = await call('POST', '/v1/sync', { auth: token, body: { events: [], state: 'xml' } });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json.errors.map((e) => [e.code, e.path]), [['value.unknown_choice', 'state']]);
});

test('a member with history is answered packed when asked: the snapshot LZ4-compressed, a fraction of its bytes', async () => {
  const { member_id, token } = await newMember(1);
  for (let i = 0; i < 60; ++i) {
    const order = await call('POST', '/v1/orders', {
      auth: merchantKey, body: { member_id, id: `${member_id}-h${i}`, order_id: `${member_id}-H${i}`, lines: baguettes(1) },
    });
    assert.equal(order.json.results[0].result, 'applied', order.text);
  }
  const snapshot = await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('p-1', 10)], state: 'snapshot' } });
  const packed = await call('POST', '/v1/sync', { auth: token, body: { events: [redeem('p-1', 10)], state: 'packed' } });
  assert.equal(packed.status, 200, packed.text);
  assert.equal(packed.json.version, snapshot.json.version, 'a retry: the same state, in the form asked now');
  const plain = Buffer.from(snapshot.json.snapshot, 'base64url');
  const bytes = Buffer.from(packed.json.snapshot, 'base64url');
  assert.deepEqual([...plain.subarray(0, 3)], [...Buffer.from('LCS')]);
  assert.ok(['LCZ', 'LCO'].includes(bytes.subarray(0, 3).toString()), bytes.subarray(0, 3).toString());
  assert.equal(bytes.readUInt32LE(3), plain.length, 'the packed form says the snapshot\'s size');
  assert.ok(bytes.length * 2 < plain.length, `${bytes.length} packed against ${plain.length}`);
  const read = await call('GET', '/v1/me?state=packed', { auth: token });
  assert.deepEqual(Buffer.from(read.json.snapshot, 'base64url').subarray(0, 3).toString(), 'LCZ');
  // A small state is sent as its snapshot: packing would save nothing.
  const fresh = await newMember(1);
  const small = await call('POST', '/v1/sync', { auth: fresh.token, body: { events: [redeem('p-2', 10)], state: 'packed' } });
  assert.equal(Buffer.from(small.json.snapshot, 'base64url').subarray(0, 3).toString(), 'LCS');
});

test('a member, and a merchant, read the state as JSON, as its binary snapshot, or not at all', async () => {
  const { token, member_id } = await newMember(1);
  const json = await call('GET', '/v1/me', { auth: token });
  const snapshot = await call('GET', '/v1/me?state=snapshot', { auth: token });
  assert.equal(snapshot.status, 200, snapshot.text);
  assert.equal(snapshot.json.state, undefined);
  const bytes = Buffer.from(snapshot.json.snapshot, 'base64url');
  assert.deepEqual([...bytes.subarray(0, 4)], [...Buffer.from('LCS'), 7], 'the core\'s snapshot header');
  assert.ok(bytes.length < JSON.stringify(json.json.state).length);
  const { snapshot: _bytes, ...rest } = snapshot.json;
  const { state: _state, ...same } = json.json;
  assert.deepEqual(rest, { ...same, server_time: rest.server_time }, 'the rest of the answer is the same');
  const merchant = await call('GET', `/v1/members/${member_id}?state=snapshot`, { auth: merchantKey });
  assert.equal(merchant.json.snapshot, snapshot.json.snapshot);
  const none = await call('GET', '/v1/me?state=none', { auth: token });
  assert.deepEqual([none.json.state, none.json.snapshot, none.json.version], [undefined, undefined, json.json.version]);
  const bad = await call('GET', '/v1/me?state=xml', { auth: token });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json.errors.map((e) => [e.code, e.path]), [['value.unknown_choice', 'state']]);
});

test('bodies over 1 MiB get 413, and so do batches over 100 events', async () => {
  const { token } = await newMember();
  const huge = await call('POST', '/v1/sync', { auth: token, body: `{"events":[],"pad":"${'x'.repeat(1100000)}"}` });
  assert.equal(huge.status, 413);
  assert.equal(huge.json.errors[0].code, 'request.too_large');
  const events = Array.from({ length: 101 }, (_, i) => redeem(`r-${i}`, 1));
  const many = await call('POST', '/v1/sync', { auth: token, body: { events } });
  assert.equal(many.status, 413);
  assert.equal(many.json.errors[0].code, 'sync.batch_too_large');
});

test('joining is idempotent; a different join of the same member, self-referral and unknown inviters are refused', async () => {
  const body = { member_id: `j-${process.pid}`, birthday: '03-14' };
  const first = await call('POST', '/v1/members', { auth: merchantKey, body });
  const again = await call('POST', '/v1/members', { auth: merchantKey, body });
  assert.equal(first.status, 201);
  assert.equal(again.status, 200);
  assert.equal(again.text, first.text);
  const other = await call('POST', '/v1/members', { auth: merchantKey, body: { member_id: body.member_id } });
  assert.equal(other.status, 409);
  assert.equal(other.json.errors[0].code, 'member.exists');
  const self = await call('POST', '/v1/members', { auth: merchantKey, body: { member_id: 'x1', inviter: 'x1' } });
  assert.equal(self.json.errors[0].code, 'referral.self');
  const ghost = await call('POST', '/v1/members', { auth: merchantKey, body: { member_id: 'x2', inviter: 'ghost' } });
  assert.deepEqual([ghost.json.errors[0].code, ghost.json.errors[0].path], ['referral.unknown_inviter', 'inviter']);
  const invited = await call('POST', '/v1/members', { auth: merchantKey, body: { member_id: 'x3', inviter: body.member_id } });
  assert.equal(invited.status, 201);
});

test("a client's claimed time is used within the programme's skew and only kept beyond it", async () => {
  const { member_id, token } = await newMember();
  const now = Date.now();
  const order = await call('POST', '/v1/orders', {
    auth: merchantKey, body: { member_id, id: 'o', order_id: 'A', lines: baguettes(1), at: now - 120000 },
  });
  assert.equal(order.json.results[0].at, now - 120000);
  const early = await call('POST', '/v1/sync', { auth: token, body: { events: [{ ...redeem('early', 1), at: now - 180000 }] } });
  assert.equal(early.json.results[0].at, now - 120000, 'never before the member\'s last event');
  const res = await call('POST', '/v1/sync', {
    auth: token, body: { events: [{ ...redeem('near', 1), at: now - 60000 }, { ...redeem('far', 1), at: now - 86400000 }] },
  });
  const [near, far] = res.json.results;
  assert.equal(near.at, now - 60000);
  assert.equal(far.claimed_at, now - 86400000);
  assert.ok(far.at >= res.json.server_time - 1000 && far.at <= res.json.server_time, 'stamped by the server');
});

test('two connections spending the whole balance at once: exactly one succeeds', async () => {
  const { token } = await newMember(1);  // 250 points
  const [a, b] = await Promise.all([
    call('POST', '/v1/sync', { auth: token, body: { events: [redeem('a', 250)] } }),
    call('POST', '/v1/sync', { auth: token, body: { events: [redeem('b', 250)] } }),
  ]);
  const results = [a.json.results[0].result, b.json.results[0].result].sort();
  assert.deepEqual(results, ['applied', 'rejected']);
  const me = await call('GET', '/v1/me', { auth: token });
  assert.equal(me.json.balances.available, 0);
});

test('merchant refunds claw back the points of the refunded lines', async () => {
  const { member_id, token } = await newMember(2);
  const refund = await call('POST', '/v1/refunds', {
    auth: merchantKey, body: { member_id, id: 'rf-1', order_id: `${member_id}-A`, lines: [{ line: 0, quantity: 1 }] },
  });
  assert.equal(refund.json.results[0].result, 'applied', refund.text);
  assert.equal(refund.json.balances.available, 250);
  assert.equal((await call('GET', '/v1/me', { auth: token })).json.state.growth, 125);
});

// What an integrator's tools do first (client and mock generators): a
// document that fails a standard validator stops them all.
test('server/openapi.yaml is a valid OpenAPI document', async () => {
  const document = await SwaggerParser.validate(`${root}server/openapi.yaml`);
  assert.match(document.openapi, /^3\./);
  assert.ok(Object.keys(document.paths).length >= 12);
});

test('the server serves the OpenAPI document it was built with', async () => {
  const res = await call('GET', '/v1/openapi.yaml');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/yaml/);
  assert.equal(res.text, readFileSync(`${root}server/openapi.yaml`, 'utf8'));
});

test('the server serves the JSON Schemas it was built with, as data', async () => {
  for (const name of ['program', 'event', 'state']) {
    const res = await call('GET', `/v1/schemas/${name}.schema.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/schema+json');
    assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
    assert.equal(res.text, readFileSync(`${root}wasm/${name}.schema.json`, 'utf8'));
  }
  const unknown = await call('GET', '/v1/schemas/order.schema.json');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.errors[0].code, 'http.not_found');
});

test('every path in server/openapi.yaml is served', async () => {
  const spec = readFileSync(`${root}server/openapi.yaml`, 'utf8');
  const paths = [...spec.matchAll(/^  (\/[^:]+):\n    (get|post):/gm)].map((m) => [m[2].toUpperCase(), m[1]]);
  assert.ok(paths.length >= 12, `${paths.length} paths`);
  for (const [method, path] of paths) {
    const concrete = path.replace('{id}', 'someone').replace('{box}', 'chest').replace('{window}', '2020-01-01')
      .replace('{schema}', 'program.schema.json');
    const res = await call(method, concrete, method === 'POST' ? { body: {} } : {});
    assert.notEqual(res.json?.errors?.[0]?.code, 'http.not_found', `${method} ${path}`);
  }
});

test("tokens signed with Node's own HMAC-SHA-256 are accepted: the core's digest is the standard one", async () => {
  const { member_id } = await newMember(1);
  const payload = `m1.${Buffer.from(member_id).toString('base64url')}.${Date.now() + 60000}`;
  const token = `${payload}.${createHmac('sha256', tokenSecret).update(payload).digest('hex')}`;
  const me = await call('GET', '/v1/me', { auth: token });
  assert.equal(me.status, 200);
  assert.equal(me.json.member_id, member_id);
  const expired = `m1.${Buffer.from(member_id).toString('base64url')}.${Date.now() - 1}`;
  const old = await call('GET', '/v1/me', { auth: `${expired}.${createHmac('sha256', tokenSecret).update(expired).digest('hex')}` });
  assert.equal(old.json.errors[0].code, 'auth.expired');
});

test("revoking a member's tokens refuses them on the next request, which changes nothing; a new login works", async () => {
  const { member_id, token } = await newMember();
  assert.equal((await call('GET', '/v1/me', { auth: token })).status, 200);
  // The server now holds the member's state: the check must not rely on reading it.
  const liked = await call('POST', '/v1/sync', { auth: token, body: { events: [{ id: 'l', type: 'like', article: 'spring-menu' }] } });
  assert.equal(liked.json.results[0].result, 'applied', liked.text);
  const revoked = await call('POST', `/v1/members/${member_id}/tokens/revoke`, { auth: merchantKey, body: {} });
  assert.equal(revoked.status, 200, revoked.text);
  assert.equal(revoked.json.token_epoch, 1);
  const refused = await call('POST', '/v1/sync', { auth: token, body: { events: [{ id: 'c', type: 'checkin' }] } });
  assert.equal(refused.status, 401);
  assert.equal(refused.json.errors[0].code, 'auth.revoked');
  assert.equal((await call('GET', '/v1/me', { auth: token })).json.errors[0].code, 'auth.revoked');
  const again = (await call('POST', '/v1/demo/login', { body: { member_id } })).json.token;
  assert.equal((await call('GET', '/v1/me', { auth: again })).status, 200);
  // The refused check-in was not applied nor remembered: its id is new to the member.
  const checkedIn = await call('POST', '/v1/sync', { auth: again, body: { events: [{ id: 'c', type: 'checkin' }] } });
  assert.equal(checkedIn.json.results[0].result, 'applied', checkedIn.text);
  assert.equal(checkedIn.json.version, liked.json.version + 1);
  assert.equal((await call('POST', '/v1/members/nobody-here/tokens/revoke', { auth: merchantKey })).status, 404);
  assert.equal((await call('POST', `/v1/members/${member_id}/tokens/revoke`, { auth: again })).status, 403);
});

test('a member over its rate gets 429 with Retry-After', async () => {
  const limited = await startServer(['--program', 'programs/bakery.json', '--demo', '--member-rate', '3']);
  try {
    const limitedCall = client(limited.url);
    const { token } = (await limitedCall('POST', '/v1/demo/login', { body: { member_id: 'busy' } })).json;
    const statuses = [];
    for (let i = 0; i < 4; ++i) statuses.push((await limitedCall('GET', '/v1/me', { auth: token })));
    assert.deepEqual(statuses.map((r) => r.status), [200, 200, 200, 429]);
    assert.equal(statuses[3].json.errors[0].code, 'rate.limited');
    assert.ok(Number(statuses[3].headers.get('retry-after')) >= 1);
  } finally {
    await limited.stop();
  }
});
