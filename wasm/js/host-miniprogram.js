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

// The glue checks `typeof WebAssembly` when it starts and builds a
// WebAssembly.RuntimeError when it aborts; a mini-program has no such global.
// This module-scoped stand-in offers exactly those two and nothing that could
// instantiate: loading goes through WXWebAssembly alone.
// eslint-disable-next-line no-var, no-shadow-restricted-names
var WebAssembly = { RuntimeError: class RuntimeError extends Error {} };
