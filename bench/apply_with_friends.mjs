// A member session's events for a spokesperson holding 10,000 friends
// counted in a campaign: a task event that does not touch them (a share)
// and the credit of one more friend. Give the package's dist folder of
// another build to compare builds side by side in one run.
//   node bench/apply_with_friends.mjs [DIST ...]
import { readFileSync } from 'node:fs';

import { coreFrom, distsFrom } from './dists.mjs';

const DAY = 86400000;
const at0 = Date.UTC(2026, 11, 1, 2);
const program = readFileSync(new URL('../programs/bakery.json', import.meta.url), 'utf8');

for (const dir of distsFrom(process.argv.slice(2))) {
  const core = await coreFrom(dir, program);
  const friends = Array.from({ length: 10000 }, (_, i) => ({ member_id: `friend-${i}`, actions: ['join'] }));
  const member = core.member({
    member_id: 'm', joined_at: at0 - 400 * DAY, clock: at0 - 1000,
    tasks: { campaigns: [{ campaign: 'bakery-friends', friends, today: 0 }] },
  });
  let n = 0;
  const share = () => member.apply({ id: `s${++n}`, at: at0 + n * 1000, type: 'share', article: `a${n}` });
  for (let i = 0; i < 500; i++) share();
  let t0 = performance.now();
  for (let i = 0; i < 5000; i++) share();
  console.log(`${dir}: a share event, 10,000 friends held: ${((performance.now() - t0) * 1000 / 5000).toFixed(1)} µs`);
  let k = 0;
  const credit = () => member.apply({
    id: `c${++k}`, at: at0 + (n + k) * 1000, type: 'spokesperson_credit', campaign: 'bakery-friends', friend: `friend-${k}`, action: 'first_order',
  });
  t0 = performance.now();
  for (let i = 0; i < 2000; i++) credit();
  console.log(`${dir}: the credit of a friend among 10,000: ${((performance.now() - t0) * 1000 / 2000).toFixed(1)} µs`);
}
