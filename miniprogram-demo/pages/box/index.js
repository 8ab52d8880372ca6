// Treasure box: the published odds, the free draws and the cost, the draw
// (decided by the server with the day's committed seed), an opening animation
// while it is decided, the prize, and the check against the revealed seed.
const { memberPage } = require('../../utils/page.js');
const { formatLocalTime, formatPerMillion } = require('../../utils/member.js');

function prizeName(member, box, id) {
  const prize = box.prizes.find((p) => p.id === id);
  return prize ? member.name(prize.name) : id;
}

Page(memberPage({
  titleKey: 'boxTitle',

  view(member) {
    const t = member.t;
    const box = member.program.tasks.boxes.find((b) => b.id === (this.query.box || member.program.tasks.boxes[0].id));
    this.box = box;
    const odds = member.core.boxOdds({ box: box.id });
    const mine = member.ask('taskOverview').boxes.find((b) => b.box === box.id);
    const outcome = this.drawId ? member.sync.results.get(this.drawId) : null;
    const waiting = Boolean(this.drawId) && !outcome;
    const draw = outcome && outcome.result === 'applied' ? member.sync.draws.find((d) => d.id === this.drawId) : null;
    const v = this.verification && draw && this.verification.id === draw.id ? this.verification : null;
    return {
      words: { open: t.open, odds: t.odds, prize: t.prize, chance: t.chance, verify: t.verify },
      title: t.boxTitle + ' · ' + member.name(box.name),
      allowance: t.freeLeft(mine.free_left) + ' · ' + t.cost(mine.cost.points, mine.cost.chances),
      canDraw: mine.can_draw && !waiting,
      opening: waiting,
      waitingText: waiting ? (member.sync.offline ? t.waitingToOpen : t.opening) : '',
      result: draw ? {
        prize: draw.prize,
        won: t.won(prizeName(member, box, draw.prize)),
        commitment: t.commitment(draw.window, draw.commitment),
      } : null,
      verification: v ? { ok: String(v.ok), text: v.says === 'notRevealed' ? t.notRevealed(draw.window) : t[v.says] } : null,
      odds: odds.prizes.map((p) => ({ prize: p.prize, name: prizeName(member, box, p.prize), chance: formatPerMillion(p.per_million) })),
    };
  },

  open() {
    this.drawId = this.member.act({ type: 'draw', box: this.box.id });
    this.verification = null;
    this.render();
  },

  // The seed is published once its local day is over; until then do not ask.
  async verify() {
    const member = this.member;
    const draw = member.sync.draws.find((d) => d.id === this.drawId);
    if (!draw) return;
    const today = formatLocalTime(Date.now(), member.program.utc_offset_minutes).slice(0, 10);
    let says = 'notRevealed';
    let ok = null;
    if (today > draw.window) {
      const res = await member.sync.boxSeed(draw.box, draw.window);
      if (res && res.status === 200) {
        const check = member.core.verifyDraw({
          member_id: member.sync.memberId, nonce: draw.nonce, commitment: draw.commitment,
          draw: { box: draw.box, seed: res.json.seed, stock: draw.stock, budget: draw.budget },
        });
        ok = check.commitment_matches === true && check.prize === draw.prize;
        says = ok ? 'verified' : 'notVerified';
      } else if (!res) {
        says = 'unsent';
      }
    }
    this.verification = { id: draw.id, ok, says };
    this.render();
  },
}));
