// `loyalty backup`: a SQLite store copied while the server takes orders is
// one consistent moment, restores into a new server that answers the same
// balances, and passes `loyalty audit`; it never overwrites a file.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { assertAuditClean, bin, client, joinMember, merchantKey, root, startServer } from './loyalty-server.mjs';

const program = 'programs/bakery.json';
const backup = (db, to) => spawnSync(bin, ['backup', '--db', db, '--to', to], { cwd: root, encoding: 'utf8' });
// The same, without blocking this process: the server's clients keep sending meanwhile.
const backupBeside = (db, to) => new Promise((resolve) => {
  execFile(bin, ['backup', '--db', db, '--to', to], { cwd: root, encoding: 'utf8' }, (error, stdout, stderr) => {
    resolve({ status: error ? error.code : 0, stdout, stderr });
  });
});
const order = (member_id, i) => ({ member_id, id: `o-${i}`, order_id: `o-${i}`,
  lines: [{ sku: 'loaf', category: 'bread', unit_price: 1000 + i, quantity: 1 }] });

test('a backup taken while orders come in restores into a server with the same balances, and audits clean',
  { skip: process.env.LOYALTY_TEST_PG ? 'backs up SQLite stores; PostgreSQL has pg_dump' : false }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-backup-'));
    const db = `sqlite:${join(dir, 'live.db')}`;
    const copy = join(dir, 'copy.db');
    const live = await startServer(['--program', program, '--db', db, '--demo']);
    const call = client(live.url);
    const members = [];
    for (let m = 0; m < 5; m++) members.push((await joinMember(call, `backup-${m}`)).member_id);
    for (let i = 0; i < 20; i++) {
      const r = await call('POST', '/v1/orders', { auth: merchantKey, body: order(members[i % 5], i) });
      assert.equal(r.status, 200, r.text);
    }
    const before = {};
    for (const m of members) before[m] = (await call('GET', `/v1/members/${m}`, { auth: merchantKey })).json.balances;

    // Orders keep coming while the copy is taken: it holds some of them whole, never half of one.
    const more = Promise.all(Array.from({ length: 20 }, (_, i) =>
      call('POST', '/v1/orders', { auth: merchantKey, body: order(members[i % 5], 100 + i) })));
    const [taken] = await Promise.all([backupBeside(db, copy), more]);
    await live.stop();
    assert.equal(taken.status, 0, taken.stderr);
    assert.match(taken.stdout, /^backed up 5 members \(\d+ pages\) to /);

    assertAuditClean(`sqlite:${copy}`, 5);
    const restored = await startServer(['--program', program, '--db', `sqlite:${copy}`]);
    const again = client(restored.url);
    for (const m of members) {
      const balances = (await again('GET', `/v1/members/${m}`, { auth: merchantKey })).json.balances;
      assert.ok(balances.available >= before[m].available, `${m}: what was acknowledged before the backup is in it`);
    }
    await restored.stop();

    const refused = backup(db, copy);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /exists: a backup never overwrites a file/);
  });

test('backup refuses what it cannot copy', () => {
  const missing = backup('sqlite:/nonexistent/loyalty.db', join(tmpdir(), 'never.db'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no database file/);
  const postgres = backup('postgres://loyalty@127.0.0.1/loyalty', join(tmpdir(), 'never.db'));
  assert.equal(postgres.status, 2);
  assert.match(postgres.stderr, /pg_dump/);
});
