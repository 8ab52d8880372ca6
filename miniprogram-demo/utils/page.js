// The part every member page shares: wait for the core, show what `view`
// makes of the member, again whenever the account changes (an answer from
// the server, a queued event, the language), and a clear message if the core
// could not start (e.g. a base library without WXWebAssembly).
const { api } = require('./platform.js');

function memberPage(definition) {
  return Object.assign({
    data: { ready: false, failure: '', status: { offline: false, text: '', refused: '' } },

    onLoad(query) {
      this.query = query || {};
      getApp().ready.then((member) => {
        this.member = member;
        this.unsubscribe = member.sync.subscribe(() => this.render());
        this.render();
      }, (error) => {
        this.setData({ failure: (error && error.code ? error.code + ': ' : '') + (error && error.message) });
      });
    },

    onUnload() {
      if (this.unsubscribe) this.unsubscribe();
    },

    onPullDownRefresh() {
      if (!this.member) return api.stopPullDownRefresh();
      return this.member.sync.refresh().then(() => api.stopPullDownRefresh());
    },

    render() {
      const member = this.member;
      api.setNavigationBarTitle({ title: member.t[definition.titleKey] });
      this.setData(Object.assign({ ready: true, status: member.status() }, this.view(member)));
    },
  }, definition);
}

module.exports = { memberPage };
