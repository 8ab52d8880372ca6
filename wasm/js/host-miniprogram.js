// WeChat mini-programs: WXWebAssembly.instantiate takes a path inside the code
// package (never bytes or a URL); a .wasm.br path is accepted too.

/**
 * @param {{ program: object | string, wasmPath?: string }} options
 */
function createLoyaltyCore(options) {
  return createLoyaltyCoreWith((imports) => {
    if (typeof WXWebAssembly === 'undefined') {
      throw new LoyaltyError([{
        code: 'host.no_wxwebassembly',
        message: 'WXWebAssembly is missing: the WeChat base library must be 2.13.0 or newer',
        path: '',
      }]);
    }
    return WXWebAssembly.instantiate((options && options.wasmPath) || '/lib/loyalty-core.wasm', imports);
  }, options);
}
