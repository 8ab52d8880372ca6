// Loyalty Core — TypeScript declarations (hand-written; checked by
// tests/wasm/typed-usage.ts with `tsc -p .`).
//
// Every amount is an integer in minor units (fen, cents); every count and
// time is an integer. All integers stay within ±(2^53 − 1), so JS numbers
// hold them exactly.

/** Text by locale, e.g. `{ "zh-CN": "金卡", "en": "Gold" }`. */
export type LocalizedText = Record<string, string>;

// The bounds the core checks on a programme's values, written as JSDoc tags
// that wasm/schemas.mjs turns into the JSON Schema's keywords, so that an
// editor flags what the core would refuse for the value alone.

/**
 * An id of the programme's: 1 to 64 characters of A-Z a-z 0-9 _ - . :
 * @pattern ^[A-Za-z0-9_.:-]{1,64}$
 */
export type Id = string;
/**
 * A local date, "YYYY-MM-DD", from 1970 on (February 29 only in leap years:
 * the core checks that).
 * @pattern ^(19[7-9][0-9]|[2-9][0-9]{3})-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-9]))$
 */
export type LocalDate = string;
/**
 * A multiplier in basis points: 10000 = ×1, at most ×100.
 * @minimum 0
 * @maximum 1000000
 */
export type MultiplierBp = number;
/**
 * A share in basis points: 10000 = 100 %.
 * @minimum 0
 * @maximum 10000
 */
export type ShareBp = number;
/**
 * Days, 1 … 36600 (100 years).
 * @minimum 1
 * @maximum 36600
 */
export type Days = number;
/**
 * Days, 0 … 36600 (0: none).
 * @minimum 0
 * @maximum 36600
 */
export type DaysOrNone = number;
/**
 * A count of things a member is given or may do, 0 … 10^6.
 * @minimum 0
 * @maximum 1000000
 */
export type Count = number;
/**
 * Points or minor units, never below 0.
 * @minimum 0
 */
export type Amount = number;
/**
 * A term of an earning or redemption rate, 1 … 10^12.
 * @minimum 1
 * @maximum 1000000000000
 */
export type RateTerm = number;

export type Rounding = 'floor' | 'ceil' | 'half_up' | 'half_even';

/** `earn` for every `per_minor` minor units, rounded as named. */
export interface EarnRate {
  /**
   * @minimum 0
   * @maximum 1000000000000
   */
  earn: number;
  per_minor: RateTerm;
  rounding: Rounding;
}

export type Metric = 'growth' | 'spend' | 'orders';

/**
 * A requirement per metric (each at least 1); absent metrics do not count.
 */
export interface Requirement {
  /** @minimum 1 */
  growth?: number;
  /** @minimum 1 */
  spend?: number;
  /** @minimum 1 */
  orders?: number;
}

export interface Tier {
  id: Id;
  name: LocalizedText;
  /** To enter; absent for the first tier (everyone holds it). */
  qualify?: Requirement;
  /** To keep at evaluation; default: qualify. */
  retain?: Requirement;
  /** Points multiplier in basis points (10000 = ×1); default 10000. */
  points_multiplier_bp?: MultiplierBp;
  /** Price discount in basis points; default 0. */
  discount_bp?: ShareBp;
  perks?: Id[];
  /** Points given on the member's birthday, once a year. */
  birthday_points?: Amount;
  /** Reached only by paid membership. */
  paid_only?: boolean;
}

export interface Category {
  id: Id;
  name?: LocalizedText;
  /** Default 10000 (×1). */
  multiplier_bp?: MultiplierBp;
  /** false for what is paid but not bought (shipping, gift cards): no points, no growth, not tier spend. Default true. */
  earns?: boolean;
}

