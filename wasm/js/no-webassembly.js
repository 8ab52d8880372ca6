// The glue checks `typeof WebAssembly` when it starts and builds a
// WebAssembly.RuntimeError when it aborts; a mini-program has no such global.
// In the mini-program entries (WeChat, Douyin) this module-scoped stand-in
// offers exactly those two and nothing that could instantiate: loading goes
// through the platform's WXWebAssembly or TTWebAssembly alone.
// eslint-disable-next-line no-var, no-shadow-restricted-names
var WebAssembly = { RuntimeError: class RuntimeError extends Error {} };
