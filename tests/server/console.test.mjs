// The console's operators on the server: accounts made with `loyalty
// operator add`, sign-in into an HTTP-only session cookie, roles that decide
// which merchant endpoints an operator may call, a CSRF token on every
// change, a lock-out after repeated failures, and the audit log of every
// operator action (through the API and `loyalty audit operators`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

import { bin, client, freshDb, joinMember, merchantKey, root, startServer } from './loyalty-server.mjs';

const password = 'correct horse battery';

function addOperator(db, name, role, secret = password) {
  const run = spawnSync(bin, ['operator', 'add', '--db', db, '--name', name, '--role', role], {
    cwd: root, encoding: 'utf8', input: `${secret}\n`, env: { ...process.env, LOYALTY_OPERATOR_PASSWORD: '' },
  });
  return run;
}

// A server with one operator of each role, and a member to help.
async function consoleServer() {
  const db = freshDb();
  for (const role of ['viewer', 'service', 'editor', 'publisher']) {
    const added = addOperator(db, `${role}-1`, role);
    assert.equal(added.status, 0, added.stderr);
  }
  const server = await startServer(['--program', 'programs/bakery.json', '--demo', '--member-rate', '0', '--ip-rate', '0', '--db', db]);
  const call = client(server.url, server.log);
  const member = await joinMember(call, 'm-console');
  return { db, server, call, member };
}

async function signIn(call, name, secret = password) {
  const answer = await call('POST', '/v1/console/sign-in', { body: { name, password: secret } });
  if (answer.status !== 200) return { answer };
  const cookie = answer.headers.get('set-cookie');
  return { answer, cookie, headers: { Cookie: cookie.split(';')[0], 'X-CSRF-Token': answer.json.csrf_token } };
}

const auditRows = async (call, headers) => (await call('GET', '/v1/console/audit', { headers })).json.rows;