/** A programme as a brand writes it (see programs/*.json). */
export interface ProgramInput {
  /** Where an editor finds this format's JSON Schema, e.g. "../wasm/program.schema.json"; the core reads nothing from it. */
  $schema?: string;
  schema_version: 1;
  id: Id;
  /** @minimum 1 */
  version: number;
  name: LocalizedText;
  currency: {
    /**
     * An ISO 4217 code such as "CNY".
     * @pattern ^[A-Z]{3}$
     */
    code: string;
    /**
     * @minimum 0
     * @maximum 4
     */
    minor_units: number;
  };
  /**
   * The members' local day: −720 … 840.
   * @minimum -720
   * @maximum 840
   */
  utc_offset_minutes: number;
  /**
   * @minItems 1
   * @maxItems 64
   */
  tiers: Tier[];
  qualification?: {
    combine?: 'any' | 'all';
    window?: { kind: 'lifetime' | 'calendar_year' | 'anniversary_year' } | { kind: 'rolling_days'; days: Days };
    evaluation?: 'none' | 'rolling_daily' | 'calendar_year_end' | 'anniversary';
    downgrade?: 'one_tier' | 'recompute';
    grace_days?: DaysOrNone;
  };
  earning: {
    points: EarnRate;
    growth?: EarnRate;
    /**
     * @minItems 1
     * @maxItems 1000
     */
    categories: Category[];
    /** @maxItems 10000 */
    skus?: {
      /** @maxLength 128 */
      id: string;
      multiplier_bp: MultiplierBp;
    }[];
    /**
     * Local dates, inclusive.
     * @maxItems 100
     */
    campaigns?: {
      id: Id;
      from: LocalDate;
      to: LocalDate;
      multiplier_bp: MultiplierBp;
      categories?: Id[];
      /** Only members in one of these segments earn it. */
      segments?: Id[];
    }[];
    birthday?: { multiplier_bp: MultiplierBp; scope: 'day' | 'month' };
    caps?: { period: 'day' | 'month'; points: Amount }[];
    combine: 'multiply' | 'add';
    /** Points vest this many days after the order; default 0. */
    pending_days?: DaysOrNone;
  };
  /** Required when a tier has a discount. */
  discount?: { rounding: Rounding };
  expiry?: (
    | { policy: 'never' }
    | { policy: 'days'; days: Days }
    | {
        policy: 'period_end';
        period: 'month' | 'quarter' | 'year';
        /**
         * @minimum 0
         * @maximum 100
         */
        periods: number;
      }
  ) & { inactivity?: InactivityExpiry };
  refunds?: { shortfall?: 'debt' | 'negative_balance'; window_days?: Days };
  /** `points_per_unit` points pay `unit_minor` minor units. */
  redemption?: {
    points_per_unit: RateTerm;
    unit_minor: RateTerm;
    step?: RateTerm;
    minimum?: Amount;
    /** @minimum 1 */
    max_share_bp?: ShareBp;
  };
  paid_membership?: { tier: Id; days: Days };
  lifecycle?: { new_days?: DaysOrNone; silent_days?: Days; sleeping_days?: Days; lost_days?: Days; recall?: RecallOffer[] };
  /** The sync server uses a client's claimed event time only within this skew (default 300, at most 86400). */
  sync?: {
    /**
     * @minimum 0
     * @maximum 86400
     */
    claimed_time_skew_seconds?: number;
  };
  /** An A/B experiment: each member is in one variant; segments name variants (`when.variants`). */
  experiment?: Experiment;
  /** @maxItems 200 */
  segments?: Segment[];
  tasks?: TaskRules;
  mall?: Mall;
  /**
   * A new version's word on the tiers and categories the version before had
   * and this one has not: old id -> this programme's id. A member's state
   * (its tier, its held orders' categories) written under an earlier version
   * is read as the mapped one. Only ids this programme lacks may be mapped.
   */
  migrate?: { tiers?: Record<Id, Id>; categories?: Record<Id, Id> };
}

/**
 * A segment (人群/分群): a member is in it when every condition stated in
 * `when` holds. Campaigns, limited-time tasks, boxes and mall items may be
 * limited to segments (`segments`: a member in any one of them).
 */
export interface Segment {
  id: Id;
  name?: LocalizedText;
  when: {
    /** The member's variant in the programme's experiment is one of these. */
    variants?: Id[];
    tiers?: Id[];
    stages?: LifecycleStage[];
    /** Available points. */
    balance?: Bounds;
    /** Paid in the last `days` local days (today included), minor units; at most the days activity is kept (the qualification's rolling window, else 367). */
    spend?: Bounds & { days: Days };
    orders?: Bounds & { days: Days };
    /** Whole local days since joining. */
    joined_days?: Bounds;
    /** The member's birthday is (true) or is not (false) in this local month. */
    birthday_month?: boolean;
    /** Holds every one of these operator tags. */
    tags?: Id[];
    /** Holds none of these. */
    not_tags?: Id[];
  };
}

/**
 * Every member is in one variant, by SHA-256 of "seed\nid\nmember_id" (its
 * first 8 bytes, big-endian, modulo 10,000) against the cumulative shares.
 */
export interface Experiment {
  id: Id;
  /** @maxLength 128 */
  seed: string;
  /**
   * Shares in basis points, adding up to 10000.
   * @minItems 1
   * @maxItems 20
   */
  variants: { id: Id; /** @minimum 1 @maximum 10000 */ share_bp: number }[];
}

/** Inclusive; an absent bound does not limit. */
export interface Bounds {
  min?: Amount;
  max?: Amount;
}

/** Which segments a member is in; for the others, each failed condition and what the member has. */
export interface Segments {
  segments: {
    id: string;
    name: LocalizedText;
    in: boolean;
    unmet: { condition: 'variants' | 'tiers' | 'stages' | 'balance' | 'spend' | 'orders' | 'joined_days' | 'birthday_month' | 'tags' | 'not_tags'; have: number | string | boolean | string[] }[];
  }[];
  /** The member's operator tags. */
  tags: string[];
  /** The member's variant, when the programme has an experiment. */
  variant?: string;
}

/**
 * The points mall (积分商城): items bought with points, or points and cash
 * paid at the merchant (whose backend then sends the redemption). The
 * server decides stock; everything else the core decides, for a redemption
 * and for the catalogue a member sees alike.
 */
export interface Mall {
  /**
   * @minItems 0
   * @maxItems 500
   */
  items: MallItem[];
}

export interface MallItem {
  id: Id;
  name?: LocalizedText;
  /** The price of one unit in points. */
  points: Amount;
  /** The price of one unit in cash, minor units, paid at the merchant; default 0. */
  cash?: Amount;
  /** First and last local day of sale, inclusive; absent: open-ended. */
  from?: LocalDate;
  to?: LocalDate;
  /** Units in all (absent: unlimited); the server hands in what is left. */
  stock?: Amount;
  /** Units a local day. */
  daily_stock?: Amount;
  /** Units one member may redeem a local day, a calendar month, and in all; 0 or absent: no limit. */
  limits?: { per_day?: Amount; per_month?: Amount; total?: Amount };
  /** Tiers it is offered to; absent or empty: every tier. */
  tiers?: Id[];
  /** Segments it is offered to (a member in any one); absent or empty: everyone. */
  segments?: Id[];
  /** What one unit gives: a coupon, a red packet, box chances (points, growth and make-up cards are not offered). */
  reward?: Reward;
  /** Physical goods shipped per unit: their id at the merchant (the redemption's id is the fulfilment's). */
  goods?: Id;
}

