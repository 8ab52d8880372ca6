// The member centre's elements: <loyalty-greeting>, <loyalty-tier-card>,
// <loyalty-checkin-calendar>, <loyalty-task-list>, <loyalty-treasure-box>,
// <loyalty-points-mall>, <loyalty-spokesperson>, <loyalty-points-history>. Every number comes from the core (asked about the
// member's state, unsent events included); actions go to the sync queue.
import { formatLocalTime, formatPerMillion, formatReward, localized } from './i18n.js';
import { qrSvg, svgDataUri } from './qr.js';
import { define, h, StoreElement } from './widgets.js';

class MemberElement extends StoreElement {
  reward(reward) {
    return formatReward(reward, this.store.program.currency, this.store.locale);
  }
  time(at) {
    return formatLocalTime(at, this.store.program.utc_offset_minutes);
  }
  pending(type) {
    return this.store.sync.pendingEvents.some((e) => e.type === type);
  }
}

// A word for where the member is in its lifecycle (new, active, silent, …).
class LoyaltyGreeting extends MemberElement {
  view() {
    const life = this.store.ask('lifecycle');
    const say = this.t.greeting[life.stage];
    return h('p', { class: 'greeting', 'data-stage': life.stage },
      typeof say === 'function' ? say(life.days_inactive) : say);
  }
}

function progressRing(permille, label) {
  const r = 42;
  const circumference = 2 * Math.PI * r;
  const ring = h('div', { class: 'ring', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '1000',
    'aria-valuenow': String(permille), 'aria-label': label });
  ring.innerHTML = `<svg viewBox="0 0 100 100" aria-hidden="true"><circle cx="50" cy="50" r="${r}" class="track"/>`
    + `<circle cx="50" cy="50" r="${r}" class="arc" stroke-dasharray="${(circumference * permille) / 1000} ${circumference}"/></svg>`
    + `<span>${Math.floor(permille / 10)}%</span>`;
  return ring;
}

class LoyaltyTierCard extends MemberElement {
  benefits(tier) {
    const t = this.t;
    const items = [];
    if (tier.points_multiplier_bp !== 10000) items.push(t.multiplier(tier.points_multiplier_bp));
    if (tier.discount_bp) items.push(t.discountBenefit(tier.discount_bp));
    if (tier.birthday_points) items.push(t.birthday(tier.birthday_points));
    for (const perk of tier.perks ?? []) items.push(t.perks[perk] ?? perk);
    return items.length ? h('ul', { class: 'benefits' }, items.map((text) => h('li', {}, text))) : h('p', { class: 'muted' }, t.noBenefits);
  }
  view() {
    const t = this.t;
    const p = this.store.ask('tierProgress');
    const state = this.store.state;
    const tier = this.store.program.tiers.find((x) => x.id === p.tier);
    const growthNeed = p.needs.find((n) => n.metric === 'growth');
    let goal = t.top(this.tierName(p.tier));
    if (p.next_tier && p.spend_needed !== null) goal = t.toNext(this.money(p.spend_needed), this.tierName(p.next_tier));
    else if (p.next_tier && growthNeed) goal = `${t.growth(growthNeed.missing)} → ${this.tierName(p.next_tier)}`;
    return [
      h('h2', {}, t.tierCard),
      h('div', { class: 'tier-head' },
        progressRing(p.permille, t.tierOf(this.tierName(p.tier))),
        h('div', {},
          h('p', { class: 'tier-name', 'data-tier': p.tier }, this.tierName(p.tier)),
          h('p', { class: 'muted' }, t.growth(state.growth ?? 0)),
          h('p', { class: 'goal' }, goal))),
      h('h3', {}, t.benefits),
      this.benefits(tier),
      p.evaluation_date ? h('p', { class: 'muted' }, t.nextEvaluation(p.evaluation_date),
        ' · ', p.drop_to ? t.wouldBecome(this.tierName(p.drop_to)) : t.willKeep(this.tierName(p.held_tier))) : null,
    ];
  }
}

// Balance, points on the way, and what expires soon (the core's summary).
class LoyaltyPointsCard extends MemberElement {
  view() {
    const t = this.t;
    const summary = this.store.ask('pointsSummary', { horizon_days: 30 });
    const first = summary.expiring[0];
    return [
      h('h2', {}, t.points),
      h('p', { class: 'points-balance', 'data-available': String(summary.available) }, t.available(summary.available)),
      summary.pending ? h('p', { class: 'muted' }, t.vesting(summary.pending)) : null,
      first ? h('p', { class: 'expiring', role: 'note' }, t.expiring(summary.expiring_total, first.date)) : null,
    ];
  }
}

