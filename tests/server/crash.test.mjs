// kill -9 at random moments in a load of orders, twenty times over, with
// clients that retry what was not answered: after the last restart every
// order is in the ledger exactly once, and the audit is clean.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { OrderLoad, until } from './order-load.mjs';
import { assertAuditClean, client, freshDb, startServer } from './loyalty-server.mjs';

const program = 'programs/bakery.json';
const args = (db) => ['--program', program, '--db', db, '--member-rate', '0', '--ip-rate', '0'];
const members = Array.from({ length: 8 }, (_, i) => `crash-${i}`);
const cycles = 20;
const workers = 16;

// The kill moments are random but reproducible (a fixed-seed LCG).
function random(seed) {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

test(`a server killed with -9 ${cycles} times under load loses no order and applies none twice`, async () => {
  const db = freshDb();
  const next = random(20261123);
  const load = new OrderLoad(members);
  let server = await startServer(args(db));
  let call = client(server.url);
  await load.join(call);
  for (let cycle = 0; cycle < cycles; ++cycle) {
    const sentBefore = load.sent;
    const stop = load.run(() => call, { name: `c${cycle}`, untilGone: true, workers });
    // Killed under load whatever the machine's speed (on a busy one the first
    // answers can take longer than a fixed wait): once as many orders have
    // been answered as there are workers, at a random moment after.
    await until(() => load.sent >= sentBefore + 2 * workers);
    await new Promise((resolve) => setTimeout(resolve, next() * 500));
    const killing = server.kill();
    await stop();
    await killing;
    server = await startServer(args(db));
    call = client(server.url);
  }
  try {
    await load.settle(call);
    console.log(`# ${cycles} kill -9 cycles: ${load.sent} orders sent, ${load.sent - load.applied.size} of them ` +
                'committed before a kill and answered only on retry (as duplicates)');
    assert.ok(load.sent > cycles * 10, `enough load between kills (${load.sent} orders)`);
    await load.assertExactlyOnce(call);
  } finally {
    await server.stop();
  }
  assertAuditClean(db, members.length);
});