/** A mall redemption held in a state, for the limits and an exact cancellation. */
export interface MallRedemption {
  /** The redeeming event's id. */
  id: string;
  item: string;
  quantity: number;
  points: number;
  cash: number;
  red_packet: number;
  box_chances: number;
  at: number;
  cancelled_at?: number;
  /** The lots the points came from, given back as they were on a cancellation. */
  parts: { lot: string; points: number; earned_at: number; expires_at?: number }[];
}

/** The mall as one member sees it at `at`. */
export interface MallCatalog {
  /** The member's available points. */
  available: number;
  items: {
    item: string;
    name: LocalizedText;
    points: number;
    cash: number;
    reward: Reward;
    goods?: string;
    from?: string;
    to?: string;
    tiers: string[];
    segments: string[];
    /** Whether one unit can be redeemed now; if not, `refusal` is the code a redemption would be refused with. */
    can_redeem: boolean;
    refusal: ErrorCode | null;
    /** The most units one redemption may take now (0 when refused). */
    max_quantity: number;
    /** The tightest per-member limit's units left; null: no limit. */
    limit_left: number | null;
    /** Points missing for one unit (0: enough). */
    points_short: number;
    /** As the request's `stock` said; null when not given. */
    stock_left: number | null;
    stock_left_today: number | null;
  }[];
  /** The member's latest 20 redemptions, oldest first. */
  redemptions: { id: string; item: string; quantity: number; points: number; cash: number; at: number; cancelled_at?: number }[];
}

/** What the server says is left of each item: GET /v1/mall answers it. */
export type MallStock = Record<string, { left?: number; left_today?: number }>;

/**
 * 召回: x`multiplier_bp` points on the next order within `days` of entering
 * `stage` (at most one offer per stage); shown by taskOverview while open.
 */
export interface RecallOffer {
  id: Id;
  name?: LocalizedText;
  stage: 'silent' | 'sleeping' | 'lost';
  /**
   * ×1 … ×100.
   * @minimum 10000
   */
  multiplier_bp: MultiplierBp;
  days: Days;
}

/** What a check-in day, task, referral or prize gives. Every field defaults to nothing. */
export interface Reward {
  points?: Amount;
  growth?: Amount;
  /** Cash, in minor units. */
  red_packet?: Amount;
  coupon?: { id: Id; valid_days?: DaysOrNone };
  box_chances?: Count;
  makeup_cards?: Count;
}

export type MissPolicy = 'reset_cycle' | 'reset_streak' | 'keep_position';
export type TaskAction = 'checkin' | 'like' | 'scan' | 'share' | 'order';

export interface Prize {
  id: Id;
  name?: LocalizedText;
  /**
   * 0 … 10^9; the odds are weight / the box's total.
   * @minimum 0
   * @maximum 1000000000
   */
  weight: number;
  reward: Reward;
  /** In total; the server supplies what is left with each draw. */
  stock?: Amount;
}

export interface Box {
  id: Id;
  name?: LocalizedText;
  /** Once the day's free draws are used: a chance if the member holds one, else points. */
  cost?: { points?: Amount; chances?: Count };
  /**
   * @minimum 0
   * @maximum 1000
   */
  free_per_day?: number;
  /** @maxItems 100 */
  prizes: Prize[];
  /** Given when the drawn prize is out; absent: drawn again among the prizes left. */
  fallback_prize?: Id;
  daily_budget?: { points?: Amount; red_packet?: Amount };
  /** Opened only by members in one of these segments; absent: by everyone. */
  segments?: Id[];
}

/**
 * A day of the check-in cycle, 1 … 31 (at most the cycle's length).
 * @minimum 1
 * @maximum 31
 */
export type CycleDay = number;

export interface TaskRules {
  /** Task points per member per local day, boxes aside; 0: no cap. */
  daily_points_cap?: Amount;
  checkin?: {
    /** 1 … 31, default 7. */
    cycle_days?: CycleDay;
    on_miss: MissPolicy;
    /** @maxItems 31 */
    rewards?: { day: CycleDay; reward: Reward }[];
    default_reward?: Reward;
    /** pays: 'streak' (default) only fills the day; 'day_reward' also pays the reward of the position it fills. */
    makeup?: { per_cycle?: CycleDay; cost_points?: Amount; pays?: MakeupPays };
  };
  likes?: { reward: Reward; daily_cap?: Count };
  /** Codes of a batch (longest matching prefix) carry the batch's reward. */
  scans?: {
    reward: Reward;
    daily_cap?: Count;
    /** @maxItems 1000 */
    batches?: { prefix: Id; reward: Reward }[];
  };
  referral?: { inviter_reward: Reward; invitee_reward: Reward; max_rewarded?: Count; reward_on?: 'join' | 'first_order' };
  /** @maxItems 100 */
  limited?: {
    id: Id;
    name?: LocalizedText;
    action: TaskAction;
    /** "YYYY-MM-DD", inclusive, local dates. */
    from: LocalDate;
    to: LocalDate;
    repeat?: 'none' | 'day' | 'week' | 'month';
    /**
     * @minimum 1
     * @maximum 1000000
     */
    target?: number;
    reward: Reward;
    /** Counts only the actions of members in one of these segments; absent: everyone's. */
    segments?: Id[];
  }[];
  /** @maxItems 20 */
  boxes?: Box[];
  /** @maxItems 20 */
  spokesperson?: SpokespersonCampaign[];
}

