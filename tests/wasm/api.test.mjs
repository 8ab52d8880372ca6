// The JS API as a web developer meets it: plain objects, one error class.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { createLoyaltyCore, LoyaltyError } from '@loyalty-core/wasm';

const bakeryText = readFileSync(new URL('../../programs/bakery.json', import.meta.url), 'utf8');
const bakery = JSON.parse(bakeryText);
const coffee = JSON.parse(readFileSync(new URL('../../programs/coffee.json', import.meta.url), 'utf8'));
const at = 1795276800000;
const cart = { lines: [{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 2 }] };

const core = await createLoyaltyCore({ program: bakery });

test('a preview is a plain object with the line-by-line breakdown', () => {
  const preview = core.previewOrder({ state: { growth: 0 }, cart, at });
  assert.equal(preview.points, 50);
  assert.deepEqual(preview.lines[0].steps, [
    { rule: 'base', points: 25 },
    { rule: 'category', id: 'bread', multiplier_bp: 20000, points: 25 },
  ]);
  assert.equal(Object.getPrototypeOf(preview), Object.prototype);
});

test('a listing of 120 products is priced in one call, each as its own one-line cart', () => {
  const products = Array.from({ length: 120 }, (_, i) => ({
    sku: `p${i}`, category: i % 2 ? 'bread' : 'pastry', unit_price: 1000 + i * 37, quantity: 1,
  }));
  const listing = core.previewListing({ state: { growth: 0 }, products, at });
  assert.equal(listing.points.length, 120);
  products.forEach((line, i) => {
    assert.equal(listing.points[i], core.previewOrder({ state: { growth: 0 }, cart: { lines: [line] }, at }).lines[0].points);
  });
  assert.throws(() => core.previewListing({ products: [{ sku: 'x', category: 'shoes', unit_price: 1, quantity: 1 }], at }),
    { code: 'cart.unknown_category', path: 'products[0].category' });
});

test('a programme given as text loads like the object', async () => {
  const fromText = await createLoyaltyCore({ program: bakeryText });
  assert.deepEqual(fromText.program, core.program);
});

test('bad input throws one LoyaltyError with code, path and every error', () => {
  assert.throws(
    () => core.previewOrder({ cart: { lines: [{ sku: 'x', category: 'shoes', unit_price: -1, quantity: 1 }] }, at }),
    (e) => {
      assert.ok(e instanceof LoyaltyError);
      assert.ok(e instanceof Error);
      assert.equal(e.code, 'cart.unknown_category');
      assert.equal(e.path, 'cart.lines[0].category');
      assert.equal(e.errors.length, 2);
      assert.match(e.message, /^cart\.lines\[0\]\.category: /);
      return true;
    },
  );
});

test('NaN and fractional numbers are refused as non-integers', () => {
  assert.throws(() => core.previewOrder({ cart, at: NaN }), { code: 'type.expected_integer', path: 'at' });
  assert.throws(() => core.previewOrder({ cart, at: at + 0.5 }), { code: 'type.expected_integer', path: 'at' });
});

test('values JSON cannot hold are a LoyaltyError, not a TypeError', () => {
  assert.throws(() => core.previewOrder({ cart, at: 10n }), { name: 'LoyaltyError', code: 'json.unserializable' });
  const loop = { cart, at };
  loop.self = loop;
  assert.throws(() => core.previewOrder(loop), { code: 'json.unserializable' });
  assert.throws(() => core.previewOrder(undefined), { code: 'type.expected_object' });
});

test('an invalid programme rejects creation with every error', async () => {
  const broken = structuredClone(bakery);
  broken.tiers[2].qualify = { growth: 100 };  // below silver's 500
  broken.earning.points.rounding = 'round';
  await assert.rejects(createLoyaltyCore({ program: broken }), (e) => {
    assert.equal(e.code, 'tiers.threshold_order');
    assert.deepEqual(e.errors.map((x) => x.path), ['tiers[2].qualify.growth', 'earning.points.rounding']);
    return true;
  });
  await assert.rejects(createLoyaltyCore({}), { code: 'field.missing', path: 'program' });
});

test('checkProgram reports without throwing', () => {
  assert.equal(core.checkProgram(coffee).ok, true);
  const result = core.checkProgram('{"schema_version": 1');
  assert.equal(result.ok, false);
  assert.equal(result.errors[0].code, 'json.syntax');
});

const other = await createLoyaltyCore({ program: bakery });

test('loading a bad programme keeps the good one', () => {
  assert.throws(() => other.loadProgram({ schema_version: 2 }), LoyaltyError);
  assert.equal(other.program.id, 'bakery');
  other.loadProgram(coffee);
  assert.equal(other.program.id, 'coffee');
  assert.equal(other.previewOrder({ cart: { lines: [] }, at }).tier, 'green');
});
test('the text API refuses objects with a typed error, not a binding error', () => {
  assert.throws(() => core.text.previewOrder({ cart, at }), { name: 'LoyaltyError', code: 'type.expected_string' });
});

test('tier progress says how far the next tier is', () => {
  const progress = core.tierProgress({ state: { growth: 250 }, at });
  assert.equal(progress.tier, 'member');
  assert.equal(progress.next_tier, 'silver');
  assert.deepEqual(progress.needs, [{ metric: 'growth', have: 250, need: 500, missing: 250 }]);
  assert.equal(progress.spend_needed, 25000);
  assert.equal(progress.permille, 500);
});

test('text calls answer the envelope text, byte for byte what the core wrote', () => {
  const envelope = core.text.lifecycle(`{"state":{"joined_at":0},"at":${at}}`);
  assert.equal(
    envelope,
    '{"ok":true,"value":{"days_inactive":20778,"days_to_next":null,"next_stage":null,"stage":"lost"}}',
  );
});

test('a missing .wasm rejects creation instead of hanging', async () => {
  await assert.rejects(createLoyaltyCore({ program: bakery, wasmPath: '/nonexistent/loyalty-core.wasm' }), /ENOENT/);
});

test('apply answers a new state, its ledger rows and notices, and leaves the input alone', () => {
  const state = { member_id: 'm-1', growth: 480 };  // + 25 growth from the baguettes: silver at 500
  const frozen = JSON.stringify(state);
  const event = { id: 'e1', at, type: 'order', order_id: 'o1', lines: cart.lines };
  const outcome = core.apply({ state, event });
  assert.equal(JSON.stringify(state), frozen);
  assert.equal(outcome.balances.available, 50);
  assert.deepEqual(outcome.ledger.map((row) => [row.kind, row.available]), [['earn', 50]]);
  assert.deepEqual(outcome.notices.map((n) => [n.kind, n.from, n.to]), [['tier_upgraded', 'member', 'silver']]);
  assert.equal(outcome.state.tier, 'silver');
  const again = core.apply({ state: outcome.state, event });
  assert.equal(again.duplicate, true);
  assert.deepEqual(again.state, outcome.state);
});

test('a refused event is a LoyaltyError naming the event field', () => {
  assert.throws(
    () => core.apply({ state: {}, event: { id: 'e1', at, type: 'redeem', points: 10, reward_id: 'r' } }),
    { name: 'LoyaltyError', code: 'points.insufficient', path: 'event.points' },
  );
});
