// Member sessions in the JS API: the state read once, asked without it,
// freed without .delete(), and the module's memory bounded however many a
// page opens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { createLoyaltyCore, LoyaltyError } from '@loyalty-core/wasm';

import { yearOfHistory } from '../../bench/member_history.mjs';

const bakery = readFileSync(new URL('../../programs/bakery.json', import.meta.url), 'utf8');
const coffee = readFileSync(new URL('../../programs/coffee.json', import.meta.url), 'utf8');
const at = 1795276800000;
const cart = {
  lines: [
    { sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 2 },
    { sku: 'unlisted-sku', category: 'pastry', unit_price: 990, quantity: 1 },
  ],
};
const core = await createLoyaltyCore({ program: bakery });
const history = yearOfHistory(await createLoyaltyCore({ program: coffee }), {
  from: Date.UTC(2025, 10, 1), categories: ['coffee', 'tea', 'food', 'beans'],
});

test('a session answers every query as the stateless call on the same state', async () => {
  const coffeeCore = await createLoyaltyCore({ program: coffee });
  const { state } = history;
  const member = coffeeCore.member(state);
  const coffeeCart = { lines: [{ sku: 'latte', category: 'coffee', unit_price: 3200, quantity: 2 }] };
  // Times on both sides of vesting, expiry and evaluations, not in order.
  for (const t of [history.at, history.at + 3600000, history.at + 40 * 86400000, history.at + 2 * 86400000, history.at + 400 * 86400000]) {
    assert.deepEqual(member.previewOrder(coffeeCart, t), coffeeCore.previewOrder({ state, cart: coffeeCart, at: t }));
    assert.equal(member.points(coffeeCart, t), coffeeCore.previewOrder({ state, cart: coffeeCart, at: t }).points);
    assert.deepEqual(member.previewListing(coffeeCart.lines, t), coffeeCore.previewListing({ state, products: coffeeCart.lines, at: t }));
    assert.deepEqual(member.tierProgress(t), coffeeCore.tierProgress({ state, at: t }));
    assert.deepEqual(member.pointsSummary(t, { horizon_days: 60 }), coffeeCore.pointsSummary({ state, at: t, horizon_days: 60 }));
    assert.deepEqual(member.lifecycle(t), coffeeCore.lifecycle({ state, at: t }));
  }
});

test('apply keeps the new state in the session and answers without it', () => {
  const member = core.member({ member_id: 'm-1', growth: 1990 });
  const event = { id: 'o-1', type: 'order', at, order_id: 'o-1', lines: cart.lines };
  const outcome = member.apply(event);
  const stateless = core.apply({ state: { member_id: 'm-1', growth: 1990 }, event });
  assert.equal('state' in outcome, false);
  assert.deepEqual({ ...outcome, state: member.state }, stateless);
  assert.equal(member.tierProgress(at).tier, 'gold');
  assert.equal(member.apply(event).duplicate, true);
});

test('a refused event changes nothing in the session', () => {
  const member = core.member({ member_id: 'm-1', growth: 10 });
  const before = member.state;
  assert.throws(() => member.apply({ id: 'r-1', type: 'redeem', at, points: 500, reward_id: 'cake' }),
    (e) => e instanceof LoyaltyError && e.code === 'points.insufficient' && e.path === 'event.points');
  assert.deepEqual(member.state, before);
});

test('a state that does not read is refused when the session opens, with its path', () => {
  assert.throws(() => core.member({ growth: -5 }), (e) => e instanceof LoyaltyError && e.path === 'state.growth');
  assert.throws(() => core.member('{"growth": 1,'), (e) => e instanceof LoyaltyError && e.code === 'json.syntax');
});

test('points() takes the typed path and falls back to the exact error of the JSON one', () => {
  const member = core.member({ growth: 1850 });
  assert.equal(member.points(cart, at), core.previewOrder({ state: { growth: 1850 }, cart, at }).points);
  assert.throws(() => member.points({ lines: [{ sku: 'x', category: 'shoes', unit_price: 1, quantity: 1 }] }, at),
    { code: 'cart.unknown_category', path: 'cart.lines[0].category' });
  assert.throws(() => member.points({ lines: [{ sku: 'x', category: 'bread', unit_price: 1.5, quantity: 1 }] }, at),
    { code: 'type.expected_integer', path: 'cart.lines[0].unit_price' });
  assert.throws(() => member.points({ lines: [{ sku: 'x', category: 'bread', unit_price: 1, quantity: 1, note: '' }] }, at),
    { code: 'field.unknown', path: 'cart.lines[0].note' });
  assert.throws(() => core.member({ clock: at }).points(cart, at - 1), { code: 'event.out_of_order', path: 'at' });
  assert.throws(() => member.points({ lines: [{ sku: 'x', category: 'bread', unit_price: 2 ** 53 - 1, quantity: 2 }] }, at),
    { code: 'arith.overflow', path: 'cart.lines[0]' });
});