/** What a friend does through a spokesperson's share. */
export type FriendAction = 'visit' | 'join' | 'first_order' | 'order';

/**
 * A spokesperson campaign (代言人): friends a member's share brings count
 * toward milestones; each friend is brought by one share per campaign and
 * counts once per action. The actions counted are those its milestones and
 * per-friend rewards name (at least one).
 */
export interface SpokespersonCampaign {
  id: Id;
  name?: LocalizedText;
  /** "YYYY-MM-DD", inclusive, local dates. */
  from: LocalDate;
  to: LocalDate;
  /** 'new' (default): only friends who join through the share; 'any': members already in count too. */
  friends?: 'new' | 'any';
  /** Minor units an order must reach to count as 'order' (required when 'order' is counted). */
  order_min?: Amount;
  /** @maxItems 50 */
  milestones?: {
    action: FriendAction;
    /**
     * @minimum 1
     * @maximum 10000
     */
    friends: number;
    reward: Reward;
  }[];
  /** A reward for every friend who does the action; one per action. @maxItems 4 */
  each?: { action: FriendAction; reward: Reward }[];
  /**
   * Friends newly counted per local day; 0 (default): no cap.
   * @minimum 0
   * @maximum 10000
   */
  daily_cap?: number;
  /**
   * Friends counted in the campaign; 0 (default): 10,000.
   * @minimum 0
   * @maximum 10000
   */
  cap?: number;
  /** Spokespersons of these tiers only; absent: every tier. */
  tiers?: Id[];
  /** Spokespersons in one of these segments only; absent: everyone. */
  segments?: Id[];
}

/** A programme as the core answers it: every default filled in. */
export type Program = ProgramInput & {
  tiers: Required<Tier>[];
  qualification: Required<NonNullable<ProgramInput['qualification']>>;
  discount: { rounding: Rounding };
  sync: { claimed_time_skew_seconds: number };
};

export interface Lot {
  id: string;
  earned_at: number;
  points: number;
  expires_at?: number;
  /** Present while pending. */
  vests_at?: number;
  order_id?: string;
}

/**
 * A member's state. Every field is optional on input (a new member is `{}`);
 * apply() answers the complete snapshot, which round-trips exactly.
 */
export interface MemberState {
  member_id?: string;
  joined_at?: number;
  /** "MM-DD" */
  birthday?: string;
  /** The time of the last applied event; time never goes back. */
  clock?: number;
  version?: number;
  growth?: number;
  lifetime_spend?: number;
  lifetime_orders?: number;
  /** The tier held through metrics. */
  tier?: string;
  tier_since?: number;
  downgrade?: { to: string; at: number };
  paid?: { tier: string; expires_at: number };
  lots?: Lot[];
  debt?: number;
  orders?: unknown[];
  activity?: { date: string; growth: number; spend: number; orders: number }[];
  cap_day?: { date: string; used: number };
  cap_month?: { month: string; used: number };
  birthday_gift_year?: number;
  last_activity_at?: number;
  /** Under expiry.inactivity: the last activity that keeps points, or their last lapse. */
  points_active_at?: number;
  /** The recall offer given last, kept once the inactivity that gave it ends; `used` by an order. */
  recall?: { offer: string; entered_at: number; used: boolean };
  recent_events?: string[];
  /** Absent until the member does a task. */
  tasks?: TaskState;
  /** The operator's tags (标签), sorted; at most 100. */
  tags?: string[];
}

export interface TaskState {
  checkin?: { start: string; days: string[]; made_up: string[]; streak_before: number };
  checkins?: number;
  today?: { date: string; likes: number; scans: number; task_points: number; free_draws: number };
  liked?: string[];
  scanned?: string[];
  invited_by?: string;
  invitee_rewarded?: boolean;
  invitees?: { member_id: string; rewarded: boolean }[];
  referrals_rewarded?: number;
  progress?: { task: string; period: string; count: number; done: boolean; items: string[] }[];
  /** Boxes opened: the next draw's nonce. */
  draws?: number;
  red_packet?: number;
  coupons?: { coupon: string; event_id: string; granted_at: number; expires_at: number }[];
  box_chances?: number;
  makeup_cards?: number;
  /** The points mall's redemptions, in the order they were made. */
  mall?: MallRedemption[];
  /** The friends this member's shares brought, by campaign, each with the actions counted. */
  campaigns?: { campaign: string; date?: string; today: number; friends: { member_id: string; actions: FriendAction[] }[] }[];
  /** Whose share brought this member into each campaign, and which of its actions were reported to them. */
  brought_by?: { campaign: string; spokesperson: string; joined: boolean; sent: FriendAction[] }[];
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

/** Badges for a listing: each product priced on its own, in one call. */
export interface PreviewListingRequest {
  state?: MemberState;
  products: CartLine[];
  at: number;
}

export interface ListingPreview {
  /** What each product earns (before order caps), in the order given. */
  points: number[];
  /** The tier the points were computed for. */
  tier: string;
}

export interface StateAt {
  state: MemberState;
  at: number;
}

export interface MetricNeed {
  metric: Metric;
  have: number;
  need: number;
  missing: number;
}

export interface TierProgress {
  /** Whose benefits apply now (a paid tier wins over a lower held one). */
  tier: string;
  held_tier: string;
  next_tier: string | null;
  needs: MetricNeed[];
  /** 0 … 1000 from the current tier to the next. */
  permille: number;
  /**
   * The least paid amount (minor units) one order needs to reach next_tier
   * (0: any order); null when no single order can.
   */
  spend_needed: number | null;
  retain_needs: MetricNeed[];
  /** "YYYY-MM-DD" of the next evaluation, or null. */
  evaluation_date: string | null;
  /** Where held_tier would go if evaluated today; null if kept. */
  drop_to: string | null;
  downgrade?: { to: string; at: number };
  paid?: { tier: string; expires_at: number };
}

export type EarnStep =
  | { rule: 'base'; points: number }
  | { rule: 'category' | 'sku' | 'campaign' | 'tier'; id: string; multiplier_bp: number; points: number }
  | { rule: 'birthday'; multiplier_bp: number; points: number }
  | { rule: 'recall'; id: string; multiplier_bp: number; points: number }
  | { rule: 'clamp_zero'; points: number }
  /** The line's category earns nothing (Category.earns): its only step. */
  | { rule: 'not_earning'; id: string; points: 0 };

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
  /** The lines' points before caps. */
  line_points: number;
  caps: { period: 'day' | 'month'; limit: number; used_before: number; cut: number }[];
  /** What the order earns. */
  points: number;
  growth: number;
  vests_at?: number;
  expires_at?: number;
  progress: TierProgress;
  progress_after: TierProgress;
}

