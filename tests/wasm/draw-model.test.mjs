// A second, independent account of how a box draws (written from the
// published rule with Node's own HMAC, not from the core's code): for nonce n
// the member's stream is HMAC-SHA-256(seed, "member\nbox\nn\nk") for k = 0, 1, …,
// read as big-endian 64-bit numbers; numbers in the biased top of the range
// are skipped; the first other one, modulo the total weight, picks the prize.
// The core's simulations must agree with it draw by draw.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { createLoyaltyCore } from '@loyalty-core/wasm';

const bakery = JSON.parse(readFileSync(new URL('../../programs/bakery.json', import.meta.url), 'utf8'));
const core = await createLoyaltyCore({ program: bakery });
const seed = '4a9ff6b4f33f87913ea9bacce120c8960d38e5795938f62ab6ab6007f02c7b49';
const chest = bakery.tasks.boxes.find((b) => b.id === 'chest');

function modelDraw(box, seedHex, member, nonce) {
  const weights = box.prizes.map((p) => BigInt(p.weight));
  const total = weights.reduce((a, b) => a + b, 0n);
  const top = 2n ** 64n - (2n ** 64n % total);  // numbers from here on are biased
  for (let k = 0; ; k++) {
    const block = createHmac('sha256', Buffer.from(seedHex, 'hex')).update(`${member}\n${box.id}\n${nonce}\n${k}`).digest();
    for (let i = 0; i < 4; i++) {
      const x = block.readBigUInt64BE(i * 8);
      if (x >= top) continue;
      let r = x % total;
      for (let p = 0; p < weights.length; p++) {
        if (r < weights[p]) return p;
        r -= weights[p];
      }
    }
  }
}

function modelSimulation(box, seedHex, member, from, count) {
  const counts = box.prizes.map(() => 0);
  const sequence = createHash('sha256');
  for (let n = from; n < from + count; n++) {
    const prize = modelDraw(box, seedHex, member, n);
    counts[prize]++;
    sequence.update(Buffer.from([prize]));
  }
  return {
    box: box.id,
    counts: box.prizes.map((p, i) => ({ count: counts[i], prize: p.id })),
    draws: count,
    sequence_sha256: sequence.digest('hex'),
  };
}

test('the core draws what an independent model of the published rule draws, draw by draw', () => {
  for (const [member, from, count] of [['m-1', 0, 20000], ['m-2', 0, 1000], ['m-1', 123456789, 5000]]) {
    const simulated = core.simulateDraws({ member_id: member, draw: { box: 'chest', seed }, from_nonce: from, count });
    assert.deepEqual(simulated, modelSimulation(chest, seed, member, from, count), `${member} from ${from}`);
  }
});

test('the boxes vectors for simulated draws are what the independent model says', () => {
  const vectors = JSON.parse(readFileSync(new URL('../vectors/boxes.json', import.meta.url), 'utf8'));
  const simulations = vectors.cases.filter((c) => c.op === 'simulate_draws' && c.output);
  assert.ok(simulations.length >= 2);
  for (const c of simulations) {
    const { member_id: member, from_nonce: from = 0, count, draw } = c.input;
    assert.deepEqual(c.output, modelSimulation(chest, draw.seed, member, from, count), c.name);
  }
});
