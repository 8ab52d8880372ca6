// Alipay mini-programs, the worker's side: the core over MyWebAssembly
// (a package path, .wasm or .wasm.br), serving the page's requests
// (host-alipay.js) on the worker's global `worker`.

/**
 * @param {{ program: object | string, wasmPath?: string }} options
 */
function createLoyaltyCore(options) {
  return createLoyaltyCoreWith((imports) => {
    if (typeof MyWebAssembly === 'undefined') {
      throw new LoyaltyError([{
        code: 'host.no_mywebassembly',
        message: 'MyWebAssembly is missing: Alipay needs base library 2.9.7 and client 10.5.60 or newer, and on iOS the experimental worker',
        path: '',
      }]);
    }
    return MyWebAssembly.instantiate((options && options.wasmPath) || '/lib/loyalty-core.wasm.br', imports);
  }, options);
}

serveLoyaltyCore({
  onMessage: (handler) => worker.onMessage(handler),
  postMessage: (message) => worker.postMessage(message),
}, createLoyaltyCore);
