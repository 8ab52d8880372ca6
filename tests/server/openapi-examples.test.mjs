// The document's examples are real answers (scripts/openapi-examples.mjs
// takes them from the server suites) and may not drift: every JSON answer
// names one, and each matches the schema of every answer that names it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import yaml from 'js-yaml';

import { documentValidator, exampleName, jsonAnswers } from './contract.mjs';
import { root } from './loyalty-server.mjs';

const written = yaml.load(readFileSync(`${root}server/openapi.yaml`, 'utf8'));
const { doc, validate } = documentValidator();

/** The schema (dereferenced) and recorded example of an answer, by operation and status. */
function answerOf(operationId, status) {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (operation.operationId !== operationId) continue;
      const name = exampleName(written.paths[path][method].responses[status], operationId, status);
      return { schema: operation.responses[status].content['application/json'].schema, example: written.components.examples[name] };
    }
  }
  throw new Error(`no operation ${operationId}`);
}

test('every JSON answer of the document names its recorded example', () => {
  for (const { operationId, status, raw } of jsonAnswers(written)) {
    const name = exampleName(raw, operationId, status);
    const content = raw.$ref
      ? written.components.responses[name].content['application/json']
      : raw.content['application/json'];
    assert.equal(content.examples?.recorded?.$ref, `#/components/examples/${name}`, `${operationId} ${status}`);
    assert.ok(written.components.examples?.[name], `${operationId} ${status}: components.examples.${name} is missing (node scripts/openapi-examples.mjs)`);
  }
});

test('every example matches the schema of each answer that names it', () => {
  const named = new Set();
  for (const { operationId, status, raw } of jsonAnswers(written)) {
    named.add(exampleName(raw, operationId, status));
    const { schema, example } = answerOf(operationId, status);
    const check = validate(schema);
    assert.ok(check(example.value), `${operationId} ${status}: ${JSON.stringify(check.errors)}`);
  }
  assert.deepEqual(Object.keys(written.components.examples).filter((name) => !named.has(name)), [], 'examples no answer names');
});

test('an example with a field the document does not name is refused', () => {
  const { schema, example: { value } } = answerOf('getMe', '200');
  const check = validate(schema);
  assert.ok(check(value));
  assert.equal(check({ ...value, points_total: 1 }), false);
  assert.equal(check({ ...value, balances: { ...value.balances, extra: 1 } }), false);
});
