// The member's link to the sync server, the same in every host: an offline
// queue kept in the host's storage, event ids made on the device (a batch
// sent again after a lost answer is applied once: the server answers
// `duplicate` with the first result), batches of at most 100 events, retry
// with a growing back-off, the server's state and ledger kept for offline
// use, and the pending events applied on top of it by the core so that the
// member sees them at once. Draws wait for the server: only it holds the seed.
// The state is asked for as the core's binary snapshot, packed (LZ4) when
// large (base64url), kept so and opened in the core from its bytes: for a
// member with history ~7 times fewer bytes to receive and store than JSON,
// and over ten times faster to take (bench/packed_answer.mjs;
// `stateForm: 'snapshot'` asks for it unpacked, `'json'` keeps JSON instead).
//
// What differs between hosts is passed in as a host (hosts.js has the
// browser, WeChat, Douyin and Alipay ones):
//   request({ method, url, body, headers }) -> Promise<{ status, json, retryAfter } | null>
//                               (null: the server could not be reached;
//                               retryAfter: the Retry-After header's seconds, or null)
//   load(key) -> saved value or null;  save(key, value)
//   loginCode() -> Promise<string>  (wx.login's code and the like; '' if none)
//   newId() -> string               (unique on this device)
//   watch?(key, onChange)           (another tab or page saved the account)
//
// Queue items: { id, kind: 'event', event } (a member event, sent to
// /v1/sync in batches) or { id, kind: 'call', path, body, meta } (one POST
// with its own id, e.g. the demo checkout; `meta` is the caller's, kept
// while it waits).
//
// The programme: every answer names the version in force on the server
// (`program_version`); a host that follows it (followProgram) is handed the
// new version's rules once, to build its core anew, so that previews follow
// a brand's published change at the next sync.
//
// The server's answers are typed by the HTTP API's document (../http-api.d.ts,
// generated from server/openapi.yaml): scripts/test.sh type-checks this file
// against it (wasm/sync/tsconfig.json), so a field the server renames breaks
// the build here.
/** @typedef {import('../http-api').components['schemas']} Api */
const SYNC_BATCH = 100;            // the server's limit per POST /v1/sync
const FIRST_RETRY_MS = 2000;
const LAST_RETRY_MS = 60000;
const KEPT_DRAWS = 20;
const KEPT_DONE_IDS = 500;         // ids answered, so another tab's copy of the queue forgets them

