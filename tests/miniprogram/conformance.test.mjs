// The conformance vectors through the mini-program loaders (the fourth
// runner): the CommonJS entries in the WeChat-like and Douyin-like hosts,
// WXWebAssembly and TTWebAssembly loading the .wasm.br from the package.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { expandCases, runCase } from '../wasm/vectors.mjs';
import { createWeChatHost } from './wechat-host.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vectorDir = join(root, 'tests', 'vectors');
const documents = readdirSync(vectorDir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => ({ file: f.replace(/\.json$/, ''), doc: JSON.parse(readFileSync(join(vectorDir, f), 'utf8')) }));
const cases = expandCases(documents, (p) => JSON.parse(readFileSync(join(root, p), 'utf8')));

// WeChat's entry over WXWebAssembly, and Douyin's over TTWebAssembly (from the Douyin build).
for (const platform of ['wechat', 'douyin']) {
  const host = createWeChatHost({ platform });
  const { createLoyaltyCore } = host.require('./lib/loyalty-core.js');
  const load = (program) => createLoyaltyCore({ program, wasmPath: '/lib/loyalty-core.wasm.br' });
  const anyCore = await load(readFileSync(join(root, 'programs', 'bakery.json'), 'utf8'));
  const cores = new Map();
  const coreFor = async (program) => {
    const key = JSON.stringify(program);
    if (!cores.has(key)) cores.set(key, await load(program));
    return cores.get(key);
  };

  // One test per vector file: the cases of a file run in one go, as in the page.
  for (const file of [...new Set(cases.map((c) => c.file))]) {
    const mine = cases.filter((c) => c.file === file);
    test(`${file}.json through the ${platform} loader: ${mine.length} cases`, async () => {
      const failures = [];
      for (const c of mine) {
        const difference = await runCase(c, coreFor, anyCore);
        if (difference) failures.push(`${c.name}: ${difference}`);
      }
      assert.deepEqual(failures, []);
    });
  }

  test(`every case ran through ${platform}'s loader and the .wasm.br`, () => {
    assert.ok(host.journal.instantiated.length >= 2);
    assert.ok(host.journal.instantiated.every((p) => p === '/lib/loyalty-core.wasm.br'));
  });
}
