// The page's state: who the member is, what is in the cart, which language.
// Widgets listen for 'change' and ask the core; nothing here computes points.
// The demo personas are fixed local states for previews; "me" is the
// member's own account, kept by the sync server through the package's sync
// client: its state is the server's, with the unsent events applied on top.
const DEMO_MEMBERS = {
  new: { member_id: 'demo-new', growth: 0 },
  silver: { member_id: 'demo-silver', growth: 1850 },
  gold: { member_id: 'demo-gold', growth: 2600 },
};

export class Store extends EventTarget {
  constructor(core, products, sync) {
    super();
    this.core = core;
    this.sync = sync;
    sync.subscribe(() => this.changed());
    this.products = products;
    this.locale = 'zh-CN';
    this.memberKind = 'new';
    this.quantities = new Map();  // sku -> quantity, in the order added
    this.offline = false;
  }

  get program() {
    return this.core.program;
  }

  // A core on the programme's new version: every answer is asked of it from now on.
  useCore(core) {
    this.persona?.member.close();
    this.persona = null;
    this.core = core;
    this.changed();
  }

  // "me" is the server's state with the member's unsent events applied by
  // the core (the package's sync client keeps both); personas are fixed.
  get state() {
    if (this.memberKind === 'me') return this.sync.projectedState(this.core);
    return DEMO_MEMBERS[this.memberKind];
  }

  // The member's session in the core: the state read once and held until it
  // changes (another persona, the server's answer, an unsent event).
  get member() {
    if (this.memberKind === 'me') return this.sync.session(this.core);
    const state = DEMO_MEMBERS[this.memberKind];
    if (this.persona?.state !== state) {
      this.persona?.member.close();
      this.persona = { state, member: this.core.member(state) };
    }
    return this.persona.member;
  }

  // Asks the core about the member now, e.g. ask('checkinCalendar').
  ask(method, options) {
    return method === 'pointsSummary' ? this.member.pointsSummary(Date.now(), options) : this.member[method](Date.now());
  }

  // A member event (check-in, make-up, like, share, scan, draw), queued for the server.
  act(fields) {
    return this.sync.send(fields);
  }

  product(sku) {
    return this.products.find((p) => p.sku === sku);
  }

  lineOf(product, quantity) {
    return { sku: product.sku, category: product.category, unit_price: product.unit_price, quantity };
  }

  // The core's preview of a cart; `at` is the moment of asking.
  preview(lines) {
    return this.member.previewOrder({ lines }, Date.now());
  }

  // Every product's badge points in one call, kept until something changes.
  listingPoints(sku) {
    if (!this.listing) {
      const { points } = this.member.previewListing(this.products.map((p) => this.lineOf(p, 1)), Date.now());
      this.listing = new Map(this.products.map((p, i) => [p.sku, points[i]]));
    }
    return this.listing.get(sku);
  }

  cartLines() {
    return [...this.quantities].map(([sku, quantity]) => this.lineOf(this.product(sku), quantity));
  }

  setLocale(locale) {
    this.locale = locale;
    document.documentElement.lang = locale;
    this.changed();
  }

  setMember(kind) {
    this.memberKind = kind;
    this.changed();
    if (kind === 'me') this.sync.refresh();
  }

  // The cart becomes an order for the member's account, queued until sent.
  checkout() {
    const lines = this.cartLines();
    if (lines.length === 0) return;
    const points = this.preview(lines).points;
    this.quantities.clear();
    this.sync.call('/v1/demo/checkout', { lines }, { preview_points: points });
    this.changed();
  }

  add(sku, delta = 1) {
    const next = (this.quantities.get(sku) ?? 0) + delta;
    if (next > 0) this.quantities.set(sku, next);
    else this.quantities.delete(sku);
    this.changed();
  }

  changed() {
    this.listing = null;
    this.dispatchEvent(new Event('change'));
  }
}

export const DEMO_MEMBER_KINDS = [...Object.keys(DEMO_MEMBERS), 'me'];
