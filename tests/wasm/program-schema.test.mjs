// The programme's JSON Schema (wasm/program.schema.json, generated from the
// declarations) says what the core reads: the example programmes, every
// programme a vector runs and the core's own normalised programmes match it;
// the programmes the core refuses for an unknown field or a wrong type it
// refuses too, so an editor flags them as they are typed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

import Ajv from 'ajv';

import { createLoyaltyCore } from '@loyalty-core/wasm';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path) => JSON.parse(readFileSync(`${root}${path}`, 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(read('wasm/program.schema.json'));
const examples = readdirSync(`${root}programs`).map((file) => `programs/${file}`);
const vectors = readdirSync(`${root}tests/vectors`).flatMap((file) =>
  read(`tests/vectors/${file}`).cases.map((c) => ({ ...c, file })));
// What the schema finds wrong with a programme: '' when it matches.
const problems = (program) => (validate(program) ? '' : validate.errors.map((e) => `${e.instancePath} ${e.message}`).join('; '));

test('every example programme matches the programme schema', () => {
  for (const path of examples) assert.equal(problems(read(path)), '', path);
});

test('every programme a vector runs matches the programme schema', () => {
  let checked = 0;
  for (const c of vectors.filter((v) => v.output !== undefined && v.program !== undefined)) {
    const program = typeof c.program === 'string' ? read(c.program) : c.program;
    assert.equal(problems(program), '', `${c.file}: ${c.name}`);
    checked += 1;
  }
  assert.ok(checked > 100, `only ${checked} programmes`);
});

test('a programme the core refuses for an unknown field or a wrong type, the schema refuses too', () => {
  const shapeErrors = (c) => c.errors?.some((e) => e.code === 'field.unknown' || e.code.startsWith('type.expected_'));
  const refused = vectors.filter((c) => c.op === 'check_program' && shapeErrors(c));
  assert.ok(refused.length > 0);
  for (const c of refused) assert.equal(validate(c.input), false, `${c.file}: ${c.name}`);
});

test('the programme the core normalises, every default filled in, matches the schema', async () => {
  for (const path of examples) {
    const core = await createLoyaltyCore({ program: read(path) });
    assert.equal(problems(core.program), '', `${path} normalised`);
  }
});
