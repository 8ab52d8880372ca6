// Instructions to open a member from its JSON state (bench/dist_compare.mjs's
// open_json row), counted by callgrind for each build of the package named:
// the difference between N and 3N opens in fresh processes, so that start-up
// is not counted.
// Node runs with every wasm function compiled at once by the optimising tier
// (no Liftoff, no lazy compilation), so that no compilation falls between
// the two counts. Slow (about half a minute a process) but, unlike time, the
// same on a busy machine as on an idle one: for changes of a few per cent.
//
//   node bench/session_instructions.mjs DIST [DIST ...]
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { yearOfHistory } from './member_history.mjs';
import { coreFrom } from './dists.mjs';

// Only this row, whose cost is the module's own: in calls of a few
// microseconds (previewOrder, tierProgress) and in the listing's array of
// 1,000 numbers, JS's compiler and collector moved the counts by 10-50 % from
// run to run of the same build; opening a member moved them by under 1 %.
const opens = 100;
const args = process.argv.slice(2);

if (args[0] === '--child') {
  const [, dir, n] = args;
  const coffee = readFileSync(new URL('../programs/coffee.json', import.meta.url), 'utf8');
  const core = await coreFrom(dir, coffee);
  const categories = core.program.earning.categories.map((c) => c.id);
  const history = yearOfHistory(core, { from: Date.UTC(2025, 10, 1), categories });
  const text = JSON.stringify(history.state);
  for (let k = 0, count = Number(n); k < count; k++) core.member(text).close();
  process.exit(0);
}

if (args.length === 0) {
  console.error('usage: node bench/session_instructions.mjs DIST [DIST ...]');
  process.exit(2);
}
try {
  execFileSync('valgrind', ['--version']);
} catch {
  console.error('needs valgrind (scripts/setup.sh installs it)');
  process.exit(1);
}

const script = fileURLToPath(import.meta.url);
function count(dir, n) {
  const { stderr } = spawnSync('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', '--callgrind-out-file=/dev/null',
    process.execPath, '--no-liftoff', '--no-wasm-lazy-compilation', script, '--child', dir, String(n)],
  { encoding: 'utf8', maxBuffer: 1 << 26 });
  const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (!refs) throw new Error(`callgrind gave no count:\n${stderr.slice(-2000)}`);
  return Number(refs[1].replaceAll(',', ''));
}

const results = args.map((dir) => ({
  dist: dir,
  instructions_an_open: Math.round((count(dir, 3 * opens) - count(dir, opens)) / (2 * opens)),
}));
console.log(JSON.stringify(results, null, 2));
