// What a member with history costs the client in each form the server can
// send the state in (`"state": "json" | "snapshot" | "packed"`), side by
// side in one run: the answer's bytes on the wire, and taking it (the
// answer's text parsed, the state's bytes decoded from base64url, the core's
// session opened on them). The member gets 120 orders through the merchant
// API of a real server (the release build), so the packed form is the one
// the server stores.
//   node bench/packed_answer.mjs [--bin build/native-release/server/loyalty]
import { readFileSync } from 'node:fs';

import { createLoyaltyCore } from '../wasm/dist/loyalty-core.node.mjs';
import { client, freshDb, joinMember, merchantKey, root, startServer } from '../tests/server/loyalty-server.mjs';
import { measure } from './timing.mjs';

const argv = process.argv.slice(2);
const binary = argv.includes('--bin') ? argv[argv.indexOf('--bin') + 1] : `${root}build/native-release/server/loyalty`;
const program = JSON.parse(readFileSync(`${root}programs/bakery.json`, 'utf8'));
const core = await createLoyaltyCore({ program });

const server = await startServer(['--program', 'programs/bakery.json', '--db', freshDb(), '--demo', '--member-rate', '0', '--ip-rate', '0'],
  { binary });
const answers = {};
try {
  const call = client(server.url);
  const { member_id, token } = await joinMember(call, 'm-packed-bench');
  for (let i = 0; i < 120; ++i) {
    const lines = [{ sku: `sku-${i % 40}`, category: i % 3 ? 'bread' : 'cake', unit_price: 800 + ((i * 7919) % 6000), quantity: 1 + (i % 3) }];
    const order = await call('POST', '/v1/orders', { auth: merchantKey, body: { member_id, id: `o-${i}`, order_id: `order-${i}`, lines } });
    if (order.status !== 200) throw new Error(order.text);
  }
  for (const form of ['json', 'snapshot', 'packed']) {
    answers[form] = (await call('GET', `/v1/me?state=${form}`, { auth: token })).text;
  }
} finally {
  await server.stop();
}

// Packed or not, the bytes come in `snapshot` and open with the same call.
const take = (text) => {
  const answer = JSON.parse(text);
  return core.member(answer.state ?? Buffer.from(answer.snapshot, 'base64url'));
};
const same = take(answers.json).state;
const rows = [];
for (const form of ['json', 'snapshot', 'packed']) {
  const member = take(answers[form]);
  if (JSON.stringify(member.state) !== JSON.stringify(same)) throw new Error(`${form}: another state`);
  member.close();
  const ns = await measure(() => take(answers[form]).close(), 15);
  rows.push({ form, bytes: answers[form].length, us: ns / 1000 });
}
console.log('| the state sent as | answer, bytes | × packed | taking it, µs | × packed |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const packed = rows.find((r) => r.form === 'packed');
for (const r of rows) {
  console.log(`| ${r.form} | ${r.bytes.toLocaleString('en')} | ${(r.bytes / packed.bytes).toFixed(2)} | ${r.us.toFixed(1)} | ${(r.us / packed.us).toFixed(2)} |`);
}
