// WeChat mini-programs: WXWebAssembly.instantiate takes a path inside the code
// package (never bytes or a URL); a .wasm.br path is accepted too.

/**
 * @param {{ program: object | string, wasmPath?: string }} options
 */
function createLoyaltyCore(options) {
  return createLoyaltyCoreWith((imports) => instantiateFromPackage(
    typeof WXWebAssembly === 'undefined' ? null : WXWebAssembly,
    (options && options.wasmPath) || '/lib/loyalty-core.wasm', imports,
    'host.no_wxwebassembly', 'WXWebAssembly is missing: the WeChat base library must be 2.13.0 or newer'), options);
}