class SyncClient {
  /**
   * @param {object} options
   * @param {object} options.host            how this host requests, stores and logs in
   * @param {string} [options.server]        the sync server's base URL ('' = same origin)
   * @param {string} [options.storageKey]    where the account is kept
   * @param {string} [options.memberPrefix]  for the member id made on first start
   * @param {(client: SyncClient) => Promise<string | null>} [options.login]  a token, or null;
   *        by default the server's demo login with the host's login code
   * @param {{ setTimeout: Function, clearTimeout: Function }} [options.timers]
   * @param {() => number} [options.now]
   * @param {'packed' | 'snapshot' | 'json'} [options.stateForm]  how the server's state is asked for and kept
   */
  constructor({ host, server = '', storageKey = 'loyalty.account', memberPrefix = 'm-', login, timers, now, stateForm = 'packed' }) {
    this.host = host;
    this.server = server;
    this.storageKey = storageKey;
    this.loginWith = login || demoLogin;
    this.stateForm = stateForm;
    this.timers = timers || { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t) };
    this.now = now || (() => Date.now());
    const saved = host.load(storageKey) || {};
    this.memberId = saved.memberId || memberPrefix + host.newId().replace(/-/g, '').slice(0, 10);
    this.firstSeen = saved.firstSeen || this.now();  // joined, as far as this device knows
    this.token = saved.token || null;
    this.state = saved.state || null;          // the server's state as JSON, or
    this.snapshot = saved.snapshot || null;    // as the core's snapshot (base64url): one of the two
    this.version = saved.version === undefined ? null : saved.version;
    this.balances = saved.balances || null;
    this.ledger = saved.ledger || [];
    this.draws = saved.draws || [];            // recent draws, newest first, to verify once revealed
    this.queue = (saved.queue || []).map(queueItem);
    this.arrivedCode = saved.arrivedCode || null;  // the last spokesperson's share this device arrived through
    this.arrivedTold = Boolean(saved.arrivedTold);  // and whether the server knows
    this.done = saved.done || [];              // ids answered, newest last
    this.results = new Map();                  // item id -> the server's result, this session
    this.rejected = [];                        // [{ id, code }] refused by the server, this session
    this.offline = false;
    this.retryMs = FIRST_RETRY_MS;
    this.retryTimer = null;
    this.flushing = null;
    this.listeners = [];
    this.revision = 0;                         // bumped on every change, for caches
    this.held = null;                          // the core's view of the member: { core, base, pending, session, state }
    this.programVersion = null;                // the programme version the server last said is in force
    /** @type {{ held: number, reload: Function, loading: Promise<void> | null } | null} */
    this.following = null;                     // see followProgram
    if (host.watch) host.watch(storageKey, () => this.reload());
  }

  /** Calls `listener` after every change; answers a function that stops it. */
  subscribe(listener) {
    this.listeners.push(listener);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }

  changed() {
    this.revision += 1;
    this.listeners.forEach((l) => l());
  }

  // Saves the account, merged with what another tab or page saved meanwhile:
  // the newer server state wins, queued items are the union of both less
  // those either has seen answered, so neither loses the other's events.
  save() {
    this.merge(this.host.load(this.storageKey));
    const { memberId, firstSeen, token, state, snapshot, version, balances, ledger, draws, queue, done, arrivedCode, arrivedTold } = this;
    this.host.save(this.storageKey, { memberId, firstSeen, token, state, snapshot, version, balances, ledger, draws, queue, done, arrivedCode, arrivedTold });
    this.changed();
  }

  // Another tab or page saved the account: take in what it knows.
  reload() {
    if (this.merge(this.host.load(this.storageKey))) this.changed();
  }

  merge(saved) {
    if (!saved || saved.memberId !== this.memberId) return false;
    let changed = false;
    if (saved.version !== undefined && saved.version !== null && (this.version === null || saved.version > this.version)) {
      Object.assign(this, {
        state: saved.state || null, snapshot: saved.snapshot || null, version: saved.version, balances: saved.balances, ledger: saved.ledger || [],
      });
      changed = true;
    }
    const done = new Set([...this.done, ...(saved.done || [])]);
    this.done = [...done].slice(-KEPT_DONE_IDS);
    const mine = new Set(this.queue.map((item) => item.id));
    const theirs = (saved.queue || []).map(queueItem).filter((item) => !mine.has(item.id));
    const queue = this.queue.concat(theirs).filter((item) => !done.has(item.id));
    if (theirs.length > 0 || queue.length !== this.queue.length) {
      this.queue = queue.sort((a, b) => queuedAt(a) - queuedAt(b));
      changed = true;
    }
    if (!this.token && saved.token) this.token = saved.token;
    return changed;
  }

  /** Member events not yet answered by the server, oldest first. */
  get pendingEvents() {
    return this.queue.filter((item) => item.kind === 'event').map((item) => item.event);
  }

  /** Queued calls (e.g. checkouts) not yet answered, oldest first. */
  get pendingCalls() {
    return this.queue.filter((item) => item.kind === 'call');
  }

  /**
   * A member event (checkin, makeup, like, share, scan, draw), made here with
   * its id and the moment the member acted; queued first, so nothing is lost
   * offline. Answers the event's id.
   */
  send(fields) {
    const event = Object.assign({ id: this.host.newId(), at: this.now() }, fields);
    this.queue.push({ id: event.id, kind: 'event', event });
    this.save();
    this.flush();
    return event.id;
  }

  /** A POST of its own (with `body.id` for the server to answer once), queued like events. */
  call(path, body, meta) {
    const id = body.id || this.host.newId();
    this.queue.push({ id, kind: 'call', path, body: Object.assign({ id }, body), meta: meta || null, at: this.now() });
    this.save();
    return this.flush();
  }

  // --- what the member sees: the server's state with the pending events on top

  /**
   * The core's member session for the member as they see it: the server's
   * state (opened from the snapshot's bytes when kept so) with the unsent
   * events but draws applied; held until either changes.
   */
  session(core) {
    const base = this.snapshot || this.state;
    const events = this.pendingEvents.filter((e) => e.type !== 'draw');
    const pending = events.map((e) => e.id).join(' ');
    const held = this.held;
    if (held && held.core === core && held.base === base && held.pending === pending) return held.session;
    if (held) held.session.close();
    const session = core.member(this.snapshot ? bytesFromBase64url(this.snapshot)
      : this.state || { member_id: this.memberId, joined_at: this.firstSeen });
    if (events.length > 0) session.applyEvents(events);
    this.held = { core, base, pending, session, state: null };
    return session;
  }

  /** The member's state as they see it (the session's), written as JSON when asked. */
  projectedState(core) {
    const session = this.session(core);
    const held = /** @type {{ state: any }} */ (this.held);
    if (held.state === null) held.state = session.state;
    return held.state;
  }

  // --- the server

  url(path) {
    return this.server + path;
  }

  async login() {
    const token = await this.loginWith(this);
    this.token = token || null;
    if (this.token && this.arrivedCode && !this.arrivedTold) await this.reportShareVisit();
    return this.token !== null;
  }

  /**
   * The page was opened through a spokesperson's share (a link's ?share= or a
   * mini-program's share card): a new member joins through the code at its
   * first login; a member already in tells the server of the visit.
   */
  async arrivedThrough(code) {
    if (typeof code !== 'string' || !code || code === this.arrivedCode) return;  // a reload of the same link
    this.arrivedCode = code;
    this.arrivedTold = false;
    this.save();
    if (this.token) await this.reportShareVisit();
  }

  async reportShareVisit() {
    const code = this.arrivedCode;
    // Never synced: the login that just ran joined the member through the code.
    if (this.version !== null) {
      const visit = { id: 'visit-' + code.slice(-22), type: 'spokesperson_visit', code };
      const res = await this.request('POST', '/v1/sync', { events: [visit], state: this.stateForm });
      if (res === null) return;  // offline: told at the next login or arrival
      if (res.status === 200) this.adopt(res.json);
    }
    this.arrivedTold = true;
    this.save();
  }

  /** An authenticated request; null when the server cannot be reached. */
  async request(method, path, body, retried) {
    if (!this.token && !(await this.login())) {
      this.offline = true;
      return null;
    }
    const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer ' + this.token };
    const res = await this.host.request({ method, url: this.url(path), body, headers });
    this.offline = res === null;
    if (res && res.status === 401 && !retried) {  // expired: log in again once
      this.token = null;
      return this.request(method, path, body, true);
    }
    return res;
  }

  /** A box window's seed, published once the window is over (no login needed). */
  boxSeed(box, window) {
    return this.host.request({ method: 'GET', url: this.url('/v1/boxes/' + encodeURIComponent(box) + '/seeds/' + window), headers: {} });
  }

  /** What is left of each stocked points mall item (no login needed): the catalogue's `stock`. */
  mallStock() {
    return this.host.request({ method: 'GET', url: this.url('/v1/mall'), headers: {} });
  }

  /** The member's signed share code for a spokesperson campaign (GET /v1/me/share-code); null offline. */
  shareCode(campaign) {
    return this.request('GET', '/v1/me/share-code?campaign=' + encodeURIComponent(campaign));
  }

  /** @param {Api['BatchAnswer'] | Api['MemberAnswer']} answer */
  adopt(answer) {
    this.snapshot = answer.snapshot || null;
    this.state = answer.snapshot ? null : answer.state || null;
    this.version = answer.version;
    this.balances = answer.balances;
    this.programVersion = answer.program_version;
    this.checkProgram();
  }

  /**
   * Follows the programme the server has in force: once an answer names a
   * version other than `held` (the one the host's core previews with),
   * GET /v1/program's answer ({ program, version, effective_at }) is handed
   * to `reload`, which builds the host's core on it; listeners are told
   * once it has. Offline, or if `reload` fails, the next answer tries again.
   * @param {number} held
   * @param {(answer: Api['ProgramAnswer']) => Promise<void> | void} reload
   */
  followProgram(held, reload) {
    this.following = { held, reload, loading: null };
    this.checkProgram();
  }

  /** The reload of a new programme version under way, if any (resolved once done). */
  get programLoading() {
    return (this.following && this.following.loading) || Promise.resolve();
  }

  checkProgram() {
    const following = this.following;
    if (!following || following.loading || this.programVersion === null || this.programVersion === following.held) return;
    following.loading = (async () => {
      const res = await this.host.request({ method: 'GET', url: this.url('/v1/program'), headers: {} });
      if (!res || res.status !== 200 || !res.json || res.json.version === following.held) return;
      await following.reload(res.json);
      following.held = res.json.version;
      this.changed();
    })().catch(() => {}).then(() => { following.loading = null; });
  }

  // The whole ledger, a page at a time (the server's pages end with an empty one).
  async loadLedger() {
    const rows = [];
    for (let after = 0; ;) {
      const res = await this.request('GET', '/v1/me/ledger?after=' + after + '&limit=1000');
      if (!res || res.status !== 200) return;
      /** @type {Api['LedgerPage']} */
      const page = res.json;
      if (page.ledger.length === 0 || page.next_after === null) break;
      rows.push(...page.ledger);
      after = page.next_after;
    }
    this.ledger = rows;
  }

  /** The server's state and ledger, then whatever is queued. */
  async refresh() {
    const res = await this.request('GET', '/v1/me?state=' + this.stateForm);
    if (res && res.status === 200) {
      this.adopt(res.json);
      await this.loadLedger();
    }
    this.save();
    return this.flush();
  }

  /** @param {string} id  @param {Api['EventOutcome']} outcome */
  record(id, outcome) {
    this.results.set(id, outcome);
    if (outcome.result === 'rejected') this.rejected.push({ id, code: outcome.errors[0].code });
    if (outcome.result === 'applied' && outcome.draw) {
      const opened = outcome.notices.find((n) => n.kind === 'box_opened') || {};
      this.draws = [Object.assign({ id }, outcome.draw, { nonce: opened.nonce, prize: opened.prize })]
        .concat(this.draws).slice(0, KEPT_DRAWS);
    }
  }

  // The next request: the events at the head of the queue (up to a batch), or one call.
  nextBatch() {
    if (this.queue[0].kind === 'call') return [this.queue[0]];
    const batch = [];
    for (const item of this.queue) {
      if (item.kind !== 'event' || batch.length === SYNC_BATCH) break;
      batch.push(item);
    }
    return batch;
  }

  answered(batch, res) {
    if (res.status === 200) {
      /** @type {Api['BatchAnswer']} */
      const answer = res.json;
      answer.results.forEach((result, i) => this.record(batch[i].id, result.result === 'duplicate' ? result.first : result));
      // A newer state may already be here (another tab's answer): keep that one.
      if (this.version === null || answer.version >= this.version) this.adopt(answer);
      this.ledger.push(...answer.ledger);
    } else {
      const code = (res.json && res.json.errors && res.json.errors[0] && res.json.errors[0].code) || 'http.' + res.status;
      batch.forEach((item) => this.rejected.push({ id: item.id, code }));
    }
    const ids = new Set(batch.map((item) => item.id));
    this.queue = this.queue.filter((item) => !ids.has(item.id));
    this.done = this.done.concat([...ids]).slice(-KEPT_DONE_IDS);
  }

  /** Sends the queue in order; on failure keeps it and tries again later. */
  flush() {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      while (this.queue.length > 0) {
        const batch = this.nextBatch();
        const res = batch[0].kind === 'call'
          ? await this.request('POST', batch[0].path, batch[0].body)
          : await this.request('POST', '/v1/sync', { events: batch.map((item) => item.event), state: this.stateForm });
        if (res === null || res.status >= 500 || res.status === 429) {
          this.scheduleRetry(res && res.retryAfter);
          break;
        }
        this.answered(batch, res);
        this.retryMs = FIRST_RETRY_MS;
        this.save();
      }
      this.save();
    })().then(() => { this.flushing = null; });
    return this.flushing;
  }

  // The next try after a growing back-off, or later if the server asked (Retry-After).
  scheduleRetry(serverSeconds) {
    if (this.retryTimer) return;
    const wait = Math.max(this.retryMs, (serverSeconds || 0) * 1000);
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, wait);
  }

  /** Stops the retry timer and lets go of the core's session (a page or app that closes). */
  stop() {
    if (this.retryTimer) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.held) this.held.session.close();
    this.held = null;
  }
}

