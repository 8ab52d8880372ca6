// A member session's apply of a task event (a share) for a member holding
// 2,000 mall redemptions: what a refused-or-not event pays for the history it
// does not touch. Give the package's dist folder of another build to compare
// builds side by side in one run.
//   node bench/apply_with_redemptions.mjs [DIST ...]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DAY = 86400000;
const at0 = Date.UTC(2026, 11, 1, 2);
const program = readFileSync(new URL('../programs/bakery.json', import.meta.url), 'utf8');
const dists = process.argv.slice(2);
if (dists.length === 0) dists.push(fileURLToPath(new URL('../wasm/dist', import.meta.url)));

for (const dir of dists) {
  const { createLoyaltyCore } = await import(`${dir}/loyalty-core.node.mjs`);
  const core = await createLoyaltyCore({ program, wasmPath: `${dir}/loyalty-core.wasm` });
  const mall = Array.from({ length: 2000 }, (_, i) => ({
    id: `r${i}`, item: 'chest-chance', quantity: 1, points: 100, cash: 0, red_packet: 0, box_chances: 1,
    at: at0 - (2000 - i) * 3600000, parts: [{ lot: 'l', points: 100, earned_at: at0 - 400 * DAY }],
  }));
  const member = core.member({ member_id: 'm', joined_at: at0 - 400 * DAY, clock: at0 - 1000, tasks: { mall } });
  let n = 0;
  const share = () => member.apply({ id: `s${++n}`, at: at0 + n * 1000, type: 'share', article: `a${n}` });
  for (let i = 0; i < 2000; i++) share();
  const calls = 20000;
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) share();
  console.log(`${dir}: a share event, 2,000 redemptions held: ${((performance.now() - t0) * 1000 / calls).toFixed(1)} µs`);
}
