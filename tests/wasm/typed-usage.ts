// Compiled with `tsc --noEmit` by scripts/test.sh: the hand-written
// declarations must describe the API as a TypeScript user calls it.
import { createLoyaltyCore, LoyaltyError, type MemberState, type OrderPreview, type ProgramInput } from '@loyalty-core/wasm';
import { SyncClient, alipayHost, browserHost, douyinHost, wechatHost } from '@loyalty-core/wasm/sync';
import { createLoyaltyCore as createAlipayCore } from '@loyalty-core/wasm/alipay';
import { createLoyaltyCore as createCoreInWorker } from '@loyalty-core/wasm/in-worker';

declare const program: ProgramInput;

export async function badge(price: number): Promise<string> {
  const core = await createLoyaltyCore({ program, wasmUrl: '/pkg/loyalty-core.wasm' });
  try {
    const preview: OrderPreview = core.previewOrder({
      state: { growth: 120 },
      cart: { lines: [{ sku: 'baguette', category: 'bread', unit_price: price, quantity: 1 }] },
      at: Date.now(),
    });
    const step = preview.lines[0].steps[1];
    const why = step && step.rule === 'category' ? ` (${step.id} ×${step.multiplier_bp / 10000})` : '';
    const next = preview.progress.next_tier ?? 'top';
    const missing = preview.progress.needs.map((n) => `${n.missing} ${n.metric}`).join(" or ");
    return `earn ${preview.points}${why}; ${missing} to ${next}`;
  } catch (e) {
    if (e instanceof LoyaltyError && e.code === 'cart.unknown_category') return `not sold here: ${e.path}`;
    if (e instanceof LoyaltyError) return `${e.code} at ${e.path}: ${e.errors.length} problem(s)`;
    throw e;
  }
}


// A member checks out with points, then the order is refunded.
export async function checkoutAndRefund(): Promise<number> {
  const core = await createLoyaltyCore({ program });
  const at = Date.UTC(2026, 10, 22, 4);
  const usable = core.redemptionPreview({ state: {}, at, order_total: 3000 }).max_points;
  const bought = core.apply({
    state: {},
    event: { id: 'e1', at, type: 'order', order_id: 'o1', lines: [], redeem_points: usable },
  });
  const refunded = core.applyEvents({
    state: bought.state,
    events: [{ id: 'e2', at: at + 1, type: 'refund', order_id: 'o1' }],
  });
  const expiring = core.pointsSummary({ state: refunded.state, at, horizon_days: 7 }).expiring_total;
  const stage: 'new' | 'active' | 'silent' | 'sleeping' | 'lost' = core.lifecycle({ state: refunded.state, at }).stage;
  const kinds = refunded.ledger.map((row) => row.kind).join(',');
  return expiring + refunded.balances.balance + kinds.length + stage.length + core.tierProgress({ state: {}, at }).permille;
}

// Badges for a whole listing in one call.
export async function listingBadges(prices: number[]): Promise<string[]> {
  const core = await createLoyaltyCore({ program });
  const products = prices.map((unit_price, i) => ({ sku: `p${i}`, category: 'bread', unit_price, quantity: 1 }));
  const listing = core.previewListing({ state: { growth: 600 }, products, at: Date.now() });
  return listing.points.map((points) => `${listing.tier}: earn ${points}`);
}

// A member centre: check in, see the calendar, open a box the server drew, verify it.
export async function memberCentre(state: MemberState, seedHex: string): Promise<string> {
  const core = await createLoyaltyCore({ program });
  const at = Date.now();
  const checked = core.apply({ state, event: { id: 'c1', at, type: 'checkin' } });
  const calendar = core.checkinCalendar({ state: checked.state, at });
  const next = calendar.tomorrow.reward.points ?? 0;
  const fillable: string[] = calendar.fillable;
  const makeupPays = (calendar.makeup?.offers ?? []).map((o) => `${o.date}+${o.reward.points ?? 0}`);
  const odds = core.boxOdds({ box: 'chest' }).prizes.map((p) => `${p.prize} ${p.per_million / 10000}%`);
  const drawn = core.apply({ state: checked.state, event: { id: 'd1', at, type: 'draw', box: 'chest', seed: seedHex, stock: { 'cake-coupon': 3 } } });
  const opened = drawn.notices.find((n) => n.kind === 'box_opened');
  const check = core.verifyDraw({ member_id: 'm-1', nonce: opened?.nonce ?? 0, draw: { box: 'chest', seed: seedHex } });
  const tasks = core.taskOverview({ state: drawn.state, at });
  return `${next} ${fillable.length} ${makeupPays.join()} ${odds.join()} ${check.prize} ${check.commitment_matches} ${tasks.limited.length} ${tasks.balances.red_packet}`;
}

// A member centre asks one held session many questions, then checks in.
export async function heldSession(state: MemberState): Promise<string> {
  const core = await createLoyaltyCore({ program });
  const member = core.member(state);
  const now = Date.now();
  const badge: number = member.points({ lines: [{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 1 }] }, now);
  const progress = member.tierProgress(now);
  const expiring = member.pointsSummary(now, { horizon_days: 30 }).expiring_total;
  const outcome = member.apply({ id: 'c-1', type: 'checkin', at: now });
  const after: MemberState = member.state;
  const stored: Uint8Array = member.snapshot();
  const reopened = core.member(stored);
  member.close();
  return `${badge} ${progress.next_tier ?? ''} ${expiring} ${outcome.ledger.length} ${after.version ?? 0} ${core.openMembers} ${reopened.tierProgress(now).tier}`;
}

// A storefront keeps the member's events through the package's sync client.
export async function syncedCentre(): Promise<string> {
  const core = await createLoyaltyCore({ program });
  const sync = new SyncClient({ host: browserHost(), server: 'https://loyalty.example.com', storageKey: 'shop.loyalty' });
  const stop = sync.subscribe(() => undefined);
  const id: string = sync.send({ type: 'checkin' });
  await sync.flush();
  const result = sync.results.get(id);
  const why = result?.result === 'rejected' ? result.errors[0].code : '';
  const streak = sync.session(core).checkinCalendar(Date.now()).streak;
  const available = sync.balances?.available ?? 0;
  const waiting = sync.pendingEvents.length + sync.pendingCalls.length;
  const mini = new SyncClient({ host: wechatHost({}), server: 'https://loyalty.example.com' });
  stop();
  sync.stop();
  return `${why} ${streak} ${available} ${waiting} ${sync.offline} ${mini.memberId} ${douyinHost({}) !== alipayHost({})}`;
}

// An Alipay page: the core in a worker, the same calls answering promises.
export async function inAlipayWorker(state: MemberState): Promise<string> {
  const core = await createAlipayCore({ program, workerPath: 'workers/loyalty-core.js' });
  const member = await core.member(state);
  const points: number = await member.points({ lines: [{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 1 }] }, Date.now());
  const held: MemberState = await member.state;
  const odds = await core.boxOdds({ box: 'chest' });
  await member.close();
  core.terminate();
  return `${points} ${held.member_id ?? ''} ${odds.prizes.length} ${core.program.tiers.length}`;
}

// A storefront keeps its main thread free: the core in a module worker.
export async function badgesOffTheMainThread(): Promise<number[]> {
  const core = await createCoreInWorker({ program, wasmUrl: '/pkg/loyalty-core.wasm' });
  const member = await core.member({ growth: 1850 });
  const { points } = await member.previewListing([{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 1 }], Date.now());
  core.terminate();
  return points;
}
