// Alipay mini-programs, the page's side: MyWebAssembly exists only inside a
// worker (base library 2.9.7+, client 10.5.60+, on iOS only in the
// experimental worker), so the core runs in one (the alipay-worker entry,
// copied into the package's workers folder) and the page talks to it: the
// same API, each method answering a promise.

/**
 * @param {{ program: object | string, workerPath?: string, wasmPath?: string }} options
 */
function createLoyaltyCore(options) {
  if (typeof my === 'undefined' || !my.createWorker) {
    return Promise.reject(new LoyaltyError([{
      code: 'host.no_mywebassembly',
      message: 'my.createWorker is missing: Alipay needs base library 2.9.7 and client 10.5.60 or newer',
      path: '',
    }]));
  }
  const worker = my.createWorker((options && options.workerPath) || 'workers/loyalty-core.js', { useExperimentalWorker: true });
  const endpoint = {
    onMessage: (handler) => worker.onMessage(handler),
    postMessage: (message) => worker.postMessage(message),
    terminate: () => worker.terminate(),
  };
  return connectLoyaltyCore(endpoint, { program: options && options.program, wasmPath: options && options.wasmPath });
}
