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
