// What reward farmers and broken clients send: bodies nested to blow a stack,
// bytes that are not UTF-8, one article liked ten thousand times. Each is
// refused with a stable code, the server stays up, and the member's ledger
// shows nothing it should not.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { serverForFile } from './file-server.mjs';
import { joinMember } from './loyalty-server.mjs';

const { call, url } = serverForFile(['--program', 'programs/bakery.json', '--demo', '--member-rate', '0', '--ip-rate', '0']);

let joined = 0;
const newMember = () => joinMember(call, `a-${process.pid}-${++joined}`);

const ledgerOf = async (token) => (await call('GET', '/v1/me/ledger?limit=500', { auth: token })).json.ledger;

test('a body nested 100,000 deep is refused as too deep, and the server goes on', async () => {
  const { token } = await newMember();
  const deep = `{"events":${'['.repeat(100000)}${']'.repeat(100000)}}`;
  const answer = await call('POST', '/v1/sync', { auth: token, body: deep });
  assert.equal(answer.status, 400);
  assert.equal(answer.json.errors[0].code, 'json.too_deep');
  assert.equal((await call('GET', '/v1/me', { auth: token })).status, 200);
});

test('bytes that are not UTF-8 are refused, and nothing is applied', async () => {
  const { token } = await newMember();
  const before = await call('GET', '/v1/me', { auth: token });
  const body = Buffer.concat([Buffer.from('{"events":[{"id":"c1","type":"checkin","note":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
  const res = await fetch(`${url()}v1/sync`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body,
  });
  const answer = await res.json();
  assert.equal(res.status, 400);
  assert.match(answer.errors[0].code, /^json\./);
  const now = await call('GET', '/v1/me', { auth: token });
  assert.equal(now.json.version, before.json.version);
  assert.deepEqual(await ledgerOf(token), []);
});

test('ten thousand likes of one article earn its reward once', async () => {
  const { token } = await newMember();
  const codes = new Map();
  for (let batch = 0; batch < 100; ++batch) {
    const events = Array.from({ length: 100 }, (_, i) => ({ id: `like-${batch}-${i}`, type: 'like', article: 'croissant-story' }));
    const answer = await call('POST', '/v1/sync', { auth: token, body: { events } });
    assert.equal(answer.status, 200, answer.text);
    for (const r of answer.json.results) {
      const code = r.result === 'applied' ? 'applied' : r.errors[0].code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  }
  assert.deepEqual([...codes].sort(), [['applied', 1], ['like.already_rewarded', 9999]]);
  const likes = (await ledgerOf(token)).filter((e) => e.event_id.startsWith('like-'));
  assert.equal(likes.length, 1);
});

test('a captured request replayed 50 times at once is applied once; every replay gets the first answer', async () => {
  const { token } = await newMember();
  const before = (await call('GET', '/v1/me', { auth: token })).json.version;
  const captured = JSON.stringify({ events: [{ id: 'c1', type: 'checkin' }, { id: 'l1', type: 'like', article: 'spring-menu' }] });
  const replays = await Promise.all(Array.from({ length: 50 }, () => call('POST', '/v1/sync', { auth: token, body: captured })));
  assert.ok(replays.every((r) => r.status === 200));
  const firsts = replays.filter((r) => r.json.results.every((x) => x.result === 'applied'));
  assert.equal(firsts.length, 1, 'one of them applied both events');
  const first = firsts[0].json.results;
  for (const replay of replays.filter((r) => r !== firsts[0])) {
    assert.deepEqual(replay.json.results.map((x) => x.result), ['duplicate', 'duplicate']);
    assert.deepEqual(replay.json.results.map((x) => x.first), first);
  }
  const me = await call('GET', '/v1/me', { auth: token });
  assert.equal(me.json.version, before + 2, 'its two events changed the member, once each');
  assert.deepEqual((await ledgerOf(token)).map((row) => row.event_id), ['c1', 'l1']);
});

test('fifty batches at once for one member, again and again for three seconds, are all answered', { timeout: 60000 }, async () => {
  // On PostgreSQL every pooled connection is then in a transaction of that
  // member, all but one waiting for its lock; the one holding it reads the
  // programme's versions about once a second, which must need no pooled
  // connection (it would wait for one forever).
  const { token } = await newMember();
  const until = Date.now() + 3000;
  let sent = 0;
  while (Date.now() < until) {
    const answers = await Promise.all(Array.from({ length: 50 }, () =>
      call('POST', '/v1/sync', { auth: token, body: { events: [{ id: `b${++sent}`, type: 'like', article: 'spring-menu' }] } })));
    assert.ok(answers.every((a) => a.status === 200), answers.find((a) => a.status !== 200)?.text);
  }
  const likes = (await ledgerOf(token)).filter((row) => row.kind === 'like');
  assert.equal(likes.length, 1, `${sent} likes of one article, its reward once`);
});
