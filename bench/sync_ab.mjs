// Two (or more) builds of the sync server side by side: each round runs
// every build in turn, each on a new database, under the same load from
// bench_sync_load (64 clients, one-event batches), so that a change is read
// as a ratio measured in one run rather than against a number from another
// day. Rounds alternate the builds so that the machine's drift falls on all.
//
//   node bench/sync_ab.mjs --bin /tmp/loyalty-before,build/native-release/server/loyalty
//                          [--store sqlite|postgres] [--history 0,120] [--state snapshot]
//                          [--rounds 3] [--seconds 5] [--clients 64]
//                          [--member-rate 0] [--ip-rate 0]
//
// A build may name the state form its clients ask for, `PATH@packed`
// (otherwise --state's): the same server asked for two forms side by side.
//
// The rate limits are off unless given (N requests a minute), so that what
// they cost is measured apart; on PostgreSQL they are shared by every
// server, a row a key. Every client here is 127.0.0.1, as every member is
// behind a proxy (docs/deploy.md runs those with --ip-rate 0).
//
// Prints one JSON line per measurement, then each build's median per row.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { root } from '../tests/server/loyalty-server.mjs';
import { run, startLoggingToFile } from './load_servers.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const builds = option('--bin', '').split(',').filter(Boolean);
const store = option('--store', 'sqlite');
const histories = option('--history', '0,120').split(',').map(Number);
const state = option('--state', 'snapshot');
const binaryOf = (build) => resolve(root, build.split('@')[0]);
const stateOf = (build) => build.split('@')[1] || state;
const rounds = Number(option('--rounds', '3'));
const seconds = option('--seconds', '5');
const clients = option('--clients', '64');
const memberRate = option('--member-rate', '0');
const ipRate = option('--ip-rate', '0');
const loadBinary = resolve(root, 'build/native-release/bench/bench_sync_load');
if (builds.length < 2 || !['sqlite', 'postgres'].includes(store)) {
  console.error('usage: node bench/sync_ab.mjs --bin A,B[,...] [--store sqlite|postgres] [--history 0,120] [--state snapshot] [--rounds 3]  (a build: PATH or PATH@FORM)');
  process.exit(2);
}

let cluster = '';
if (store === 'postgres') {
  const started = spawnSync('scripts/postgres-for-tests.sh', ['start'], { cwd: root, encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`no PostgreSQL: ${started.stderr}`);
  cluster = started.stdout.trim();
}
const folder = mkdtempSync(join(tmpdir(), 'loyalty-ab-'));
const results = [];
let n = 0;
try {
  for (let round = 1; round <= rounds; ++round) {
    for (const build of builds) {
      const binary = binaryOf(build);
      ++n;
      let db = `sqlite:${join(folder, `ab-${n}.db`)}`;
      if (cluster) {
        const made = spawnSync('psql', [cluster, '-qc', `CREATE DATABASE ab_${process.pid}_${n}`], { encoding: 'utf8' });
        if (made.status !== 0) throw new Error(made.stderr);
        db = cluster.replace(/\/[^/]*$/, `/ab_${process.pid}_${n}`);
      }
      const server = await startLoggingToFile(binary, ['--program', 'programs/bakery.json', '--db', db, '--member-rate', memberRate,
        '--ip-rate', ipRate], join(folder, `ab-${n}.log`));
      try {
        for (const history of histories) {
          const load = await run(loadBinary, ['--url', server.url, '--server-pid', String(server.pid), '--clients', clients,
            '--history', String(history), '--state', stateOf(build), '--seconds', seconds, '--tag', `ab-${process.pid}-${n}-${history}`]);
          if (load.status !== 0) throw new Error(`bench_sync_load:\n${load.stdout}${load.stderr}`);
          const result = { round, binary: build, store, ...JSON.parse(load.stdout) };
          console.log(JSON.stringify(result));
          results.push(result);
        }
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
  if (cluster) spawnSync('scripts/postgres-for-tests.sh', ['stop'], { cwd: root });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const history of histories) {
  for (const binary of builds) {
    const rows = results.filter((r) => r.binary === binary && r.history === history);
    console.log(`history ${history}, ${binary}: median ${median(rows.map((r) => r.events_per_s))} events/s ` +
                `(${rows.map((r) => r.events_per_s).join(' · ')}), server CPU ${median(rows.map((r) => r.server_cpu_cores))} cores, ` +
                `member groups running ${median(rows.map((r) => r.groups_busy))} of the time`);
  }
}
