// Programme versions on the server: a brand publishes new rules with the
// moment they take effect; events are applied under the version in force
// at their time, a member's state moves to the new version at its first
// event under it (a dropped tier mapped by the version's migrate), every
// answer names the version in force, and the store keeps every version
// across restarts and for every server on it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { client, freshDb, joinMember, merchantKey, root, startServer, storeKind } from './loyalty-server.mjs';

const bakery = JSON.parse(readFileSync(join(root, 'programs/bakery.json'), 'utf8'));
// Version 2: Silver merged into Gold, pastry counted as bread.
const bakeryV2 = JSON.parse(readFileSync(join(root, 'programs/bakery-v2.json'), 'utf8'));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let made = 0;
const fresh = (name) => `pv-${process.pid}-${name}-${++made}`;

async function serverOn(db, program = 'programs/bakery.json') {
  const server = await startServer(['--program', program, '--demo', '--member-rate', '0', '--ip-rate', '0', '--db', db]);
  return { server, call: client(server.url) };
}

const publish = (call, body, auth = merchantKey) => call('POST', '/v1/program', { auth, body });

// A member who reached Silver under version 1 (500 growth: ¥500 of orders).
async function silverMember(call) {
  const member = await joinMember(call, fresh('m'));
  const order = await call('POST', '/v1/orders', {
    auth: merchantKey,
    body: { member_id: member.member_id, id: 'o1', order_id: 'o1', lines: [{ sku: 'cake', category: 'cake', unit_price: 60000, quantity: 1 }] },
  });
  assert.equal(order.json.state.tier, 'silver');
  assert.equal(order.json.program_version, 1);
  return member;
}

test('a version published now is what the programme endpoint serves, and a member in a tier it dropped moves to the mapped tier at the next event', async () => {
  const { server, call } = await serverOn(freshDb());
  try {
    const before = await call('GET', '/v1/program');
    assert.equal(before.json.version, 1);
    assert.equal(before.json.effective_at, 0);
    const member = await silverMember(call);

    const published = await publish(call, { program: bakeryV2 });
    assert.equal(published.status, 201, published.text);
    assert.equal(published.json.version, 2);

    const now = await call('GET', '/v1/program');
    assert.equal(now.json.version, 2);
    assert.notEqual(now.headers.get('etag'), before.headers.get('etag'));
    assert.deepEqual(now.json.program.migrate, { categories: { pastry: 'bread' }, tiers: { silver: 'gold' } });
    const stale = await call('GET', '/v1/program', { headers: { 'If-None-Match': before.headers.get('etag') } });
    assert.equal(stale.status, 200, 'a client holding version 1 gets version 2');

    const me = await call('GET', '/v1/me', { auth: member.token });
    assert.equal(me.json.program_version, 2);
    assert.equal(me.json.state.tier, 'gold', 'read as version 2 reads it');

    // Applied under version 2: Gold earns x1.5 (bread x2): ¥10 of bread earns 30 points.
    const checkin = await call('POST', '/v1/sync', { auth: member.token, body: { events: [{ id: 'c1', type: 'checkin' }] } });
    assert.equal(checkin.json.results[0].result, 'applied', checkin.text);
    assert.equal(checkin.json.program_version, 2);
    assert.equal(checkin.json.state.tier, 'gold');
    const order = await call('POST', '/v1/orders', {
      auth: merchantKey,
      body: { member_id: member.member_id, id: 'o2', order_id: 'o2', lines: [{ sku: 'baguette', category: 'bread', unit_price: 1000, quantity: 1 }] },
    });
    assert.equal(order.json.ledger.find((r) => r.kind === 'earn').available, 30);

    const versions = await call('GET', '/v1/program/versions', { auth: merchantKey });
    assert.deepEqual(versions.json.versions.map((v) => [v.version, v.in_force]), [[1, false], [2, true]]);
    assert.equal(versions.json.versions[0].effective_at, 0);
  } finally {
    await server.stop();
  }
});

