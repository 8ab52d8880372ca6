// Words and formats for the demo, Chinese first. Numbers come from the core;
// this file only says them in the member's language.
export const messages = {
  'zh-CN': {
    title: '会员商城',
    language: 'English',
    member: '演示会员',
    members: { new: '新会员', silver: '银卡会员', gold: '金卡会员' },
    earn: (n) => `购买得 ${n} 积分`,
    add: '加入购物车',
    cart: '购物车',
    empty: '购物车是空的',
    remove: '减少',
    more: '增加',
    thisOrder: (points, growth) => `本单可得 ${points} 积分 · ${growth} 成长值`,
    total: '合计',
    discount: '会员折扣',
    breakdown: '积分明细',
    rule: { base: '基础积分', category: '品类加倍', tier: '等级加倍', clamp_zero: '不低于零' },
    toNext: (money, tier) => `再消费 ${money} 升级${tier}`,
    top: (tier) => `您已是最高等级：${tier}`,
    afterOrder: (tier) => `下单后将升级为${tier}！`,
    tierOf: (tier) => `当前等级：${tier}`,
    offline: '离线：积分为本地预估',
    error: '出错了',
  },
  en: {
    title: 'Members shop',
    language: '中文',
    member: 'Demo member',
    members: { new: 'New member', silver: 'Silver member', gold: 'Gold member' },
    earn: (n) => `Earn ${n} points`,
    add: 'Add to cart',
    cart: 'Cart',
    empty: 'Your cart is empty',
    remove: 'Fewer',
    more: 'More',
    thisOrder: (points, growth) => `This order earns ${points} points · ${growth} growth`,
    total: 'Total',
    discount: 'Member discount',
    breakdown: 'How the points add up',
    rule: { base: 'Base', category: 'Category bonus', tier: 'Tier bonus', clamp_zero: 'Never below zero' },
    toNext: (money, tier) => `${money} more to ${tier}`,
    top: (tier) => `You are at the top tier: ${tier}`,
    afterOrder: (tier) => `This order takes you to ${tier}!`,
    tierOf: (tier) => `Your tier: ${tier}`,
    offline: 'Offline: points are local previews',
    error: 'Something went wrong',
  },
};

export function localized(text, locale) {
  return text[locale] ?? text.en ?? Object.values(text)[0] ?? '';
}

// Minor units to money text; display only, never used in a rule.
export function formatMoney(minor, currency, locale) {
  const scale = 10 ** currency.minor_units;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.code,
    minimumFractionDigits: currency.minor_units,
  }).format(minor / scale);
}

export function formatMultiplier(bp) {
  return `×${(bp / 10000).toString()}`;
}
