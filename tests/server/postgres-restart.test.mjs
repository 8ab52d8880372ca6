// PostgreSQL crashes and restarts under a load of orders: the server answers
// 503 while it cannot reach it, clients retry, and in the end every order is
// in the ledger exactly once, with a clean audit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

import { OrderLoad, until } from './order-load.mjs';
import { assertAuditClean, client, freshDb, root, startServer, storeKind } from './loyalty-server.mjs';

const program = 'programs/bakery.json';
const members = Array.from({ length: 8 }, (_, i) => `pg-restart-${i}`);

function restartPostgres() {
  return new Promise((resolve, reject) => {
    const child = spawn('scripts/postgres-for-tests.sh', ['restart'], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`restart exited with ${code}`))));
  });
}

test('PostgreSQL restarted under load: clients get 503, retry, and nothing is lost or doubled', { skip: storeKind !== 'postgres' && 'PostgreSQL only' }, async () => {
  const db = freshDb();
  const server = await startServer(['--program', program, '--db', db, '--member-rate', '0', '--ip-rate', '0']);
  const call = client(server.url);
  // Stopped in `finally` too: a failed restart must not leave the load
  // retrying for ever (the test file would never end).
  let stop = async () => {};
  try {
    const load = new OrderLoad(members);
    await load.join(call);
    stop = load.run(() => call, { name: 'pg', pause: 50 });
    await until(() => load.applied.size > 10);
    const appliedBefore = load.applied.size;
    await restartPostgres();
    const appliedAtRestart = load.applied.size;
    await until(() => load.applied.size > appliedAtRestart + 10, 60);
    await stop();
    await load.settle(call);
    console.log(`# ${load.sent} orders; answers while PostgreSQL restarted: ${JSON.stringify(Object.fromEntries(load.errors))}`);
    assert.ok(appliedBefore > 10, `load before the restart (${appliedBefore} applied)`);
    assert.ok(load.errors.get(503) > 0, 'the restart was seen as 503 store.unavailable');
    assert.ok(load.applied.size > appliedAtRestart, 'orders are applied again after the restart');
    await load.assertExactlyOnce(call);
    assert.match(server.log(), /"event":"store_error"/);
  } finally {
    await stop();
    await server.stop();
  }
  assertAuditClean(db, members.length);
});