test('a version published for later leaves the one in force until its moment', async () => {
  const { server, call } = await serverOn(freshDb());
  try {
    const member = await silverMember(call);
    const effective_at = Date.now() + 2000;
    const published = await publish(call, { program: bakeryV2, effective_at });
    assert.equal(published.status, 201, published.text);
    assert.equal(published.json.effective_at, effective_at);

    const early = await call('POST', '/v1/sync', { auth: member.token, body: { events: [{ id: 'c1', type: 'checkin' }] } });
    assert.equal(early.json.program_version, 1);
    assert.equal(early.json.state.tier, 'silver');
    assert.equal((await call('GET', '/v1/program')).json.version, 1);

    await sleep(Math.max(0, effective_at - Date.now()) + 50);
    const later = await call('POST', '/v1/sync', { auth: member.token, body: { events: [{ id: 'l1', type: 'like', article: 'a1' }] } });
    assert.equal(later.json.program_version, 2);
    assert.equal(later.json.state.tier, 'gold');
    assert.equal((await call('GET', '/v1/program')).json.version, 2);
  } finally {
    await server.stop();
  }
});

test('a version that cannot follow the published one is refused, with its reason at its path', async () => {
  const { server, call } = await serverOn(freshDb());
  try {
    const refused = async (body, status, code, path) => {
      const answer = await publish(call, body);
      assert.equal(answer.status, status, answer.text);
      assert.ok(answer.json.errors.some((e) => e.code === code && e.path === path), `${code} at ${path}: ${answer.text}`);
    };
    await refused({ program: bakery }, 409, 'program.version_not_newer', 'program.version');
    await refused({ program: { ...bakeryV2, id: 'other' } }, 409, 'program.other_id', 'program.id');
    const { migrate, ...unmapped } = bakeryV2;
    await refused({ program: unmapped }, 400, 'migrate.unmapped_tier', 'program.migrate.tiers');
    await refused({ program: unmapped }, 400, 'migrate.unmapped_category', 'program.migrate.categories');
    await refused({ program: { ...bakeryV2, tiers: [] } }, 400, 'tiers.empty', 'program.tiers');
    await refused({ program: bakeryV2, effective_at: Date.now() - 60000 }, 400, 'program.effective_in_past', 'effective_at');
    await refused({ program: bakeryV2, effective_at: 'soon' }, 400, 'type.expected_integer', 'effective_at');
    await refused({ rules: bakeryV2 }, 400, 'field.unknown', 'rules');

    const member = await joinMember(call, fresh('m'));
    const asMember = await publish(call, { program: bakeryV2 }, member.token);
    assert.equal(asMember.status, 403);
    assert.equal((await call('GET', '/v1/program')).json.version, 1, 'nothing was published');
  } finally {
    await server.stop();
  }
});

test('the store keeps the published versions: a restart with the older file serves the newest, and a changed file under a published version is refused', async () => {
  const db = freshDb();
  const first = await serverOn(db);
  assert.equal((await publish(first.call, { program: bakeryV2 })).status, 201);
  await first.server.stop();

  const again = await serverOn(db);
  try {
    assert.equal((await again.call('GET', '/v1/program')).json.version, 2);
  } finally {
    await again.server.stop();
  }
  const changed = join(root, 'build', `bakery-changed-${process.pid}.json`);
  const { writeFileSync, rmSync } = await import('node:fs');
  writeFileSync(changed, JSON.stringify({ ...bakery, refunds: { shortfall: 'debt', window_days: 30 } }));
  try {
    await assert.rejects(serverOn(db, changed), /program\.version_published/);
  } finally {
    rmSync(changed);
  }
});

test('every server on a shared store applies a version another published', { skip: storeKind !== 'postgres' && 'one SQLite file has one server' }, async () => {
  const db = freshDb();
  const a = await serverOn(db);
  const b = await serverOn(db);
  try {
    const member = await silverMember(a.call);
    assert.equal((await publish(a.call, { program: bakeryV2 })).status, 201);
    await sleep(1100);  // b looks for new versions at most once a second
    const onB = await b.call('POST', '/v1/sync', { auth: member.token, body: { events: [{ id: 'c1', type: 'checkin' }] } });
    assert.equal(onB.json.program_version, 2);
    assert.equal(onB.json.state.tier, 'gold');
    assert.equal((await b.call('GET', '/v1/program')).json.version, 2);
  } finally {
    await a.server.stop();
    await b.server.stop();
  }
});
