// `loyalty generate` and `loyalty simulate` at scale: a year of N members'
// history (100,000 by default) generated, then simulated under the bakery
// programme and a candidate (bread ×3, silver at half the growth), each
// timed with its peak memory. Prints one JSON line; the file is removed.
//   node bench/simulate.mjs [--members 100000] [--bin build/native-release/server/loyalty]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const members = option('--members', '100000');
const binary = resolve(root, option('--bin', 'build/native-release/server/loyalty'));

const work = mkdtempSync(join(tmpdir(), 'loyalty-simulate-'));
// Seconds and peak RSS of one command, from GNU time.
function timed(args) {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', binary, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`loyalty ${args.join(' ')}:\n${run.stderr}`);
  const [seconds, kb] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, peak_mb: Math.round(kb / 1024), stderr: run.stderr };
}
try {
  const program = JSON.parse(readFileSync(join(root, 'programs/bakery.json'), 'utf8'));
  for (const c of program.earning.categories) if (c.id === 'bread') c.multiplier_bp = 30000;
  program.tiers[1].qualify.growth /= 2;
  const candidate = join(work, 'candidate.json');
  writeFileSync(candidate, JSON.stringify(program));
  const events = join(work, 'events.jsonl');
  const generated = timed(['generate', '--program', 'programs/bakery.json', '--members', members, '--days', '365', '--out', events]);
  const eventCount = JSON.parse(generated.stderr.slice(0, generated.stderr.lastIndexOf('}') + 1)).events;
  const simulated = timed(['simulate', '--program', 'programs/bakery.json', '--candidate', candidate, '--events', events,
    '--out', join(work, 'report.json')]);
  console.log(JSON.stringify({
    members: Number(members), events: eventCount, file_mb: Math.round(statSync(events).size / 1048576),
    generate_s: generated.seconds, generate_peak_mb: generated.peak_mb,
    simulate_s: simulated.seconds, simulate_peak_mb: simulated.peak_mb,
    applies_per_s: Math.round((2 * eventCount) / simulated.seconds),
  }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
