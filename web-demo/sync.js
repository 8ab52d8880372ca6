// The page's link to the sync server for the member's own account: a token
// from the demo login, the authoritative state, its ledger, and an offline
// queue kept in localStorage. Each queued item has an id made here, so a
// retry after a lost answer is applied once; the server's answer replaces
// the local state and drops the item. Unsent items are shown as pending.
//
// Queue items: { id, kind: 'checkout', lines, preview_points } posted to
// /v1/demo/checkout, or { id, kind: 'event', event } (a member event:
// check-in, make-up, like, share, scan, draw) posted to /v1/sync.
//
// The answers are typed by the HTTP API's document (server/openapi.yaml,
// generated into @loyalty-core/wasm/http-api): scripts/test.sh type-checks
// this file against it, so a field the server renames breaks the build here.
/** @typedef {import('@loyalty-core/wasm/http-api').components['schemas']} Api */
const KEY = 'loyalty-demo.account';
const KEPT_DRAWS = 20;

export class SyncClient extends EventTarget {
  constructor() {
    super();
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    this.memberId = saved?.memberId ?? `web-${crypto.randomUUID().slice(0, 8)}`;
    this.token = saved?.token ?? null;
    this.state = saved?.state ?? null;
    this.version = saved?.version ?? null;
    this.balances = saved?.balances ?? null;
    this.ledger = saved?.ledger ?? [];
    this.draws = saved?.draws ?? [];  // recent draws, newest first, to verify once revealed
    this.queue = (saved?.queue ?? []).map((item) => ({ kind: 'checkout', ...item }));
    this.results = new Map();  // event id -> the server's result, this session
    this.rejected = [];        // [{ id, code }] refused by the server this session
    this.offline = false;
    this.flushing = null;
    this.revision = 0;         // bumped on every change, for caches
  }

  save() {
    const { memberId, token, state, version, balances, ledger, draws, queue } = this;
    localStorage.setItem(KEY, JSON.stringify({ memberId, token, state, version, balances, ledger, draws, queue }));
    this.revision += 1;
    this.dispatchEvent(new Event('change'));
  }

  /**
   * A fetch that answers null when the server cannot be reached.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<{ status: number, json: any } | null>}
   */
  async request(method, path, body, retried = false) {
    let res;
    try {
      if (!this.token) await this.login();
      res = await fetch(path, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      this.offline = true;
      return null;
    }
    if (res.status === 401 && !retried) {  // expired: log in again once
      this.token = null;
      return this.request(method, path, body, true);
    }
    this.offline = false;
    return { status: res.status, json: await res.json() };
  }

  async login() {
    const res = await fetch('/v1/demo/login', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ member_id: this.memberId }),
    });
    if (!res.ok) throw new Error(`login: HTTP ${res.status}`);
    /** @type {Api['DemoLogin']} */
    const answer = await res.json();
    this.token = answer.token;
  }

  /** @param {Api['BatchAnswer'] | Api['MemberAnswer']} answer */
  adopt(answer) {
    this.state = answer.state;
    this.version = answer.version;
    this.balances = answer.balances;
  }

  // The whole ledger, a page at a time (the server's pages end with an empty one).
  async loadLedger() {
    const rows = [];
    for (let after = 0; ;) {
      const res = await this.request('GET', `/v1/me/ledger?after=${after}&limit=1000`);
      if (res?.status !== 200) return;
      /** @type {Api['LedgerPage']} */
      const page = res.json;
      if (page.ledger.length === 0 || page.next_after === null) break;
      rows.push(...page.ledger);
      after = page.next_after;
    }
    this.ledger = rows;
  }

  async refresh() {
    const res = await this.request('GET', '/v1/me');
    if (res?.status === 200) {
      this.adopt(res.json);
      await this.loadLedger();
    }
    this.save();
    await this.flush();
  }

  checkout(lines, previewPoints) {
    this.queue.push({ id: crypto.randomUUID(), kind: 'checkout', lines, preview_points: previewPoints });
    this.save();
    return this.flush();
  }

  // A member event, made here with its id and the time the member acted.
  send(fields) {
    const event = { id: crypto.randomUUID(), at: Date.now(), ...fields };
    this.queue.push({ id: event.id, kind: 'event', event });
    this.save();
    this.flush();
    return event.id;
  }

  get pendingEvents() {
    return this.queue.filter((item) => item.kind === 'event').map((item) => item.event);
  }

  post(item) {
    return item.kind === 'event'
      ? this.request('POST', '/v1/sync', { events: [item.event] })
      : this.request('POST', '/v1/demo/checkout', { id: item.id, lines: item.lines });
  }

  /** @param {Api['BatchAnswer']} answer */
  record(item, answer) {
    const result = answer.results[0];
    const outcome = result.result === 'duplicate' ? result.first : result;
    this.results.set(item.id, outcome);
    if (outcome.result === 'rejected') this.rejected.push({ id: item.id, code: outcome.errors[0].code });
    if (outcome.result === 'applied' && outcome.draw) {
      const opened = outcome.notices.find((n) => n.kind === 'box_opened');
      this.draws = [{ id: item.id, ...outcome.draw, nonce: opened?.nonce, prize: opened?.prize }, ...this.draws].slice(0, KEPT_DRAWS);
    }
    this.adopt(answer);
    this.ledger.push(...answer.ledger);
  }

  // Sends queued items in order; stops at the first that cannot be sent.
  flush() {
    this.flushing ??= (async () => {
      while (this.queue.length > 0) {
        const item = this.queue[0];
        const res = await this.post(item);
        if (res === null || res.status >= 500 || res.status === 429) break;  // keep it for later
        if (res.status === 200) {
          this.record(item, res.json);
        } else {
          this.rejected.push({ id: item.id, code: res.json.errors?.[0]?.code ?? `http.${res.status}` });
        }
        this.queue.shift();
        this.save();
      }
      this.save();
    })().finally(() => { this.flushing = null; });
    return this.flushing;
  }
}
