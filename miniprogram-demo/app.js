// Starts the core once for every page: the .wasm.br from the code package
// through WXWebAssembly (TTWebAssembly on Douyin), the programme the server
// last published (kept in storage) or the one bundled with the package, then
// the member's account; a core on the new rules when the server publishes a
// new programme version.
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
    // A brand's new rules: the first answer that names another version brings
    // them, kept for the next start, and the open pages re-render on them.
    sync.followProgram(program.version, async ({ program: next }) => {
      api.setStorageSync(PROGRAM_KEY, next);
      member.core = await createLoyaltyCore({ program: next, wasmPath: WASM_PATH });
    });
    // Before the first login, so that a new member joins through the code.
    await sync.arrivedThrough(shareCode(options));
    member.sync.refresh();
    return member;
  },

  // Back in front, perhaps from a share card: a member already in reports the visit.
  onShow(options) {
    if (!this.member) return;
    this.member.sync.arrivedThrough(shareCode(options));
    this.member.sync.flush();
  },
});