export type Event = { id: string; at: number } & (
  | { type: 'order'; order_id: string; lines: CartLine[]; redeem_points?: number }
  | { type: 'refund'; order_id: string; lines?: { line: number; quantity: number }[] }
  | { type: 'redeem'; points: number; reward_id: string }
  | { type: 'birthday' | 'paid_membership' | 'time_passes' | 'checkin' }
  | { type: 'makeup'; /** the missed local date */ day: string; pay?: 'any' | 'card' | 'points' }
  | { type: 'like' | 'share'; article: string }
  | { type: 'scan'; code: string; /** server only: who redeemed the code first */ code_used_by?: string }
  | { type: 'referred'; inviter: string }
  | { type: 'referral'; invitee: string; stage?: 'joined' | 'first_order' }
  | ({ type: 'draw' } & DrawInput)
  | {
      type: 'mall_redeem';
      item: string;
      /** 1 … 100, default 1. */
      quantity?: number;
      /** Server only: what is left of the item's stock. */
      stock?: { left?: number; left_today?: number };
      /** Merchant only: the cash paid for the item's cash part, minor units. */
      cash_paid?: number;
    }
  /** Merchant only: the redemption (its event id) is cancelled; its points come back. */
  | { type: 'mall_cancel'; redemption: string }
  /** Merchant only: the operator adds and removes tags (at least one of the two). */
  | { type: 'tag'; add?: Id[]; remove?: Id[] }
  /**
   * The member opened a spokesperson's share (joined: joined through it).
   * Through the sync server a client sends `code` (the share code) instead; the server fills these in.
   */
  | { type: 'spokesperson_visit'; campaign: string; spokesperson: string; joined?: boolean }
  /** Server only: a friend the member's share brought did a counted action (from the friend's spokesperson_friend notice). */
  | { type: 'spokesperson_credit'; campaign: string; friend: string; action: FriendAction }
  /**
   * Merchant only: customer service adds (or, negative, takes) points and growth, with the reason on
   * every ledger row. Added points are a lot spendable at once that expires as earned points do.
   */
  | { type: 'adjust'; points?: number; growth?: number; /** 1 … 128 bytes */ reason: string }
);

/** A draw as the server completes it: a client never supplies the seed or the outcome. */
export interface DrawInput {
  box: string;
  /** 64 hex digits: the seed whose SHA-256 the server published. */
  seed: string;
  /** Prize id -> what is left; absent: unlimited. */
  stock?: Record<string, number>;
  /** What is left of the box's daily budget. */
  budget?: { points?: number; red_packet?: number };
}

export interface LedgerEntry {
  event_id: string;
  at: number;
  kind:
    | 'earn' | 'vest' | 'expire' | 'checkout' | 'redeem' | 'clawback' | 'debt' | 'debt_settled' | 'returned' | 'birthday_gift'
    | 'checkin' | 'makeup' | 'like' | 'scan' | 'referral' | 'task' | 'box_cost' | 'box_prize' | 'coupon_expired'
    | 'mall_redeem' | 'mall_cancel' | 'tag_added' | 'tag_removed' | 'spokesperson' | 'adjust';
  available: number;
  pending: number;
  debt: number;
  lot?: string;
  order_id?: string;
  reward_id?: string;
  /** Task columns, present when the row moves them. */
  growth?: number;
  red_packet?: number;
  box_chances?: number;
  makeup_cards?: number;
  coupon?: string;
  /** The article, code, member, task, box, campaign or date the row is about. */
  subject?: string;
  prize?: string;
}

export interface Notice {
  kind:
    | 'tier_upgraded' | 'tier_downgraded' | 'downgrade_scheduled' | 'downgrade_cancelled'
    | 'paid_started' | 'paid_renewed' | 'paid_expired' | 'points_capped'
    | 'checked_in' | 'streak_restored' | 'task_completed' | 'box_opened' | 'referral_qualified' | 'referral_capped'
    /** points_lapsing: `until` every point lapses without activity, `points` held now; points_lapsed: `points` gone. */
    | 'points_lapsing' | 'points_lapsed'
    /**
     * spokesperson_friend: tell `subject` (the spokesperson) of this member's `action` in campaign `prize`
     * (the server sends it on as a spokesperson_credit); spokesperson_capped: `subject` (a friend) was not
     * counted, campaign `prize`'s daily or total cap being reached.
     */
    | 'spokesperson_friend' | 'spokesperson_capped';
  /** spokesperson_friend: what the member did. */
  action?: FriendAction;
  at: number;
  from?: string;
  to?: string;
  until?: number;
  points?: number;
  /** checked_in, streak_restored: the day of the cycle and the streak. */
  position?: number;
  streak?: number;
  /** box_opened: the draw's nonce and prize. */
  nonce?: number;
  prize?: string;
  /** The task, box or member the notice is about. */
  subject?: string;
}