class LoyaltyCheckinCalendar extends MemberElement {
  view() {
    const t = this.t;
    const cal = this.store.ask('checkinCalendar');
    const pending = this.pending('checkin');
    const days = cal.days.map((d) => h('li', { class: `day ${d.status}`, 'data-status': d.status, 'data-date': d.date ?? '' },
      h('span', { class: 'day-n' }, t.dayN(d.position)),
      h('span', { class: 'day-reward' }, this.reward(d.reward)),
      h('span', { class: 'day-status' }, d.date === cal.date && pending ? t.pendingMark : t.status[d.status])));
    const makeup = cal.makeup;
    const cost = makeup && (makeup.cards > 0 ? t.makeupCard : t.reward.points(makeup.cost_points));
    const makeups = makeup && makeup.left > 0 ? makeup.offers.map(({ date, reward }) => h('button', {
      type: 'button', class: 'makeup', 'data-key': `makeup-${date}`, 'data-day': date,
      onclick: () => this.store.act({ type: 'makeup', day: date }),
    }, t.makeupWith(date, cost, makeup.pays === 'day_reward' ? this.reward(reward) : ''))) : [];
    return [
      h('h2', {}, t.checkinTitle),
      h('p', { class: 'streak', 'data-streak': String(cal.streak) }, t.streak(cal.streak)),
      h('ol', { class: 'calendar' }, days),
      cal.today
        ? h('button', { type: 'button', class: 'checkin primary', 'data-key': 'checkin',
          onclick: () => this.store.act({ type: 'checkin' }) }, t.checkinNow(this.reward(cal.today.reward)))
        : h('p', { class: 'checked-in', 'data-pending': String(pending) }, pending ? `${t.checkedIn} · ${t.pendingMark}` : t.checkedIn),
      h('p', { class: 'muted' }, t.tomorrow(this.reward(cal.tomorrow.reward))),
      makeup ? h('p', { class: 'muted' }, t.makeupLeft(makeup.left, makeup.cards)) : null,
      makeups.length ? h('div', { class: 'makeups' }, makeups) : null,
    ];
  }
}

// Articles a member can like or share in the demo (a real storefront lists its own).
const ARTICLES = [
  { id: 'winter-bread', name: { 'zh-CN': '冬日暖心面包指南', en: 'A guide to winter breads' } },
  { id: 'sourdough-starter', name: { 'zh-CN': '如何养一罐酵种', en: 'Keeping a sourdough starter' } },
  { id: 'christmas-stollen', name: { 'zh-CN': '圣诞史多伦的故事', en: 'The story of Christmas stollen' } },
];