// The server's demo login: the member id, and the host's login code (which a
// brand's own login would exchange with the platform for the member's openid).
async function demoLogin(client) {
  const code = await client.host.loginCode();
  const res = await client.host.request({
    method: 'POST', url: client.url('/v1/demo/login'),
    body: client.arrivedCode && !client.arrivedTold
      ? { member_id: client.memberId, code, share_code: client.arrivedCode } : { member_id: client.memberId, code },
    headers: { 'Content-Type': 'application/json' },
  });
  /** @type {Api['DemoLogin'] | null} */
  const answer = res && res.status === 200 ? res.json : null;
  return answer ? answer.token : null;
}

// Queue items as saved by this client, or by the demos before it (bare
// events, and the web demo's { kind: 'checkout', lines, preview_points }).
function queueItem(item) {
  if (item.kind === 'event' || item.kind === 'call') return item;
  if (item.kind === 'checkout' || item.lines) {
    return { id: item.id, kind: 'call', path: '/v1/demo/checkout', body: { id: item.id, lines: item.lines }, meta: { preview_points: item.preview_points }, at: 0 };
  }
  return { id: item.id, kind: 'event', event: item };
}

function queuedAt(item) {
  return item.kind === 'event' ? item.event.at || 0 : item.at || 0;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// The server's base64url (no padding) as bytes; every host has Uint8Array, not all have atob.
function bytesFromBase64url(text) {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    value = ((value << 6) | BASE64URL.indexOf(text[i])) & 0xffffff;  // the bits not yet written fit 24
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n] = (value >> bits) & 0xff;
      n += 1;
    }
  }
  return out.subarray(0, n);
}