export type MakeupPays = 'streak' | 'day_reward';

/** Filling a fillable day now: the position it counts as and what it pays ({} where make-ups only restore the streak). */
export interface MakeupOffer {
  date: string;
  position: number;
  reward: Reward;
}

export type CalendarStatus = 'done' | 'made_up' | 'today' | 'fillable' | 'missed' | 'upcoming';

export interface CheckinOffer {
  position: number;
  reward: Reward;
  streak: number;
}

export interface CheckinCalendar {
  /** Today, local "YYYY-MM-DD". */
  date: string;
  cycle_days: number;
  cycle_start: string;
  on_miss: MissPolicy;
  days: { position: number; date: string | null; status: CalendarStatus; reward: Reward }[];
  streak: number;
  checked_in_today: boolean;
  /** What checking in now gives; null once done today. */
  today: CheckinOffer | null;
  tomorrow: CheckinOffer;
  fillable: string[];
  makeup: { cost_points: number; per_cycle: number; left: number; cards: number; pays: MakeupPays; offers: MakeupOffer[] } | null;
}

export interface TaskOverview {
  balances: { red_packet: number; box_chances: number; makeup_cards: number; coupons: { coupon: string; granted_at: number; expires_at: number }[] };
  boxes: { box: string; free_left: number; cost: { points: number; chances: number }; can_draw: boolean }[];
  daily_points_cap: number;
  task_points_today: number;
  likes: { daily_cap: number; today: number; reward: Reward } | null;
  scans: { daily_cap: number; today: number; reward: Reward } | null;
  limited: { task: string; action: TaskAction; count: number; target: number; done: boolean; ends: string; reward: Reward }[];
  /** Only when the programme has recall offers: the one open now (an order would use it), or null. */
  recall?: { id: string; name?: LocalizedText; stage: 'silent' | 'sleeping' | 'lost'; multiplier_bp: number; entered_at: number; until: number } | null;
  referral: { invited_by?: string; invitees: number; rewarded: number; max_rewarded: number } | null;
  /** Only when the programme has spokesperson campaigns: those running today. */
  spokesperson?: SpokespersonProgress[];
}

export interface SpokespersonProgress {
  campaign: string;
  /** Whether this member may take part (tiers and segments); a share of one who may not counts nothing. */
  eligible: boolean;
  /** Its last local date. */
  ends: string;
  /** Friends counted, today's of them, and by action (the actions the campaign counts). */
  friends: number;
  friends_today: number;
  counts: Partial<Record<FriendAction, number>>;
  cap: number;
  daily_cap: number;
  milestones: { action: FriendAction; friends: number; reached: boolean; reward: Reward }[];
  /** The milestone fewest friends away; null once all are reached. */
  next: { action: FriendAction; friends: number; needed: number; reward: Reward } | null;
}

export interface BoxOdds {
  box: string;
  total_weight: number;
  prizes: { prize: string; weight: number; per_million: number; reward: Reward; stock?: number }[];
}

export interface DrawVerification {
  prize: string;
  nonce: number;
  fallback: boolean;
  redrawn: boolean;
  /** SHA-256 of the seed, hex. */
  commitment: string;
  /** Whether it equals the commitment given; null when none was given. */
  commitment_matches: boolean | null;
}

export interface DrawSimulation {
  box: string;
  draws: number;
  counts: { prize: string; count: number }[];
  /** SHA-256 of the outcome sequence (one byte per draw: the prize's index). */
  sequence_sha256: string;
}

export interface Balances {
  available: number;
  pending: number;
  debt: number;
  /** available, less debt when the programme shows a negative balance. */
  balance: number;
}

export interface Outcome {
  state: MemberState;
  ledger: LedgerEntry[];
  notices: Notice[];
  balances: Balances;
  /** The event id was applied before: nothing changed. */
  duplicate: boolean;
}

export interface Replay {
  state: MemberState;
  ledger: LedgerEntry[];
  notices: Notice[];
  balances: Balances;
  results: { id: string; result: 'applied' | 'duplicate' | 'rejected'; errors?: LoyaltyErrorDetail[] }[];
}

/** Every point lapses after `days` (or `months`) without the activity `counts` names (default earn_or_spend). */
export interface InactivityExpiry {
  days?: Days;
  /**
   * @minimum 1
   * @maximum 1307
   */
  months?: number;
  counts?: 'earn_or_spend' | 'earn' | 'order' | 'any_event';
  /** A points_lapsing notice this many days before; 0 (default): none. */
  remind_days?: DaysOrNone;
}

export interface PointsSummary extends Balances {
  /** By the last local day the points can be used. */
  expiring: { date: string; points: number }[];
  expiring_total: number;
  vesting: { date: string; points: number }[];
  /** Under expiry.inactivity: when every point lapses if nothing happens; null with none held. */
  lapses_at?: number | null;
}

export interface RedemptionPreview {
  available: number;
  max_points: number;
  cash_value: number;
}

export type LifecycleStage = 'new' | 'active' | 'silent' | 'sleeping' | 'lost';

export interface Lifecycle {
  stage: LifecycleStage;
  days_inactive: number;
  next_stage: LifecycleStage | null;
  days_to_next: number | null;
  /** Under expiry.inactivity: as PointsSummary.lapses_at. */
  points_lapse_at?: number | null;
}

