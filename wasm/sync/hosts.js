// Ready hosts for the sync client (client.js says what a host is): the
// browser (fetch and localStorage), and the WeChat (wx), Douyin (tt) and
// Alipay (my) mini-programs. Each turns its platform's calls into the same
// small promises; a request that fails to reach the server answers null so
// that the queue keeps the events.
const REQUEST_TIMEOUT_MS = 10000;
// The global object as the browser has it (checked here with WeChat's typings, not the DOM's).
const browserGlobal = /** @type {any} */ (globalThis);

function randomId() {
  const bytes = [];
  for (let i = 0; i < 16; i += 1) bytes.push(Math.floor(Math.random() * 256));
  return bytes.map((b) => (b + 0x100).toString(16).slice(1)).join('');
}

// Ids unique on a device without crypto: random first (a new member's id is
// made from the start of one), then the time and a counter.
function counterIds() {
  let counter = 0;
  return () => {
    counter += 1;
    return randomId().slice(0, 12) + '-' + Date.now().toString(36) + '-' + counter.toString(36);
  };
}

// Retry-After in whole seconds (the server sends it with 429 and 503), or null.
function retryAfter(value) {
  const seconds = Number(value);
  return value !== undefined && value !== null && value !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function headerIn(headers, name) {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

// The response body as JSON, whatever the platform handed back.
function jsonOf(data) {
  if (typeof data !== 'string') return data === undefined ? null : data;
  try {
    return JSON.parse(data);
  } catch (e) {
    return null;
  }
}

/**
 * fetch and localStorage (or any Storage); `storage` events from other tabs reload the account.
 * @param {{ fetch?: Function, storage?: { getItem(key: string): string | null, setItem(key: string, value: string): void }, window?: any }} [options]
 */
function browserHost({ fetch: fetchFn, storage, window: win } = {}) {
  const doFetch = fetchFn || ((url, init) => browserGlobal.fetch(url, init));
  const store = storage || browserGlobal.localStorage;
  const view = win || browserGlobal.window || null;
  return {
    async request({ method, url, body, headers }) {
      let res;
      try {
        res = await doFetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (e) {
        return null;
      }
      const wait = res.headers && res.headers.get ? res.headers.get('Retry-After') : null;
      return { status: res.status, json: jsonOf(await res.text()), retryAfter: retryAfter(wait) };
    },
    load: (key) => jsonOf(store.getItem(key)),
    save: (key, value) => store.setItem(key, JSON.stringify(value)),
    loginCode: async () => '',
    newId: () => (browserGlobal.crypto && browserGlobal.crypto.randomUUID ? browserGlobal.crypto.randomUUID() : randomId()),
    watch(key, onChange) {
      if (view) view.addEventListener('storage', (e) => { if (e.key === key) onChange(); });
    },
  };
}

// WeChat and Douyin share the shape of request, storage and login (tt
// mirrors wx; WeChat's typings check the calls).
/** @param {WechatMiniprogram.Wx} api */
function wxLikeHost(api) {
  return {
    request({ method, url, body, headers }) {
      return new Promise((resolve) => {
        api.request({
          url, method, header: headers, dataType: 'json', timeout: REQUEST_TIMEOUT_MS,
          data: body === undefined ? undefined : JSON.stringify(body),
          success: (res) => resolve({
            status: res.statusCode, json: jsonOf(res.data), retryAfter: retryAfter(headerIn(res.header, 'retry-after')),
          }),
          fail: () => resolve(null),
        });
      });
    },
    load: (key) => api.getStorageSync(key) || null,
    save: (key, value) => api.setStorageSync(key, value),
    loginCode: () => new Promise((resolve) => {
      api.login({ success: (res) => resolve(res.code || ''), fail: () => resolve('') });
    }),
    newId: counterIds(),
  };
}

/** WeChat: wx.request, wx.getStorageSync / setStorageSync, wx.login's code. */
function wechatHost(wx) {
  return wxLikeHost(wx);
}

/** Douyin: tt.request, tt.getStorageSync / setStorageSync, tt.login's code. */
function douyinHost(tt) {
  return wxLikeHost(tt);
}

/** Alipay: my.request (headers, status), my.getStorageSync({ key }), my.getAuthCode's authCode. */
function alipayHost(my) {
  const answer = (res) => ({ status: res.status, json: jsonOf(res.data), retryAfter: retryAfter(headerIn(res.headers, 'retry-after')) });
  return {
    request({ method, url, body, headers }) {
      return new Promise((resolve) => {
        my.request({
          url, method, headers, dataType: 'json', timeout: REQUEST_TIMEOUT_MS,
          data: body === undefined ? undefined : JSON.stringify(body),
          success: (res) => resolve(answer(res)),
          // Alipay calls fail for an HTTP error status too, with the answer in it.
          fail: (res) => resolve(res && res.status ? answer(res) : null),
        });
      });
    },
    load: (key) => {
      const got = my.getStorageSync({ key });
      return (got && got.data) || null;
    },
    save: (key, value) => my.setStorageSync({ key, data: value }),
    loginCode: () => new Promise((resolve) => {
      my.getAuthCode({ scopes: 'auth_base', success: (res) => resolve(res.authCode || ''), fail: () => resolve('') });
    }),
    newId: counterIds(),
  };
}
