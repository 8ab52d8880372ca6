// The JSON Schemas of what the core reads (wasm/*.schema.json, generated from
// the declarations) say what the core takes: the example programmes, and
// every programme, event and state a vector runs or the core writes, match
// them; the programmes the core refuses for an unknown field, a wrong type
// or a value out of its bounds they refuse too, so an editor flags them as
// they are typed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

import Ajv2020 from 'ajv/dist/2020.js';

import { createLoyaltyCore } from '@loyalty-core/wasm';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path) => JSON.parse(readFileSync(`${root}${path}`, 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const [program, event, state] = ['program', 'event', 'state'].map((name) => ajv.compile(read(`wasm/${name}.schema.json`)));
const examples = readdirSync(`${root}programs`).map((file) => `programs/${file}`);
const vectors = readdirSync(`${root}tests/vectors`).flatMap((file) =>
  read(`tests/vectors/${file}`).cases.map((c) => ({ ...c, file })));
const ran = vectors.filter((c) => c.output !== undefined);

// What a schema finds wrong with a value: '' when it matches.
const problems = (validate, value) =>
  (validate(value) ? '' : validate.errors.map((e) => `${e.instancePath} ${e.message}`).join('; '));

test('every example programme matches the programme schema', () => {
  for (const path of examples) assert.equal(problems(program, read(path)), '', path);
});

test('every programme a vector runs matches the programme schema', () => {
  const programmes = ran.filter((c) => c.program !== undefined);
  assert.ok(programmes.length > 100, `only ${programmes.length} programmes`);
  for (const c of programmes) {
    assert.equal(problems(program, typeof c.program === 'string' ? read(c.program) : c.program), '', `${c.file}: ${c.name}`);
  }
});

test('a programme the core refuses for an unknown field or a wrong type, the schema refuses too', () => {
  const shapeErrors = (c) => c.errors?.some((e) => e.code === 'field.unknown' || e.code.startsWith('type.expected_'));
  const refused = vectors.filter((c) => c.op === 'check_program' && shapeErrors(c));
  assert.ok(refused.length > 10);
  for (const c of refused) assert.equal(program(c.input), false, `${c.file}: ${c.name}`);
});

// What the core refuses for a value alone (its range, pattern, length or
// count, its type, an unknown field), the schema refuses too; what the core
// takes, the schema takes. Rules between fields stay the core's (rising
// thresholds, unique ids, a check-in day within the cycle's length, a
// reminder shorter than the inactivity period, fields required by others,
// February 29 of a year that is not a leap year), and so does 1.0 written
// for 1 (JSON Schema cannot tell them apart).
const perField = /^(value\.(out_of_range|invalid_id|invalid_date|invalid_currency|too_long|too_many)|type\.expected_\w+|field\.unknown)$/;
const betweenFields = [
  (e) => e.code === 'value.out_of_range' && /^tasks\.checkin\.rewards\[\d+\]\.day$/.test(e.path),
  (e) => e.code === 'value.out_of_range' && e.path === 'expiry.inactivity.remind_days',
  (e) => e.code === 'value.invalid_date' && /-02-29$/.test(String(e.value)),
  (e) => e.code === 'type.expected_integer' && Number.isInteger(e.value),
];
const valueAt = (input, path) => path.split(/\.|\[|\]/).filter(Boolean).reduce((at, key) => at?.[key], input);

test('over the fuzz corpus and the vectors, the schema refuses what the core refuses for a value alone, and takes what it takes', async () => {
  const core = await createLoyaltyCore({ program: read('programs/bakery.json') });
  const corpus = readdirSync(`${root}tests/fuzz/corpus/program`).map((f) => readFileSync(`${root}tests/fuzz/corpus/program/${f}`, 'utf8'));
  const texts = [...corpus, ...vectors.filter((c) => c.op === 'check_program').map((c) => c.input_text ?? JSON.stringify(c.input))];
  let taken = 0;
  let refused = 0;
  for (const text of texts) {
    let input;
    try { input = JSON.parse(text); } catch { continue; }
    const check = core.checkProgram(text);
    if (check.ok) {
      taken += 1;
      assert.equal(problems(program, input), '', `the core takes it, the schema does not: ${text.slice(0, 200)}`);
      continue;
    }
    const errors = check.errors.map((e) => ({ ...e, value: valueAt(input, e.path) }));
    if (!errors.every((e) => perField.test(e.code) && !betweenFields.some((rule) => rule(e)))) continue;
    refused += 1;
    assert.equal(program(input), false, `the core refuses ${JSON.stringify(errors.map((e) => [e.code, e.path]))}, the schema takes it`);
  }
  console.log(`${taken} taken, ${refused} refused for a value`);
  assert.ok(taken > 40 && refused > 20, `${taken} taken, ${refused} refused for a value`);
});

test('the programme the core normalises, every default filled in, matches the schema', async () => {
  for (const path of examples) {
    const core = await createLoyaltyCore({ program: read(path) });
    assert.equal(problems(program, core.program), '', `${path} normalised`);
  }
});

test('every event a vector applies matches the event schema', () => {
  let checked = 0;
  for (const c of ran) {
    // apply_events: the events its answer applied; apply: its one event, applied.
    const events = c.op === 'apply_events'
      ? c.input.events.filter((_, i) => c.output.results?.[i]?.result === 'applied')
      : c.op === 'apply' ? [c.input.event] : [];
    for (const e of events) {
      assert.equal(problems(event, e), '', `${c.file}: ${c.name}: ${e.id}`);
      checked += 1;
    }
  }
  assert.ok(checked > 300, `only ${checked} events`);
});

test('every state a vector gives the core, and every state the core writes, matches the state schema', () => {
  let checked = 0;
  for (const c of ran) {
    for (const [side, s] of [['input', c.input?.state], ['output', c.output?.state]]) {
      if (s === null || typeof s !== 'object') continue;
      assert.equal(problems(state, s), '', `${c.file}: ${c.name}: ${side}`);
      checked += 1;
    }
  }
  assert.ok(checked > 300, `only ${checked} states`);
});

test('an event of an unknown type, or a state with a field the core does not read, is refused', () => {
  assert.equal(event({ id: 'e', at: 1, type: 'teleport' }), false);
  assert.equal(event({ id: 'e', at: 1.5, type: 'checkin' }), false, 'times are integers');
  assert.equal(state({ member_id: 'm', points: 10 }), false);
});
