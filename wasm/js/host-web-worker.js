// Browsers, inside the module worker that loyalty-core.in-worker.mjs starts:
// the web entry's core (the .wasm beside this file, or options.wasmUrl),
// serving the page's requests.
serveLoyaltyCore({
  onMessage: (handler) => self.addEventListener('message', handler),
  postMessage: (message) => self.postMessage(message),
}, createLoyaltyCore);
