// The points mall's catalogue and the segments query through a member
// session in Node, beside taskOverview (a query of the same kind): for a new
// member, and for one holding a run of redemptions. Prints µs per call.
//   node bench/mall_catalog.mjs
import { readFileSync } from 'node:fs';

import { createLoyaltyCore } from '@loyalty-core/wasm';

import { measure } from './timing.mjs';

const DAY = 86400000;
const core = await createLoyaltyCore({ program: readFileSync(new URL('../programs/bakery.json', import.meta.url), 'utf8') });
const at = Date.UTC(2026, 11, 1, 2);
const lots = (points) => [{ id: 'l', earned_at: at - DAY, points }];
const fresh = core.member({ member_id: 'new', joined_at: at - DAY, lots: lots(100000) });
const busy = core.member({ member_id: 'busy', joined_at: at - 400 * DAY, lots: lots(1000000) });
let held = 0;
for (let i = 0; i < 200; i++) {
  try {
    busy.apply({ id: `r${i}`, at: at - (200 - i) * DAY + 1000, type: 'mall_redeem', item: i % 2 ? 'chest-chance' : 'free-coffee' });
    held += 1;
  } catch {
    // a limit refused it: the member holds the others
  }
}
const stock = { 'tote-bag': { left: 10, left_today: 2 } };
const ns = {
  mall_catalog_new_member: await measure(() => fresh.mallCatalog(at)),
  mall_catalog_new_member_with_stock: await measure(() => fresh.mallCatalog(at, { stock })),
  mall_catalog_with_redemptions: await measure(() => busy.mallCatalog(at)),
  segments_new_member: await measure(() => fresh.segments(at)),
  task_overview_new_member: await measure(() => fresh.taskOverview(at)),
};
console.log(JSON.stringify({ redemptions_held: held, us: Object.fromEntries(Object.entries(ns).map(([k, v]) => [k, v / 1000])) }, null, 2));
