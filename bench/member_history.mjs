// A member with a year of history, made by the core itself: an order every
// three days for a year (1 to 4 lines, some with points spent at checkout),
// every tenth refunded in part, as the server would have applied them.
// Used by the session benchmarks so that "a year of history" means the same
// state in every row.
const DAY = 86400000;

export function yearOfHistory(core, { from, categories, memberId = 'm-history' }) {
  const events = [];
  let seed = 7;
  const next = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 120; ++i) {
    const at = from + i * 3 * DAY + 9 * 3600000 + next(8 * 3600000);
    const lines = Array.from({ length: 1 + next(4) }, (_, k) => ({
      sku: `sku-${next(40)}`, category: categories[(i + k) % categories.length],
      unit_price: 800 + next(6000), quantity: 1 + next(3),
    }));
    events.push({ id: `o-${i}`, type: 'order', at, order_id: `order-${i}`, lines });
    if (i % 10 === 9) {
      events.push({ id: `r-${i}`, type: 'refund', at: at + 3600000, order_id: `order-${i}`, lines: [{ line: 0, quantity: 1 }] });
    }
  }
  const outcome = core.applyEvents({ state: { member_id: memberId, joined_at: from }, events });
  return { state: outcome.state, at: events[events.length - 1].at + 2 * DAY };
}