/**
 * Every code the core answers, as the README's error table explains them
 * (tests/server/error_codes.test.mjs keeps the two equal). The sync server
 * adds its own (server/openapi.yaml).
 */
export type ErrorCode =
  | 'adjust.growth_below_zero' | 'adjust.nothing' | 'arith.overflow' | 'birthday.already_given' | 'birthday.not_today' | 'birthday.unknown'
  | 'box.daily_limit' | 'box.no_chances' | 'box.no_weight' | 'box.segment_required' | 'box.sold_out' | 'box.unknown'
  | 'box.unknown_prize' | 'campaigns.dates_reversed' | 'campaigns.unknown_category' | 'caps.duplicate_period'
  | 'cart.unknown_category' | 'categories.duplicate_id' | 'categories.empty' | 'checkin.already_today'
  | 'checkin.duplicate_day' | 'checkin.not_offered' | 'draw.invalid_seed' | 'event.out_of_order'
  | 'experiment.duplicate_id' | 'experiment.shares' | 'expiry.before_vesting' | 'expiry.inactivity_period' | 'field.missing' | 'field.unknown' | 'host.no_mywebassembly' | 'host.no_ttwebassembly' | 'host.no_wxwebassembly' | 'internal.error'
  | 'json.duplicate_key' | 'json.syntax' | 'json.too_deep' | 'json.too_large' | 'json.unserializable'
  | 'lifecycle.order' | 'like.already_rewarded' | 'like.daily_cap' | 'like.not_offered'
  | 'makeup.already_checked_in' | 'makeup.limit_reached' | 'makeup.no_card' | 'makeup.not_for_points'
  | 'makeup.not_in_cycle' | 'makeup.not_offered' | 'makeup.not_past'
  | 'mall.already_cancelled' | 'mall.cash_mismatch' | 'mall.cash_unpaid' | 'mall.duplicate_id' | 'mall.gives_nothing'
  | 'mall.limit_day' | 'mall.limit_month' | 'mall.limit_total' | 'mall.not_on_sale' | 'mall.reward_not_offered'
  | 'mall.sale_ended' | 'mall.segment_required' | 'mall.sold_out' | 'mall.sold_out_today' | 'mall.tier_required' | 'mall.unknown_item'
  | 'mall.unknown_redemption' | 'mall.unknown_tier' | 'mall.window_reversed'
  | 'migrate.category_exists' | 'migrate.tier_exists' | 'migrate.unknown_category' | 'migrate.unknown_tier'
  | 'order.duplicate'
  | 'paid_membership.not_offered' | 'paid_membership.unknown_tier' | 'points.insufficient'
  | 'program.unsupported_schema' | 'recall.duplicate_id' | 'recall.duplicate_stage' | 'redeem.not_allowed' | 'redeem.not_offered' | 'redeem.over_share'
  | 'referral.already_referred' | 'referral.already_rewarded' | 'referral.circular' | 'referral.duplicate'
  | 'referral.not_due' | 'referral.not_offered' | 'referral.self' | 'referral.unknown_invitee'
  | 'refund.nothing_left' | 'refund.too_many' | 'refund.unknown_line' | 'refund.unknown_order'
  | 'request.unknown_op' | 'scan.code_used' | 'scan.daily_cap' | 'scan.not_offered'
  | 'segments.bounds_reversed' | 'segments.duplicate_id' | 'segments.unknown' | 'segments.unknown_tier'
  | 'segments.unknown_variant' | 'segments.window_too_long' | 'skus.duplicate_id'
  | 'spokesperson.already_brought' | 'spokesperson.already_counted' | 'spokesperson.circular'
  | 'spokesperson.duplicate_action' | 'spokesperson.duplicate_milestone' | 'spokesperson.new_members_only'
  | 'spokesperson.not_counted' | 'spokesperson.not_eligible' | 'spokesperson.not_running'
  | 'spokesperson.nothing_counted' | 'spokesperson.order_min_required' | 'spokesperson.self'
  | 'spokesperson.unknown_campaign' | 'spokesperson.unknown_tier'
  | 'state.activity_order' | 'state.checkin_cycle' | 'state.orders_order' | 'state.unknown_tier'
  | 'tags.add_and_remove' | 'tags.too_many' | 'task.window_reversed' | 'tasks.duplicate_id' | 'tiers.duplicate_id' | 'tiers.empty'
  | 'tiers.first_qualifies_everyone' | 'tiers.retain_above_qualify' | 'tiers.threshold_order'
  | 'type.expected_array' | 'type.expected_boolean' | 'type.expected_integer' | 'type.expected_object'
  | 'type.expected_string' | 'value.empty' | 'value.invalid_currency' | 'value.invalid_date'
  | 'value.invalid_hex' | 'value.invalid_id' | 'value.out_of_range' | 'value.too_long' | 'value.too_many'
  | 'value.unknown_choice' | 'value.unknown_rounding';

export interface LoyaltyErrorDetail {
  /** Stable machine code, e.g. "cart.unknown_category". */
  code: ErrorCode;
  message: string;
  /** JSON path into the input, e.g. "cart.lines[2].category"; "" when not about input. */
  path: string;
}

