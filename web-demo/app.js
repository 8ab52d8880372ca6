// The demo storefront: product cards with their badges, the cart, the tier
// progress and the member's synced account.
import { startPage, showFatal } from './boot.js';
import { localized, formatMoney, messages } from './i18n.js';
import { DEMO_MEMBER_KINDS } from './store.js';

function renderChrome(store) {
  const t = messages[store.locale];
  document.querySelector('#cart-title').textContent = t.cart;
  document.querySelector('#member-label').textContent = t.member;
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
  await startPage({
    pageTitle: 'title',
    products: fetch('./products.json').then((r) => r.json()),
    setup(store) {
      renderProducts(store);
      store.addEventListener('change', () => renderChrome(store));
      document.querySelector('#member').addEventListener('change', (e) => store.setMember(e.target.value));
      renderChrome(store);
    },
  });
}

main().catch(showFatal);
