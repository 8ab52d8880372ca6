// The console's JSON completion, without a browser: what the programme's
// JSON Schema allows at a caret, in objects, arrays, open strings and
// values, and never a key the object has already.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { suggestions } from '../../web-demo/json-completion.js';

const schema = JSON.parse(readFileSync(new URL('../../wasm/program.schema.json', import.meta.url), 'utf8'));
const at = (text, caret = text.length) => suggestions(schema, text, caret);

test('an object offers the keys it may still have, with their descriptions, and what each starts as', () => {
  const top = at('{\n  "id": "x",\n  ', 15);
  assert.ok(top.some((s) => s.label === 'tiers' && s.insert === '"tiers": []'));
  assert.ok(!top.some((s) => s.label === 'id'), 'id is written already');
  const text = '{"earning": {"points": {}, }, "tiers": []}';
  const earning = at(text, text.indexOf(', }') + 2);
  assert.ok(!earning.some((s) => s.label === 'points'));
  assert.ok(earning.find((s) => s.label === 'categories').insert.startsWith('"categories": ['));
  assert.ok(!at('{"tiers": [], ', 14).some((s) => s.label === 'tiers'));
});

test('inside arrays and half-typed keys, the items\' own keys', () => {
  assert.deepEqual(at('{"tiers": [{"id": "a"}, {"qu').map((s) => [s.label, s.insert]), [['qualify', 'alify": {}']]);
  const reward = at('{"tasks": {"boxes": [{"prizes": [{"reward": {').map((s) => s.label);
  assert.deepEqual(reward.slice(0, 3), ['points', 'growth', 'red_packet']);
});

test('a value offers what its field allows, completing a string begun', () => {
  assert.deepEqual(at('{"earning": {"combine": ').map((s) => s.insert), ['"multiply"', '"add"']);
  assert.deepEqual(at('{"qualification": {"window": {"kind": "roll').map((s) => s.insert), ['ing_days"']);
  assert.deepEqual(at('{"earning": {"combine": "add", "points": {"earn": '), [], 'a number: nothing to offer');
  assert.deepEqual(at('not json at all'), []);
});
