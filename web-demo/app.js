// The demo storefront: loads the programme from the server (or the last copy
// when offline), starts the WASM core in the page and wires up the widgets.
import { createLoyaltyCore } from '/pkg/loyalty-core.web.mjs';

import { localized, formatMoney, messages } from './i18n.js';
import { DEMO_MEMBER_KINDS, Store } from './store.js';
import { SyncClient } from './sync.js';
import { useStore } from './widgets.js';

const PROGRAM_CACHE_KEY = 'loyalty-demo.program';

async function loadProgram() {
  try {
    const response = await fetch('/v1/program');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { program } = await response.json();
    localStorage.setItem(PROGRAM_CACHE_KEY, JSON.stringify(program));
    return { program, offline: false };
  } catch (e) {
    const cached = localStorage.getItem(PROGRAM_CACHE_KEY);
    if (!cached) throw e;
    return { program: JSON.parse(cached), offline: true };
  }
}

function renderChrome(store) {
  const t = messages[store.locale];
  document.title = `${localized(store.program.name, store.locale)} · ${t.title}`;
  document.querySelector('#programme-name').textContent = localized(store.program.name, store.locale);
  document.querySelector('#cart-title').textContent = t.cart;
  document.querySelector('#language').textContent = t.language;
  document.querySelector('#member-label').textContent = t.member;
  document.querySelector('#offline').hidden = !store.offline;
  document.querySelector('#offline').textContent = t.offline;
  const select = document.querySelector('#member');
  select.replaceChildren(...DEMO_MEMBER_KINDS.map((kind) => new Option(t.members[kind], kind, false, kind === store.memberKind)));
  for (const card of document.querySelectorAll('.product')) {
    const product = store.product(card.dataset.sku);
    card.querySelector('h3').textContent = localized(product.name, store.locale);
    card.querySelector('.price').textContent = formatMoney(product.unit_price, store.program.currency, store.locale);
    card.querySelector('button').textContent = t.add;
  }
}

function renderProducts(store) {
  const grid = document.querySelector('#products');
  grid.replaceChildren(...store.products.map((product) => {
    const card = document.createElement('article');
    card.className = 'product';
    card.dataset.sku = product.sku;
    card.innerHTML = '<h3></h3><p class="price"></p><loyalty-badge></loyalty-badge><button type="button"></button>';
    card.querySelector('loyalty-badge').setAttribute('sku', product.sku);
    card.querySelector('button').addEventListener('click', () => store.add(product.sku));
    return card;
  }));
}

async function main() {
  const [{ program, offline }, products] = await Promise.all([
    loadProgram(),
    fetch('./products.json').then((r) => r.json()),
  ]);
  const core = await createLoyaltyCore({ program, wasmUrl: '/pkg/loyalty-core.wasm' });
  const store = new Store(core, products, new SyncClient());
  store.offline = offline;
  renderProducts(store);
  store.addEventListener('change', () => renderChrome(store));
  document.querySelector('#language').addEventListener('click', () => store.setLocale(store.locale === 'zh-CN' ? 'en' : 'zh-CN'));
  document.querySelector('#member').addEventListener('change', (e) => store.setMember(e.target.value));
  renderChrome(store);
  useStore(store);
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  const box = document.querySelector('#fatal');
  box.hidden = false;
  box.textContent = `${e.code ?? 'error'}: ${e.message}`;
  console.error(e);
});