export declare class LoyaltyError extends Error {
  readonly name: 'LoyaltyError';
  readonly code: ErrorCode;
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
  /** What a cart earns, line by line and rule by rule. */
  previewOrder(request: PreviewOrderRequest | string): OrderPreview;
  /** Points per product for a listing of any length, one call (no JSON per product). */
  previewListing(request: PreviewListingRequest | string): ListingPreview;
  /** How far the next tier is, and what keeps this one. */
  tierProgress(request: StateAt | string): TierProgress;
  /** Balances, what expires when (horizon_days, default 30) and what vests when. */
  pointsSummary(request: (StateAt & { horizon_days?: number }) | string): PointsSummary;
  /** The most points usable on an order of `order_total` minor units. */
  redemptionPreview(request: (StateAt & { order_total: number }) | string): RedemptionPreview;
  lifecycle(request: StateAt | string): Lifecycle;
  /** The check-in cycle as a calendar: done, made-up, fillable and missed days; today's and tomorrow's reward. */
  checkinCalendar(request: StateAt | string): CheckinCalendar;
  /** Likes, scans, limited-time tasks, referrals, boxes and reward balances, for a task list. */
  taskOverview(request: StateAt | string): TaskOverview;
  /** The points mall as the member sees it; `stock` as the server said (GET /v1/mall). */
  mallCatalog(request: (StateAt & { stock?: MallStock }) | string): MallCatalog;
  /** Which of the programme's segments the member is in, and why not the others. */
  segments(request: StateAt | string): Segments;
  /** A box's published odds. */
  boxOdds(request: { box: string } | string): BoxOdds;
  /** Recomputes a draw from the revealed seed; checks the seed against the published commitment. */
  verifyDraw(request: { member_id: string; nonce: number; draw: DrawInput; commitment?: string } | string): DrawVerification;
  /** Many draws (at most 100,000 per call; page on with `from_nonce`) from one seed: how often each prize comes out. */
  simulateDraws(request: { member_id: string; draw: DrawInput; from_nonce?: number; count: number } | string): DrawSimulation;
  /** SHA-256 of `message_hex`, or HMAC-SHA-256 with `key_hex`. */
  digest(request: { message_hex: string; key_hex?: string } | string): { algorithm: 'sha256' | 'hmac_sha256'; digest: string };
  /** The transition: a new state, its ledger rows and notices. The input state is not changed. */
  apply(request: { state: MemberState; event: Event } | string): Outcome;
  /** Events in order; a refused one is reported and skipped. */
  applyEvents(request: { state: MemberState; events: Event[] } | string): Replay;
  /**
   * A member session: the state (object, JSON text, or the binary snapshot
   * a session's snapshot() gave or the sync server sent, packed or not) read
   * once and held in the module, then
   * asked without it. Throws LoyaltyError (paths under
   * "state") if the state does not read. Nothing to free: a session is
   * released when unreachable, or at once by close().
   */
  member(state: MemberState | string | Uint8Array | ArrayBuffer): MemberSession;
  /** How many sessions the module holds now; at most 1,024 (the least recently used is written out and re-read when used). */
  readonly openMembers: number;
  /** The module's memory in bytes (it grows, never shrinks): for diagnostics. */
  readonly memoryBytes: number;
  /** The same calls on JSON text, answering envelope text (for hosts that forward text). */
  readonly text: {
    checkProgram(program: string): EnvelopeText;
    previewOrder(request: string): EnvelopeText;
    previewListing(request: string): EnvelopeText;
    tierProgress(request: string): EnvelopeText;
    pointsSummary(request: string): EnvelopeText;
    redemptionPreview(request: string): EnvelopeText;
    lifecycle(request: string): EnvelopeText;
    checkinCalendar(request: string): EnvelopeText;
    taskOverview(request: string): EnvelopeText;
    mallCatalog(request: string): EnvelopeText;
    segments(request: string): EnvelopeText;
    boxOdds(request: string): EnvelopeText;
    verifyDraw(request: string): EnvelopeText;
    simulateDraws(request: string): EnvelopeText;
    digest(request: string): EnvelopeText;
    apply(request: string): EnvelopeText;
    applyEvents(request: string): EnvelopeText;
  };
}

/**
 * One member's state held in the core. Every answer is what the stateless
 * call gives on the same state; `at` is UTC milliseconds (the core reads no
 * clock). Answers cost the same for a member with years of history as for a
 * new one.
 */
export interface MemberSession {
  /** The held state, written when asked. */
  readonly state: MemberState;
  /** Only what the cart earns (OrderPreview.points): for badges and carts re-priced on every tap. */
  points(cart: { lines: CartLine[] }, at: number): number;
  previewOrder(cart: { lines: CartLine[] }, at: number): OrderPreview;
  previewListing(products: CartLine[], at: number): ListingPreview;
  /** Frozen, and the same object while it holds (the rest of the local day, until something falls due). */
  tierProgress(at: number): Readonly<TierProgress>;
  pointsSummary(at: number, options?: { horizon_days?: number }): PointsSummary;
  redemptionPreview(orderTotal: number, at: number): RedemptionPreview;
  lifecycle(at: number): Lifecycle;
  checkinCalendar(at: number): CheckinCalendar;
  taskOverview(at: number): TaskOverview;
  /** The points mall as the member sees it; `stock` as the server said (GET /v1/mall). */
  mallCatalog(at: number, options?: { stock?: MallStock }): MallCatalog;
  /** Which of the programme's segments the member is in, and why not the others. */
  segments(at: number): Segments;
  /** Applies an event to the held state; the answer leaves the state out (read `state`). A refused event changes nothing. */
  apply(event: Event): Omit<Outcome, 'state'>;
  applyEvents(events: Event[]): Omit<Replay, 'state'>;
  /** The held state as a compact binary snapshot: what to store to open the member again quickly (core.member(bytes)). */
  snapshot(): Uint8Array;
  /** Releases the module's copy now; the session re-reads its state if used again. */
  close(): void;
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
