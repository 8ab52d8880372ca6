// Browsers that want the main thread free: the core runs in a module worker
// (loyalty-core.worker.mjs beside this file, or options.workerUrl) and the
// page has the same API, each method answering a promise, as on Alipay.

/**
 * @param {{ program: object | string, workerUrl?: string | URL, wasmUrl?: string | URL }} options
 */
function createLoyaltyCore(options) {
  const url = (options && options.workerUrl) || new URL('./loyalty-core.worker.mjs', import.meta.url);
  const worker = new Worker(url, { type: 'module' });
  const endpoint = {
    onMessage: (handler) => worker.addEventListener('message', handler),
    postMessage: (message) => worker.postMessage(message),
    terminate: () => worker.terminate(),
  };
  const wasmUrl = options && options.wasmUrl ? String(options.wasmUrl) : undefined;
  return connectLoyaltyCore(endpoint, { program: options && options.program, wasmUrl });
}
