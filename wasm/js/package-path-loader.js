// What the mini-program entries (WeChat, Douyin, Alipay's worker) share:
// the core is loaded by the platform's own loader from a path inside the
// code package, never bytes or a URL, and there is no WebAssembly global.

/**
 * Instantiates through `loader` (WXWebAssembly, TTWebAssembly, MyWebAssembly),
 * or refuses with `code` and `message` when the platform has none.
 * @param {{ instantiate(path: string, imports: object): Promise<any> } | null} loader
 */
function instantiateFromPackage(loader, path, imports, code, message) {
  if (!loader) throw new LoyaltyError([{ code, message, path: '' }]);
  return loader.instantiate(path, imports);
}

// The glue checks `typeof WebAssembly` when it starts and builds a
// WebAssembly.RuntimeError when it aborts; a mini-program has no such global.
// This module-scoped stand-in offers exactly those two and nothing that
// could instantiate: loading goes through the platform's loader alone.
// eslint-disable-next-line no-var, no-shadow-restricted-names
var WebAssembly = { RuntimeError: class RuntimeError extends Error {} };
