// Member home: a greeting for where the member is in its lifecycle, the tier
// card with its progress ring and benefits, and the points balance with what
// expires soon. Every figure is the core's answer about the member.
const { memberPage } = require('../../utils/page.js');

function benefits(member, tier) {
  const t = member.t;
  const items = [];
  if (tier.points_multiplier_bp !== 10000) items.push(t.multiplier(tier.points_multiplier_bp));
  if (tier.discount_bp) items.push(t.discountBenefit(tier.discount_bp));
  if (tier.birthday_points) items.push(t.birthday(tier.birthday_points));
  for (const perk of tier.perks || []) items.push(t.perks[perk] || perk);
  return items;
}

function goalText(member, p) {
  const t = member.t;
  const growthNeed = p.needs.find((n) => n.metric === 'growth');
  if (p.next_tier && p.spend_needed !== null) return t.toNext(member.money(p.spend_needed), member.tierName(p.next_tier));
  if (p.next_tier && growthNeed) return t.growth(growthNeed.missing) + ' → ' + member.tierName(p.next_tier);
  return t.top(member.tierName(p.tier));
}

Page(memberPage({
  titleKey: 'memberCentre',

  view(member) {
    const t = member.t;
    const life = member.ask('lifecycle');
    const greeting = t.greeting[life.stage];
    const p = member.ask('tierProgress');
    const tier = member.program.tiers.find((x) => x.id === p.tier);
    const summary = member.ask('pointsSummary', { horizon_days: 30 });
    const first = summary.expiring[0];
    let review = '';
    if (p.evaluation_date) {
      review = t.nextEvaluation(p.evaluation_date) + ' · '
        + (p.drop_to ? t.wouldBecome(member.tierName(p.drop_to)) : t.willKeep(member.tierName(p.held_tier)));
    }
    return {
      stage: life.stage,
      greeting: typeof greeting === 'function' ? greeting(life.days_inactive) : greeting,
      words: { tierCard: t.tierCard, benefits: t.benefits, points: t.points, language: t.language, noBenefits: t.noBenefits,
        mall: t.mallTitle, spokesperson: t.spokespersonTitle },
      spokesperson: Boolean(member.program.tasks && member.program.tasks.spokesperson),
      tier: {
        id: p.tier,
        name: member.tierName(p.tier),
        permille: p.permille,
        percent: Math.floor(p.permille / 10),
        growth: t.growth(member.state.growth || 0),
        goal: goalText(member, p),
        benefits: benefits(member, tier),
        review,
      },
      points: {
        available: summary.available,
        availableText: t.available(summary.available),
        vesting: summary.pending ? t.vesting(summary.pending) : '',
        expiring: first ? t.expiring(summary.expiring_total, first.date) : '',
      },
    };
  },

  switchLanguage() {
    this.member.setLocale(this.member.locale === 'zh-CN' ? 'en' : 'zh-CN');
  },
}));
