// A core that runs in a worker (@loyalty-core/wasm/alipay: Alipay
// mini-programs, where MyWebAssembly exists only in workers;
// @loyalty-core/wasm/in-worker: browsers that want the main thread free):
// the same API as loyalty-core.d.ts, each method answering a promise; a
// failure rejects with the same LoyaltyError.
import type { LoyaltyCore, MemberSession, MemberState, Program, ProgramInput } from './loyalty-core.js';

export { LoyaltyError } from './loyalty-core.js';

type Promised<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never };

type Operations = 'previewOrder' | 'previewListing' | 'tierProgress' | 'pointsSummary' | 'redemptionPreview' | 'lifecycle'
  | 'checkinCalendar' | 'taskOverview' | 'mallCatalog' | 'segments' | 'boxOdds' | 'verifyDraw' | 'simulateDraws' | 'digest' | 'apply' | 'applyEvents'
  | 'checkProgram' | 'loadProgram';

/** A member session held in the worker's module. */
export type AsyncMemberSession = Promised<Omit<MemberSession, 'state' | 'close'>> & {
  /** The held state, written when asked. */
  readonly state: Promise<MemberState>;
  /** Frees the module's copy now; the session re-reads its state if asked again. */
  close(): Promise<boolean>;
};

export interface AsyncLoyaltyCore extends Promised<Pick<LoyaltyCore, Operations>> {
  /** The loaded programme, normalised (held on the page; loadProgram replaces it). */
  readonly program: Program;
  /** A member session in the worker: the state (object, JSON text or snapshot bytes) read once. */
  member(state: MemberState | string | Uint8Array): Promise<AsyncMemberSession>;
  /** How many member sessions the worker's module holds now. */
  openMembers(): Promise<number>;
  /** The same calls on JSON text, answering envelope text. */
  readonly text: Promised<LoyaltyCore['text']>;
  /** Ends the worker. */
  terminate(): void;
}

/**
 * Starts the worker and loads the programme in it. Alipay: `workerPath`
 * (default 'workers/loyalty-core.js', the package's alipay-worker entry copied
 * there) and `wasmPath` (default '/lib/loyalty-core.wasm.br'). Browsers:
 * `workerUrl` (default loyalty-core.worker.mjs beside the entry) and `wasmUrl`.
 */
export function createLoyaltyCore(options: {
  program: ProgramInput | string;
  workerPath?: string;
  wasmPath?: string;
  workerUrl?: string | URL;
  wasmUrl?: string | URL;
}): Promise<AsyncLoyaltyCore>;
