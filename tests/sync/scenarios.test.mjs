// The package's sync client (@loyalty-core/wasm/sync) in every host it ships
// for (browser, WeChat, Douyin, Alipay), each on its fake platform, against a
// real `loyalty serve --demo`: the same scenarios for each, since a member's
// events must survive the same things whichever app they use.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { createLoyaltyCore } from '../../wasm/dist/loyalty-core.node.mjs';
import { SyncClient } from '../../wasm/dist/loyalty-sync.mjs';
import { client, freshDb, merchantKey, root, startServer } from '../server/loyalty-server.mjs';
import { SERVER, deviceStorage, hostFor, manualTimers, network, platformNames } from './platforms.mjs';

const DAY = 86400000;
const program = JSON.parse(readFileSync(`${root}programs/bakery.json`, 'utf8'));
const backend = { url: '' };
let server;
let core;

before(async () => {
  server = await startServer(['--program', 'programs/bakery.json', '--demo']);
  backend.url = server.url;
  core = await createLoyaltyCore({ program });
});
after(() => server.stop());

let members = 0;
// A device of `platform` with one client (more with `tab()`), all on one storage and network.
function device(platform) {
  const net = network(backend);
  const storage = deviceStorage();
  const timers = manualTimers();
  const memberId = `${platform}-${++members}`;
  const tab = () => new SyncClient({ host: hostFor(platform, net, storage), server: SERVER.slice(0, -1), storageKey: 'account', timers });
  // The member id is made on the first start; the tests name theirs.
  storage.values.set('account', JSON.stringify({ memberId }));
  return { net, storage, timers, memberId, client: tab(), tab };
}

async function serverLedger(memberId) {
  const res = await client(server.url)('GET', `/v1/members/${memberId}/ledger?limit=1000`, { auth: merchantKey });
  assert.equal(res.status, 200, res.text);
  return res.json.ledger;
}

const syncPosts = (net) => net.journal.filter((r) => r.method === 'POST' && r.path === '/v1/sync');

