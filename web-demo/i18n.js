// Words and formats for the demo, Chinese first. Numbers come from the core;
// this file only says them in the member's language.
export const messages = {
  'zh-CN': {
    title: '会员商城',
    language: 'English',
    member: '演示会员',
    members: { new: '新会员', silver: '银卡会员', gold: '金卡会员', me: '我的账户（同步）' },
    account: '我的积分',
    balance: (n) => `可用积分 ${n}`,
    notSynced: '尚未与服务器同步',
    pending: (n, points) => `待同步 ${n} 单 · 预估 +${points} 积分`,
    checkout: '结算',
    syncNow: '立即同步',
    unsent: '无法连接服务器：订单已保存，联网后自动同步',
    refused: (code) => `订单未被接受（${code}）`,
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
    members: { new: 'New member', silver: 'Silver member', gold: 'Gold member', me: 'My account (synced)' },
    account: 'My points',
    balance: (n) => `${n} points to spend`,
    notSynced: 'Not synced with the server yet',
    pending: (n, points) => `${n} order(s) waiting to sync · about +${points} points`,
    checkout: 'Check out',
    syncNow: 'Sync now',
    unsent: 'The server cannot be reached: orders are kept and sent when it can',
    refused: (code) => `Order not accepted (${code})`,
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
