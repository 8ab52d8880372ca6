// Node.js: read the .wasm next to this file (or options.wasmPath) from disk.

/**
 * @param {{ program: object | string, wasmPath?: string | URL, wasmBytes?: BufferSource }} options
 */
async function createLoyaltyCore(options) {
  return createLoyaltyCoreWith(async (imports) => {
    let bytes = options.wasmBytes;
    if (!bytes) {
      const { readFile } = await import('node:fs/promises');
      bytes = await readFile(options.wasmPath || new URL('./loyalty-core.wasm', import.meta.url));
    }
    return WebAssembly.instantiate(bytes, imports);
  }, options);
}