class LoyaltyTaskList extends MemberElement {
  scanForm() {
    const t = this.t;
    const input = h('input', { id: 'scan-code', name: 'code', autocomplete: 'off', required: true, 'data-key': 'scan-code' });
    return h('form', { class: 'scan', onsubmit: (e) => {
      e.preventDefault();
      const code = input.value.trim();
      if (code) this.store.act({ type: 'scan', code });
    } }, h('label', { for: 'scan-code' }, t.codeLabel), input, h('button', { type: 'submit', 'data-key': 'scan' }, t.redeemCode));
  }
  articles() {
    const t = this.t;
    const liked = new Set(this.store.state.tasks?.liked ?? []);
    return h('ul', { class: 'articles' }, ARTICLES.map((a) => {
      const title = localized(a.name, this.store.locale);
      return h('li', { 'data-article': a.id }, h('span', {}, title),
        h('button', { type: 'button', class: 'like', 'data-key': `like-${a.id}`, 'aria-pressed': String(liked.has(a.id)),
          'aria-label': `${t.like} ${title}`, onclick: () => this.store.act({ type: 'like', article: a.id }) }, liked.has(a.id) ? t.liked : t.like),
        h('button', { type: 'button', class: 'share', 'data-key': `share-${a.id}`, 'aria-label': `${t.share} ${title}`,
          onclick: () => this.store.act({ type: 'share', article: a.id }) }, t.share));
    }));
  }
  view() {
    const t = this.t;
    const o = this.store.ask('taskOverview');
    const rows = [];
    if (o.likes) rows.push(h('li', { class: 'task likes' }, t.likes(o.likes.today, o.likes.daily_cap, this.reward(o.likes.reward)), this.articles()));
    if (o.scans) rows.push(h('li', { class: 'task scans' }, t.scans(o.scans.today, o.scans.daily_cap, this.reward(o.scans.reward)), this.scanForm()));
    for (const task of o.limited) {
      const rule = this.store.program.tasks.limited.find((x) => x.id === task.task);
      rows.push(h('li', { class: 'task limited', 'data-task': task.task, 'data-done': String(task.done) },
        h('span', { class: 'task-name' }, localized(rule.name, this.store.locale)),
        h('progress', { max: String(task.target), value: String(task.count), 'aria-label': t.limited(task.count, task.target) }),
        h('span', {}, task.done ? t.taskDone : `${t.limited(task.count, task.target)} · ${this.reward(task.reward)}`),
        h('span', { class: 'muted' }, t.ends(task.ends))));
    }
    if (o.recall) {
      rows.push(h('li', { class: 'task recall', 'data-offer': o.recall.id },
        h('span', { class: 'task-name' }, localized(o.recall.name ?? {}, this.store.locale)),
        h('span', {}, t.recallOffer(o.recall.multiplier_bp, this.time(o.recall.until)))));
    }
    if (o.referral) rows.push(h('li', { class: 'task referral' }, t.referral(o.referral.invitees, o.referral.rewarded, o.referral.max_rewarded)));
    const b = o.balances;
    return [
      h('h2', {}, t.tasksTitle),
      o.daily_points_cap ? h('p', { class: 'muted' }, t.taskPointsToday(o.task_points_today, o.daily_points_cap)) : null,
      h('ul', { class: 'tasks' }, rows),
      h('p', { class: 'wallet' }, t.wallet(this.money(b.red_packet), b.box_chances, b.makeup_cards)),
      b.coupons.length ? h('div', { class: 'coupons' }, h('h3', {}, t.coupons),
        h('ul', {}, b.coupons.map((c) => h('li', {}, t.couponUntil(c.coupon, this.time(c.expires_at)))))) : null,
    ];
  }
}

// Odds as published, the draw (decided by the server), an opening animation
// while it is decided, the prize, and the check against the revealed seed.
class LoyaltyTreasureBox extends MemberElement {
  constructor() {
    super();
    this.drawId = null;        // the draw this element asked for
    this.shownId = null;       // the draw whose result has been revealed (animated once)
    this.verification = null;  // { id, ok, says: a message key }
  }
  get boxId() {
    return this.getAttribute('box') ?? this.store.program.tasks.boxes[0].id;
  }
  prizeName(box, id) {
    const prize = box.prizes.find((p) => p.id === id);
    return prize ? localized(prize.name, this.store.locale) : id;
  }
  async verify(draw) {
    // The seed is published once its local day is over; until then do not ask.
    const today = formatLocalTime(Date.now(), this.store.program.utc_offset_minutes).slice(0, 10);
    if (today <= draw.window) {
      this.verification = { id: draw.id, ok: null, says: 'notRevealed' };
      this.render();
      return;
    }
    const res = await fetch(`/v1/boxes/${encodeURIComponent(draw.box)}/seeds/${draw.window}`).catch(() => null);
    const body = res ? await res.json() : null;
    if (!res || !res.ok) {
      this.verification = { id: draw.id, ok: null, says: body?.errors?.[0]?.code === 'box.not_revealed' ? 'notRevealed' : 'unsent' };
    } else {
      const check = this.store.core.verifyDraw({
        member_id: this.store.sync.memberId, nonce: draw.nonce, commitment: draw.commitment,
        draw: { box: draw.box, seed: body.seed, stock: draw.stock, budget: draw.budget },
      });
      const ok = check.commitment_matches === true && check.prize === draw.prize;
      this.verification = { id: draw.id, ok, says: ok ? 'verified' : 'notVerified' };
    }
    this.render();
  }
  result(box) {
    const t = this.t;
    if (!this.drawId) return null;
    const outcome = this.store.sync.results.get(this.drawId);
    if (!outcome) {
      const queued = this.store.sync.queue.some((item) => item.id === this.drawId);
      return h('p', { class: 'box-status', role: 'status' }, queued && this.store.sync.offline ? t.waitingToOpen : t.opening);
    }
    if (outcome.result === 'rejected') return null;  // the account card says why
    const draw = this.store.sync.draws.find((d) => d.id === this.drawId);
    const v = this.verification?.id === this.drawId ? this.verification : null;
    const fresh = this.shownId !== this.drawId;
    this.shownId = this.drawId;
    return h('div', { class: `box-result ${fresh ? 'fresh' : ''}`, role: 'status', 'data-prize': draw.prize },
      h('p', { class: 'won' }, t.won(this.prizeName(box, draw.prize))),
      h('p', { class: 'muted commitment' }, t.commitment(draw.window, draw.commitment)),
      h('button', { type: 'button', class: 'verify', 'data-key': 'verify', onclick: () => this.verify(draw) }, t.verify),
      v ? h('p', { class: `verification ${v.ok === false ? 'error' : ''}`, 'data-ok': String(v.ok) },
        v.says === 'notRevealed' ? t.notRevealed(draw.window) : t[v.says]) : null);
  }
  view() {
    const t = this.t;
    const box = this.store.program.tasks.boxes.find((b) => b.id === this.boxId);
    const odds = this.store.core.boxOdds({ box: box.id });
    const mine = this.store.ask('taskOverview').boxes.find((b) => b.box === box.id);
    const waiting = this.drawId !== null && !this.store.sync.results.has(this.drawId);
    return [
      h('h2', {}, `${t.boxTitle} · ${localized(box.name, this.store.locale)}`),
      h('div', { class: `chest ${waiting ? 'opening' : ''}`, 'aria-hidden': 'true' }, h('span', { class: 'lid' }), h('span', { class: 'base' })),
      h('p', { class: 'muted' }, t.freeLeft(mine.free_left), ' · ', t.cost(mine.cost.points, mine.cost.chances)),
      h('button', { type: 'button', class: 'draw primary', 'data-key': 'draw', disabled: !mine.can_draw || waiting,
        onclick: () => { this.drawId = this.store.act({ type: 'draw', box: box.id }); this.verification = null; this.render(); } }, t.open),
      this.result(box),
      h('table', { class: 'odds' },
        h('caption', {}, t.odds),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.prize), h('th', { scope: 'col' }, t.chance))),
        h('tbody', {}, odds.prizes.map((p) => h('tr', { 'data-prize': p.prize, 'data-per-million': String(p.per_million) },
          h('td', {}, this.prizeName(box, p.prize)), h('td', {}, formatPerMillion(p.per_million)))))),
    ];
  }
}

