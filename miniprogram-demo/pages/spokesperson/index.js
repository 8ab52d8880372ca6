// Spokesperson campaigns (代言人): the friends this member's shares brought,
// the milestones and the next one, and a share poster: the QR code of a link
// with the member's signed code (drawn on the phone with the npm package
// qrcode's encoder), a copy of the link, and the share menu's card, which
// opens the mini-program at home through the same code.
const { memberPage } = require('../../utils/page.js');
const { api } = require('../../utils/platform.js');
const { serverUrl } = require('../../utils/config.js');
const { qrSvg, svgDataUri } = require('../../lib/qr.js');

Page(memberPage({
  titleKey: 'spokespersonTitle',

  onShow() {
    if (api.showShareMenu) api.showShareMenu({ menus: ['shareAppMessage', 'shareTimeline'] });
  },

  // The server signs the code (it is the member's alone); offline, no poster.
  makePoster(e) {
    const campaign = e.currentTarget.dataset.campaign;
    this.posters = this.posters || {};
    return this.member.sync.shareCode(campaign).then((res) => {
      if (res && res.status === 200) {
        const code = res.json.code;
        const link = serverUrl() + '/member.html?share=' + encodeURIComponent(code);
        this.posters[campaign] = { code, link, qr: svgDataUri(qrSvg(link)), refused: '' };
        this.shareCampaign = campaign;
      } else {
        const why = res ? (res.json && res.json.errors && res.json.errors[0].code) || 'HTTP ' + res.status : '';
        this.posters[campaign] = { refused: why };
      }
      this.render();
    });
  },

  copyLink(e) {
    const poster = this.posters[e.currentTarget.dataset.campaign];
    api.setClipboardData({ data: poster.link });
  },

  // The share menu's card (and the poster's share button): home, through the code.
  onShareAppMessage() {
    const poster = this.shareCampaign && this.posters[this.shareCampaign];
    const rule = poster && this.member.program.tasks.spokesperson.find((c) => c.id === this.shareCampaign);
    return {
      title: rule ? this.member.name(rule.name || {}) || this.member.t.spokespersonTitle : this.member.t.spokespersonTitle,
      path: poster ? '/pages/home/index?share=' + encodeURIComponent(poster.code) : '/pages/home/index',
    };
  },

  view(member) {
    const t = member.t;
    const posters = this.posters || {};
    const rules = (member.program.tasks && member.program.tasks.spokesperson) || [];
    const action = (a) => t.friendAction[a];
    const campaigns = (member.ask('taskOverview').spokesperson || []).map((p) => {
      const rule = rules.find((c) => c.id === p.campaign) || {};
      const poster = posters[p.campaign];
      return {
        campaign: p.campaign,
        name: member.name(rule.name || {}) || p.campaign,
        ends: t.ends(p.ends),
        eligible: p.eligible,
        friends: t.spokespersonFriends(p.friends, p.friends_today, p.daily_cap),
        counts: Object.keys(p.counts).map((a) => t.spokespersonCount(action(a), p.counts[a])).join(' · '),
        milestones: p.milestones.map((m, i) => ({
          key: String(i),
          reached: String(m.reached),
          text: (m.reached ? '✓ ' : '') + t.spokespersonMilestone(m.friends, action(m.action), member.reward(m.reward)),
        })),
        each: (rule.each || []).map((e) => t.spokespersonEach(action(e.action), member.reward(e.reward))),
        next: p.next ? t.spokespersonNext(p.next.needed, action(p.next.action), member.reward(p.next.reward)) : t.spokespersonAllReached,
        poster: poster ? { qr: poster.qr || '', link: poster.link || '',
          refused: poster.qr ? '' : poster.refused ? t.spokespersonNoCode(poster.refused) : t.spokespersonOffline } : null,
      };
    });
    return {
      words: { title: t.spokespersonTitle, makePoster: t.spokespersonMakePoster, scan: t.spokespersonScan,
        copy: t.spokespersonCopy, share: t.spokespersonShare, notEligible: t.spokespersonNotEligible, none: t.spokespersonNone },
      campaigns,
    };
  },
}));
