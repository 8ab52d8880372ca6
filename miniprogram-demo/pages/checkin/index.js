// Daily check-in: the cycle's days with their rewards and status, the streak,
// today's check-in, and make-ups for missed days with what they cost and pay.
const { memberPage } = require('../../utils/page.js');

Page(memberPage({
  titleKey: 'checkinTitle',

  view(member) {
    const t = member.t;
    const cal = member.ask('checkinCalendar');
    const pending = member.pending('checkin');
    const makeup = cal.makeup;
    const cost = makeup ? (makeup.cards > 0 ? t.makeupCard : t.reward.points(makeup.cost_points)) : '';
    return {
      words: { title: t.checkinTitle },
      streak: cal.streak,
      streakText: t.streak(cal.streak),
      days: cal.days.map((d) => ({
        key: 'p' + d.position,
        date: d.date || '',
        dayN: t.dayN(d.position),
        reward: member.reward(d.reward),
        status: d.status,
        statusText: d.date === cal.date && pending ? t.pendingMark : t.status[d.status],
      })),
      canCheckIn: Boolean(cal.today),
      checkinText: cal.today ? t.checkinNow(member.reward(cal.today.reward)) : '',
      checkedText: pending ? t.checkedIn + ' · ' + t.pendingMark : t.checkedIn,
      tomorrow: t.tomorrow(member.reward(cal.tomorrow.reward)),
      makeupLeft: makeup ? t.makeupLeft(makeup.left, makeup.cards) : '',
      makeups: makeup && makeup.left > 0
        ? makeup.offers.map(({ date, reward }) => ({ date, text: t.makeupWith(date, cost, makeup.pays === 'day_reward' ? member.reward(reward) : '') }))
        : [],
    };
  },

  checkIn() {
    this.member.act({ type: 'checkin' });
  },

  makeUp(e) {
    this.member.act({ type: 'makeup', day: e.currentTarget.dataset.day });
  },
}));
