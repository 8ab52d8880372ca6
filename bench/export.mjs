// `loyalty export` at scale, from SQLite: a year of N members' history
// (20,000 by default) generated, put into a store as the sync server keeps it
// (bench_fill_store: each member's state, its events one request a row),
// then exported to plain and gzip JSON lines, each timed with its peak
// memory; the plain export is checked to be the generated file byte for
// byte. Prints one JSON line, with the seconds scaled to 1,000,000 members
// (the store's rows are read member by member, so time grows with them).
// --against BIN also times another build's `loyalty export` on the same
// store, the two alternating twice, plain and .gz, for ratios measured side
// by side. The .gz export is checked to unzip to the generated file too.
//   node bench/export.mjs [--members 20000] [--build build/native-release] [--against OLD/loyalty]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const members = Number(option('--members', '20000'));
const build = resolve(root, option('--build', 'build/native-release'));
const against = option('--against', '');

const work = mkdtempSync(join(tmpdir(), 'loyalty-export-'));
// Seconds, CPU seconds and peak RSS of one command, from GNU time.
function timed(binary, args) {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', binary, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`${binary} ${args.join(' ')}:\n${run.stderr}`);
  const [seconds, user, system, kb] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, cpu: Math.round((user + system) * 100) / 100, peak_mb: Math.round(kb / 1024) };
}
try {
  const loyalty = join(build, 'server/loyalty');
  const events = join(work, 'events.jsonl');
  const db = `sqlite:${join(work, 'store.db')}`;
  timed(loyalty, ['generate', '--program', 'programs/bakery.json', '--members', String(members), '--days', '365', '--seed', '7', '--out', events]);
  const filled = timed(join(build, 'bench/bench_fill_store'), ['--program', 'programs/bakery.json', '--events', events, '--db', db]);
  const plain = timed(loyalty, ['export', '--db', db, '--program', 'programs/bakery.json', '--out', join(work, 'export.jsonl')]);
  const same = readFileSync(events).equals(readFileSync(join(work, 'export.jsonl')));
  const gz = timed(loyalty, ['export', '--db', db, '--program', 'programs/bakery.json', '--out', join(work, 'export.jsonl.gz')]);
  const gzBytes = readFileSync(join(work, 'export.jsonl.gz'));
  const gzSame = readFileSync(events).equals(gunzipSync(gzBytes));
  const scale = 1e6 / members;
  // The other build, alternating with this one: the best of two each, for
  // the plain export and the .gz one.
  let compared = {};
  if (against) {
    const best = (runs) => runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    for (const [key, name] of [['export', 'again.jsonl'], ['export_gz', 'again.jsonl.gz']]) {
      const run = (binary) => timed(resolve(root, binary), ['export', '--db', db, '--program', 'programs/bakery.json', '--out', join(work, name)]);
      const ours = [], theirs = [];
      for (let round = 0; round < 2; round++) {
        theirs.push(run(against));
        ours.push(run(loyalty));
      }
      Object.assign(compared, {
        [`against_${key}_s`]: best(theirs).seconds, [`against_${key}_cpu_s`]: best(theirs).cpu,
        [`this_${key}_s`]: best(ours).seconds, [`this_${key}_cpu_s`]: best(ours).cpu,
        [`${key}_speedup`]: Math.round((best(theirs).seconds / best(ours).seconds) * 10) / 10,
      });
    }
  }
  console.log(JSON.stringify({
    members, store_mb: Math.round(statSync(db.slice('sqlite:'.length)).size / 1048576), fill_s: filled.seconds,
    export_s: plain.seconds, export_cpu_s: plain.cpu, export_peak_mb: plain.peak_mb, export_same_as_generated: same,
    export_gz_s: gz.seconds, export_gz_cpu_s: gz.cpu, export_gz_peak_mb: gz.peak_mb,
    export_gz_mb: Math.round(gzBytes.length / 1048576), export_gz_same_as_generated: gzSame,
    export_s_at_1m: Math.round(plain.seconds * scale), export_gz_s_at_1m: Math.round(gz.seconds * scale), ...compared,
  }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
