// Our JS API beside the engines a web developer would otherwise pick, on the
// same earning rules (bench/earning-rules.json: 1 point per ¥1 paid, bread
// ×2, a campaign week ×2, gold ×1.5, floor after each step):
//   - the core through its JS API (WASM),
//   - json-rules-engine (rules emit multipliers, a few lines apply them),
//   - @gorules/zen-engine-wasm (one ZEN expression over the cart),
//   - a plain hand-written JS function (the floor of what JS can do).
// All four must give the same points on 1,000 random carts before anything
// is timed. Prints JSON for bench/report.mjs; nothing passes or fails here.
//   node bench/js_engines.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { createLoyaltyCore } from '@loyalty-core/wasm';
import { evaluateExpression, initSync } from '@gorules/zen-engine-wasm';
import { Engine } from 'json-rules-engine';

import { yearOfHistory } from './member_history.mjs';
import { seededRandom } from './seeded_random.mjs';
import { measure, measureAsync } from './timing.mjs';

const root = new URL('..', import.meta.url);
const rulesText = readFileSync(new URL('bench/earning-rules.json', root), 'utf8');
const zenWasm = new URL('node_modules/@gorules/zen-engine-wasm/dist/zen_engine_wasm_bg.wasm', root);

// Start-up, each in a fresh process (a module instantiates once per process).
if (process.argv[2] === '--startup') {
  const t0 = performance.now();
  if (process.argv[3] === 'ours') await createLoyaltyCore({ program: rulesText });
  else initSync({ module: readFileSync(zenWasm) });
  console.log(performance.now() - t0);
  process.exit(0);
}

// The rules, read once from the programme so that every engine has the same.
const program = JSON.parse(rulesText);
const base = program.earning.points;  // { earn, per_minor }
const categoryBp = Object.fromEntries(program.earning.categories.map((c) => [c.id, c.multiplier_bp ?? 10000]));
const campaign = program.earning.campaigns[0];
const gold = program.tiers.find((t) => t.id === 'gold');
const dayNumber = (iso) => Date.parse(`${iso}T00:00:00Z`) / 86400000;
const campaignDays = [dayNumber(campaign.from), dayNumber(campaign.to)];
const localDay = (at) => Math.floor((at + program.utc_offset_minutes * 60000) / 86400000);
const times = (points, bp) => Math.floor((points * bp) / 10000);
const basePoints = (line) => Math.floor((line.unit_price * line.quantity * base.earn) / base.per_minor);

// A cart as every engine receives it: the member's tier, the time, the lines.
const core = await createLoyaltyCore({ program: rulesText });
const states = { member: { member_id: 'm-1', growth: 0 }, gold: { member_id: 'm-1', tier: 'gold', growth: 2500 } };
const oursObject = (cart) => core.previewOrder({ state: states[cart.tier], at: cart.at, cart: { lines: cart.lines } }).points;
const oursText = (cart) => JSON.parse(core.text.previewOrder(cart.text)).value.points;
// Member sessions: the state read once, then only the cart crosses.
const sessions = { member: core.member(states.member), gold: core.member(states.gold) };
const oursSession = (cart) => sessions[cart.tier].points({ lines: cart.lines }, cart.at);

function handWritten(cart) {
  const day = localDay(cart.at);
  const inCampaign = day >= campaignDays[0] && day <= campaignDays[1];
  let total = 0;
  for (const line of cart.lines) {
    let points = times(basePoints(line), categoryBp[line.category]);
    if (inCampaign) points = times(points, campaign.multiplier_bp);
    if (cart.tier === 'gold') points = times(points, gold.points_multiplier_bp);
    total += points;
  }
  return total;
}

// json-rules-engine: each rule that holds emits its multiplier and its step;
// the steps are then applied in order with floor rounding, line by line.
const rulesEngine = new Engine([], { allowUndefinedFacts: true });
for (const [id, bp] of Object.entries(categoryBp)) {
  if (bp === 10000) continue;
  rulesEngine.addRule({
    conditions: { all: [{ fact: 'category', operator: 'equal', value: id }] },
    event: { type: 'multiply', params: { step: 1, bp } },
  });
}
rulesEngine.addRule({
  conditions: {
    all: [
      { fact: 'day', operator: 'greaterThanInclusive', value: campaignDays[0] },
      { fact: 'day', operator: 'lessThanInclusive', value: campaignDays[1] },
    ],
  },
  event: { type: 'multiply', params: { step: 2, bp: campaign.multiplier_bp } },
});
rulesEngine.addRule({
  conditions: { all: [{ fact: 'tier', operator: 'equal', value: 'gold' }] },
  event: { type: 'multiply', params: { step: 3, bp: gold.points_multiplier_bp } },
});

