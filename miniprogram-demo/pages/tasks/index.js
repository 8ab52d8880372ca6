// Tasks: like and share articles, scan product codes with the camera (the
// platform's scanCode), limited-time tasks with their progress, an open
// recall offer, referrals, and the member's wallet (red packets, box chances,
// make-up cards, coupons).
const { memberPage } = require('../../utils/page.js');
const { api } = require('../../utils/platform.js');

// Articles a member can like in the demo; a brand's own page lists its own.
const ARTICLES = [
  { id: 'winter-bread', name: { 'zh-CN': '冬日暖心面包指南', en: 'A guide to winter breads' } },
  { id: 'sourdough-starter', name: { 'zh-CN': '如何养一罐酵种', en: 'Keeping a sourdough starter' } },
];

Page(memberPage({
  titleKey: 'tasksTitle',

  view(member) {
    const t = member.t;
    const o = member.ask('taskOverview');
    const liked = member.state.tasks ? member.state.tasks.liked : [];
    const b = o.balances;
    return {
      words: { title: t.tasksTitle, share: t.share, scan: t.redeemCode, coupons: t.coupons },
      pointsToday: o.daily_points_cap ? t.taskPointsToday(o.task_points_today, o.daily_points_cap) : '',
      likes: o.likes ? t.likes(o.likes.today, o.likes.daily_cap, member.reward(o.likes.reward)) : '',
      articles: ARTICLES.map((a) => ({
        id: a.id,
        title: member.name(a.name),
        liked: liked.indexOf(a.id) >= 0,
        likeText: liked.indexOf(a.id) >= 0 ? t.liked : t.like,
      })),
      scans: o.scans ? t.scans(o.scans.today, o.scans.daily_cap, member.reward(o.scans.reward)) : '',
      limited: o.limited.map((task) => {
        const rule = member.program.tasks.limited.find((x) => x.id === task.task);
        return {
          id: task.task,
          name: member.name(rule.name),
          count: task.count,
          target: task.target,
          percent: Math.floor((task.count * 100) / task.target),
          done: task.done,
          text: task.done ? t.taskDone : t.limited(task.count, task.target) + ' · ' + member.reward(task.reward),
          ends: t.ends(task.ends),
        };
      }),
      recall: o.recall
        ? { id: o.recall.id, name: member.name(o.recall.name), text: t.recallOffer(o.recall.multiplier_bp, member.time(o.recall.until)) }
        : null,
      referral: o.referral ? t.referral(o.referral.invitees, o.referral.rewarded, o.referral.max_rewarded) : '',
      wallet: t.wallet(member.money(b.red_packet), b.box_chances, b.makeup_cards),
      coupons: b.coupons.map((c) => ({ key: c.coupon + c.expires_at, text: t.couponUntil(c.coupon, member.time(c.expires_at)) })),
    };
  },

  like(e) {
    this.member.act({ type: 'like', article: e.currentTarget.dataset.article });
  },

  share(e) {
    this.member.act({ type: 'share', article: e.currentTarget.dataset.article });
  },

  // The code on the product's tag; the server decides whether it was used.
  scan() {
    api.scanCode({
      onlyFromCamera: true,
      success: (res) => { if (res.result) this.member.act({ type: 'scan', code: res.result.trim() }); },
    });
  },
}));
