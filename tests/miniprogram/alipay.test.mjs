// The core on Alipay: MyWebAssembly exists only inside a worker, so the page
// reaches the core through worker messages. A fake Alipay host in Node: the
// page's context has `my` (createWorker) and no WebAssembly at all; the
// worker's has the global `worker` and `MyWebAssembly` (package paths only);
// messages between them are copied as JSON, later, as Alipay copies them.
// Every conformance vector runs through it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { brotliDecompressSync } from 'node:zlib';

import { expandCases, runCase } from '../wasm/vectors.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'wasm', 'dist');
// The mini-program package as Alipay would hold it: the worker script in its workers folder.
const packageFiles = {
  'workers/loyalty-core.js': join(dist, 'loyalty-core.alipay-worker.cjs'),
  '/lib/loyalty-core.wasm.br': join(dist, 'loyalty-core.wasm.br'),
  '/lib/loyalty-core.wasm': join(dist, 'loyalty-core.wasm'),
};

function runCommonJs(file, context) {
  const module = { exports: {} };
  vm.compileFunction(readFileSync(file, 'utf8'), ['module', 'exports', 'require'], { parsingContext: context, filename: file })(
    module, module.exports, () => { throw new Error('an Alipay mini-program entry requires nothing'); });
  return module.exports;
}

// A context with none of WebAssembly: what both sides of Alipay lack.
function bareContext(globals) {
  const context = vm.createContext({ console, setTimeout, clearTimeout, ...globals });
  vm.runInContext('delete globalThis.WebAssembly;', context);
  return context;
}

function createAlipayHost({ withMyWebAssembly = true, withWorkers = true } = {}) {
  const journal = { workers: [], instantiated: [], messages: 0 };
  const copy = (message) => JSON.parse(JSON.stringify(message));
  const my = {
    createWorker(path, options) {
      journal.workers.push({ path, options });
      const toPage = [];
      const toWorker = [];
      const worker = {
        onMessage: (handler) => toWorker.push(handler),
        postMessage: (message) => {
          journal.messages += 1;
          const data = copy(message);
          setTimeout(() => toPage.forEach((h) => h(data)), 0);
        },
      };
      const MyWebAssembly = {
        instantiate(wasmPath, imports) {
          journal.instantiated.push(wasmPath);
          if (!packageFiles[wasmPath]) return Promise.reject(new Error(`MyWebAssembly.instantiate: no ${wasmPath} in the package`));
          let bytes = readFileSync(packageFiles[normalize(wasmPath)]);
          if (wasmPath.endsWith('.br')) bytes = brotliDecompressSync(bytes);
          return WebAssembly.instantiate(bytes, imports);
        },
      };
      runCommonJs(packageFiles[path], bareContext({ worker, ...(withMyWebAssembly ? { MyWebAssembly } : {}) }));
      return {
        onMessage: (handler) => toPage.push(handler),
        postMessage: (message) => {
          journal.messages += 1;
          const data = copy(message);
          setTimeout(() => toWorker.forEach((h) => h(data)), 0);
        },
        terminate: () => { toWorker.length = 0; },
      };
    },
  };
  const page = bareContext(withWorkers ? { my } : { my: {} });
  return { journal, ...runCommonJs(join(dist, 'loyalty-core.alipay.cjs'), page) };
}

const bakery = JSON.parse(readFileSync(join(root, 'programs', 'bakery.json'), 'utf8'));
const cart = { lines: [{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 2 }] };

test('the page starts the worker, which loads the .wasm.br through MyWebAssembly; calls answer promises', async () => {
  const host = createAlipayHost();
  const core = await host.createLoyaltyCore({ program: bakery });
  // Each side is its own V8 context: compare what crossed as JSON.
  assert.equal(JSON.stringify(host.journal.workers), JSON.stringify([{ path: 'workers/loyalty-core.js', options: { useExperimentalWorker: true } }]));
  assert.deepEqual(host.journal.instantiated, ['/lib/loyalty-core.wasm.br']);
  assert.equal(core.program.tiers.length, bakery.tiers.length);
  const preview = await core.previewOrder({ state: { growth: 100 }, cart, at: 1796000000000 });
  assert.ok(preview.points > 0);
  core.terminate();
});

