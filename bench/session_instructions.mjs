// Instructions a call of member session rows (bench/dist_compare.mjs's),
// counted by callgrind for each build of the package named: the difference
// between N and 3N calls in fresh processes, so that start-up is not counted.
// Node runs with every wasm function compiled at once by the optimising tier
// (no Liftoff, no lazy compilation), so that no compilation falls between
// the two counts. Slow (about half a minute a process) but, unlike time, the
// same on a busy machine as on an idle one: for changes of a few per cent.
//
//   node bench/session_instructions.mjs [--rows ROW,...] DIST [DIST ...]
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { yearOfHistory } from './member_history.mjs';
import { coreFrom } from './dists.mjs';

// Only rows whose cost is the module's own: in calls of a few microseconds
// (previewOrder, tierProgress) and in the listing's array of 1,000 numbers,
// JS's compiler and collector moved the counts by 10-50 % from run to run of
// the same build; opening a member moved them by under 1 %.
const calls = { open_json: 100 };
const args = process.argv.slice(2);

if (args[0] === '--child') {
  const [, dir, row, n] = args;
  const coffee = readFileSync(new URL('../programs/coffee.json', import.meta.url), 'utf8');
  const core = await coreFrom(dir, coffee);
  const categories = core.program.earning.categories.map((c) => c.id);
  const history = yearOfHistory(core, { from: Date.UTC(2025, 10, 1), categories });
  const text = JSON.stringify(history.state);
  const run = {
    open_json: () => core.member(text).close(),
  }[row];
  for (let k = 0, count = Number(n); k < count; k++) run();
  process.exit(0);
}

const at = args.indexOf('--rows');
const rows = at < 0 ? Object.keys(calls) : args.splice(at, 2)[1].split(',');
if (args.length === 0 || rows.some((row) => !(row in calls))) {
  console.error(`usage: node bench/session_instructions.mjs [--rows ${Object.keys(calls).join(',')}] DIST [DIST ...]`);
  process.exit(2);
}
try {
  execFileSync('valgrind', ['--version']);
} catch {
  console.error('needs valgrind (scripts/setup.sh installs it)');
  process.exit(1);
}

const script = fileURLToPath(import.meta.url);
function count(dir, row, n) {
  const { stderr } = spawnSync('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', '--callgrind-out-file=/dev/null',
    process.execPath, '--no-liftoff', '--no-wasm-lazy-compilation', script, '--child', dir, row, String(n)],
  { encoding: 'utf8', maxBuffer: 1 << 26 });
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (!refs) throw new Error(`callgrind gave no count:\n${stderr.slice(-2000)}`);
  return Number(refs[1].replaceAll(',', ''));
}

const results = args.map((dir) => ({ dist: dir, instructions_a_call: {} }));
for (const row of rows) {
  for (const result of results) {
    const n = calls[row];
    result.instructions_a_call[row] = Math.round((count(result.dist, row, 3 * n) - count(result.dist, row, n)) / (2 * n));
  }
}
console.log(JSON.stringify(results, null, 2));
