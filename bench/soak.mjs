// Soak: the release server on SQLite under a steady load for a long time
// (30 minutes by default), sampling its memory, open files and threads, and
// the latency of each interval. Memory and descriptors must stay flat; the
// table shows whether they do. Not part of scripts/bench.sh (too long).
//   node bench/soak.mjs [--minutes 30] [--rate 200] [--members 5000] [--member-cache-mb 32]
//                       [--bin build/native-release/server/loyalty] [--order turn|random]
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { client, freshDb, memberToken, merchantKey, root, startServer } from '../tests/server/loyalty-server.mjs';
import { seededRandom } from './seeded_random.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const binary = resolve(root, option('--bin', 'build/native-release/server/loyalty'));
const minutes = Number(option('--minutes', '30'));
const rate = Number(option('--rate', '200'));  // requests a second
// Enough members that each one's history grows as a real member's would (an
// order every few minutes, not every few seconds): a member's state holds
// the orders of the refund window and the lots not yet spent or expired.
const memberCount = Number(option('--members', '5000'));
// Members asked in turn (each state grows in step with the others', and once
// the states outgrow the held-state budget every request misses), or at random
// (seeded: the same run each time), as real members come.
const order = option('--order', 'turn');
if (!['turn', 'random'].includes(order)) throw new Error('--order takes turn or random');
const sampleEvery = Math.min(60, minutes * 6) * 1000 / 6;  // 10 s for a 30-minute run

// The memory for held member states (0: none), to tell their growth from the rest.
const cache = option('--member-cache-mb', '32');
const server = await startServer(['--program', 'programs/bakery.json', '--db', freshDb(), '--member-rate', '0', '--ip-rate', '0',
  '--member-cache-mb', cache], { binary, keepLog: false });
const call = client(server.url);

function processFacts(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))[1]);
  // RSS split: the heap and stacks (anon) apart from mapped files (SQLite's WAL index).
  return { rss_kb: field('VmRSS'), anon_kb: field('RssAnon'), file_kb: field('RssFile') + field('RssShmem'),
    threads: field('Threads'), fds: readdirSync(`/proc/${pid}/fd`).length };
}

// What the server says of its memory: the member states it holds (a cache
// bounded by --member-cache-mb, which grows by design until the budget is
// full), malloc's heap in use and the free memory it keeps, SQLite's share.
async function serverFacts() {
  const health = await (await fetch(`${server.url}healthz`)).json();
  const kb = (bytes) => Math.round(bytes / 1024);
  return { held_kb: kb(health.held_members.bytes), heap_kb: kb(health.memory.heap_in_use),
    free_kb: kb(health.memory.heap_free_kept), sqlite_kb: kb(health.memory.sqlite),
    held_hits: health.held_members.hits, held_misses: health.held_members.misses };
}

// Members with points to spend; then a mix of what members and the
// merchant send: orders (new points), redeems, likes, check-ins, reads.
const members = Array.from({ length: memberCount }, (_, i) => `soak-${i}`);
for (const member_id of members) {
  await call('POST', '/v1/members', { auth: merchantKey, body: { member_id } });
  await call('POST', '/v1/orders', { auth: merchantKey, body: { member_id, id: 'seed', order_id: 'seed', lines: [{ sku: 'cake', category: 'cake', unit_price: 100000000, quantity: 1 }] } });
}
const tokens = new Map(members.map((m) => [m, memberToken(m)]));
let n = 0;
const below = seededRandom(0x2545f491);
function nextRequest() {
  const i = n++;
  const member_id = order === 'turn' ? members[i % members.length] : members[below(members.length)];
  const token = tokens.get(member_id);
  switch (i % 5) {
    case 0: return call('POST', '/v1/orders', { auth: merchantKey, body: { member_id, id: `o${i}`, order_id: `o${i}`, lines: [{ sku: 'tart', category: 'pastry', unit_price: 1500, quantity: 2 }] } });
    case 1: return call('POST', '/v1/sync', { auth: token, body: { events: [{ id: `r${i}`, type: 'redeem', points: 1, reward_id: 'soak' }] } });
    case 2: return call('POST', '/v1/sync', { auth: token, body: { events: [{ id: `l${i}`, type: 'like', article: `a${i}` }, { id: `c${i}`, type: 'checkin' }] } });
    case 3: return call('GET', '/v1/me', { auth: token });
    default: return call('GET', `/v1/me/ledger?limit=50`, { auth: token });
  }
}

const samples = [];
let latencies = [];
let errors = 0;
let inFlight = 0;
const started = performance.now();
let lastSample = started;
const tickMs = 50;
while (performance.now() - started < minutes * 60000) {
  // Steady by the clock: whatever is due by now is sent, however late the tick.
  for (const due = Math.floor((performance.now() - started) * rate / 1000); n < due;) {
    const t0 = performance.now();
    ++inFlight;
    nextRequest().then((res) => {
      if (res.status !== 200) ++errors;
      latencies.push(performance.now() - t0);
    }, () => ++errors).finally(() => --inFlight);
  }
  await new Promise((r) => setTimeout(r, tickMs));
  const now = performance.now();
  if (now - lastSample >= sampleEvery) {
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    samples.push({
      minute: +((now - started) / 60000).toFixed(2),
      requests_per_s: Math.round(latencies.length / ((now - lastSample) / 1000)),
      p50_ms: +at(0.5).toFixed(2), p99_ms: +at(0.99).toFixed(2), errors, in_flight: inFlight,
      ...processFacts(server.pid),
      ...await serverFacts(),
    });
    console.error(JSON.stringify(samples.at(-1)));
    latencies = [];
    lastSample = now;
  }
}
while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
await server.stop();

// Flat: the last quarter against the second (the first holds warm-up: caches, the WAL growing to its size).
const quarter = (q) => samples.slice(Math.floor(samples.length * q / 4), Math.floor(samples.length * (q + 1) / 4));
const mean = (rows, key) => rows.reduce((s, r) => s + r[key], 0) / rows.length;
const summary = {
  minutes, rate, requests: n, errors,
  ...Object.fromEntries(['rss_kb', 'anon_kb', 'file_kb', 'held_kb', 'heap_kb', 'free_kb', 'sqlite_kb'].map((key) => [key, {
    first: samples[0][key], second_quarter: Math.round(mean(quarter(1), key)), last_quarter: Math.round(mean(quarter(3), key)),
    max: Math.max(...samples.map((s) => s[key])) }])),
  fds: { first: samples[0].fds, last: samples.at(-1).fds, max: Math.max(...samples.map((s) => s.fds)) },
  threads: { first: samples[0].threads, last: samples.at(-1).threads },
  p99_ms: { second_quarter: +mean(quarter(1), 'p99_ms').toFixed(2), last_quarter: +mean(quarter(3), 'p99_ms').toFixed(2) },
};
console.log(JSON.stringify({ summary, samples }, null, 1));
