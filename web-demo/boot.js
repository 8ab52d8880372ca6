// What both demo pages do first: load the programme from the server (or the
// last copy when offline), start the WASM core in the page (again on a new
// programme version the server publishes), and keep the
// header (title, language, offline notice) in the member's language.

import { localized, messages } from './i18n.js';
import { packageFiles } from './package.js';
import { Store } from './store.js';
import { useStore } from './widgets.js';

const PROGRAM_CACHE_KEY = 'loyalty-demo.program';

async function loadPackage() {
  const url = await packageFiles();
  const [core, sync] = await Promise.all([import(url('loyalty-core.web.mjs')), import(url('loyalty-sync.mjs'))]);
  return { ...core, ...sync, wasmUrl: url('loyalty-core.wasm') };
}

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

function renderHeader(store, pageTitle) {
  const t = messages[store.locale];
  const name = localized(store.program.name, store.locale);
  document.title = `${name} · ${t[pageTitle]}`;
  document.querySelector('#programme-name').textContent = name;
  document.querySelector('#language').textContent = t.language;
  document.querySelector('#offline').hidden = !store.offline;
  document.querySelector('#offline').textContent = t.offline;
  for (const link of document.querySelectorAll('[data-text]')) link.textContent = t[link.dataset.text];
}

// Starts a page: `setup(store)` builds its parts before the widgets first render.
export async function startPage({ pageTitle, products = [], memberKind = 'new', setup = () => {} }) {
  const [{ program, offline }, productList, pkg] = await Promise.all([loadProgram(), products, loadPackage()]);
  const { createLoyaltyCore, SyncClient, browserHost, wasmUrl } = pkg;
  const core = await createLoyaltyCore({ program, wasmUrl });
  const sync = new SyncClient({ host: browserHost(), storageKey: 'loyalty-demo.account', memberPrefix: 'web-' });
  // Opened through a spokesperson's share link: joins (or visits) through its code.
  const share = new URLSearchParams(window.location.search).get('share');
  if (share) sync.arrivedThrough(share);
  const store = new Store(core, productList, sync);
  // A brand's new rules: the first answer that names another version brings
  // them, kept for offline starts, and every preview follows at once.
  sync.followProgram(program.version, async ({ program: next }) => {
    localStorage.setItem(PROGRAM_CACHE_KEY, JSON.stringify(next));
    store.useCore(await createLoyaltyCore({ program: next, wasmUrl }));
  });
  store.offline = offline;
  store.memberKind = memberKind;
  document.documentElement.lang = store.locale;
  setup(store);
  store.addEventListener('change', () => renderHeader(store, pageTitle));
  document.querySelector('#language').addEventListener('click', () => store.setLocale(store.locale === 'zh-CN' ? 'en' : 'zh-CN'));
  renderHeader(store, pageTitle);
  useStore(store);
  performance.mark('loyalty:first-preview');
  document.body.dataset.ready = 'true';
  return store;
}

export function showFatal(e) {
  const box = document.querySelector('#fatal');
  box.hidden = false;
  box.textContent = `${e.code ?? 'error'}: ${e.message}`;
  console.error(e);
}