async function jsonRulesEngine(cart) {
  const day = localDay(cart.at);
  let total = 0;
  for (const line of cart.lines) {
    const { events } = await rulesEngine.run({ category: line.category, day, tier: cart.tier });
    let points = basePoints(line);
    for (const e of events.sort((a, b) => a.params.step - b.params.step)) points = times(points, e.params.bp);
    total += points;
  }
  return total;
}

// ZEN: the whole cart in one expression, the multipliers written into it.
initSync({ module: readFileSync(zenWasm) });
const categoryFactor = Object.entries(categoryBp).filter(([, bp]) => bp !== 10000)
  .reduce((e, [id, bp]) => `(#.category == '${id}' ? ${bp / 10000} : ${e})`, '1');
const zenExpression = `sum(map(lines, floor(floor(floor(floor(#.unit_price * #.quantity * ${base.earn} / ${base.per_minor})`
  + ` * ${categoryFactor}) * (day >= ${campaignDays[0]} and day <= ${campaignDays[1]} ? ${campaign.multiplier_bp / 10000} : 1))`
  + ` * (tier == 'gold' ? ${gold.points_multiplier_bp / 10000} : 1))))`;
const zen = (cart) => evaluateExpression(zenExpression, { tier: cart.tier, day: localDay(cart.at), lines: cart.lines });

// Random carts from a fixed seed: any of the four categories, ¥0.01 to ¥500,
// 1 to 5 of each, members and gold members, a week either side of the campaign.
const categories = Object.keys(categoryBp);
const campaignStart = Date.parse(`${campaign.from}T00:00:00+08:00`);

function makeCart(next, lineCount) {
  const lines = [];
  for (let i = 0; i < lineCount; ++i) {
    lines.push({ sku: `sku-${i}`, category: categories[next(categories.length)], unit_price: 1 + next(50000), quantity: 1 + next(5) });
  }
  const cart = { tier: next(2) ? 'gold' : 'member', at: campaignStart + (next(21) - 7) * 86400000 + next(86400000), lines };
  cart.text = JSON.stringify({ state: states[cart.tier], at: cart.at, cart: { lines } });
  return cart;
}

const next = seededRandom(20261123);
let agreed = 0;
for (let n = 0; n < 1000; ++n) {
  const cart = makeCart(next, 1 + next(50));
  const answers = {
    ours: oursObject(cart), text: oursText(cart), session: oursSession(cart), hand: handWritten(cart), zen: zen(cart),
    rules: await jsonRulesEngine(cart),
  };
  if (new Set(Object.values(answers)).size !== 1) {
    console.error(`the engines disagree on cart ${n}: ${JSON.stringify(answers)}\n${cart.text}`);
    process.exit(1);
  }
  agreed += 1;
}

// Timed on fixed carts: a gold member in the campaign week, lines cycling the
// categories (so bread's multiplier applies to a quarter of them).
const results = { agreed_carts: agreed, preview_ns: {} };
for (const lineCount of [3, 50]) {
  const lines = Array.from({ length: lineCount }, (_, i) => ({
    sku: `sku-${i}`, category: categories[i % 4], unit_price: 1000 + 37 * i, quantity: 1 + (i % 3),
  }));
  const cart = { tier: 'gold', at: campaignStart + 86400000 + 3600000, lines };
  cart.text = JSON.stringify({ state: states.gold, at: cart.at, cart: { lines } });
  results.preview_ns[lineCount] = {
    ours_object: await measure(() => oursObject(cart)),
    ours_text: await measure(() => core.text.previewOrder(cart.text)),
    ours_session_points: await measure(() => oursSession(cart)),
    ours_session_preview: await measure(() => sessions.gold.previewOrder({ lines }, cart.at)),
    zen: await measure(() => zen(cart)),
    json_rules_engine: await measureAsync(() => jsonRulesEngine(cart)),
    hand_written: await measure(() => handWritten(cart)),
  };
}

