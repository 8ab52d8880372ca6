// Points mall: each item as the core says this member sees it (price, what
// it gives, whether it can be redeemed now or why not), with the stock the
// server last said is left. A redemption waits in the sync queue, shown as
// pending, until the server (which decides the stock) answers; items with a
// cash part are bought at checkout, where the merchant takes the cash.
const { memberPage } = require('../../utils/page.js');

Page(memberPage({
  titleKey: 'mallTitle',

  onShow() {
    if (this.member) this.loadStock();
  },

  // What is left of each stocked item; offline the catalogue goes without it.
  loadStock() {
    return this.member.sync.mallStock().then((res) => {
      if (!res || res.status !== 200) return;
      this.stock = res.json.stock;
      this.render();
    });
  },

  view(member) {
    const t = member.t;
    if (this.stock === undefined && !this.askedStock) {
      this.askedStock = true;
      this.loadStock();
    }
    const catalog = member.session.mallCatalog(Date.now(), this.stock ? { stock: this.stock } : undefined);
    const rules = member.program.mall ? member.program.mall.items : [];
    const name = (id) => {
      const rule = rules.find((x) => x.id === id);
      return rule ? member.name(rule.name) : id;
    };
    const waiting = new Set(member.sync.pendingEvents.filter((e) => e.type === 'mall_redeem').map((e) => e.item));
    return {
      words: { title: t.mallTitle, redeem: t.mallRedeem, mine: t.mallMine, pending: t.pendingMark },
      available: t.available(catalog.available),
      items: catalog.items.map((entry) => {
        const refusal = entry.refusal && t.mallRefusal[entry.refusal];
        const notes = [
          entry.limit_left !== null && entry.can_redeem ? t.mallLimitLeft(entry.limit_left) : '',
          entry.stock_left !== null ? t.mallStockLeft(entry.stock_left) : '',
        ].filter(Boolean).join(' · ');
        return {
          item: entry.item,
          name: name(entry.item),
          price: t.mallPrice(entry.points, entry.cash ? member.money(entry.cash) : ''),
          gives: entry.goods ? t.mallGoods : member.reward(entry.reward),
          notes,
          canRedeem: entry.can_redeem && entry.cash === 0 && !waiting.has(entry.item),
          state: entry.cash > 0 ? t.mallPayAtMerchant : waiting.has(entry.item) ? t.pendingMark
            : entry.can_redeem ? '' : refusal ? refusal(entry.points_short) : t.refused(entry.refusal),
          refusal: entry.refusal || '',
        };
      }),
      mine: catalog.redemptions.slice(-5).reverse().map((r) => ({
        id: r.id,
        cancelled: String(Boolean(r.cancelled_at)),
        text: member.time(r.at) + ' · ' + name(r.item) + ' ×' + r.quantity + (r.cancelled_at ? ' · ' + t.mallCancelled : ''),
      })),
    };
  },

  redeem(e) {
    this.member.act({ type: 'mall_redeem', item: e.currentTarget.dataset.item });
  },
}));
