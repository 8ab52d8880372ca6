// @loyalty-core/wasm/sync: the member's link to the sync server, the same in
// the browser and in WeChat, Douyin and Alipay mini-programs. Answers are
// typed by the HTTP API's document (./http-api, generated from
// server/openapi.yaml).
import type { components } from './http-api.js';
import type { Event, LoyaltyCore, MemberSession, MemberState } from './loyalty-core.js';

type Api = components['schemas'];

/** How a host requests, stores and logs in; `browserHost()` and the others make one. */
export interface SyncHost {
  /** null when the server could not be reached (the queue keeps the events); retryAfter: Retry-After's seconds. */
  request(request: { method: 'GET' | 'POST'; url: string; body?: unknown; headers: Record<string, string> }):
    Promise<{ status: number; json: any; retryAfter?: number | null } | null>;
  load(key: string): any;
  save(key: string, value: unknown): void;
  /** The platform's login code (wx.login, tt.login, my.getAuthCode); '' when there is none. */
  loginCode(): Promise<string>;
  newId(): string;
  /** Calls `onChange` when another tab or page saved the account. */
  watch?(key: string, onChange: () => void): void;
}

export type QueueItem =
  | { id: string; kind: 'event'; event: Event }
  | { id: string; kind: 'call'; path: string; body: { id: string } & Record<string, unknown>; meta: unknown; at: number };

export type ItemResult = Api['EventApplied'] | Api['EventRejected'];

export interface SyncClientOptions {
  host: SyncHost;
  /** The sync server's base URL; '' (the default) is the page's own origin. */
  server?: string;
  /** Where the account is kept in the host's storage (default 'loyalty.account'). */
  storageKey?: string;
  /** The start of the member id made on the first start (default 'm-'). */
  memberPrefix?: string;
  /** A token for the member, or null; by default the server's demo login with the host's login code. */
  login?: (client: SyncClient) => Promise<string | null>;
  timers?: { setTimeout(run: () => void, ms: number): unknown; clearTimeout(timer: unknown): void };
  now?: () => number;
  /** How the server's state is asked for and kept: the core's snapshot (default; smaller, opens ~30x faster) or JSON. */
  stateForm?: 'snapshot' | 'json';
}

export class SyncClient {
  constructor(options: SyncClientOptions);
  readonly memberId: string;
  readonly firstSeen: number;
  /** The server's state as last answered, when kept as JSON (stateForm 'json'); else null. */
  readonly state: MemberState | null;
  /** The server's state as last answered, as the core's snapshot in base64url (stateForm 'snapshot'); else null. */
  readonly snapshot: string | null;
  readonly version: number | null;
  readonly balances: Api['Balances'] | null;
  readonly ledger: Api['LedgerEntry'][];
  /** Recent draws, newest first, with what a member needs to verify them once the seed is revealed. */
  readonly draws: Array<Api['Draw'] & { id: string; nonce?: string; prize?: unknown }>;
  readonly queue: QueueItem[];
  /** The server's result for each item answered in this session, by item id. */
  readonly results: Map<string, ItemResult>;
  /** Items the server refused in this session, with the error code. */
  readonly rejected: Array<{ id: string; code: string }>;
  /** True when the last request could not reach the server. */
  readonly offline: boolean;
  /** Bumped on every change. */
  readonly revision: number;
  readonly pendingEvents: Event[];
  readonly pendingCalls: Extract<QueueItem, { kind: 'call' }>[];

  subscribe(listener: () => void): () => void;
  /** Queues a member event (made here with its id and time) and sends it; answers its id. */
  send(fields: Record<string, unknown> & { type: string }): string;
  /** Queues a POST of its own, answered once by its `id`. */
  call(path: string, body: Record<string, unknown>, meta?: unknown): Promise<void>;
  /** The core's session for the member as they see it: the server's state with the unsent events (but draws) applied; held until either changes. */
  session(core: LoyaltyCore): MemberSession;
  /** That session's state, written as JSON when asked. */
  projectedState(core: LoyaltyCore): MemberState;
  /** The server's state and whole ledger, then the queue. */
  refresh(): Promise<void>;
  /** Sends the queue in order; on failure keeps it and retries with a growing back-off (or as Retry-After asks). */
  flush(): Promise<void>;
  /** A box window's published seed (no login needed). */
  boxSeed(box: string, window: number): Promise<{ status: number; json: any; retryAfter?: number | null } | null>;
  /** What is left of each stocked points mall item, GET /v1/mall (no login needed): pass `json.stock` to mallCatalog. */
  mallStock(): Promise<{ status: number; json: any; retryAfter?: number | null } | null>;
  /**
   * The page was opened through a spokesperson's share code: a new member joins through it at the first
   * login; a member already in reports the visit (spokesperson_visit). Kept until told.
   */
  arrivedThrough(code: string): Promise<void>;
  /** The last share code this device arrived through, and whether the server was told (a reload of its link sends nothing). */
  arrivedCode: string | null;
  arrivedTold: boolean;
  /** The member's share code for a spokesperson campaign, GET /v1/me/share-code: `json.code` (to put in a link or QR code). */
  shareCode(campaign: string): Promise<{ status: number; json: any; retryAfter?: number | null } | null>;
  /** Takes in what another tab or page saved. */
  reload(): void;
  stop(): void;
}

/** fetch and localStorage (both replaceable, e.g. in tests); other tabs' saves are taken in. */
export function browserHost(options?: { fetch?: typeof fetch; storage?: Storage; window?: Window | null }): SyncHost;
/** WeChat: pass `wx`. */
export function wechatHost(wx: any): SyncHost;
/** Douyin: pass `tt`. */
export function douyinHost(tt: any): SyncHost;
/** Alipay: pass `my`. */
export function alipayHost(my: any): SyncHost;