test('a member session lives in the worker: asked, changed, written as bytes and opened again from them', async () => {
  const host = createAlipayHost();
  const core = await host.createLoyaltyCore({ program: bakery });
  const at = 1796000000000;
  const member = await core.member({ member_id: 'a-1', growth: 100 });
  assert.equal(await member.points(cart, at), (await core.previewOrder({ state: { member_id: 'a-1', growth: 100 }, cart, at })).points);
  const outcome = await member.apply({ id: 'c1', type: 'checkin', at });
  assert.equal(outcome.ledger[0].kind, 'checkin');
  assert.equal((await member.state).tasks.checkins, 1);
  const bytes = await member.snapshot();
  assert.ok(Object.prototype.toString.call(bytes) === '[object Uint8Array]' && bytes.length > 4, 'bytes cross the JSON copy as bytes');
  await member.close();
  assert.equal((await member.checkinCalendar(at)).streak, 1, 'a closed session reopens when asked');
  const again = await core.member(bytes);
  assert.equal((await again.state).tasks.checkins, 1);
  core.terminate();
});

test('failures reject with the LoyaltyError the core would throw, code and path intact', async () => {
  const host = createAlipayHost();
  const core = await host.createLoyaltyCore({ program: bakery });
  await assert.rejects(core.previewOrder({ state: {}, cart: { lines: [{ sku: 'x', category: 'nope', unit_price: 1, quantity: 1 }] }, at: 1 }),
    (e) => e instanceof host.LoyaltyError && e.code === 'cart.unknown_category' && e.path.startsWith('cart.lines[0]'));
  await assert.rejects(core.member({ growth: -1 }), (e) => e instanceof host.LoyaltyError && e.path.startsWith('state'));
  assert.equal((await core.checkProgram({ tiers: 'no' })).ok, false);
  core.terminate();
});

test('without MyWebAssembly in the worker, or without workers, creation is refused with host.no_mywebassembly', async () => {
  for (const host of [createAlipayHost({ withMyWebAssembly: false }), createAlipayHost({ withWorkers: false })]) {
    await assert.rejects(host.createLoyaltyCore({ program: bakery }), (e) => e instanceof host.LoyaltyError && e.code === 'host.no_mywebassembly');
  }
});

// Every vector, stateless and through a session, across the worker.
const vectorDir = join(root, 'tests', 'vectors');
const documents = readdirSync(vectorDir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => ({ file: f.replace(/\.json$/, ''), doc: JSON.parse(readFileSync(join(vectorDir, f), 'utf8')) }));
const cases = expandCases(documents, (p) => JSON.parse(readFileSync(join(root, p), 'utf8')));
const host = createAlipayHost();
const cores = new Map();
async function coreFor(program) {
  const key = JSON.stringify(program);
  if (!cores.has(key)) cores.set(key, await host.createLoyaltyCore({ program }));
  return cores.get(key);
}
const anyCore = await coreFor(bakery);

for (const file of [...new Set(cases.map((c) => c.file))]) {
  const mine = cases.filter((c) => c.file === file);
  test(`${file}.json through Alipay's worker: ${mine.length} cases`, async () => {
    const failures = [];
    for (const c of mine) {
      const difference = await runCase(c, coreFor, anyCore);
      if (difference) failures.push(`${c.name}: ${difference}`);
    }
    assert.deepEqual(failures, []);
  });
}

test('the vectors crossed as messages, each core in its own worker', () => {
  assert.equal(host.journal.workers.length, cores.size);
  assert.ok(host.journal.messages > cases.length);
  for (const core of cores.values()) core.terminate();
});
