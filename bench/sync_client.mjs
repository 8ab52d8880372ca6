// The package's sync client for a member with a year of history, the state
// kept as JSON (stateForm 'json') beside kept as the core's snapshot (the
// default), in one run: what a member centre pays to open (read the saved
// account from storage, open the core's session, ask the first question),
// what a server answer costs (parse it, take it, save the account, open the
// session on the new state), and what the account takes in storage.
//   node bench/sync_client.mjs [--json]
import { readFileSync } from 'node:fs';

import { createLoyaltyCore } from '../wasm/dist/loyalty-core.node.mjs';
import { SyncClient } from '../wasm/dist/loyalty-sync.mjs';
import { yearOfHistory } from './member_history.mjs';
import { measure } from './timing.mjs';

const root = new URL('..', import.meta.url);
const program = JSON.parse(readFileSync(new URL('programs/bakery.json', root), 'utf8'));
const core = await createLoyaltyCore({ program });
const categories = program.earning.categories.filter((c) => c.earns !== false).map((c) => c.id);
const { state, at } = yearOfHistory(core, { from: Date.UTC(2025, 10, 1), categories });
// Two states a day apart, so that each answer brings a state other than the one held.
const later = core.apply({ state, event: { id: 'c-1', type: 'checkin', at } }).state;
const snapshotOf = (s) => {
  const member = core.member(s);
  const bytes = Buffer.from(member.snapshot()).toString('base64url');
  member.close();
  return bytes;
};
const snapshot = snapshotOf(state);
const answer = { balances: { available: 0, balance: 0, debt: 0, pending: 0 }, member_id: state.member_id, server_time: at, version: state.version };
// An answer as it arrives: text, parsed by the host.
const answerTexts = (field, values) => values.map((value, i) => JSON.stringify({ ...answer, [field]: value, version: state.version + i }));

// A host whose storage is text, as localStorage and wx storage keep it.
function host(saved) {
  const values = new Map([['account', JSON.stringify(saved)]]);
  return {
    request: async () => null,
    load: (key) => JSON.parse(values.get(key) ?? 'null'),
    save: (key, value) => values.set(key, JSON.stringify(value)),
    loginCode: async () => '',
    newId: () => 'id',
    stored: () => values.get('account').length,
  };
}

const forms = {
  json: { saved: { memberId: state.member_id, state, version: state.version }, answers: answerTexts('state', [state, later]) },
  snapshot: { saved: { memberId: state.member_id, snapshot, version: state.version }, answers: answerTexts('snapshot', [snapshot, snapshotOf(later)]) },
};
const timers = { setTimeout: () => 0, clearTimeout: () => {} };
const rows = [];
for (const [stateForm, { saved, answers }] of Object.entries(forms)) {
  const h = host(saved);
  const open = await measure(() => {
    const client = new SyncClient({ host: h, storageKey: 'account', timers, stateForm });
    client.session(core).tierProgress(at);
    client.stop();
  }, 15);
  const client = new SyncClient({ host: h, storageKey: 'account', timers, stateForm });
  let n = 0;
  const answered = await measure(() => {
    n += 1;
    const reply = JSON.parse(answers[n % 2]);
    reply.version = state.version + n;  // each answer newer than the last: the account takes it
    client.adopt(reply);
    client.save();
    client.session(core).tierProgress(at);
  }, 15);
  client.stop();
  rows.push({ stateForm, open_us: open / 1000, answer_us: answered / 1000, stored_bytes: h.stored() });
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows));
} else {
  const [json, snap] = rows;
  console.log(`a member with a year of history (${JSON.stringify(state).length} bytes of JSON state), in one run:`);
  console.log('| | state kept as JSON | as the snapshot | × |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| open: saved account → session → tierProgress, µs | ${json.open_us.toFixed(0)} | ${snap.open_us.toFixed(0)} | ${(json.open_us / snap.open_us).toFixed(1)} |`);
  console.log(`| an answer: parse, adopt, save, session on it, µs | ${json.answer_us.toFixed(0)} | ${snap.answer_us.toFixed(0)} | ${(json.answer_us / snap.answer_us).toFixed(1)} |`);
  console.log(`| the saved account, bytes | ${json.stored_bytes} | ${snap.stored_bytes} | ${(json.stored_bytes / snap.stored_bytes).toFixed(1)} |`);
}
