// The CommonJS mini-program entry, with WXWebAssembly stood in for by a
// loader that, like WeChat's, takes a package path and nothing else.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const distUrl = new URL('../../wasm/dist/', import.meta.url);
const bakery = JSON.parse(readFileSync(new URL('../../programs/bakery.json', import.meta.url), 'utf8'));
const { createLoyaltyCore, LoyaltyError } = require('@loyalty-core/wasm/miniprogram');

test('without WXWebAssembly the loader fails loudly with a typed error', async () => {
  delete globalThis.WXWebAssembly;
  await assert.rejects(createLoyaltyCore({ program: bakery }), (e) => {
    assert.ok(e instanceof LoyaltyError);
    assert.equal(e.code, 'host.no_wxwebassembly');
    return true;
  });
});

test('with WXWebAssembly the entry loads from a package path and previews', async () => {
  const paths = [];
  globalThis.WXWebAssembly = {
    instantiate(path, imports) {
      assert.equal(typeof path, 'string');
      paths.push(path);
      return WebAssembly.instantiate(readFileSync(new URL(basename(path), distUrl)), imports);
    },
  };
  try {
    const core = await createLoyaltyCore({ program: bakery });
    assert.deepEqual(paths, ['/lib/loyalty-core.wasm']);
    const preview = core.previewOrder({
      cart: { lines: [{ sku: 'b', category: 'bread', unit_price: 1000, quantity: 1 }] },
      at: 0,
    });
    assert.equal(preview.points, 20);
  } finally {
    delete globalThis.WXWebAssembly;
  }
});

test('in a bare context without TextDecoder, answers still decode UTF-8 exactly', async () => {
  const vm = await import('node:vm');
  const source = readFileSync(new URL('loyalty-core.miniprogram.cjs', distUrl), 'utf8');
  const module = { exports: {} };
  // Only what the entry may rely on in a mini-program: no TextDecoder,
  // no fetch, no document; WXWebAssembly takes a package path.
  const context = vm.createContext({
    module,
    exports: module.exports,
    console,
    WXWebAssembly: {
      instantiate: (path, imports) => WebAssembly.instantiate(readFileSync(new URL(basename(path), distUrl)), imports),
    },
  });
  assert.equal(vm.runInContext('typeof TextDecoder', context), 'undefined');
  vm.runInContext(source, context, { filename: 'loyalty-core.miniprogram.cjs' });
  const core = await module.exports.createLoyaltyCore({ program: bakery });
  assert.equal(core.program.name['zh-CN'], '麦香小馆会员');
  assert.equal(core.program.tiers[2].name['zh-CN'], '金卡');
  const envelope = core.text.checkProgram(JSON.stringify({ ...bakery, name: { 'zh-CN': '🥐 面包' } }));
  assert.equal(JSON.parse(envelope).value.name['zh-CN'], '🥐 面包');
});
