// Whatever text a page sends, the WASM core answers with an envelope or a
// LoyaltyError: never a trap, an abort or a foreign exception. Inputs are the
// vectors' requests mutated by a seeded generator (including lone UTF-16
// surrogates, which reach the core as invalid UTF-8).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createLoyaltyCore } from '@loyalty-core/wasm';

const root = fileURLToPath(new URL('../..', import.meta.url));
const seeds = [];
for (const f of readdirSync(join(root, 'tests', 'vectors')).sort()) {
  for (const c of JSON.parse(readFileSync(join(root, 'tests', 'vectors', f), 'utf8')).cases) {
    seeds.push(c.input_text ?? JSON.stringify(c.input));
  }
}

// splitmix64, as in tests/core/splitmix64.hpp.
function splitmix64(seed) {
  let state = BigInt(seed);
  const mask = (1n << 64n) - 1n;
  return (n) => {
    state = (state + 0x9e3779b97f4a7c15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    return Number((z ^ (z >> 31n)) % BigInt(n));
  };
}

const PUNCTUATION = ['{', '}', '[', ']', '"', ':', ',', '-', '0', '9', '.', 'e', ' ', '\\', 'n', '\u0000', '\ud800', '面'];

function mutate(s, below) {
  for (let e = 1 + below(4); e > 0; --e) {
    const at = below(s.length + 1);
    switch (below(5)) {
      case 0: s = s.slice(0, at) + String.fromCharCode(below(0x3000)) + s.slice(at + 1); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + below(8)); break;
      case 2: s = s.slice(0, at) + PUNCTUATION[below(PUNCTUATION.length)] + s.slice(at); break;
      case 3: s = s.slice(0, at); break;
      default: {
        const other = seeds[below(seeds.length)];
        const from = below(other.length + 1);
        s = s.slice(0, at) + other.slice(from, from + below(64)) + s.slice(at);
      }
    }
  }
  return s;
}

function assertEnvelope(answer, input) {
  const envelope = JSON.parse(answer);
  assert.equal(typeof envelope.ok, 'boolean', input);
  if (!envelope.ok) {
    assert.ok(envelope.errors.length > 0, input);
    for (const e of envelope.errors) assert.ok(typeof e.code === 'string' && e.code.length > 0, input);
  }
}

test('mutated requests and programmes always get an envelope from every WASM operation', async () => {
  const core = await createLoyaltyCore({ program: readFileSync(join(root, 'programs', 'beauty.json'), 'utf8') });
  const below = splitmix64(0x10a1);
  const operations = Object.keys(core.text);
  for (let round = 0; round < 3000; ++round) {
    const input = mutate(seeds[round % seeds.length], below);
    for (const op of operations) assertEnvelope(core.text[op](input), input);
  }
  // And the core still works afterwards: nothing leaked into its state.
  assert.equal(core.previewOrder({ cart: { lines: [] }, at: 0 }).points, 0);
});