test('previewOrder echoes any SKU exactly through the typed path, and errors as the JSON one', () => {
  const member = core.member({ growth: 1850 });
  const skus = ['baguette', '无糖全麦吐司', 'café-crème', 'line\nbreak "quoted" \\ tab\t', 'x'.repeat(42), '🥐 emoji'];
  const lines = skus.map((sku, i) => ({ sku, category: i % 2 ? 'pastry' : 'bread', unit_price: 100 + i, quantity: 1 + i }));
  assert.deepEqual(member.previewOrder({ lines }, at), core.previewOrder({ state: { growth: 1850 }, cart: { lines }, at }));
  assert.deepEqual(member.previewOrder({ lines: [] }, at), core.previewOrder({ state: { growth: 1850 }, cart: { lines: [] }, at }));
  assert.throws(() => member.previewOrder({ lines: [{ sku: '', category: 'bread', unit_price: 1, quantity: 1 }] }, at),
    { code: 'value.empty', path: 'cart.lines[0].sku' });
  assert.throws(() => member.previewOrder({ lines: [{ sku: 'x'.repeat(129), category: 'bread', unit_price: 1, quantity: 1 }] }, at),
    { path: 'cart.lines[0].sku' });
  assert.throws(() => member.previewOrder(cart, 'tomorrow'), { path: 'at' });
});

// The value of a stateless call's envelope, as text to compare byte for byte.
const valueText = (envelope) => JSON.stringify(JSON.parse(envelope).value);

test('answers read from tapes are the JSON answers byte for byte, past the strings the module sends once', () => {
  const state = { member_id: 'm-tape', growth: 1850, clock: at };
  const member = core.member(state);
  const same = (sessionAnswer, op, request) =>
    assert.equal(JSON.stringify(sessionAnswer), valueText(core.text[op](JSON.stringify({ state, ...request }))), op);
  // Every kind of string: ASCII, CJK, escapes, longer than the module keeps
  // by index (64 bytes), and, over 5,000 distinct SKUs, more strings than it
  // keeps at all (4,096); each answer read again from strings sent before.
  const skus = ['baguette', '无糖全麦吐司', 'line\nbreak "quoted"', 'x'.repeat(42), '吐'.repeat(30)];
  for (let i = 0; i < 5000; i++) skus.push(`sku-${i}`);
  for (let i = 0; i < skus.length; i += 3) {
    const lines = skus.slice(i, i + 3).map((sku, k) => ({ sku, category: k % 2 ? 'pastry' : 'bread', unit_price: 100 + i, quantity: 1 + k }));
    same(member.previewOrder({ lines }, at + i), 'previewOrder', { cart: { lines }, at: at + i });
  }
  const far = at + 400 * 86400000;  // times past 2^32 ms and beyond 32-bit answers
  same(member.previewOrder(cart, far), 'previewOrder', { cart, at: far });
  for (const t of [at, far]) {
    same(member.tierProgress(t), 'tierProgress', { at: t });
    same(member.pointsSummary(t), 'pointsSummary', { at: t });
    same(member.lifecycle(t), 'lifecycle', { at: t });
  }
});

