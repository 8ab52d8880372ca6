// Loyalty Core — TypeScript declarations (hand-written; checked by
// tests/wasm/typed-usage.ts with `tsc --noEmit`).
//
// Every amount is an integer in minor units (fen, cents); every count and
// time is an integer. All integers stay within ±(2^53 − 1), so JS numbers
// hold them exactly.

/** Text by locale, e.g. `{ "zh-CN": "金卡", "en": "Gold" }`. */
export type LocalizedText = Record<string, string>;

export type Rounding = 'floor' | 'ceil' | 'half_up' | 'half_even';

/** `earn` for every `per_minor` minor units, rounded as named. */
export interface EarnRate {
  earn: number;
  per_minor: number;
  rounding: Rounding;
}

export interface Tier {
  id: string;
  name: LocalizedText;
  /** Growth needed to qualify; the first tier's is 0. */
  threshold: number;
  /** Points multiplier in basis points (10000 = ×1); default 10000. */
  points_multiplier_bp?: number;
  /** Price discount in basis points; default 0. */
  discount_bp?: number;
}

export interface Category {
  id: string;
  name?: LocalizedText;
  /** Default 10000 (×1). */
  multiplier_bp?: number;
}

/** A programme as a brand writes it (see programs/*.json). */
export interface ProgramInput {
  schema_version: 1;
  id: string;
  version: number;
  name: LocalizedText;
  currency: { code: string; minor_units: number };
  /** The members' local day: −720 … 840. */
  utc_offset_minutes: number;
  tiers: Tier[];
  earning: {
    points: EarnRate;
    growth?: EarnRate;
    categories: Category[];
    combine: 'multiply' | 'add';
  };
  /** Required when a tier has a discount. */
  discount?: { rounding: Rounding };
}

/** A programme as the core answers it: every default filled in. */
export interface Program extends ProgramInput {
  tiers: Required<Tier>[];
  earning: ProgramInput['earning'] & { categories: (Category & { multiplier_bp: number })[] };
  discount: { rounding: Rounding };
}

export interface MemberState {
  member_id?: string;
  /** Default 0. */
  growth?: number;
  /** The tier held (e.g. retained above what growth gives); default: from growth. */
  tier?: string;
}

export interface CartLine {
  sku: string;
  category: string;
  unit_price: number;
  /** 1 … 1,000,000 */
  quantity: number;
}

export interface PreviewOrderRequest {
  state?: MemberState;
  cart: { lines: CartLine[] };
  /** UTC milliseconds since the epoch; the core reads no clock. */
  at: number;
}

export interface TierProgressRequest {
  state: MemberState;
}

export interface TierProgress {
  tier: string;
  growth: number;
  next_tier: string | null;
  growth_needed: number;
  /** Least paid amount (minor units) whose growth reaches next_tier; null if orders earn no growth. */
  spend_needed: number | null;
  /** 0 … 1000 from the current tier's threshold to the next's. */
  permille: number;
}

export type EarnStep =
  | { rule: 'base'; points: number }
  | { rule: 'category' | 'tier'; id: string; multiplier_bp: number; points: number }
  | { rule: 'clamp_zero'; points: number };

export interface LinePreview extends CartLine {
  subtotal: number;
  discount: number;
  paid: number;
  points: number;
  /** Rule by rule; the points of the steps add up to the line's points. */
  steps: EarnStep[];
}

export interface OrderPreview {
  at: number;
  /** The programme's local day of `at`, "YYYY-MM-DD". */
  local_date: string;
  tier: string;
  lines: LinePreview[];
  subtotal: number;
  discount: number;
  paid: number;
  points: number;
  growth: number;
  progress: TierProgress;
  progress_after: TierProgress;
}

export interface LoyaltyErrorDetail {
  /** Stable machine code, e.g. "cart.unknown_category". */
  code: string;
  message: string;
  /** JSON path into the input, e.g. "cart.lines[2].category"; "" when not about input. */
  path: string;
}

export declare class LoyaltyError extends Error {
  readonly name: 'LoyaltyError';
  readonly code: string;
  readonly path: string;
  /** Every problem found, in input order. */
  readonly errors: LoyaltyErrorDetail[];
}

export type CheckResult = { ok: true; program: Program } | { ok: false; errors: LoyaltyErrorDetail[] };

/** An envelope as text: `{"ok":true,"value":…}` or `{"ok":false,"errors":[…]}`. */
export type EnvelopeText = string;

export interface LoyaltyCore {
  /** The loaded programme, normalised. */
  readonly program: Program;
  /** Replaces the programme; throws LoyaltyError (and keeps the old one) if invalid. */
  loadProgram(program: ProgramInput | string): Program;
  /** Validates without loading; never throws for a bad programme. */
  checkProgram(program: ProgramInput | string): CheckResult;
  /** What a cart earns, line by line and rule by rule. Throws LoyaltyError. */
  previewOrder(request: PreviewOrderRequest | string): OrderPreview;
  /** "680 growth (¥680.00) more to Gold". Throws LoyaltyError. */
  tierProgress(request: TierProgressRequest | string): TierProgress;
  /** The same calls on JSON text, answering envelope text (for hosts that forward text). */
  readonly text: {
    previewOrder(request: string): EnvelopeText;
    tierProgress(request: string): EnvelopeText;
    checkProgram(program: string): EnvelopeText;
  };
}

export interface CreateOptions {
  /** The programme, as an object or its JSON text. */
  program: ProgramInput | string;
  /** Browsers: where the .wasm is; default next to the module. */
  wasmUrl?: string | URL;
  /** Node: the .wasm file; mini-programs: its path in the code package (default "/lib/loyalty-core.wasm"). */
  wasmPath?: string | URL;
  /** Any host but mini-programs: the module's bytes. */
  wasmBytes?: BufferSource;
}

/** Loads the module and the programme. Rejects with LoyaltyError if the programme is invalid. */
export declare function createLoyaltyCore(options: CreateOptions): Promise<LoyaltyCore>;
