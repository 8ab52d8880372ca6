// Fake platforms for the sync client's hosts: the browser's fetch, Storage
// and storage events, WeChat's wx, Douyin's tt and Alipay's my, each with its
// own call shapes (wx.request's header and statusCode, my.request's headers,
// status and fail on an HTTP error, my's storage taking { key, data }). All of
// them reach the real `loyalty serve` through one network that a test can
// take down, or make lose answers after the server has applied a request.
import { alipayHost, browserHost, douyinHost, wechatHost } from '../../wasm/dist/loyalty-sync.mjs';

export const SERVER = 'http://sync.test/';  // what clients are told; the network maps it to the server

/** The network between the device and the server (`backend.url` may change: a restarted server). */
export function network(backend) {
  const net = {
    down: false,
    loseAnswers: 0,   // requests the server applies whose answers never arrive
    journal: [],      // { method, path, body }
    async send({ method, url, body, auth }) {
      const path = url.slice(SERVER.length - 1);
      net.journal.push({ method, path, body: typeof body === 'string' ? JSON.parse(body) : body });
      if (net.down) throw new Error('unreachable');
      const res = await fetch(backend.url + path.slice(1), {
        method,
        headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      if (net.loseAnswers > 0) {
        net.loseAnswers -= 1;
        throw new Error('connection reset');
      }
      return { status: res.status, text, headers: Object.fromEntries(res.headers) };
    },
  };
  return net;
}

// One device's storage, shared by its tabs (the browser) or its pages.
export function deviceStorage() {
  return { values: new Map(), windows: new Set() };
}

function authorization(headers = {}) {
  return headers.Authorization ?? headers.authorization;
}

const platforms = {
  browser(net, device) {
    const window = new EventTarget();
    device.windows.add(window);
    const storage = {
      getItem: (key) => device.values.get(key) ?? null,
      setItem: (key, value) => {
        device.values.set(key, String(value));
        for (const other of device.windows) {  // the storage event goes to the other tabs only
          if (other !== window) other.dispatchEvent(Object.assign(new Event('storage'), { key }));
        }
      },
    };
    const fakeFetch = async (url, init) => {
      const res = await net.send({ method: init.method, url, body: init.body, auth: authorization(init.headers) })
        .catch(() => { throw new TypeError('Failed to fetch'); });
      return { status: res.status, text: async () => res.text, headers: new Headers(res.headers) };
    };
    return browserHost({ fetch: fakeFetch, storage, window });
  },
  wechat: (net, device) => wechatHost(wxLike(net, device)),
  douyin: (net, device) => douyinHost(wxLike(net, device)),
  alipay(net, device) {
    const my = {
      request({ url, method, headers, data, success, fail }) {
        net.send({ method, url, body: data, auth: authorization(headers) }).then((res) => {
          const answer = { status: res.status, data: JSON.parse(res.text), headers: res.headers };
          if (res.status >= 200 && res.status < 300) success(answer);
          else fail({ error: 19, errorMessage: 'http status error', ...answer });
        }, () => fail({ error: 12, errorMessage: 'network error' }));
      },
      getStorageSync: ({ key }) => ({ data: device.values.has(key) ? JSON.parse(device.values.get(key)) : null }),
      setStorageSync: ({ key, data }) => { device.values.set(key, JSON.stringify(data)); },
      getAuthCode: ({ success }) => setTimeout(() => success({ authCode: 'auth-code' }), 0),
    };
    return alipayHost(my);
  },
};

// wx and tt: request with header and statusCode, storage by key, login's code.
function wxLike(net, device) {
  return {
    request({ url, method, header, data, success, fail }) {
      net.send({ method, url, body: data, auth: authorization(header) })
        .then((res) => success({ statusCode: res.status, data: JSON.parse(res.text), header: res.headers }), () => fail({ errMsg: 'request:fail' }));
    },
    getStorageSync: (key) => (device.values.has(key) ? JSON.parse(device.values.get(key)) : ''),
    setStorageSync: (key, value) => { device.values.set(key, JSON.stringify(value)); },
    login: ({ success }) => setTimeout(() => success({ code: 'login-code' }), 0),
  };
}

export const platformNames = Object.keys(platforms);

/** A host of `platform` on `device`, talking through `net`. */
export function hostFor(platform, net, device) {
  return platforms[platform](net, device);
}

/** Timers a test runs by hand: `due()` lists the waits asked for, `fire()` runs them. */
export function manualTimers() {
  let pending = [];
  return {
    setTimeout: (run, ms) => {
      const timer = { run, ms };
      pending.push(timer);
      return timer;
    },
    clearTimeout: (timer) => { pending = pending.filter((t) => t !== timer); },
    due: () => pending.map((t) => t.ms),
    fire() {
      const now = pending;
      pending = [];
      now.forEach((t) => t.run());
    },
  };
}
