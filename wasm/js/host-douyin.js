// Douyin mini-programs: TTWebAssembly.instantiate takes a path inside the code
// package (never bytes or a URL), from base library 2.34.0.0; a brotli
// .wasm.br path only from 2.92.0.0, so older libraries are given the plain
// .wasm beside it (both go into the package).
const DOUYIN_MIN_LIBRARY = [2, 34, 0, 0];
const DOUYIN_BROTLI_LIBRARY = [2, 92, 0, 0];

// The base library's version as numbers, or null when the host does not say.
function douyinLibraryVersion() {
  try {
    const info = typeof tt !== 'undefined' && tt.getSystemInfoSync ? tt.getSystemInfoSync() : null;
    const text = info && info.SDKVersion;
    return text ? String(text).split('.').map((part) => parseInt(part, 10) || 0) : null;
  } catch (e) {
    return null;
  }
}

function versionAtLeast(version, wanted) {
  for (let i = 0; i < wanted.length; i += 1) {
    const part = version[i] || 0;
    if (part !== wanted[i]) return part > wanted[i];
  }
  return true;
}

/**
 * @param {{ program: object | string, wasmPath?: string }} options
 */
function createLoyaltyCore(options) {
  return createLoyaltyCoreWith((imports) => {
    const version = douyinLibraryVersion();
    const tooOld = version && !versionAtLeast(version, DOUYIN_MIN_LIBRARY);
    const loader = typeof TTWebAssembly === 'undefined' || tooOld ? null : TTWebAssembly;
    let path = (options && options.wasmPath) || '/lib/loyalty-core.wasm.br';
    if (path.endsWith('.br') && version && !versionAtLeast(version, DOUYIN_BROTLI_LIBRARY)) path = path.slice(0, -3);
    return instantiateFromPackage(loader, path, imports,
      'host.no_ttwebassembly', 'TTWebAssembly is missing: the Douyin base library must be 2.34.0.0 or newer');
  }, options);
}
