// The page's link to the sync server for the member's own account: a token
// from the demo login, the authoritative state, and an offline queue of
// checkouts kept in localStorage. Each queued item has an id made here, so a
// retry after a lost answer is applied once; the server's answer replaces
// the local state and drops the item. Unsent items are shown as pending.
const KEY = 'loyalty-demo.account';

export class SyncClient extends EventTarget {
  constructor() {
    super();
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    this.memberId = saved?.memberId ?? `web-${crypto.randomUUID().slice(0, 8)}`;
    this.token = saved?.token ?? null;
    this.state = saved?.state ?? null;
    this.version = saved?.version ?? null;
    this.balances = saved?.balances ?? null;
    this.queue = saved?.queue ?? [];  // [{ id, lines, preview_points }]
    this.rejected = [];               // [{ id, code }] refused by the server this session
    this.offline = false;
    this.flushing = null;
  }

  save() {
    const { memberId, token, state, version, balances, queue } = this;
    localStorage.setItem(KEY, JSON.stringify({ memberId, token, state, version, balances, queue }));
    this.dispatchEvent(new Event('change'));
  }

  // A fetch that answers null when the server cannot be reached.
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
    this.token = (await res.json()).token;
  }

  adopt(answer) {
    this.state = answer.state;
    this.version = answer.version;
    this.balances = answer.balances;
  }

  async refresh() {
    const res = await this.request('GET', '/v1/me');
    if (res?.status === 200) this.adopt(res.json);
    this.save();
    await this.flush();
  }

  checkout(lines, previewPoints) {
    this.queue.push({ id: crypto.randomUUID(), lines, preview_points: previewPoints });
    this.save();
    return this.flush();
  }

  // Sends queued checkouts in order; stops at the first that cannot be sent.
  flush() {
    this.flushing ??= (async () => {
      while (this.queue.length > 0) {
        const item = this.queue[0];
        const res = await this.request('POST', '/v1/demo/checkout', { id: item.id, lines: item.lines });
        if (res === null || res.status >= 500 || res.status === 429) break;  // keep it for later
        if (res.status === 200) {
          const result = res.json.results[0];
          const outcome = result.result === 'duplicate' ? result.first : result;
          if (outcome.result === 'rejected') this.rejected.push({ id: item.id, code: outcome.errors[0].code });
          this.adopt(res.json);
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