// The points mall as the core says this member sees it: price, what it
// gives, whether it can be redeemed now or why not (limits, tier, sale
// dates, points short), with the stock the server last said is left. A
// redemption goes to the sync queue and shows as waiting until the server
// (which decides the stock) answers; items with a cash part are redeemed
// at checkout, where the merchant takes the cash.
class LoyaltyPointsMall extends MemberElement {
  constructor() {
    super();
    this.stock = undefined;  // GET /v1/mall's, once it answered
    this.stockVersion = null;
  }
  // Asks the server what is left whenever the member's state has moved (a redemption was decided).
  refreshStock() {
    const version = this.store.sync.version;
    if (this.stockVersion === version) return;
    this.stockVersion = version;
    this.store.sync.mallStock().then((res) => {
      if (!res || res.status !== 200) return;  // offline: the catalogue without stock; the server decides on sync
      this.stock = res.json.stock;
      this.render();
    });
  }
  item(entry) {
    const t = this.t;
    const rule = this.store.program.mall.items.find((x) => x.id === entry.item);
    const waiting = this.store.sync.pendingEvents.some((e) => e.type === 'mall_redeem' && e.item === entry.item);
    const refusal = entry.refusal && t.mallRefusal[entry.refusal];
    let action;
    if (entry.cash > 0) action = h('p', { class: 'muted' }, t.mallPayAtMerchant);
    else if (waiting) action = h('p', { class: 'pending', role: 'status' }, t.pendingMark);
    else if (entry.can_redeem) {
      action = h('button', { type: 'button', class: 'redeem primary', 'data-key': `redeem-${entry.item}`,
        onclick: () => this.store.act({ type: 'mall_redeem', item: entry.item }) }, t.mallRedeem);
    } else {
      action = h('p', { class: 'refusal', 'data-refusal': entry.refusal },
        refusal ? refusal(entry.points_short) : t.refused(entry.refusal));
    }
    const notes = [
      entry.limit_left !== null && entry.can_redeem ? t.mallLimitLeft(entry.limit_left) : null,
      entry.stock_left !== null ? t.mallStockLeft(entry.stock_left) : null,
    ].filter(Boolean).join(' · ');
    return h('li', { class: 'mall-item', 'data-item': entry.item, 'data-can-redeem': String(entry.can_redeem) },
      h('span', { class: 'item-name' }, localized(rule.name, this.store.locale)),
      h('span', { class: 'price' }, t.mallPrice(entry.points, entry.cash ? this.money(entry.cash) : '')),
      h('span', { class: 'muted' }, entry.goods ? t.mallGoods : this.reward(entry.reward)),
      notes ? h('span', { class: 'muted' }, notes) : null,
      action);
  }
  view() {
    if (!this.store.program.mall) return [];
    this.refreshStock();
    const t = this.t;
    const catalog = this.store.member.mallCatalog(Date.now(), this.stock ? { stock: this.stock } : undefined);
    const named = (id) => {
      const rule = this.store.program.mall.items.find((x) => x.id === id);
      return rule ? localized(rule.name, this.store.locale) : id;
    };
    const mine = catalog.redemptions.slice(-5).reverse();
    return [
      h('h2', {}, t.mallTitle),
      h('p', { class: 'muted' }, t.available(catalog.available)),
      h('ul', { class: 'mall' }, catalog.items.map((entry) => this.item(entry))),
      mine.length ? h('div', { class: 'my-redemptions' }, h('h3', {}, t.mallMine),
        h('ul', {}, mine.map((r) => h('li', { 'data-redemption': r.id, 'data-cancelled': String(Boolean(r.cancelled_at)) },
          `${this.time(r.at)} · ${named(r.item)} ×${r.quantity}`, r.cancelled_at ? ` · ${t.mallCancelled}` : '')))) : null,
    ];
  }
}

