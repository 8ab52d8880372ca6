// Two or more builds of the package side by side in one run: the member
// session rows of js_engines.mjs (a new member, a member with a year of
// history on the coffee programme) and start-up, each row measured for every
// build in turn, twice, alternating, so that a noisy moment hits all alike.
// The module's size is printed with it (brotli, as the mini-program ships it).
//   node bench/dist_compare.mjs [--rows ROW,...] [--rounds N] DIST [DIST ...]
//     (e.g. wasm/dist and another build's; --rows picks rows by name, startup
//     among them, and --rounds alternates the builds more often than twice)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

import { yearOfHistory } from './member_history.mjs';
import { coreFrom } from './dists.mjs';
import { measure } from './timing.mjs';

const root = new URL('..', import.meta.url);
const coffee = readFileSync(new URL('programs/coffee.json', root), 'utf8');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at < 0 ? fallback : args.splice(at, 2)[1];
};
const onlyRows = option('--rows', '').split(',').filter(Boolean);
const rounds = Number(option('--rounds', '2'));
const dists = args;
const wanted = (row) => onlyRows.length === 0 || onlyRows.includes(row);

if (dists[0] === '--startup') {
  const t0 = performance.now();
  await coreFrom(dists[1], coffee);
  console.log(performance.now() - t0);
  process.exit(0);
}
if (dists.length === 0) {
  console.error('usage: node bench/dist_compare.mjs DIST [DIST ...]');
  process.exit(2);
}

const builds = [];
for (const dir of dists) {
  const core = await coreFrom(dir, coffee);
  const categories = core.program.earning.categories.map((c) => c.id);
  const history = yearOfHistory(core, { from: Date.UTC(2025, 10, 1), categories });
  const cart = { lines: [0, 1, 2].map((i) => ({ sku: `sku-${i}`, category: categories[i], unit_price: 1000 + 37 * i, quantity: 1 + i })) };
  const held = core.member(history.state);
  const fresh = core.member({ member_id: 'm-new', joined_at: history.at });
  const products = Array.from({ length: 1000 }, (_, i) => ({ sku: `sku-${i}`, category: categories[i % 4], unit_price: 1000 + 37 * i, quantity: 1 }));
  const text = JSON.stringify(history.state);
  const bytes = held.snapshot();
  const at = history.at;
  let day = 0;
  const wasm = readFileSync(`${dir}/loyalty-core.wasm`);
  builds.push({
    dir,
    wasm_brotli: brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length } }).length,
    rows: {
      new_member_points: () => fresh.points(cart, at),
      new_member_preview_order: () => fresh.previewOrder(cart, at),
      history_preview_order: () => held.previewOrder(cart, at),
      history_tier_progress: () => held.tierProgress(at),
      history_tier_progress_next_day: () => held.tierProgress(at + (day++ % 60) * 86400000),
      history_task_overview: () => held.taskOverview(at),
      open_json: () => core.member(text).close(),
      open_snapshot: () => core.member(bytes).close(),
      listing_1000: () => held.previewListing(products, at),
    },
  });
}

const ns = Object.fromEntries(builds.map((b) => [b.dir, {}]));
for (const row of Object.keys(builds[0].rows).filter(wanted)) {
  for (let round = 0; round < rounds; ++round) {
    for (const b of round % 2 === 0 ? builds : [...builds].reverse()) {
      const value = await measure(b.rows[row], 9);
      ns[b.dir][row] = Math.min(ns[b.dir][row] ?? Infinity, value);
    }
  }
}
const script = fileURLToPath(import.meta.url);
for (const b of wanted('startup') ? builds : []) {
  const runs = [];
  for (let i = 0; i < 7; ++i) runs.push(Number(execFileSync(process.execPath, [script, '--startup', b.dir], { encoding: 'utf8' })));
  ns[b.dir].startup_ms = runs.sort((x, y) => x - y)[3];
}
console.log(JSON.stringify(builds.map((b) => ({ dist: b.dir, wasm_brotli: b.wasm_brotli, best_ns: ns[b.dir] })), null, 2));