for (const platform of platformNames) {
  describe(`the sync client in ${platform}`, () => {
    test('events made offline wait in storage, show at once through the core, and are sent once online', async () => {
      const { net, storage, client: sync, memberId } = device(platform);
      net.down = true;
      const at = Date.now();
      const id = sync.send({ type: 'checkin', at });
      sync.send({ type: 'like', article: 'spring-menu', at: at + 1 });
      await sync.flush();
      assert.equal(sync.offline, true);
      assert.deepEqual(sync.pendingEvents.map((e) => e.type), ['checkin', 'like']);
      assert.equal(JSON.parse(storage.values.get('account')).queue.length, 2, 'the queue is in storage');
      assert.equal(sync.session(core).checkinCalendar(at + 1).streak, 1, 'the pending check-in counts in the preview');

      net.down = false;
      await sync.flush();
      assert.equal(sync.offline, false);
      assert.deepEqual(sync.queue, []);
      assert.equal(sync.results.get(id).result, 'applied');
      assert.equal(sync.projectedState(core).member_id, memberId);
      assert.deepEqual((await serverLedger(memberId)).map((row) => row.kind).sort(), ['checkin', 'like']);
      assert.equal(sync.session(core).checkinCalendar(at + 1).streak, 1, 'now from the server state');
    });

    test('an answer lost after the server applied the batch is asked again and applied once', async () => {
      const { net, client: sync, memberId } = device(platform);
      await sync.refresh();
      net.loseAnswers = 1;
      const id = sync.send({ type: 'checkin' });
      await sync.flush();
      assert.equal(sync.queue.length, 1, 'kept: the device does not know it landed');
      await sync.flush();
      assert.deepEqual(sync.queue, []);
      assert.equal(sync.results.get(id).result, 'applied', 'the duplicate answer carries the first result');
      const posts = syncPosts(net);
      assert.equal(posts.at(-1).body.events[0].id, posts.at(-2).body.events[0].id, 'the same id sent twice');
      assert.deepEqual((await serverLedger(memberId)).map((row) => row.kind), ['checkin']);
    });

    test('a refused event is reported with its code and dropped, and the rest of its batch is applied', async () => {
      const { net, client: sync, memberId } = device(platform);
      net.down = true;
      const first = sync.send({ type: 'checkin' });
      const second = sync.send({ type: 'checkin' });
      await sync.flush();
      net.down = false;
      await sync.flush();
      assert.equal(syncPosts(net).at(-1).body.events.length, 2, 'one batch');
      assert.equal(sync.results.get(first).result, 'applied');
      assert.deepEqual(sync.rejected, [{ id: second, code: 'checkin.already_today' }]);
      assert.deepEqual(sync.queue, []);
      assert.deepEqual((await serverLedger(memberId)).map((row) => row.kind), ['checkin']);
    });

    test('an expired token is replaced by logging in again, once', async () => {
      const { net, client: sync } = device(platform);
      await sync.refresh();
      sync.token = 'm1.expired';
      const id = sync.send({ type: 'checkin' });
      await sync.flush();
      assert.equal(sync.results.get(id).result, 'applied');
      assert.equal(net.journal.filter((r) => r.path === '/v1/demo/login').length, 2);
    });

    test('more than a batch goes in batches of 100, in order', async () => {
      const { net, client: sync } = device(platform);
      net.down = true;
      const start = Date.now() - 150 * DAY;
      const ids = [];
      for (let i = 0; i < 150; i += 1) ids.push(sync.send({ type: 'like', article: `a-${i}`, at: start + i * DAY }));
      await sync.flush();
      net.down = false;
      await sync.flush();
      assert.deepEqual(syncPosts(net).slice(-2).map((p) => p.body.events.length), [100, 50]);
      assert.deepEqual(syncPosts(net).flatMap((p) => p.body.events.map((e) => e.id)).slice(-150), ids);
      assert.equal(ids.filter((id) => sync.results.has(id)).length, 150);
    });

    test('two tabs or pages of one member lose neither one\'s events', async () => {
      const { net, storage, client: one, tab, memberId } = device(platform);
      const two = tab();
      net.down = true;
      const at = Date.now();
      one.send({ type: 'checkin', at });
      two.send({ type: 'like', article: 'a', at: at + 1 });
      one.send({ type: 'like', article: 'b', at: at + 2 });
      assert.equal(JSON.parse(storage.values.get('account')).queue.length, 3, 'each save keeps the other\'s events');
      await Promise.all([one.flush(), two.flush()]);
      net.down = false;
      await two.flush();
      await one.flush();
      one.reload();
      two.reload();
      assert.deepEqual(one.queue, []);
      assert.deepEqual(two.queue, []);
      assert.deepEqual((await serverLedger(memberId)).map((row) => [row.kind, row.subject]).sort(),
        [['checkin', one.projectedState(core).tasks.checkin.days[0]], ['like', 'a'], ['like', 'b']]);
      assert.equal(one.version, two.version);
    });

    test('arriving through a share code, a new device joins through it and one already synced reports the visit once', async () => {
      const spokesperson = device(platform);
      await spokesperson.client.refresh();
      const share = await spokesperson.client.shareCode('bakery-friends');
      assert.equal(share.status, 200);
      const { code } = share.json;

      const friend = device(platform);
      await friend.client.arrivedThrough(code);
      assert.equal(JSON.parse(friend.storage.values.get('account')).arrivedCode, code, 'kept until told');
      await friend.client.refresh();
      assert.equal(friend.client.arrivedTold, true);
      const joined = friend.client.projectedState(core).tasks.brought_by;
      assert.deepEqual(joined.map((b) => [b.spokesperson, b.joined]), [[spokesperson.memberId, true]]);

      // A member in already (synced before) opens another member's share: a visit, which this campaign does not count.
      const other = device(platform);
      await other.client.refresh();
      const posts = syncPosts(other.net).length;
      await other.client.arrivedThrough(code);
      assert.equal(syncPosts(other.net).length, posts + 1, 'one visit sent');
      assert.deepEqual(other.client.rejected.map((r) => r.code), []);
      assert.equal(other.client.arrivedTold, true);
      await other.client.arrivedThrough(code);
      assert.equal(syncPosts(other.net).length, posts + 1, 'the same code again sends nothing');
    });
  });
}