// A member with a year of history on the coffee programme (365-day rolling
// window, pending points, expiry): the same questions, stateless and through
// a session, and what opening the session costs.
const coffeeCore = await createLoyaltyCore({ program: readFileSync(new URL('programs/coffee.json', root), 'utf8') });
const coffeeCategories = coffeeCore.program.earning.categories.map((c) => c.id);
const history = yearOfHistory(coffeeCore, { from: Date.UTC(2025, 10, 1), categories: coffeeCategories });
const historyText = JSON.stringify(history.state);
const coffeeCart = { lines: [0, 1, 2].map((i) => ({ sku: `sku-${i}`, category: coffeeCategories[i], unit_price: 1000 + 37 * i, quantity: 1 + i })) };
const held = coffeeCore.member(history.state);
const fresh = coffeeCore.member({ member_id: 'm-new', joined_at: history.at });
const products = Array.from({ length: 1000 }, (_, i) => ({ sku: `sku-${i}`, category: coffeeCategories[i % 4], unit_price: 1000 + 37 * i, quantity: 1 }));
const hAt = history.at;
let day = 0;
const historyBytes = held.snapshot();
results.history = {
  state_bytes: historyText.length,
  snapshot_bytes: historyBytes.length,
  lots: history.state.lots.length,
  orders: history.state.orders.length,
  activity_days: history.state.activity.length,
  ns: {
    stateless_preview_order: await measure(() => coffeeCore.previewOrder({ state: history.state, cart: coffeeCart, at: hAt }), 9),
    stateless_tier_progress: await measure(() => coffeeCore.tierProgress({ state: history.state, at: hAt }), 9),
    session_points_new_member: await measure(() => fresh.points(coffeeCart, hAt)),
    session_points: await measure(() => held.points(coffeeCart, hAt)),
    session_preview_order: await measure(() => held.previewOrder(coffeeCart, hAt)),
    session_tier_progress: await measure(() => held.tierProgress(hAt)),
    // Alternating days: nothing kept from the call before, every answer written and read.
    session_tier_progress_new_day: await measure(() => held.tierProgress(hAt + (day++ % 2) * 86400000)),
    // A member centre left open: a day later each call, for 60 days, then
    // back to the first day (one bring from the held state in 60 calls).
    session_tier_progress_next_day: await measure(() => held.tierProgress(hAt + (day++ % 60) * 86400000)),
    session_open: await measure(() => coffeeCore.member(historyText).close(), 9),
    session_open_snapshot: await measure(() => coffeeCore.member(historyBytes).close(), 9),
    session_snapshot: await measure(() => held.snapshot(), 9),
    session_listing_1000: await measure(() => held.previewListing(products, hAt), 9),
  },
};

// Start-up: median of 9 fresh processes each.
const script = fileURLToPath(import.meta.url);
const startup = (which) => {
  const runs = [];
  for (let i = 0; i < 9; ++i) runs.push(Number(execFileSync(process.execPath, [script, '--startup', which], { encoding: 'utf8' })));
  return runs.sort((a, b) => a - b)[4];
};
results.startup_ms = { ours: startup('ours'), zen: startup('zen') };

// Sizes: what a page downloads for each module.
const file = (path) => readFileSync(new URL(path, root));
const sizes = (paths) => {
  const bytes = Buffer.concat(paths.map(file));
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
results.sizes = {
  'loyalty-core (wasm + web glue)': sizes(['wasm/dist/loyalty-core.wasm', 'wasm/dist/loyalty-core.web.mjs']),
  'zen-engine-wasm 0.23.1 (wasm + glue)': sizes(['node_modules/@gorules/zen-engine-wasm/dist/zen_engine_wasm_bg.wasm',
    'node_modules/@gorules/zen-engine-wasm/dist/zen_engine_wasm.js']),
  'web-tree-sitter 0.27.1 (wasm + glue)': sizes(['node_modules/web-tree-sitter/web-tree-sitter.wasm',
    'node_modules/web-tree-sitter/web-tree-sitter.js']),
  'manifold-3d 3.5.4 (wasm + glue)': sizes(['node_modules/manifold-3d/manifold.wasm', 'node_modules/manifold-3d/manifold.js']),
};
console.log(JSON.stringify(results));
