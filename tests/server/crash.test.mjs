// kill -9 in the middle of a load of batches: after a restart every
// acknowledged event is there exactly once, and the audit is clean.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

import { bin, client, freshDb, merchantKey, root, startServer } from './loyalty-server.mjs';

const program = 'programs/bakery.json';
const args = (db) => ['--program', program, '--db', db, '--member-rate', '0', '--ip-rate', '0'];
const members = Array.from({ length: 8 }, (_, i) => `crash-${i}`);
const orderBody = (member_id, id) => ({
  member_id, id, order_id: `order-${id}`, lines: [{ sku: 'tart', category: 'pastry', unit_price: 1000 + (id.length * 37) % 900, quantity: 1 }],
});

test('a server killed with -9 under load loses no acknowledged event and applies none twice', async () => {
  const db = freshDb();
  let server = await startServer(args(db));
  let call = client(server.url);
  for (const member_id of members) {
    assert.equal((await call('POST', '/v1/members', { auth: merchantKey, body: { member_id } })).status, 201);
  }

  const acked = [];
  let sent = 0;
  let killed = false;
  const worker = async (w) => {
    for (let n = 0; !killed; ++n) {
      const member_id = members[(w + n) % members.length];
      const id = `w${w}-n${n}`;
      ++sent;
      try {
        const res = await call('POST', '/v1/orders', { auth: merchantKey, body: orderBody(member_id, id) });
        if (res.status === 200 && res.json.results[0].result === 'applied') acked.push({ member_id, id });
      } catch {
        return;  // the server is gone
      }
    }
  };
  const workers = Array.from({ length: 16 }, (_, w) => worker(w));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  killed = true;
  await server.kill();
  await Promise.all(workers);
  assert.ok(acked.length > 20, `enough load before the kill (${acked.length} of ${sent} acknowledged)`);
  console.log(`# ${acked.length} of ${sent} orders acknowledged before kill -9`);

  server = await startServer(args(db));
  call = client(server.url);
  try {
    // Every acknowledged event is known: its retry is a duplicate.
    for (const { member_id, id } of acked) {
      const retry = await call('POST', '/v1/orders', { auth: merchantKey, body: orderBody(member_id, id) });
      assert.equal(retry.json.results[0].result, 'duplicate', id);
    }
    // ... and in the ledger exactly once.
    const earned = new Map();
    for (const member_id of members) {
      for (let after = 0; ;) {
        const page = await call('GET', `/v1/members/${member_id}/ledger?after=${after}&limit=1000`, { auth: merchantKey });
        for (const row of page.json.ledger) if (row.kind === 'earn') earned.set(row.event_id, (earned.get(row.event_id) ?? 0) + 1);
        if (page.json.next_after === null) break;
        after = page.json.next_after;
      }
    }
    for (const { id } of acked) assert.equal(earned.get(id), 1, id);
    assert.ok([...earned.values()].every((count) => count === 1));
  } finally {
    await server.stop();
  }
  const audit = spawnSync(bin, ['audit', '--program', program, '--db', db], { cwd: root, encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stderr);
  assert.match(audit.stdout, /audited 8 members, \d+ ledger rows: clean/);
});
