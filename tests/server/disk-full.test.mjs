// The disk fills up under a load of orders (a file-size limit on the server
// stands in for it): writes are answered 503 store.unavailable with nothing
// of them kept, reads go on, and once there is room again the clients'
// retries apply every order exactly once.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';

import { OrderLoad, until } from './order-load.mjs';
import { assertAuditClean, client, freshDb, startServer, storeKind } from './loyalty-server.mjs';

const program = 'programs/bakery.json';
const members = Array.from({ length: 4 }, (_, i) => `disk-${i}`);

test('a full disk answers 503 and keeps nothing of the failed writes; retries apply them once when there is room', { skip: storeKind !== 'sqlite' && 'SQLite only: the server writes the files' }, async () => {
  const db = freshDb();
  const args = ['--program', program, '--db', db, '--member-rate', '0', '--ip-rate', '0'];
  const load = new OrderLoad(members);
  let server = await startServer(args);
  await load.join(client(server.url));
  assert.equal(await server.stop(), 0);

  // No file may grow past the database's size now: the write-ahead log fills up after a few orders.
  const limit = statSync(db.slice('sqlite:'.length)).size;
  server = await startServer(args, { limits: [`--fsize=${limit}`] });
  let call = client(server.url);
  try {
    const stop = load.run(() => call, { name: 'full', workers: 4, pause: 20 });
    await until(() => load.errors.get(503) > 0);
    await stop();
    assert.ok(load.applied.size > 0, 'orders were applied before the disk filled');
    assert.ok(load.errors.get(503) > 0, 'then refused with 503');
    assert.deepEqual([...load.errors.keys()], [503], 'and with nothing else');
    ++load.sent;
    const refused = await load.post(call, { member_id: members[0], id: 'probe', worker: -1 });
    assert.equal(refused.status, 503);
    assert.equal(refused.json.errors[0].code, 'store.unavailable', refused.text);
    // Reads go on, and show exactly the orders that were answered: no partial writes.
    const earned = await load.earnings(call);
    assert.deepEqual([...earned.keys()].sort(), [...load.applied.keys()].sort());
    assert.match(server.log(), /"event":"store_error"/);
    console.log(`# disk full after ${load.applied.size} orders; ${load.errors.get(503)} writes refused with 503`);
  } finally {
    assert.equal(await server.stop(), 0);
  }

  server = await startServer(args);
  call = client(server.url);
  try {
    await load.settle(call);
    await load.assertExactlyOnce(call);
  } finally {
    await server.stop();
  }
  assertAuditClean(db, members.length);
});
