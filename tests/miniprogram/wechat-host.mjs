// A stand-in for WeChat's logic layer, for tests in Node: the project's code
// runs in its own V8 context that offers what WeChat offers — `wx`,
// `WXWebAssembly.instantiate(packagePath, imports)`, `App`, `Page`,
// `Component`, `getApp`, CommonJS `require` inside the package, timers — and
// nothing a browser has: no `fetch`, `document`, `window`, `TextDecoder`, and
// no `WebAssembly` global (WeChat hides it; iOS has none). With
// `platform: 'douyin'` it is Douyin's instead: `tt`, `TTWebAssembly` and
// tt.getSystemInfoSync's base library version, over the Douyin build.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { brotliDecompressSync } from 'node:zlib';

export const projectRoot = fileURLToPath(new URL('../../miniprogram-demo/', import.meta.url));
export const douyinRoot = fileURLToPath(new URL('../../build/douyin-miniprogram/', import.meta.url));

// What the host saw the code ask for, for assertions.
class Journal {
  constructor() {
    this.requests = [];      // { method, url, body }
    this.instantiated = [];  // package paths given to WXWebAssembly (TTWebAssembly)
    this.toasts = [];
  }
}

/**
 * @param {object} options
 * @param {string} [options.server]  base URL the project's requests go to (replaces its configured host)
 * @param {object} [options.storage] initial wx storage (key -> value)
 * @param {boolean} [options.withWXWebAssembly] false: a base library older than 2.13.0 (2.34.0.0 on Douyin)
 * @param {'wechat' | 'douyin'} [options.platform]
 * @param {string} [options.library] Douyin: the base library version tt.getSystemInfoSync reports
 */