test('objects a tape sends by shape read as the JSON answer, key for key, in every shape', async () => {
  const rules = readFileSync(new URL('../../bench/earning-rules.json', import.meta.url), 'utf8');
  const beauty = readFileSync(new URL('../../programs/beauty.json', import.meta.url), 'utf8');
  // Every object's keys, from every answer: each shape must be among them.
  const keysSeen = new Set();
  const walk = (value) => {
    if (value === null || typeof value !== 'object') return;
    if (!Array.isArray(value)) keysSeen.add(Object.keys(value).join(','));
    Object.values(value).forEach(walk);
  };
  for (const text of [bakery, beauty, rules]) {
    const programme = JSON.parse(text);
    const programmeCore = await createLoyaltyCore({ program: text });
    const state = { member_id: 'm-shapes', growth: 1850, clock: at };
    const member = programmeCore.member(state);
    for (let n = 0; n < 6; n++) {
      // Every category (beauty's shipping earns nothing), a listed SKU, carts
      // large enough for beauty's daily cap; an empty cart earns no expiry.
      const lines = n === 5 ? [] : programme.earning.categories.map((c, k) => ({
        sku: k === 0 && programme.earning.skus ? programme.earning.skus[0].id : `sku-${k}`,
        category: c.id, unit_price: 100 + 90000 * n, quantity: 1 + n,
      }));
      const t = at + n * 40 * 86400000;
      const answer = member.previewOrder({ lines }, t);
      assert.equal(JSON.stringify(answer),
        valueText(programmeCore.text.previewOrder(JSON.stringify({ state, cart: { lines }, at: t }))));
      walk(answer);
    }
  }
  for (const shape of [
    'points,rule', 'id,points,rule', 'id,multiplier_bp,points,rule',
    'category,discount,paid,points,quantity,sku,steps,subtotal,unit_price', 'have,metric,missing,need',
    'cut,limit,period,used_before',
    'drop_to,evaluation_date,held_tier,needs,next_tier,permille,retain_needs,spend_needed,tier',
    'at,caps,discount,growth,line_points,lines,local_date,paid,points,progress,progress_after,subtotal,tier',
    'at,caps,discount,expires_at,growth,line_points,lines,local_date,paid,points,progress,progress_after,subtotal,tier',
  ]) assert.ok(keysSeen.has(shape), `no answer held an object of keys ${shape}`);
});

test('a kept tierProgress is frozen all through, and what a page added to Object.prototype is left alone', () => {
  const added = { note: 'a library put this on every object' };
  Object.defineProperty(Object.prototype, 'pageExtra', { value: added, enumerable: true, configurable: true, writable: true });
  try {
    const progress = core.member({ member_id: 'm-frozen', growth: 1990, clock: at }).tierProgress(at);
    assert.ok(progress.needs.length > 0, 'an answer with objects inside its arrays');
    const unfrozen = [];
    const walk = (value, path) => {
      if (value === null || typeof value !== 'object') return;
      if (!Object.isFrozen(value)) unfrozen.push(path);
      for (const key of Object.keys(value)) walk(value[key], `${path}.${key}`);
    };
    walk(progress, 'progress');
    assert.deepEqual(unfrozen, []);
    assert.equal(Object.isFrozen(added), false);
  } finally {
    delete Object.prototype.pageExtra;
  }
});

test('tierProgress is kept, frozen, for the rest of the local day and renewed when anything changes', () => {
  const state = { member_id: 'm-9', growth: 1990, clock: at };
  const member = core.member(state);
  const first = member.tierProgress(at);
  assert.equal(Object.isFrozen(first) && Object.isFrozen(first.needs), true);
  assert.equal(member.tierProgress(at + 3600000), first, 'the same day: the same answer, kept');
  assert.deepEqual(first, core.tierProgress({ state, at: at + 3600000 }));
  const nextDay = member.tierProgress(at + 86400000);
  assert.notEqual(nextDay, first);
  assert.deepEqual(nextDay, core.tierProgress({ state, at: at + 86400000 }));
  assert.throws(() => member.tierProgress(at - 1), { code: 'event.out_of_order' }, 'before the held clock: refused, not kept');
  member.apply({ id: 'o-9', type: 'order', at: at + 86400000, order_id: 'o-9', lines: cart.lines });
  const afterOrder = member.tierProgress(at + 86400000 + 1);
  assert.notEqual(afterOrder.tier, first.tier);
  assert.deepEqual(afterOrder, core.tierProgress({ state: member.state, at: at + 86400000 + 1 }));
  core.loadProgram(bakery.replace('"growth": 2000', '"growth": 2100'));  // gold moves: the kept answer no longer holds
  try {
    const underNewRules = member.tierProgress(at + 86400000 + 2);
    assert.notDeepEqual(underNewRules, afterOrder);
    assert.deepEqual(underNewRules, core.tierProgress({ state: member.state, at: at + 86400000 + 2 }));
  } finally {
    core.loadProgram(bakery);
  }
});

