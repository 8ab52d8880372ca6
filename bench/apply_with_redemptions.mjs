// A member session's apply of a task event (a share) for a member holding
// 2,000 mall redemptions: what a refused-or-not event pays for the history it
// does not touch. Give the package's dist folder of another build to compare
// builds side by side in one run.
//   node bench/apply_with_redemptions.mjs [DIST ...]
import { readFileSync } from 'node:fs';

import { coreFrom, distsFrom } from './dists.mjs';

const DAY = 86400000;
const at0 = Date.UTC(2026, 11, 1, 2);
const program = readFileSync(new URL('../programs/bakery.json', import.meta.url), 'utf8');

for (const dir of distsFrom(process.argv.slice(2))) {
  const core = await coreFrom(dir, program);
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