test('an operator signs in into an HTTP-only, SameSite session cookie, and signing out ends it', async () => {
  const { server, call } = await consoleServer();
  try {
    const { answer, cookie, headers } = await signIn(call, 'viewer-1');
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual({ name: answer.json.name, role: answer.json.role, permissions: answer.json.permissions },
      { name: 'viewer-1', role: 'viewer', permissions: ['read'] });
    assert.match(cookie, /^loyalty_console=[0-9a-f]{64}; Path=\/v1; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    assert.match(answer.json.csrf_token, /^[0-9a-f]{64}$/);
    assert.ok(answer.json.expires_at > Date.now() + 7 * 3600 * 1000);

    const session = await call('GET', '/v1/console/session', { headers: { Cookie: headers.Cookie } });
    assert.equal(session.status, 200);
    assert.equal(session.json.csrf_token, answer.json.csrf_token, 'a page loaded again learns its token');

    const out = await call('POST', '/v1/console/sign-out', { headers });
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie'), /^loyalty_console=; .*Max-Age=0/);
    const after = await call('GET', '/v1/console/session', { headers: { Cookie: headers.Cookie } });
    assert.equal(after.status, 401);
    assert.equal(after.json.errors[0].code, 'auth.invalid');
    const forged = await call('GET', '/v1/console/session', { headers: { Cookie: `loyalty_console=${'ab'.repeat(32)}` } });
    assert.equal(forged.status, 401);
  } finally {
    await server.stop();
  }
});

test('a wrong password and an unknown name are refused alike, and five failures lock the operator out', async () => {
  const { server, call, db } = await consoleServer();
  try {
    const unknown = await signIn(call, 'nobody', password);
    const wrong = await signIn(call, 'service-1', 'not the password');
    assert.equal(unknown.answer.status, 401);
    assert.equal(wrong.answer.status, 401);
    assert.deepEqual(unknown.answer.json, wrong.answer.json);
    assert.equal(wrong.answer.json.errors[0].code, 'operator.bad_credentials');
    for (let i = 2; i <= 5; i++) assert.equal((await signIn(call, 'service-1', `wrong ${i}`)).answer.status, 401);

    const locked = await signIn(call, 'service-1', password);
    assert.equal(locked.answer.status, 429, 'locked: even the right password is refused');
    assert.equal(locked.answer.json.errors[0].code, 'operator.locked');
    assert.ok(Number(locked.answer.headers.get('retry-after')) > 14 * 60);
    // Another operator is not affected, and a bad body says where it is bad.
    assert.equal((await signIn(call, 'viewer-1')).answer.status, 200);
    const bad = await call('POST', '/v1/console/sign-in', { body: { name: 'viewer-1', password: 7, remember: true } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.errors.map((e) => [e.code, e.path]), [['field.unknown', 'remember'], ['type.expected_string', 'password']]);

    // Setting the password again (the operators' way back in) unlocks.
    assert.equal(addOperator(db, 'service-1', 'service', 'a new long password').status, 0);
    assert.equal((await signIn(call, 'service-1', 'a new long password')).answer.status, 200);
    const actions = (await auditRows(call, (await signIn(call, 'viewer-1')).headers))
      .filter((r) => r.target === 'service-1').map((r) => r.action);
    assert.deepEqual(actions, ['operator_added', 'sign_in_failed', 'sign_in_failed', 'sign_in_failed', 'sign_in_failed',
      'sign_in_locked', 'operator_changed', 'sign_in']);
  } finally {
    await server.stop();
  }
});

test('a role decides what an operator may call: a viewer reads but may not tag, revoke or publish', async () => {
  const { server, call, member } = await consoleServer();
  try {
    const viewer = (await signIn(call, 'viewer-1')).headers;
    const read = await call('GET', `/v1/members/${member.member_id}`, { headers: viewer });
    assert.equal(read.status, 200);
    assert.equal((await call('GET', `/v1/members/${member.member_id}/ledger`, { headers: viewer })).status, 200);
    assert.equal((await call('GET', '/v1/reports/liability', { headers: viewer })).status, 200);

    const changes = [
      ['POST', '/v1/tags', { member_id: member.member_id, id: 'tag-1', add: ['vip'] }],
      ['POST', '/v1/adjustments', { member_id: member.member_id, id: 'adj-1', points: 10, reason: 'goodwill' }],
      ['POST', `/v1/members/${member.member_id}/tokens/revoke`, undefined],
      ['POST', '/v1/program', { program: {} }],
    ];
    for (const [method, path, body] of changes) {
      const refused = await call(method, path, { headers: viewer, body });
      assert.equal(refused.status, 403, `${path}: ${refused.text}`);
      assert.equal(refused.json.errors[0].code, 'auth.forbidden');
    }
    // Orders stay the merchant's backend's, whatever the role.
    const publisher = (await signIn(call, 'publisher-1')).headers;
    const order = await call('POST', '/v1/orders', { headers: publisher, body: { member_id: member.member_id, id: 'o', order_id: 'o', lines: [] } });
    assert.equal(order.status, 401);
    // The editor drafts but may not publish; the publisher may.
    const editor = (await signIn(call, 'editor-1')).headers;
    assert.equal((await call('POST', '/v1/program', { headers: editor, body: { program: {} } })).status, 403);
    const invalid = await call('POST', '/v1/program', { headers: publisher, body: { program: {} } });
    assert.equal(invalid.status, 400, 'a publisher reaches the programme checks');
    assert.equal((await call('GET', `/v1/members/${member.member_id}`)).status, 401, 'no cookie, no key: refused');
  } finally {
    await server.stop();
  }
});

test('a change from a console session without its CSRF token is refused and changes nothing', async () => {
  const { server, call, member } = await consoleServer();
  try {
    const service = (await signIn(call, 'service-1')).headers;
    const other = (await signIn(call, 'viewer-1')).headers;
    const body = { member_id: member.member_id, id: 'tag-csrf', add: ['vip'] };
    for (const token of [undefined, other['X-CSRF-Token'], '']) {
      const headers = { Cookie: service.Cookie, ...(token === undefined ? {} : { 'X-CSRF-Token': token }) };
      const refused = await call('POST', '/v1/tags', { headers, body });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.errors[0].code, 'auth.csrf');
    }
    const state = (await call('GET', `/v1/members/${member.member_id}`, { auth: merchantKey })).json.state;
    assert.deepEqual(state.tags ?? [], [], "untagged still");
    const tagged = await call('POST', '/v1/tags', { headers: service, body });
    assert.equal(tagged.status, 200, tagged.text);
    assert.deepEqual(tagged.json.state.tags, ['vip']);
  } finally {
    await server.stop();
  }
});

test("customer service's changes are audit rows with who, when, what, before and after", async () => {
  const { server, call, member, db } = await consoleServer();
  try {
    const service = (await signIn(call, 'service-1')).headers;
    const startedAt = Date.now();
    assert.equal((await call('POST', '/v1/tags', { headers: service, body: { member_id: member.member_id, id: 't1', add: ['vip', 'gold-fan'] } })).status, 200);
    const adjusted = await call('POST', '/v1/adjustments', {
      headers: service, body: { member_id: member.member_id, id: 'adj-1', points: 80, growth: 5, reason: '补偿：配送延误' },
    });
    assert.equal(adjusted.status, 200, adjusted.text);
    assert.deepEqual(adjusted.json.ledger.map((r) => [r.kind, r.available, r.growth, r.subject]), [['adjust', 80, 5, '补偿：配送延误']]);
    const tooMuch = await call('POST', '/v1/adjustments', {
      headers: service, body: { member_id: member.member_id, id: 'adj-2', points: -81, reason: 'more than there is' },
    });
    assert.equal(tooMuch.json.results[0].errors[0].code, 'points.insufficient');
    const revoked = await call('POST', `/v1/members/${member.member_id}/tokens/revoke`, { headers: service });
    assert.equal(revoked.status, 200);
    // The merchant key's calls are the backend's, not an operator's: not audited.
    await call('POST', '/v1/tags', { auth: merchantKey, body: { member_id: member.member_id, id: 't2', remove: ['vip'] } });

    const rows = (await auditRows(call, service)).filter((r) => r.operator === 'service-1' && r.action !== 'sign_in');
    assert.deepEqual(rows.map(({ action, target, before, after }) => ({ action, target, before, after })), [
      { action: 'member_tagged', target: member.member_id, before: { tags: [] }, after: { tags: ['gold-fan', 'vip'] } },
      { action: 'member_adjusted', target: member.member_id, before: { available: 0, growth: 0, pending: 0 }, after: { available: 80, growth: 5, pending: 0 } },
      {
        action: 'member_adjusted', target: member.member_id, before: { available: 80, growth: 5, pending: 0 },
        after: { available: 80, growth: 5, pending: 0, refused: ['points.insufficient'] },
      },
      { action: 'member_tokens_revoked', target: member.member_id, before: { token_epoch: 0 }, after: { token_epoch: 1 } },
    ]);
    assert.ok(rows.every((r) => r.at >= startedAt && r.at <= Date.now()));
    assert.ok(rows[0].seq < rows[1].seq && rows[1].seq < rows[3].seq);

    // The dashboard's figures for today count the adjustment as issued points.
    const today = await call('GET', '/v1/reports/activity', { headers: service });
    assert.equal(today.status, 200, today.text);
    assert.equal(today.json.figures.issued_by_kind.adjust, 80);
    assert.equal(today.json.variants, undefined, 'no experiment, no variants');

    // The same log from the CLI, one JSON object a line, and a page of it.
    const cli = spawnSync(bin, ['audit', 'operators', '--db', db], { cwd: root, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const lines = cli.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines, await auditRows(call, service));
    const page = await call('GET', `/v1/console/audit?after=${lines[1].seq}&limit=2`, { auth: merchantKey });
    assert.deepEqual(page.json.rows, lines.slice(2, 4));
  } finally {
    await server.stop();
  }
});

test('loyalty operator add refuses an unknown role, a bad name and a short password', async () => {
  const db = freshDb();
  const role = addOperator(db, 'alice', 'admin');
  assert.equal(role.status, 2);
  assert.match(role.stderr, /--role is viewer, service, editor or publisher/);
  assert.equal(addOperator(db, 'alice smith', 'viewer').status, 2);
  const short = addOperator(db, 'alice', 'viewer', 'short');
  assert.equal(short.status, 2);
  assert.match(short.stderr, /at least 10 characters/);
  const list = spawnSync(bin, ['operator', 'list', '--db', db], { cwd: root, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(list.stdout), []);
});

test("an editor's draft is simulated on the store's history: what it would have issued beside the version in force", async () => {
  const { server, call, member } = await consoleServer();
  try {
    // Three members with a loaf of bread each (2 points a yuan under the bakery's rules).
    const members = [member.member_id, (await joinMember(call, 'm-sim-2')).member_id, (await joinMember(call, 'm-sim-3')).member_id];
    for (const [i, member_id] of members.entries()) {
      const order = { member_id, id: `sim-${i}`, order_id: `sim-${i}`, lines: [{ sku: 'loaf', category: 'bread', unit_price: 1000 * (i + 1), quantity: 1 }] };
      assert.equal((await call('POST', '/v1/orders', { auth: merchantKey, body: order })).status, 200);
    }
    const { program } = (await call('GET', '/v1/program')).json;
    const draft = structuredClone(program);
    draft.version += 1;
    draft.earning.points.earn = 2;

    const editor = (await signIn(call, 'editor-1')).headers;
    const simulated = await call('POST', '/v1/program/simulation', { headers: editor, body: { program: draft } });
    assert.equal(simulated.status, 200, simulated.text);
    const { programmes, sample, months } = simulated.json;
    assert.deepEqual(sample, { every: 1, members_in_store: 3, members_simulated: 3, unreadable: 0 });
    assert.equal(programmes.current.total.issued_by_kind.earn, 2 * (10 + 20 + 30));
    assert.equal(programmes.candidate.total.issued_by_kind.earn, 2 * programmes.current.total.issued_by_kind.earn);
    assert.equal(months.at(-1).candidate.issued, 2 * months.at(-1).current.issued);

    // One member in two when asked for at most two: a sample, said so.
    const halved = await call('POST', '/v1/program/simulation', { headers: editor, body: { program: draft, members: 2 } });
    assert.deepEqual(halved.json.sample, { every: 2, members_in_store: 3, members_simulated: 2, unreadable: 0 });

    // A draft that does not check out is refused at its field; a viewer may not simulate; nor may a forged request.
    draft.tiers[1].qualify.growth = -5;
    const bad = await call('POST', '/v1/program/simulation', { headers: editor, body: { program: draft, members: 0 } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.errors.map((e) => [e.code, e.path]), [['value.out_of_range', 'members']]);
    const badDraft = await call('POST', '/v1/program/simulation', { headers: editor, body: { program: draft } });
    assert.equal(badDraft.status, 400);
    assert.ok(badDraft.json.errors.some((e) => e.path === 'program.tiers[1].qualify.growth'), badDraft.text);
    const viewer = (await signIn(call, 'viewer-1')).headers;
    assert.equal((await call('POST', '/v1/program/simulation', { headers: viewer, body: { program } })).json.errors[0].code, 'auth.forbidden');
    const forged = await call('POST', '/v1/program/simulation', { headers: { Cookie: editor.Cookie }, body: { program } });
    assert.equal(forged.json.errors[0].code, 'auth.csrf');
  } finally {
    await server.stop();
  }
});

test('drafts kept on the server: saved by revision, a stale save refused, read by any operator, deleted by an editor', async () => {
  const { server, call } = await consoleServer();
  try {
    const { program, version } = (await call('GET', '/v1/program')).json;
    const editor = (await signIn(call, 'editor-1')).headers;
    const publisher = (await signIn(call, 'publisher-1')).headers;
    const draft = { ...structuredClone(program), version: version + 1 };
    draft.earning.points.earn = 2;

    const first = await call('PUT', '/v1/program/drafts/double-bread', { headers: editor, body: { program: draft, revision: 0 } });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual({ ...first.json, saved_at: 0 },
      { name: 'double-bread', base_version: version, revision: 1, saved_by: 'editor-1', saved_at: 0, problems: [] });

    // The publisher saves over revision 1; the editor, still at 1, is refused and loses nothing.
    draft.earning.points.earn = 3;
    assert.equal((await call('PUT', '/v1/program/drafts/double-bread', { headers: publisher, body: { program: draft, revision: 1 } })).json.revision, 2);
    const stale = await call('PUT', '/v1/program/drafts/double-bread', { headers: editor, body: { program: {}, revision: 1 } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.errors[0].code, 'draft.changed');
    assert.match(stale.json.errors[0].message, /publisher-1 as revision 2/);
    const again = await call('PUT', '/v1/program/drafts/double-bread', { headers: editor, body: { program: {}, revision: 0 } });
    assert.equal(again.status, 409, 'a new draft under a taken name is refused too');

    // A viewer reads the draft, with the core's problems; a draft that does not check out is kept as it is.
    const viewer = (await signIn(call, 'viewer-1')).headers;
    const read = await call('GET', '/v1/program/drafts/double-bread', { headers: viewer });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.program.earning.points.earn, 3);
    assert.deepEqual(read.json.problems, []);
    draft.tiers[1].qualify.growth = -1;
    const broken = await call('PUT', '/v1/program/drafts/broken', { headers: editor, body: { program: draft } });
    assert.equal(broken.status, 200, broken.text);
    assert.ok(broken.json.problems.some((p) => p.path === 'tiers[1].qualify.growth'), broken.text);
    const list = await call('GET', '/v1/program/drafts', { headers: viewer });
    assert.deepEqual(list.json.drafts.map((d) => [d.name, d.revision, d.saved_by]), [['broken', 1, 'editor-1'], ['double-bread', 2, 'publisher-1']]);

    // Who may do what, and bad requests.
    assert.equal((await call('PUT', '/v1/program/drafts/mine', { headers: viewer, body: { program: draft } })).json.errors[0].code, 'auth.forbidden');
    assert.equal((await call('DELETE', '/v1/program/drafts/broken', { headers: viewer })).status, 403);
    assert.equal((await call('PUT', '/v1/program/drafts/mine', { headers: { Cookie: editor.Cookie }, body: { program: draft } })).json.errors[0].code, 'auth.csrf');
    const badName = await call('PUT', `/v1/program/drafts/${encodeURIComponent('a draft')}`, { headers: editor, body: { program: draft } });
    assert.equal(badName.json.errors[0].code, 'draft.invalid_name');
    const badBody = await call('PUT', '/v1/program/drafts/mine', { headers: editor, body: { program: [], revision: -1, note: 'x' } });
    assert.deepEqual(badBody.json.errors.map((e) => [e.code, e.path]),
      [['field.unknown', 'note'], ['type.expected_object', 'program'], ['type.expected_integer', 'revision']]);

    assert.equal((await call('DELETE', '/v1/program/drafts/broken', { headers: editor })).status, 200);
    const gone = await call('GET', '/v1/program/drafts/broken', { headers: viewer });
    assert.equal(gone.status, 404);
    assert.equal(gone.json.errors[0].code, 'draft.unknown');
    assert.equal((await call('DELETE', '/v1/program/drafts/broken', { headers: editor })).status, 404);

    const audit = (await auditRows(call, viewer)).filter((r) => r.action.startsWith('draft_'));
    assert.deepEqual(audit.map(({ operator, action, target, before, after }) => [operator, action, target, before, after]), [
      ['editor-1', 'draft_saved', 'double-bread', { revision: 0 }, { base_version: version, revision: 1 }],
      ['publisher-1', 'draft_saved', 'double-bread', { revision: 1 }, { base_version: version, revision: 2 }],
      ['editor-1', 'draft_saved', 'broken', { revision: 0 }, { base_version: version, revision: 1 }],
      ['editor-1', 'draft_deleted', 'broken', { revision: 1 }, null],
    ]);
  } finally {
    await server.stop();
  }
});

test("a member's phone finds the member, however it is written, and the store keeps no phone number", async () => {
  const { server, call, member, db } = await consoleServer();
  try {
    const other = (await joinMember(call, 'm-phone-2')).member_id;
    const service = (await signIn(call, 'service-1')).headers;
    const set = await call('PUT', `/v1/members/${member.member_id}/phone`, { headers: service, body: { phone: '+86 138-0013-8000' } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.json, { member_id: member.member_id, phone_ending: '8000' });

    const viewer = (await signIn(call, 'viewer-1')).headers;
    const found = await call('GET', `/v1/members?phone=${encodeURIComponent('138 0013 8000')}`, { headers: viewer });
    assert.equal(found.status, 200, found.text);
    assert.equal(found.json.member_id, member.member_id);
    assert.deepEqual((await call('GET', `/v1/members/${member.member_id}/phone`, { headers: viewer })).json,
      { member_id: member.member_id, phone_ending: '8000' });

    // A phone is one member's; a member has one phone (a new one replaces it); null clears it.
    const taken = await call('PUT', `/v1/members/${other}/phone`, { auth: merchantKey, body: { phone: '13800138000' } });
    assert.equal(taken.status, 409);
    assert.equal(taken.json.errors[0].code, 'member.phone_taken');
    assert.equal((await call('PUT', `/v1/members/${member.member_id}/phone`, { headers: service, body: { phone: '13900139000' } })).status, 200);
    assert.equal((await call('GET', '/v1/members?phone=13800138000', { headers: viewer })).status, 404, 'the old phone is free');
    assert.equal((await call('PUT', `/v1/members/${other}/phone`, { auth: merchantKey, body: { phone: '13800138000' } })).status, 200);
    assert.equal((await call('GET', '/v1/members?phone=13800138000', { headers: viewer })).json.member_id, other);
    const cleared = await call('PUT', `/v1/members/${member.member_id}/phone`, { headers: service, body: { phone: null } });
    assert.deepEqual(cleared.json, { member_id: member.member_id, phone_ending: null });
    const gone = await call('GET', '/v1/members?phone=13900139000', { headers: viewer });
    assert.equal(gone.status, 404);
    assert.equal(gone.json.errors[0].code, 'member.unknown');

    // Refusals: not a phone, an unknown member, a viewer, no CSRF token.
    const bad = await call('GET', '/v1/members?phone=call-me', { headers: viewer });
    assert.deepEqual([bad.status, bad.json.errors[0].code, bad.json.errors[0].path], [400, 'member.invalid_phone', 'phone']);
    assert.equal((await call('PUT', `/v1/members/${member.member_id}/phone`, { headers: service, body: { phone: 13800138000 } })).json.errors[0].code, 'member.invalid_phone');
    assert.equal((await call('PUT', '/v1/members/nobody/phone', { headers: service, body: { phone: '13700137000' } })).status, 404);
    assert.equal((await call('PUT', `/v1/members/${member.member_id}/phone`, { headers: viewer, body: { phone: '13700137000' } })).status, 403);
    assert.equal((await call('PUT', `/v1/members/${member.member_id}/phone`, { headers: { Cookie: service.Cookie }, body: { phone: '13700137000' } })).json.errors[0].code, 'auth.csrf');

    const audit = (await auditRows(call, viewer)).filter((r) => r.action === 'member_phone_set');
    assert.deepEqual(audit.map((r) => [r.operator, r.target, r.before.phone_ending, r.after.phone_ending]), [
      ['service-1', member.member_id, null, '8000'],
      ['service-1', member.member_id, '8000', '9000'],
      ['service-1', member.member_id, '9000', null],
    ]);
    // No phone number in the store's files (the database and its WAL).
    if (db.startsWith('sqlite:')) {
      const path = db.slice('sqlite:'.length);
      const bytes = Buffer.concat(readdirSync(dirname(path)).map((f) => readFileSync(join(dirname(path), f))));
      for (const number of ['13800138000', '13900139000']) assert.equal(bytes.indexOf(number), -1, 'the store holds digests only');
    }
  } finally {
    await server.stop();
  }
});