// Spokesperson campaigns (代言人): the friends the member's shares brought,
// the milestones and the next one, and a share poster: the QR code of a link
// that carries the member's signed code, drawn in the page.
class LoyaltySpokesperson extends MemberElement {
  constructor() {
    super();
    this.posters = {};  // campaign -> { link } | { refused } once asked
  }
  async makePoster(campaign) {
    const res = await this.store.sync.shareCode(campaign);
    if (res && res.status === 200) {
      this.posters[campaign] = { link: new URL(`./member.html?share=${encodeURIComponent(res.json.code)}`, window.location.href).href };
    } else {
      this.posters[campaign] = { refused: res ? res.json?.errors?.[0]?.code ?? `HTTP ${res.status}` : null };
    }
    this.render();
  }
  poster(campaign) {
    const t = this.t;
    const made = this.posters[campaign];
    if (!made) {
      return h('button', { type: 'button', class: 'primary', 'data-key': `poster-${campaign}`,
        onclick: () => this.makePoster(campaign) }, t.spokespersonMakePoster);
    }
    if (!made.link) return h('p', { class: 'refusal', role: 'status' }, made.refused ? t.spokespersonNoCode(made.refused) : t.spokespersonOffline);
    const copy = h('button', { type: 'button', 'data-key': `copy-${campaign}`, onclick: async () => {
      await navigator.clipboard?.writeText(made.link);
      copy.textContent = t.spokespersonCopied;
    } }, t.spokespersonCopy);
    const share = navigator.share ? h('button', { type: 'button', 'data-key': `share-${campaign}`,
      onclick: () => navigator.share({ url: made.link, title: t.spokespersonTitle }).catch(() => {}) }, t.spokespersonShare) : null;
    return h('figure', { class: 'poster', 'data-campaign': campaign },
      h('img', { class: 'qr', src: svgDataUri(qrSvg(made.link)), alt: t.spokespersonPosterAlt, width: '192', height: '192' }),
      h('figcaption', {}, t.spokespersonScan),
      h('input', { class: 'share-link', readonly: true, value: made.link, 'aria-label': t.spokespersonPosterAlt }),
      h('div', { class: 'actions' }, copy, share));
  }
  campaign(progress) {
    const t = this.t;
    const rule = this.store.program.tasks.spokesperson.find((c) => c.id === progress.campaign);
    const action = (a) => t.friendAction[a];
    const counts = Object.entries(progress.counts).map(([a, n]) => t.spokespersonCount(action(a), n)).join(' · ');
    return h('li', { class: 'campaign', 'data-campaign': progress.campaign, 'data-eligible': String(progress.eligible) },
      h('span', { class: 'task-name' }, localized(rule.name ?? {}, this.store.locale) || progress.campaign),
      h('span', { class: 'muted' }, t.ends(progress.ends)),
      h('p', { class: 'friends' }, t.spokespersonFriends(progress.friends, progress.friends_today, progress.daily_cap)),
      counts ? h('p', { class: 'muted counts' }, counts) : null,
      h('ul', { class: 'milestones' }, progress.milestones.map((m) => h('li', { 'data-reached': String(m.reached) },
        `${m.reached ? '✓ ' : ''}${t.spokespersonMilestone(m.friends, action(m.action), this.reward(m.reward))}`))),
      (rule.each ?? []).map((e) => h('p', { class: 'muted' }, t.spokespersonEach(action(e.action), this.reward(e.reward)))),
      h('p', { class: 'next', role: 'status' }, progress.next
        ? t.spokespersonNext(progress.next.needed, action(progress.next.action), this.reward(progress.next.reward))
        : t.spokespersonAllReached),
      progress.eligible ? this.poster(progress.campaign) : h('p', { class: 'refusal' }, t.spokespersonNotEligible));
  }
  view() {
    const campaigns = this.store.ask('taskOverview').spokesperson ?? [];
    if (!campaigns.length) return [];
    return [h('h2', {}, this.t.spokespersonTitle), h('ul', { class: 'campaigns' }, campaigns.map((c) => this.campaign(c)))];
  }
}