export function createWeChatHost({ server, storage = {}, withWXWebAssembly = true, platform = 'wechat', library = '3.20.0.0' } = {}) {
  const root = platform === 'douyin' ? douyinRoot : projectRoot;
  const journal = new Journal();
  const store = new Map(Object.entries(storage).map(([k, v]) => [k, JSON.stringify(v)]));
  const host = { journal, offline: false, loseAnswers: 0, scans: [], app: null, pages: [], loginCodes: 0 };

  // wx storage keeps JSON, as WeChat does: what comes back is a copy.
  const wx = {
    getStorageSync: (key) => (store.has(key) ? JSON.parse(store.get(key)) : ''),
    setStorageSync: (key, value) => { store.set(key, JSON.stringify(value)); },
    removeStorageSync: (key) => { store.delete(key); },
    login: ({ success, fail }) => {
      host.loginCodes += 1;
      setTimeout(() => (host.offline ? fail?.({ errMsg: 'login:fail' }) : success?.({ code: `code-${host.loginCodes}` })), 0);
    },
    request: (options) => request(host, server, options),
    scanCode: ({ success, fail }) => {
      const next = host.scans.shift();
      setTimeout(() => (next === undefined ? fail?.({ errMsg: 'scanCode:fail cancel' }) : success?.({ result: next, scanType: 'QR_CODE' })), 0);
    },
    setNavigationBarTitle: () => {},
    ...(platform === 'douyin' ? { getSystemInfoSync: () => ({ SDKVersion: library, platform: 'devtools' }) } : {}),
    stopPullDownRefresh: () => {},
    showToast: ({ title }) => { journal.toasts.push(title); },
    setClipboardData: ({ data, success }) => { host.clipboard = data; setTimeout(() => success?.({}), 0); },
  };

  const WXWebAssembly = {
    instantiate(path, imports) {
      journal.instantiated.push(path);
      if (typeof path !== 'string' || !path.startsWith('/')) {
        return Promise.reject(new Error('instantiate: an absolute path inside the code package'));
      }
      if (platform === 'douyin' && path.endsWith('.br') && library.localeCompare('2.92.0.0', undefined, { numeric: true }) < 0) {
        return Promise.reject(new Error('TTWebAssembly.instantiate: .wasm.br needs base library 2.92.0.0'));
      }
      let bytes = readFileSync(join(root, normalize(path)));
      if (path.endsWith('.br')) bytes = brotliDecompressSync(bytes);
      return WebAssembly.instantiate(bytes, imports);
    },
  };

  const platformGlobals = platform === 'douyin'
    ? { tt: wx, ...(withWXWebAssembly ? { TTWebAssembly: WXWebAssembly } : {}) }
    : { wx, ...(withWXWebAssembly ? { WXWebAssembly } : {}) };
  const context = vm.createContext({
    console, setTimeout, clearTimeout, setInterval, clearInterval, ...platformGlobals,
    App: (definition) => { host.app = definition; },
    Page: (definition) => { host.pages.push(definition); },
    Component: () => { throw new Error('this project defines no components'); },
    getApp: () => host.app,
    getCurrentPages: () => [],
  });
  // A V8 context comes with WebAssembly built in; WeChat's logic layer has none.
  vm.runInContext('delete globalThis.WebAssembly;', context);

  const modules = new Map();
  function requireFrom(fromDir) {
    return (specifier) => {
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
        throw new Error(`require('${specifier}'): a mini-program requires files of its package only`);
      }
      const file = specifier.startsWith('/') ? join(root, specifier) : join(fromDir, specifier);
      const path = file.endsWith('.js') ? file : `${file}.js`;
      if (!relative(root, path) || relative(root, path).startsWith('..')) {
        throw new Error(`require('${specifier}'): outside the package`);
      }
      if (modules.has(path)) return modules.get(path).exports;
      const module = { exports: {} };
      modules.set(path, module);
      const run = vm.compileFunction(readFileSync(path, 'utf8'), ['module', 'exports', 'require'], {
        parsingContext: context, filename: path,
      });
      run(module, module.exports, requireFrom(dirname(path)));
      return module.exports;
    };
  }
  host.require = requireFrom(root);
  host.context = context;
  host.storage = store;
  host.wx = wx;

  /** Runs app.js and its onLaunch; resolves with what `getApp().ready` gives. */
  host.launch = (options = { path: 'pages/home/index', query: {} }) => {
    host.require('./app.js');
    host.app.onLaunch(options);
    return host.app.ready;
  };
  /** Runs a page's file and returns its definition (what it gave to Page). */
  host.pageDefinition = (route) => {
    const before = host.pages.length;
    host.require(`./${route}.js`);
    if (host.pages.length !== before + 1) throw new Error(`${route}.js did not call Page once`);
    return host.pages[before];
  };
  host.storageValue = (key) => (store.has(key) ? JSON.parse(store.get(key)) : undefined);
  return host;
}

// wx.request: JSON in and out over real HTTP to the test's server, or a
// failure ({ errMsg }) when the host is offline, as WeChat reports it.
function request(host, server, { url, method = 'GET', data, header = {}, success, fail, complete }) {
  const target = server ? url.replace(/^https?:\/\/[^/]+/, server.replace(/\/$/, '')) : url;
  host.journal.requests.push({ method, url: target, body: data });
  const done = (fn, value) => { fn?.(value); complete?.(value); };
  if (host.offline) {
    setTimeout(() => done(fail, { errMsg: 'request:fail timeout' }), 0);
    return { abort() {} };
  }
  fetch(target, { method, headers: header, body: data === undefined ? undefined : String(data) })
    .then(async (res) => {
      if (host.loseAnswers > 0) {  // the server acted, but its answer never arrives
        host.loseAnswers -= 1;
        return done(fail, { errMsg: 'request:fail connection reset' });
      }
      const text = await res.text();
      let body = text;
      try { body = JSON.parse(text); } catch { /* WeChat leaves non-JSON as text */ }
      done(success, { statusCode: res.status, data: body, header: Object.fromEntries(res.headers) });
    }, () => done(fail, { errMsg: 'request:fail' }));
  return { abort() {} };
}
