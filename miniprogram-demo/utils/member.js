// What every page asks: the member's state as the server last said it, with
// the unsent events applied on top by the core, and the core's answers about
// it. Numbers on the pages come from here (the WASM core), never from page JS.
const i18n = require('../lib/i18n.js');
const { api } = require('./platform.js');

const LOCALE_KEY = 'loyalty.locale';

class Member {
  constructor(core, sync) {
    this.core = core;
    this.sync = sync;
    this.locale = api.getStorageSync(LOCALE_KEY) || 'zh-CN';  // Chinese first
  }

  get program() {
    return this.core.program;
  }

  get t() {
    return i18n.messages[this.locale];
  }

  setLocale(locale) {
    this.locale = locale;
    api.setStorageSync(LOCALE_KEY, locale);
    this.sync.save();  // pages re-render on change
  }

  // The server's state with the unsent events applied by the core (draws
  // wait for the server: only it holds the seed); the package's sync client
  // keeps both, and holds the core's session for it until either changes.
  get state() {
    return this.sync.projectedState(this.core);
  }

  get session() {
    return this.sync.session(this.core);
  }

  ask(method, options) {
    return method === 'pointsSummary' ? this.session.pointsSummary(Date.now(), options) : this.session[method](Date.now());
  }

  act(fields) {
    return this.sync.send(fields);
  }

  pending(type) {
    return this.sync.pendingEvents.some((e) => e.type === type);
  }

  money(minor) {
    return i18n.formatMoney(minor, this.program.currency, this.locale);
  }

  reward(reward) {
    return i18n.formatReward(reward, this.program.currency, this.locale);
  }

  time(at) {
    return i18n.formatLocalTime(at, this.program.utc_offset_minutes);
  }

  name(text) {
    return text ? i18n.localized(text, this.locale) : '';
  }

  tierName(id) {
    const tier = this.program.tiers.find((x) => x.id === id);
    return tier ? this.name(tier.name) : id;
  }

  // The state of the link, for the banner every page shows.
  status() {
    const t = this.t;
    const waiting = this.sync.queue.length;
    const refused = this.sync.rejected[this.sync.rejected.length - 1];
    return {
      offline: this.sync.offline,
      text: this.sync.offline ? t.unsent : waiting ? t.pendingEvents(waiting) : '',
      refused: refused ? t.refused(refused.code) : '',
    };
  }
}

module.exports = { Member, formatPerMillion: i18n.formatPerMillion, formatLocalTime: i18n.formatLocalTime };
