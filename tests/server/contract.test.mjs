// The contract check itself: it must fail an exchange that breaks
// server/openapi.yaml, or every server test would pass it vacuously.
import assert from 'node:assert/strict';
import test from 'node:test';

import { checkExchange } from './contract.mjs';

const refused = { ok: false, errors: [{ code: 'auth.missing', message: 'send a token', path: '' }] };

test('an answer with a status the document does not give its operation fails the contract', async () => {
  await assert.rejects(checkExchange('GET', '/v1/me', undefined, { status: 418, json: refused, text: JSON.stringify(refused) }),
    /status 418 is not documented for GET \/v1\/me/);
});

test('an answer body missing a field the document requires fails the contract', async () => {
  const { errors, ...withoutErrors } = refused;
  await assert.rejects(checkExchange('GET', '/v1/me', undefined, { status: 401, json: withoutErrors, text: '{}' }),
    /does not match the document: .*errors/);
  await checkExchange('GET', '/v1/me', undefined, { status: 401, json: refused, text: JSON.stringify(refused) });
});

test('a request the server accepted but the document refuses fails; events the answer rejected are left out', async () => {
  const answer = (result) => ({
    balances: { available: 0, balance: 0, debt: 0, pending: 0 }, ledger: [], member_id: 'm-1', program_version: 1,
    server_time: 1, version: 1, results: [{ id: 'x', ...result }],
  });
  const body = { events: [{ id: 'x', type: 'order' }] };
  const applied = answer({ result: 'applied', at: 1, ledger: [], notices: [] });
  await assert.rejects(checkExchange('POST', '/v1/sync', body, { status: 200, json: applied, text: JSON.stringify(applied) }),
    /accepted a request the document refuses: \/events\/0\/type/);
  const rejected = answer({ result: 'rejected', errors: [{ code: 'event.not_allowed', message: 'members may not send orders', path: 'type' }] });
  await checkExchange('POST', '/v1/sync', body, { status: 200, json: rejected, text: JSON.stringify(rejected) });
});

test('an answer without a header the document requires of it fails the contract', async () => {
  const limited = { ok: false, errors: [{ code: 'rate.limited', message: 'retry after 3 s', path: '' }] };
  const answer = (headers) => ({ status: 429, json: limited, text: JSON.stringify(limited), headers: new Headers(headers) });
  await assert.rejects(checkExchange('GET', '/v1/me', undefined, answer({})), /requires the header Retry-After/);
  await assert.rejects(checkExchange('GET', '/v1/me', undefined, answer({ 'Retry-After': 'soon' })), /must be an integer/);
  await checkExchange('GET', '/v1/me', undefined, answer({ 'Retry-After': '3' }));
});