test('a session opens from its binary snapshot to the same state, and bad bytes are a LoyaltyError with a path', async () => {
  const coffeeCore = await createLoyaltyCore({ program: coffee });
  const member = coffeeCore.member(history.state);
  const bytes = member.snapshot();
  assert.ok(bytes instanceof Uint8Array && bytes.length < JSON.stringify(history.state).length / 3);
  const again = coffeeCore.member(bytes);
  assert.deepEqual(again.state, member.state);
  assert.deepEqual(coffeeCore.member(bytes.buffer.slice(0)).state, member.state, 'an ArrayBuffer reads too');
  const cart = { lines: [{ sku: 'latte', category: 'coffee', unit_price: 3200, quantity: 2 }] };
  assert.deepEqual(again.previewOrder(cart, history.at), member.previewOrder(cart, history.at));
  bytes.fill(0);  // the caller's bytes were copied, not kept
  again.close();
  assert.deepEqual(again.state, member.state, 're-read after close from its own copy');
  assert.throws(() => coffeeCore.member(member.snapshot().subarray(0, 40)), (e) => e instanceof LoyaltyError && e.code === 'snapshot.truncated' && e.path.startsWith('state.'));
  assert.throws(() => coffeeCore.member(new Uint8Array([1, 2, 3])), { code: 'snapshot.bad_header', path: 'state' });
});

// An LZ4 block of literals only: valid LZ4, made here without a compressor.
function packedWhole(bytes) {
  const block = [Math.min(bytes.length, 15) << 4];
  if (bytes.length >= 15) {
    let more = bytes.length - 15;
    for (; more >= 255; more -= 255) block.push(255);
    block.push(more);
  }
  const size = new DataView(new ArrayBuffer(4));
  size.setUint32(0, bytes.length, true);
  return new Uint8Array([...Buffer.from('LCZ'), ...new Uint8Array(size.buffer), ...block, ...bytes]);
}

test('a session opens the server\'s packed snapshot as the plain one, and damaged packing is a LoyaltyError', async () => {
  const coffeeCore = await createLoyaltyCore({ program: coffee });
  const member = coffeeCore.member(history.state);
  const packed = packedWhole(member.snapshot());
  assert.deepEqual(coffeeCore.member(packed).state, member.state);
  assert.throws(() => coffeeCore.member(packed.subarray(0, packed.length - 1)), (e) => e instanceof LoyaltyError && e.code === 'state.bad_compression');
  const claimsMore = packed.slice();
  claimsMore[6] = 0x7f;  // about 2 GB, refused before it is allocated
  assert.throws(() => coffeeCore.member(claimsMore), { code: 'state.bad_compression' });
});

test('a session written out while evicted keeps what was applied to it', () => {
  const member = core.member({ member_id: 'm-evicted', growth: 10 });
  member.apply({ id: 'o-e', type: 'order', at, order_id: 'o-e', lines: cart.lines });
  const before = member.state;
  member.close();  // written out as a binary snapshot
  assert.deepEqual(member.state, before);
  assert.equal(member.apply({ id: 'o-e', type: 'order', at, order_id: 'o-e', lines: cart.lines }).duplicate, true);
});

test('sessions past the bound are written out and re-read when used again, invisibly', () => {
  const first = core.member({ member_id: 'first', growth: 0 });
  first.apply({ id: 'o-1', type: 'order', at, order_id: 'o-1', lines: cart.lines });
  const expected = first.state;
  for (let i = 0; i < 2000; ++i) core.member({ member_id: `m-${i}` });
  assert.ok(core.openMembers <= 1024, `${core.openMembers} sessions open`);
  assert.deepEqual(first.state, expected);
  assert.equal(first.apply({ id: 'o-1', type: 'order', at, order_id: 'o-1', lines: cart.lines }).duplicate, true);
});

test('a million sessions opened in a loop keep the module memory bounded', () => {
  const tiny = { member_id: 'm', growth: 3 };
  const memory = () => core.memoryBytes;
  for (let i = 0; i < 5000; ++i) core.member(tiny).points(cart, at);
  const settled = memory();
  for (let i = 0; i < 1000000; ++i) core.member(tiny);
  assert.ok(core.openMembers <= 1024);
  assert.ok(memory() <= settled * 2, `wasm memory grew from ${settled} to ${memory()} bytes`);
});

test('close() frees the session at once and it still answers afterwards', () => {
  const member = core.member({ member_id: 'closing', growth: 5 });
  const open = core.openMembers;
  member.close();
  assert.equal(core.openMembers, open - 1);
  assert.equal(member.state.growth, 5);
});

test('after loadProgram a session answers under the new programme', async () => {
  const own = await createLoyaltyCore({ program: bakery });
  const member = own.member({ growth: 0 });
  const before = member.points(cart, at);
  const doubled = JSON.parse(bakery);
  doubled.earning.points.earn *= 2;
  own.loadProgram(doubled);
  assert.equal(member.points(cart, at), own.previewOrder({ state: { growth: 0 }, cart, at }).points);
  assert.notEqual(member.points(cart, at), before);
});
