// Storefront widgets as custom elements: <loyalty-badge sku="…">,
// <loyalty-cart-summary>, <loyalty-tier-progress>, <loyalty-account>. Each renders from the
// shared store and re-renders when it changes. member-widgets.js adds the
// member centre's elements on the same base.
import { formatMoney, formatMultiplier, localized, messages } from './i18n.js';

let store = null;
const defined = [];

export function useStore(s) {
  store = s;
  for (const el of document.querySelectorAll(defined.join(','))) el.render();
}

export function define(name, element) {
  defined.push(name);
  customElements.define(name, element);
}

export const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'style') el.style.cssText = v;  // through CSSOM: the pages' CSP takes no style attributes
    else if (v !== undefined && v !== false) el.setAttribute(k, v === true ? '' : v);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
};

export class StoreElement extends HTMLElement {
  connectedCallback() {
    this.onChange = () => this.render();
    this.listening = store;
    store?.addEventListener('change', this.onChange);
    this.render();
  }
  disconnectedCallback() {
    this.listening?.removeEventListener('change', this.onChange);
  }
  get store() {
    return store;
  }
  get t() {
    return messages[store.locale];
  }
  money(minor) {
    return formatMoney(minor, store.program.currency, store.locale);
  }
  tierName(id) {
    const tier = store.program.tiers.find((t) => t.id === id);
    return tier ? localized(tier.name, store.locale) : id;
  }
  render() {
    if (!store) return;
    if (!this.listening) {
      this.listening = store;
      store.addEventListener('change', this.onChange);
    }
    // Re-rendering replaces the buttons: keep the keyboard where it was.
    const focused = this.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
    try {
      this.replaceChildren(...[this.view()].flat().filter((node) => node !== null));
      if (focused) this.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
    } catch (e) {
      this.replaceChildren(h('span', { class: 'error', role: 'alert' }, `${this.t.error}: ${e.code ?? ''} ${e.message}`));
    }
  }
}

// "Earn 24 points" for one product at the member's tier; the store prices the
// whole listing in one call.
class LoyaltyBadge extends StoreElement {
  view() {
    const points = store.listingPoints(this.getAttribute('sku'));
    return h('span', { class: 'badge', 'data-points': String(points) }, this.t.earn(points));
  }
}

class LoyaltyTierProgress extends StoreElement {
  view() {
    const preview = store.preview(store.cartLines());
    const p = preview.progress;
    const bar = h('div', {
      class: 'bar',
      role: 'progressbar',
      'aria-valuemin': '0',
      'aria-valuemax': '1000',
      'aria-valuenow': String(p.permille),
      'aria-label': this.t.tierOf(this.tierName(p.tier)),
    }, h('div', { class: 'fill', style: `width:${p.permille / 10}%` }));
    const goal = p.next_tier
      ? this.t.toNext(this.money(p.spend_needed), this.tierName(p.next_tier))
      : this.t.top(this.tierName(p.tier));
    const upgrade = preview.progress_after.tier !== p.tier
      ? h('p', { class: 'upgrade' }, this.t.afterOrder(this.tierName(preview.progress_after.tier)))
      : null;
    return [h('p', { class: 'tier' }, this.t.tierOf(this.tierName(p.tier))), bar, h('p', { class: 'goal' }, goal), upgrade];
  }
}

class LoyaltyCartSummary extends StoreElement {
  view() {
    const lines = store.cartLines();
    if (lines.length === 0) return h('p', { class: 'empty' }, this.t.empty);
    const preview = store.preview(lines);
    const rows = preview.lines.map((line) => {
      const product = store.product(line.sku);
      const name = localized(product.name, store.locale);
      return h('li', { class: 'line' },
        h('span', { class: 'name' }, name),
        h('span', { class: 'qty' },
          h('button', { type: 'button', 'data-key': `less-${line.sku}`, 'aria-label': `${this.t.remove} ${name}`, onclick: () => store.add(line.sku, -1) }, '−'),
          h('output', {}, String(line.quantity)),
          h('button', { type: 'button', 'data-key': `more-${line.sku}`, 'aria-label': `${this.t.more} ${name}`, onclick: () => store.add(line.sku, 1) }, '+')),
        h('span', { class: 'amount' }, this.money(line.paid)),
        h('span', { class: 'points' }, `+${line.points}`));
    });
    const steps = preview.lines.map((line) => h('li', {},
      `${localized(store.product(line.sku).name, store.locale)}: `,
      line.steps.map((s) => `${this.t.rule[s.rule]}${s.multiplier_bp ? ` ${formatMultiplier(s.multiplier_bp)}` : ''} ${s.points >= 0 ? '+' : ''}${s.points}`).join(' · ')));
    return [
      h('ul', { class: 'lines' }, ...rows),
      preview.discount > 0 ? h('p', { class: 'discount' }, `${this.t.discount} −${this.money(preview.discount)}`) : null,
      h('p', { class: 'total' }, `${this.t.total} ${this.money(preview.paid)}`),
      h('p', { class: 'earns', 'data-points': String(preview.points) }, this.t.thisOrder(preview.points, preview.growth)),
      h('details', {}, h('summary', {}, this.t.breakdown), h('ul', { class: 'steps' }, ...steps)),
    ];
  }
}

// What waits to sync, whether the server can be reached, what it refused,
// and a button to send now; shared by the account card and the member centre.
export function syncStatus(t, sync) {
  const checkouts = sync.pendingCalls;
  const pendingPoints = checkouts.reduce((sum, item) => sum + item.meta.preview_points, 0);
  return [
    checkouts.length > 0
      ? h('p', { class: 'pending', 'data-count': String(checkouts.length) }, t.pending(checkouts.length, pendingPoints))
      : null,
    sync.pendingEvents.length > 0
      ? h('p', { class: 'pending-events', 'data-count': String(sync.pendingEvents.length) }, t.pendingEvents(sync.pendingEvents.length))
      : null,
    sync.offline ? h('p', { class: 'unsent', role: 'status' }, t.unsent) : null,
    ...sync.rejected.map((r) => h('p', { class: 'error', role: 'alert', 'data-code': r.code }, t.refused(r.code))),
  ];
}

const syncButton = (t, sync) =>
  h('button', { type: 'button', class: 'sync-now', 'data-key': 'sync-now', onclick: () => sync.refresh() }, t.syncNow);

// The member's own account: the server's balance, checkouts waiting to sync
// (marked as estimates), and what the server refused.
class LoyaltyAccount extends StoreElement {
  view() {
    if (store.memberKind !== 'me') return [];
    const sync = store.sync;
    return [
      h('h2', {}, this.t.account),
      h('p', { class: 'balance', 'data-available': String(sync.balances?.available ?? '') },
        sync.balances ? this.t.balance(sync.balances.available) : this.t.notSynced),
      ...syncStatus(this.t, sync),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'checkout', 'data-key': 'checkout', onclick: () => store.checkout(), disabled: store.cartLines().length === 0 }, this.t.checkout),
        syncButton(this.t, sync)),
    ];
  }
}

// The member centre's line about syncing: shown only when there is something to say.
class LoyaltySyncStatus extends StoreElement {
  view() {
    const parts = syncStatus(this.t, store.sync).filter((part) => part !== null);
    return parts.length ? [...parts, h('div', { class: 'actions' }, syncButton(this.t, store.sync))] : [];
  }
}

define('loyalty-badge', LoyaltyBadge);
define('loyalty-account', LoyaltyAccount);
define('loyalty-sync-status', LoyaltySyncStatus);
define('loyalty-tier-progress', LoyaltyTierProgress);
define('loyalty-cart-summary', LoyaltyCartSummary);
