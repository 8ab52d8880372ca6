// The conformance vectors against the WASM build in Node (the second runner).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createLoyaltyCore } from '@loyalty-core/wasm';

import { expandCases, runCase } from './vectors.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vectorDir = join(root, 'tests', 'vectors');
const documents = readdirSync(vectorDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f.replace(/\.json$/, ''), doc: JSON.parse(readFileSync(join(vectorDir, f), 'utf8')) }));
const cases = expandCases(documents, (p) => JSON.parse(readFileSync(join(root, p), 'utf8')));

const bakery = readFileSync(join(root, 'programs', 'bakery.json'), 'utf8');
const anyCore = await createLoyaltyCore({ program: bakery });
const cores = new Map();
async function coreFor(program) {
  const key = JSON.stringify(program);
  if (!cores.has(key)) cores.set(key, await createLoyaltyCore({ program }));
  return cores.get(key);
}

for (const c of cases) {
  test(`${c.file} › ${c.name}`, async () => {
    const difference = await runCase(c, coreFor, anyCore);
    assert.equal(difference, null, difference ?? '');
  });
}
