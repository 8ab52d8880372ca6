// Alipay mini-programs, the worker's side: the core over MyWebAssembly
// (a package path, .wasm or .wasm.br), serving the page's requests
// (host-alipay.js) on the worker's global `worker`.

/**
 * @param {{ program: object | string, wasmPath?: string }} options
 */
function createLoyaltyCore(options) {
  return createLoyaltyCoreWith((imports) => instantiateFromPackage(
    typeof MyWebAssembly === 'undefined' ? null : MyWebAssembly,
    (options && options.wasmPath) || '/lib/loyalty-core.wasm.br', imports,
    'host.no_mywebassembly',
    'MyWebAssembly is missing: Alipay needs base library 2.9.7 and client 10.5.60 or newer, and on iOS the experimental worker'),
  options);
}

serveLoyaltyCore({
  onMessage: (handler) => worker.onMessage(handler),
  postMessage: (message) => worker.postMessage(message),
}, createLoyaltyCore);
