// Browsers: stream-compile the .wasm next to this file (or options.wasmUrl).

/**
 * @param {{ program: object | string, wasmUrl?: string | URL, wasmBytes?: BufferSource }} options
 */
async function createLoyaltyCore(options) {
  return createLoyaltyCoreWith(async (imports) => {
    if (options.wasmBytes) return WebAssembly.instantiate(options.wasmBytes, imports);
    const url = options.wasmUrl || new URL('./loyalty-core.wasm', import.meta.url);
    if (WebAssembly.instantiateStreaming) {
      try {
        return await WebAssembly.instantiateStreaming(fetch(url), imports);
      } catch (e) {
        // A server that does not send application/wasm: compile from bytes.
        if (!(e instanceof TypeError)) throw e;
      }
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
    return WebAssembly.instantiate(await response.arrayBuffer(), imports);
  }, options);
}
