// Points history: what is waiting to sync, then the server's ledger, newest
// first, with the points each entry moved and what else it gave.
const { memberPage } = require('../../utils/page.js');

const SHOWN = 50;

// A row's subject in words: a prize, box or task by its name, else its id.
function subject(member, entry) {
  const tasks = member.program.tasks || {};
  const boxes = tasks.boxes || [];
  const named = (list, id) => {
    const found = (list || []).find((x) => x.id === id);
    return found ? member.name(found.name) : '';
  };
  if (entry.prize) return named([].concat(...boxes.map((b) => b.prizes)), entry.prize) || entry.prize;
  if (entry.subject) return named(boxes, entry.subject) || named(tasks.limited, entry.subject) || entry.subject;
  return entry.order_id || entry.reward_id || '';
}

Page(memberPage({
  titleKey: 'historyTitle',

  view(member) {
    const t = member.t;
    const summary = member.ask('pointsSummary', { horizon_days: 30 });
    const first = summary.expiring[0];
    const pending = member.sync.pendingEvents.slice().reverse().map((e) => ({
      key: e.id, kind: e.type, when: member.time(e.at), what: t.kinds[e.type] || e.type, delta: t.pendingRow,
    }));
    const rows = member.sync.ledger.slice(-SHOWN).reverse().map((entry, i) => {
      const delta = entry.available || entry.pending || 0;
      const other = { growth: entry.growth, red_packet: entry.red_packet, box_chances: entry.box_chances,
        makeup_cards: entry.makeup_cards, coupon: entry.coupon ? { id: entry.coupon } : undefined };
      const what = subject(member, entry);
      return {
        key: 'l' + i,
        kind: entry.kind,
        when: member.time(entry.at),
        what: (t.kinds[entry.kind] || entry.kind) + (what ? ' · ' + what : ''),
        delta: delta ? (delta > 0 ? '+' : '') + delta : '',
        minus: delta < 0,
        moves: Object.keys(other).some((k) => other[k]) ? member.reward(other) : '',
      };
    });
    return {
      words: { title: t.historyTitle, empty: t.noHistory },
      available: t.available(summary.available),
      expiring: first ? t.expiring(summary.expiring_total, first.date) : '',
      entries: pending.concat(rows.map((r) => Object.assign({ pending: false }, r))),
      pendingCount: pending.length,
    };
  },
}));
