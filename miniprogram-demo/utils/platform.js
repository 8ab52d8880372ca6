// The platform the pages run on: its API object (wx here) and the sync
// client's host for it. Everything else in the project is the same on every
// platform; the Douyin build (build-douyin.mjs) writes its own copy of this
// file with tt and douyinHost.
const { wechatHost } = require('../lib/sync.js');

module.exports = { api: wx, syncHost: () => wechatHost(wx), name: 'wechat' };
