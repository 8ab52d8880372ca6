// Load on POST /v1/sync: C concurrent clients, each a member sending
// one-event batches (a 1-point redeem) back to back for a few seconds.
// Prints JSON: { "<c>": { events_per_s, p50_ms, p99_ms } } for c in 1, 16, 64.
//   node bench/sync_load.mjs [--bin build/native-release/server/loyalty] [--seconds 4]
import { resolve } from 'node:path';

import { client, freshDb, memberToken, merchantKey, root, startServer } from '../tests/server/loyalty-server.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
// The release build unless told otherwise; the tests' default is the sanitised debug build.
const binary = resolve(root, option('--bin', 'build/native-release/server/loyalty'));
const seconds = Number(option('--seconds', '4'));

const server = await startServer(['--program', 'programs/bakery.json', '--db', freshDb(), '--member-rate', '0', '--ip-rate', '0'], { binary });
const call = client(server.url);
const results = {};
try {
  for (const clients of [1, 16, 64]) {
    const tokens = [];
    for (let c = 0; c < clients; ++c) {
      const member_id = `load-${clients}-${c}`;
      await call('POST', '/v1/members', { auth: merchantKey, body: { member_id } });
      await call('POST', '/v1/orders', {
        auth: merchantKey,
        body: { member_id, id: 'seed', order_id: 'seed', lines: [{ sku: 'cake', category: 'cake', unit_price: 10000000, quantity: 1 }] },
      });
      tokens.push(memberToken(member_id));
    }
    const latencies = [];
    const end = performance.now() + seconds * 1000;
    await Promise.all(tokens.map(async (token, c) => {
      for (let n = 0; performance.now() < end; ++n) {
        const t0 = performance.now();
        const res = await call('POST', '/v1/sync', { auth: token, body: { events: [{ id: `e-${c}-${n}`, type: 'redeem', points: 1, reward_id: 'load' }] } });
        if (res.status !== 200 || res.json.results[0].result !== 'applied') throw new Error(res.text);
        latencies.push(performance.now() - t0);
      }
    }));
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    results[clients] = { events_per_s: Math.round(latencies.length / seconds), p50_ms: +at(0.5).toFixed(2), p99_ms: +at(0.99).toFixed(2) };
  }
} finally {
  await server.stop();
}
console.log(JSON.stringify(results));

