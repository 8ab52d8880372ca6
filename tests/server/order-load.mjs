// A load of merchant orders from many workers, as the fault tests drive it:
// clients that keep every order they sent until some answer settles it
// (applied, or a duplicate of an applied one), and retry it after errors.
import assert from 'node:assert/strict';

import { merchantKey } from './loyalty-server.mjs';

export const orderBody = ({ member_id, id }) => ({
  member_id, id, order_id: `order-${id}`,
  lines: [{ sku: 'tart', category: 'pastry', unit_price: 1000 + (id.length * 37) % 900, quantity: 1 }],
});

/**
 * Waits until `condition()` holds, looking every 10 ms, for at most
 * `seconds`: load tests wait for what they need to see (orders answered, a
 * refusal) rather than for a time that a busy machine may not honour.
 */
export async function until(condition, seconds = 30) {
  for (const giveUp = Date.now() + seconds * 1000; !condition() && Date.now() < giveUp;) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export class OrderLoad {
  constructor(members) {
    this.members = members;
    this.unanswered = new Map();  // id → order: sent, and no answer seen yet
    this.applied = new Map();     // id → how many answers said "applied" (must stay 1)
    this.sent = 0;
    this.errors = new Map();      // HTTP status or 'network' → count
  }

  /** Joins the members through the merchant API. */
  async join(call) {
    for (const member_id of this.members) {
      const res = await call('POST', '/v1/members', { auth: merchantKey, body: { member_id } });
      assert.equal(res.status, 201, res.text);
    }
  }

  /** One POST of `order`; an answer settles it, anything else leaves it to retry. */
  async post(call, order) {
    this.unanswered.set(order.id, order);
    let res;
    try {
      res = await call('POST', '/v1/orders', { auth: merchantKey, body: orderBody(order) });
    } catch (error) {
      this.errors.set('network', (this.errors.get('network') ?? 0) + 1);
      throw error;
    }
    if (res.status !== 200) {
      this.errors.set(res.status, (this.errors.get(res.status) ?? 0) + 1);
      return res;
    }
    const { result } = res.json.results[0];
    assert.ok(result === 'applied' || result === 'duplicate', res.text);
    if (result === 'applied') this.applied.set(order.id, (this.applied.get(order.id) ?? 0) + 1);
    this.unanswered.delete(order.id);
    return res;
  }

  /**
   * `workers` loops posting until stop() (retrying their own unanswered
   * orders first); `name` keeps ids of separate runs apart. A loop ends early
   * on a network error when `untilGone` (the server was killed).
   */
  run(call, { name, workers = 16, untilGone = false, pause = 0 }) {
    let stopped = false;
    const loop = async (w) => {
      for (let n = 0; !stopped; ++n) {
        const retry = [...this.unanswered.values()].find((o) => o.worker === w);
        const order = retry ?? { member_id: this.members[(w + n) % this.members.length], id: `${name}-w${w}-n${n}`, worker: w };
        if (!retry) ++this.sent;
        try {
          const res = await this.post(call(), order);
          if (res.status !== 200 && pause) await new Promise((resolve) => setTimeout(resolve, pause));
        } catch {
          if (untilGone) return;
          if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
    };
    const loops = Array.from({ length: workers }, (_, w) => loop(w));
    return async () => {
      stopped = true;
      await Promise.all(loops);
    };
  }

  /** Retries every unanswered order until it is answered (or `tries` run out). */
  async settle(call, tries = 20) {
    for (let t = 0; t < tries && this.unanswered.size > 0; ++t) {
      for (const order of [...this.unanswered.values()]) await this.post(call, order).catch(() => {});
      if (this.unanswered.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(this.unanswered.size, 0, 'every order is answered in the end');
  }

  /** How many times each order id was earned on in the members' ledgers. */
  async earnings(call) {
    const earned = new Map();
    for (const member_id of this.members) {
      for (let after = 0; ;) {
        const page = await call('GET', `/v1/members/${member_id}/ledger?after=${after}&limit=1000`, { auth: merchantKey });
        assert.equal(page.status, 200, page.text);
        for (const row of page.json.ledger) if (row.kind === 'earn') earned.set(row.event_id, (earned.get(row.event_id) ?? 0) + 1);
        if (page.json.next_after === null) break;
        after = page.json.next_after;
      }
    }
    return earned;
  }

  /** Every order sent is in the ledger exactly once, and none was answered "applied" twice. */
  async assertExactlyOnce(call) {
    assert.ok([...this.applied.values()].every((count) => count === 1), 'no order was answered "applied" twice');
    const earned = await this.earnings(call);
    assert.equal(earned.size, this.sent, 'every order sent is in the ledger');
    assert.ok([...earned.values()].every((count) => count === 1), 'and each once');
  }
}
