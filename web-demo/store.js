// The page's state: who the member is, what is in the cart, which language.
// Widgets listen for 'change' and ask the core; nothing here computes points.
const DEMO_MEMBERS = {
  new: { member_id: 'demo-new', growth: 0 },
  silver: { member_id: 'demo-silver', growth: 1850 },
  gold: { member_id: 'demo-gold', growth: 2600 },
};

export class Store extends EventTarget {
  constructor(core, products) {
    super();
    this.core = core;
    this.products = products;
    this.locale = 'zh-CN';
    this.memberKind = 'new';
    this.quantities = new Map();  // sku -> quantity, in the order added
    this.offline = false;
  }

  get program() {
    return this.core.program;
  }

  get state() {
    return DEMO_MEMBERS[this.memberKind];
  }

  product(sku) {
    return this.products.find((p) => p.sku === sku);
  }

  lineOf(product, quantity) {
    return { sku: product.sku, category: product.category, unit_price: product.unit_price, quantity };
  }

  // The core's preview of a cart; `at` is the moment of asking.
  preview(lines) {
    return this.core.previewOrder({ state: this.state, cart: { lines }, at: Date.now() });
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
  }

  add(sku, delta = 1) {
    const next = (this.quantities.get(sku) ?? 0) + delta;
    if (next > 0) this.quantities.set(sku, next);
    else this.quantities.delete(sku);
    this.changed();
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }
}

export const DEMO_MEMBER_KINDS = Object.keys(DEMO_MEMBERS);