// A server of its own: the brand publishes version 2 of its programme there.
describe('a brand\'s new programme version', () => {
  const republished = { url: '' };
  let other;
  before(async () => {
    other = await startServer(['--program', 'programs/bakery.json', '--demo']);
    republished.url = other.url;
    const v2 = JSON.parse(readFileSync(`${root}programs/bakery-v2.json`, 'utf8'));
    const res = await client(other.url)('POST', '/v1/program', { auth: merchantKey, body: { program: v2 } });
    assert.equal(res.status, 201, res.text);
  });
  after(() => other.stop());

  for (const platform of platformNames) {
    test(`reaches a client in ${platform} following version 1 once, at its next answer`, async () => {
      const net = network(republished);
      const storage = deviceStorage();
      storage.values.set('account', JSON.stringify({ memberId: `${platform}-v-${++members}` }));
      const sync = new SyncClient({ host: hostFor(platform, net, storage), server: SERVER.slice(0, -1), storageKey: 'account', timers: manualTimers() });
      const reloads = [];
      sync.followProgram(1, (answer) => { reloads.push([answer.version, answer.program.tiers.map((t) => t.id)]); });
      await sync.refresh();
      await sync.programLoading;
      assert.equal(sync.programVersion, 2);
      assert.deepEqual(reloads, [[2, ['member', 'gold']]]);
      sync.send({ type: 'checkin' });
      await sync.flush();
      await sync.programLoading;
      assert.equal(reloads.length, 1, 'once per version');
      assert.equal(net.journal.filter((r) => r.path === '/v1/program').length, 1);
      sync.stop();
    });
  }
});

test('the state is kept as the server\'s snapshot, packed or not, and as JSON when asked; the member sees the same either way', async () => {
  const seen = {};
  for (const stateForm of ['packed', 'snapshot', 'json']) {
    const net = network(backend);
    const storage = deviceStorage();
    const memberId = `form-${stateForm}`;
    storage.values.set('account', JSON.stringify({ memberId }));
    const sync = new SyncClient({ host: hostFor('browser', net, storage), server: SERVER.slice(0, -1), storageKey: 'account', timers: manualTimers(), stateForm });
    await sync.refresh();
    const at = Date.now();
    sync.send({ type: 'checkin', at });
    await sync.flush();
    // Orders enough that the state is packed when sent packed (past 1 KiB).
    const merchant = client(backend.url);
    for (let i = 0; i < 40; ++i) {
      const lines = [{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 1 }];
      await merchant('POST', '/v1/orders', { auth: merchantKey, body: { member_id: memberId, id: `${memberId}-${i}`, order_id: `${memberId}-O${i}`, lines } });
    }
    await sync.refresh();
    const later = Date.now();  // after the orders' times
    net.down = true;
    sync.send({ type: 'like', article: 'a', at: later });  // pending, on top
    await sync.flush();
    const saved = JSON.parse(storage.values.get('account'));
    const server = await client(backend.url)('GET', `/v1/members/${memberId}`, { auth: merchantKey });
    if (stateForm !== 'json') {
      assert.equal(saved.state, null);
      assert.equal(typeof saved.snapshot, 'string');
      const header = Buffer.from(saved.snapshot, 'base64url').subarray(0, 3).toString();
      assert.ok(stateForm === 'packed' ? ['LCZ', 'LCO'].includes(header) : header === 'LCS', `${stateForm}: ${header}`);
      assert.ok(saved.snapshot.length < JSON.stringify(server.json.state).length, 'smaller than the JSON');
    } else {
      assert.equal(saved.snapshot, null);
      assert.deepEqual(saved.state, server.json.state);
    }
    assert.equal(sync.version, server.json.version);
    const view = sync.projectedState(core);
    assert.deepEqual(view.tasks.liked, ['a'], 'the pending like on top');
    seen[stateForm] = { streak: sync.session(core).checkinCalendar(later + 1).streak, points: sync.session(core).pointsSummary(later + 1).available };
  }
  assert.deepEqual(seen.snapshot, seen.json);
  assert.deepEqual(seen.packed, seen.json);
  assert.equal(seen.snapshot.streak, 1);
  assert.ok(seen.snapshot.points > 0);
});

