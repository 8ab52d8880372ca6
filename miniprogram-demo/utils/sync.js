// The member's link to the sync server, in WeChat's terms: wx.request for
// HTTP, wx.setStorageSync for the offline queue, wx.login before the token.
// Every queued event carries an id made here, so a batch sent again after a
// lost answer is applied once (the server answers `duplicate` with the first
// result). The server's answer replaces the local state; unsent events stay
// queued, are shown as pending, and are retried with a growing back-off.
//
// The answers are typed by the HTTP API's document (server/openapi.yaml,
// generated into @loyalty-core/wasm/http-api): scripts/test.sh type-checks
// this file against it and WeChat's own API typings.
/** @typedef {import('@loyalty-core/wasm/http-api').components['schemas']} Api */
const STORAGE_KEY = 'loyalty.account';
const BATCH = 100;            // the server's limit per POST /v1/sync
const FIRST_RETRY_MS = 2000;
const LAST_RETRY_MS = 60000;
const KEPT_DRAWS = 20;

/**
 * @param {string} base
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {string | null} [token]
 * @returns {Promise<{ status: number, json: any } | null>}
 */
function request(base, method, path, body, token) {
  return new Promise((resolve) => {
    wx.request({
      url: base + path,
      method,
      data: body === undefined ? undefined : JSON.stringify(body),
      header: Object.assign({ 'Content-Type': 'application/json' }, token ? { Authorization: 'Bearer ' + token } : {}),
      dataType: 'json',
      timeout: 10000,
      success: (res) => resolve({ status: res.statusCode, json: res.data }),
      fail: () => resolve(null),  // unreachable: the queue keeps the events
    });
  });
}

function wxLogin() {
  return new Promise((resolve) => {
    wx.login({ success: (res) => resolve(res.code || ''), fail: () => resolve('') });
  });
}

let counter = 0;
function newId(memberId) {
  counter += 1;
  return memberId + '-' + Date.now().toString(36) + '-' + counter.toString(36) + '-' + Math.random().toString(36).slice(2, 8);
}

class SyncClient {
  constructor(server) {
    this.server = server;
    const saved = wx.getStorageSync(STORAGE_KEY) || {};
    this.memberId = saved.memberId || 'mp-' + Math.random().toString(36).slice(2, 10);
    this.firstSeen = saved.firstSeen || Date.now();  // joined, as far as this phone knows
    this.token = saved.token || null;
    this.state = saved.state || null;
    this.version = saved.version === undefined ? null : saved.version;
    this.balances = saved.balances || null;
    this.ledger = saved.ledger || [];
    this.draws = saved.draws || [];   // recent draws, newest first, to verify once revealed
    this.queue = saved.queue || [];   // member events not yet answered, oldest first
    this.results = {};                // event id -> the server's result, this session
    this.rejected = [];               // [{ id, code }] refused by the server
    this.offline = false;
    this.retryMs = FIRST_RETRY_MS;
    this.retryTimer = null;
    this.flushing = null;
    this.listeners = [];
    this.revision = 0;
  }

  onChange(listener) {
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  save() {
    const { memberId, firstSeen, token, state, version, balances, ledger, draws, queue } = this;
    wx.setStorageSync(STORAGE_KEY, { memberId, firstSeen, token, state, version, balances, ledger, draws, queue });
    this.revision += 1;
    this.listeners.forEach((l) => l());
  }

  // Demo mode: the server's demo login. In production the code from wx.login
  // goes to the brand's server, which exchanges it with WeChat for the openid.
  async login() {
    const code = await wxLogin();
    const res = await request(this.server, 'POST', '/v1/demo/login', { member_id: this.memberId, code });
    if (!res || res.status !== 200) return false;
    /** @type {Api['DemoLogin']} */
    const answer = res.json;
    this.token = answer.token;
    return true;
  }

  // An authenticated request; null when the server cannot be reached.
  async call(method, path, body, retried) {
    if (!this.token && !(await this.login())) {
      this.offline = true;
      return null;
    }
    const res = await request(this.server, method, path, body, this.token);
    this.offline = res === null;
    if (res && res.status === 401 && !retried) {  // expired: log in again once
      this.token = null;
      return this.call(method, path, body, true);
    }
    return res;
  }

  // A box window's seed, published once the window is over (no login needed).
  boxSeed(box, window) {
    return request(this.server, 'GET', '/v1/boxes/' + encodeURIComponent(box) + '/seeds/' + window);
  }

  /** @param {Api['BatchAnswer'] | Api['MemberAnswer']} answer */
  adopt(answer) {
    this.state = answer.state;
    this.version = answer.version;
    this.balances = answer.balances;
  }

  async loadLedger() {
    const rows = [];
    for (let after = 0; ;) {
      const res = await this.call('GET', '/v1/me/ledger?after=' + after + '&limit=1000');
      if (!res || res.status !== 200) return;
      /** @type {Api['LedgerPage']} */
      const page = res.json;
      if (page.ledger.length === 0 || page.next_after === null) break;
      rows.push(...page.ledger);
      after = page.next_after;
    }
    this.ledger = rows;
  }

  async refresh() {
    const res = await this.call('GET', '/v1/me');
    if (res && res.status === 200) {
      this.adopt(res.json);
      await this.loadLedger();
    }
    this.save();
    return this.flush();
  }

  // A member event (checkin, makeup, like, share, scan, draw) with its id and
  // the moment the member acted; queued first, so nothing is lost offline.
  send(fields) {
    const event = Object.assign({ id: newId(this.memberId), at: Date.now() }, fields);
    this.queue.push(event);
    this.save();
    this.flush();
    return event.id;
  }

  /** @param {Api['EventOutcome']} outcome */
  record(outcome) {
    this.results[outcome.id] = outcome;
    if (outcome.result === 'rejected') this.rejected.push({ id: outcome.id, code: outcome.errors[0].code });
    if (outcome.result === 'applied' && outcome.draw) {
      const opened = outcome.notices.find((n) => n.kind === 'box_opened') || {};
      this.draws = [Object.assign({ id: outcome.id }, outcome.draw, { nonce: opened.nonce, prize: opened.prize })]
        .concat(this.draws).slice(0, KEPT_DRAWS);
    }
  }

  // Sends the queue in batches; on failure keeps it and tries again later.
  flush() {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, BATCH);
        const res = await this.call('POST', '/v1/sync', { events: batch });
        if (res === null || res.status >= 500 || res.status === 429) {
          this.scheduleRetry();
          break;
        }
        if (res.status === 200) {
          /** @type {Api['BatchAnswer']} */
          const answer = res.json;
          for (const result of answer.results) this.record(result.result === 'duplicate' ? result.first : result);
          this.adopt(answer);
          this.ledger.push(...answer.ledger);
        } else {
          const code = (res.json && res.json.errors && res.json.errors[0].code) || 'http.' + res.status;
          batch.forEach((e) => this.rejected.push({ id: e.id, code }));
        }
        this.queue = this.queue.slice(batch.length);
        this.retryMs = FIRST_RETRY_MS;
        this.save();
      }
      this.save();
    })().then(() => { this.flushing = null; });
    return this.flushing;
  }

  scheduleRetry() {
    if (this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, wait);
  }

  stop() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

module.exports = { SyncClient };
