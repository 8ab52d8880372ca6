// Load on POST /v1/sync, measured by the C++ load generator
// (build/native-release/bench/bench_sync_load: a thread and a keep-alive
// connection per client, tokens made locally, so that the client costs the
// machine little and its CPU is reported apart from the server's).
//
//   node bench/sync_load.mjs [--seconds 5] [--only sqlite|postgres] [--states json,snapshot,packed]
//                            [--bin build/native-release/server/loyalty]
//
// SQLite: 1, 16, 64 and 256 clients of fresh members sending one-event
// batches; 64 clients with ten-event batches; 64 members with history
// (120 orders) beside fresh ones, with the state answered as JSON and as a
// snapshot. PostgreSQL (a throwaway cluster from scripts/postgres-for-tests.sh):
// 64 clients over 1, 2 and 4 server processes on one database.
// Prints one JSON line per measurement.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { freshDb, root } from '../tests/server/loyalty-server.mjs';
import { run, startLoggingToFile } from './load_servers.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const seconds = option('--seconds', '5');
const only = option('--only', '');
// Answer forms to measure; an older server knows only json.
const states = option('--states', 'json,snapshot,packed').split(',');
// Another build of the server (an older commit, side by side) with --bin.
const serverBinary = resolve(root, option('--bin', 'build/native-release/server/loyalty'));
const loadBinary = resolve(root, 'build/native-release/bench/bench_sync_load');
let tags = 0;

async function measure(servers, { clients, batch = 1, history = 0, state = 'json', store }) {
  const args = ['--url', servers.map((s) => s.url).join(','), '--server-pid', servers.map((s) => s.pid).join(','),
    '--clients', String(clients), '--batch', String(batch), '--history', String(history), '--state', state,
    '--seconds', seconds, '--tag', `load-${process.pid}-${++tags}`];
  const load = await run(loadBinary, args);
  if (load.status !== 0) throw new Error(`bench_sync_load ${args.join(' ')}:\n${load.stdout}${load.stderr}`);
  const result = { store, servers: servers.length, ...JSON.parse(load.stdout) };
  console.log(JSON.stringify(result));
  return result;
}

async function withServers(count, db, work) {
  const args = ['--program', 'programs/bakery.json', '--db', db, '--member-rate', '0', '--ip-rate', '0'];
  const logs = mkdtempSync(join(tmpdir(), 'loyalty-load-'));
  const servers = [];
  try {
    for (let i = 0; i < count; ++i) servers.push(await startLoggingToFile(serverBinary, args, join(logs, `server-${i}.log`)));
    await work(servers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(logs, { recursive: true, force: true });
  }
}

if (only !== 'postgres') {
  await withServers(1, freshDb(), async (servers) => {
    for (const clients of [1, 16, 64, 256]) await measure(servers, { store: 'sqlite', clients });
    await measure(servers, { store: 'sqlite', clients: 64, batch: 10 });
    for (const state of states) {
      await measure(servers, { store: 'sqlite', clients: 64, state });
      await measure(servers, { store: 'sqlite', clients: 64, history: 120, state });
    }
  });
}

if (only !== 'sqlite') {
  const started = spawnSync('scripts/postgres-for-tests.sh', ['start'], { cwd: root, encoding: 'utf8' });
  if (started.status !== 0) {
    console.error(`no PostgreSQL for the shared-store rows:\n${started.stderr}`);
  } else {
    const cluster = started.stdout.trim();
    try {
      for (const count of [1, 2, 4]) {
        const name = `load_${process.pid}_${count}`;
        const made = spawnSync('psql', [cluster, '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
        if (made.status !== 0) throw new Error(made.stderr);
        const db = cluster.replace(/\/[^/]*$/, `/${name}`);
        await withServers(count, db, (servers) => measure(servers, { store: 'postgres', clients: 64 }));
      }
    } finally {
      spawnSync('scripts/postgres-for-tests.sh', ['stop'], { cwd: root });
    }
  }
}