// The server's ledger, newest first, then what is still waiting to sync.
class LoyaltyPointsHistory extends MemberElement {
  // A row's subject in words: a prize, box, task or article by its name.
  subject(entry) {
    const { program, locale } = this.store;
    const named = (list, id) => {
      const found = list?.find((x) => x.id === id);
      return found ? localized(found.name, locale) : undefined;
    };
    const boxes = program.tasks?.boxes ?? [];
    const mall = program.mall?.items ?? [];
    if (entry.kind === 'mall_redeem' || entry.kind === 'mall_cancel') return named(mall, entry.subject) ?? entry.subject;
    if (entry.prize) return named(boxes.flatMap((b) => b.prizes), entry.prize) ?? entry.prize;
    if (entry.subject) {
      return named(boxes, entry.subject) ?? named(program.tasks?.limited, entry.subject) ?? named(ARTICLES, entry.subject) ?? entry.subject;
    }
    return entry.order_id ?? entry.reward_id ?? '';
  }
  row(entry) {
    const t = this.t;
    const delta = entry.available || entry.pending;
    const subject = this.subject(entry);
    const other = { growth: entry.growth, red_packet: entry.red_packet, box_chances: entry.box_chances,
      makeup_cards: entry.makeup_cards, coupon: entry.coupon ? { id: entry.coupon } : undefined };
    const moves = Object.values(other).some(Boolean) ? this.reward(other) : '';
    return h('li', { class: 'entry', 'data-kind': entry.kind },
      h('span', { class: 'when' }, this.time(entry.at)),
      h('span', { class: 'what' }, t.kinds[entry.kind] ?? entry.kind, subject ? ` · ${subject}` : ''),
      h('span', { class: `delta ${delta < 0 ? 'minus' : ''}` }, delta ? `${delta > 0 ? '+' : ''}${delta}` : '', moves ? h('small', {}, moves) : null));
  }
  view() {
    const t = this.t;
    const sync = this.store.sync;
    const queued = sync.pendingEvents.map((e) => h('li', { class: 'entry pending', 'data-kind': e.type },
      h('span', { class: 'when' }, this.time(e.at)), h('span', { class: 'what' }, t.kinds[e.type] ?? e.type), h('span', { class: 'delta' }, t.pendingRow)));
    const rows = sync.ledger.slice(-50).reverse().map((entry) => this.row(entry));
    return [
      h('h2', {}, t.historyTitle),
      queued.length || rows.length ? h('ol', { class: 'history' }, queued.reverse(), rows) : h('p', { class: 'muted' }, t.noHistory),
    ];
  }
}

define('loyalty-greeting', LoyaltyGreeting);
define('loyalty-tier-card', LoyaltyTierCard);
define('loyalty-points-card', LoyaltyPointsCard);
define('loyalty-checkin-calendar', LoyaltyCheckinCalendar);
define('loyalty-task-list', LoyaltyTaskList);
define('loyalty-treasure-box', LoyaltyTreasureBox);
define('loyalty-points-mall', LoyaltyPointsMall);
define('loyalty-spokesperson', LoyaltySpokesperson);
define('loyalty-points-history', LoyaltyPointsHistory);
