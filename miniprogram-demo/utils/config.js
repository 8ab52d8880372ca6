// Where the sync server is. A published mini-program may only call HTTPS
// domains listed in its admin console; the demo talks to `scripts/demo.sh`
// on this machine (DevTools with "do not check domains"). A tester can point
// it elsewhere with wx.setStorageSync('loyalty.server', 'https://…') (tt. on Douyin).
const DEFAULT_SERVER = 'http://127.0.0.1:8080';

const { api } = require('./platform.js');

function serverUrl() {
  return api.getStorageSync('loyalty.server') || DEFAULT_SERVER;
}

module.exports = { serverUrl, WASM_PATH: '/lib/loyalty-core.wasm.br' };
