// Error codes are stable API: the README's tables say what each means,
// server/openapi.yaml lists them for integrators and the package's
// declarations type them. These keep the lists equal, and every code the
// conformance vectors expect in the README, so that a code added to the core
// or the server without a word fails here.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import test from 'node:test';

import yaml from 'js-yaml';

import { root } from './loyalty-server.mjs';

const codePattern = /`([a-z_]+\.[a-z_]+)`/g;

/**
 * The codes of the README's error tables: the core's (with or without its
 * JS-only row) and, unless `coreOnly`, the server's.
 */
function readmeCodes({ jsOnly, coreOnly = false }) {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const start = readme.indexOf('### Error codes');
  const end = coreOnly ? readme.indexOf('The sync server answers the codes above', start) : readme.indexOf('```sh', start);
  const section = readme.slice(start, end);
  const codes = new Set();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    if (!jsOnly && line.includes('JS only')) continue;
    for (const [, code] of line.split('|')[1].matchAll(codePattern)) codes.add(code);
  }
  return codes;
}

const sorted = (set) => [...set].sort();

test('the OpenAPI document lists exactly the error codes the README explains, but the JS-only ones', () => {
  const doc = yaml.load(readFileSync(`${root}server/openapi.yaml`, 'utf8'));
  const documented = doc.components.schemas.Error.properties.code.enum;
  assert.deepEqual(documented, [...documented].sort(), 'the enum is sorted, so that a diff shows what moved');
  assert.deepEqual(documented, sorted(readmeCodes({ jsOnly: false })));
});

test('every error code a conformance vector expects is explained in the README', () => {
  const explained = readmeCodes({ jsOnly: true });
  const unexplained = new Set();
  const dir = `${root}tests/vectors/`;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    for (const [, code] of readFileSync(dir + file, 'utf8').matchAll(/"code":\s*"([a-z_]+\.[a-z_]+)"/g)) {
      if (!explained.has(code)) unexplained.add(`${code} (${file})`);
    }
  }
  assert.deepEqual(sorted(unexplained), []);
});

test("the package's ErrorCode type lists exactly the core's codes the README explains", () => {
  const declarations = readFileSync(`${root}wasm/loyalty-core.d.ts`, 'utf8');
  const union = declarations.match(/export type ErrorCode =([^;]*);/);
  assert.ok(union, 'wasm/loyalty-core.d.ts declares ErrorCode');
  const typed = [...union[1].matchAll(/'([a-z_]+\.[a-z_]+)'/g)].map(([, code]) => code);
  assert.deepEqual(typed, sorted(new Set(typed)), 'the union is sorted and has no code twice');
  assert.deepEqual(typed, sorted(readmeCodes({ jsOnly: true, coreOnly: true })));
});
