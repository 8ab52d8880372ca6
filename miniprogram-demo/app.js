// Starts the core once for every page: the .wasm.br from the code package
// through WXWebAssembly (TTWebAssembly on Douyin), the programme the server
// last published (kept in storage) or the one bundled with the package, then
// the member's account.
const { createLoyaltyCore } = require('./lib/loyalty-core.js');
const bundledProgram = require('./lib/program.js');
const { serverUrl, WASM_PATH } = require('./utils/config.js');
const { SyncClient } = require('./lib/sync.js');
const { api, syncHost } = require('./utils/platform.js');
const { Member } = require('./utils/member.js');

const PROGRAM_KEY = 'loyalty.program';

const shareCode = (options) => (options && options.query && options.query.share ? decodeURIComponent(options.query.share) : '');

App({
  onLaunch(options) {
    this.ready = this.start(options);
    // Pages wait on `ready`; a failure is shown by them, never thrown away.
    this.ready.catch(() => {});
  },

  // Opened from a spokesperson's share card (?share=): a new member joins through the code.
  async start(options) {
    const program = api.getStorageSync(PROGRAM_KEY) || bundledProgram;
    const core = await createLoyaltyCore({ program, wasmPath: WASM_PATH });
    const sync = new SyncClient({ host: syncHost(), server: serverUrl(), storageKey: 'loyalty.account', memberPrefix: 'mp-' });
    const member = new Member(core, sync);
    this.member = member;
    // Before the first login, so that a new member joins through the code.
    await sync.arrivedThrough(shareCode(options));
    member.sync.refresh();
    this.refreshProgram(member);
    return member;
  },

  // A newer programme from the server replaces the core's for the next start;
  // the running pages keep one programme for the whole visit.
  refreshProgram(member) {
    api.request({
      url: serverUrl() + '/v1/program',
      dataType: 'json',
      success: (res) => {
        if (res.statusCode === 200 && res.data && res.data.program
            && JSON.stringify(res.data.program) !== JSON.stringify(member.program)) {
          api.setStorageSync(PROGRAM_KEY, res.data.program);
        }
      },
    });
  },

  // Back in front, perhaps from a share card: a member already in reports the visit.
  onShow(options) {
    if (!this.member) return;
    this.member.sync.arrivedThrough(shareCode(options));
    this.member.sync.flush();
  },
});