test('a server restart: the queue waits with a growing back-off, then goes through once it is back', async () => {
  const db = freshDb();
  const own = await startServer(['--program', 'programs/bakery.json', '--demo', '--db', db]);
  const mine = { url: own.url };
  const net = network(mine);
  const storage = deviceStorage();
  storage.values.set('account', JSON.stringify({ memberId: 'restart-1' }));
  const timers = manualTimers();
  const sync = new SyncClient({ host: hostFor('wechat', net, storage), server: SERVER.slice(0, -1), storageKey: 'account', timers });
  try {
    await sync.refresh();
    await own.stop();
    const id = sync.send({ type: 'checkin' });
    await sync.flush();
    assert.deepEqual(timers.due(), [2000]);
    timers.fire();
    await sync.flush();
    assert.deepEqual(timers.due(), [4000], 'the wait doubles');
    assert.equal(sync.queue.length, 1);
    const back = await startServer(['--program', 'programs/bakery.json', '--demo', '--db', db]);
    mine.url = back.url;
    try {
      timers.fire();
      await sync.flush();
      assert.deepEqual(sync.queue, []);
      assert.equal(sync.results.get(id).result, 'applied');
      assert.deepEqual(timers.due(), []);
    } finally {
      await back.stop();
    }
  } finally {
    sync.stop();
    await own.stop();
  }
});

test('a server that asks the device to slow down (429, Retry-After) is waited for as long as it says', async () => {
  const own = await startServer(['--program', 'programs/bakery.json', '--demo', '--member-rate', '1']);  // a minute
  try {
    for (const platform of platformNames) {
      const net = network({ url: own.url });
      const storage = deviceStorage();
      storage.values.set('account', JSON.stringify({ memberId: `slow-${platform}` }));
      const timers = manualTimers();
      const sync = new SyncClient({ host: hostFor(platform, net, storage), server: SERVER.slice(0, -1), storageKey: 'account', timers });
      await sync.refresh();  // the member's one request this second
      sync.send({ type: 'checkin' });
      await sync.flush();
      assert.equal(sync.queue.length, 1, platform);
      assert.equal(sync.rejected.length, 0, `${platform}: a 429 refuses nothing`);
      const [wait] = timers.due();
      // One request a minute: the server asks for far more than the first back-off (2 s).
      assert.ok(wait > 2000 && wait % 1000 === 0, `${platform}: waits the server's ${wait} ms`);
      sync.stop();
    }
  } finally {
    await own.stop();
  }
});

test('a first start makes the member an id of its own on every platform, kept from then on', () => {
  for (const platform of platformNames) {
    const ids = new Set();
    for (let i = 0; i < 20; i += 1) {
      const storage = deviceStorage();
      const make = () => new SyncClient({ host: hostFor(platform, network(backend), storage), storageKey: 'account', memberPrefix: 'p-', timers: manualTimers() });
      const first = make();
      first.save();
      assert.match(first.memberId, /^p-[0-9a-f]{10}$/, platform);
      assert.equal(make().memberId, first.memberId, `${platform}: kept`);
      ids.add(first.memberId);
    }
    assert.equal(ids.size, 20, `${platform}: twenty devices, twenty members`);
  }
});

test('queues saved by the demos before the package\'s client are taken over, not lost', async () => {
  const net = network(backend);
  const storage = deviceStorage();
  const at = Date.now();
  storage.values.set('account', JSON.stringify({
    memberId: 'legacy-1',
    queue: [
      { id: 'legacy-event', type: 'checkin', at },  // the mini-program's bare events
      { id: 'legacy-order', kind: 'checkout', lines: [{ sku: 'b', category: 'bread', unit_price: 1200, quantity: 1 }], preview_points: 12 },
    ],
  }));
  const sync = new SyncClient({ host: hostFor('browser', net, storage), server: SERVER.slice(0, -1), storageKey: 'account', timers: manualTimers() });
  assert.deepEqual(sync.pendingEvents.map((e) => e.id), ['legacy-event']);
  assert.deepEqual(sync.pendingCalls.map((c) => [c.path, c.meta.preview_points]), [['/v1/demo/checkout', 12]]);
  await sync.flush();
  assert.deepEqual(sync.queue, []);
  assert.deepEqual((await serverLedger('legacy-1')).map((row) => row.kind).sort(), ['checkin', 'earn']);
});
