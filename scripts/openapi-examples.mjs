#!/usr/bin/env node
// Puts real answers into server/openapi.yaml as its examples, so that they
// are what the server says and not what someone once typed:
//
//   node scripts/openapi-examples.mjs [--recorded DIR]   (LOYALTY_BIN: build/native-release's)
//
// builds the server with the document, runs the server suites with
// recording on (tests/server/contract.mjs writes the first JSON answer of
// each operation and status in each suite), keeps at most two items of
// every array, takes for each documented JSON answer the recorded one that
// shows the most fields, and rewrites the document's `components.examples`
// block between its markers. tests/server/openapi-examples.test.mjs checks
// that every JSON answer names an example and that each still matches its
// schema, so an example cannot drift from the document, nor the document
// from the server (contract.mjs checks every answer of every suite).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import yaml from 'js-yaml';

import { exampleName, jsonAnswers } from '../tests/server/contract.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const documentPath = join(root, 'server/openapi.yaml');
const begin = '  # examples: written by scripts/openapi-examples.mjs from the answers the server suites received\n';
const end = '  # end of examples\n';
const keptItems = 2;
const maxExampleChars = 2500;

function record(bin) {
  // The server serves the document it was built with (a suite checks it).
  const build = spawnSync('cmake', ['--build', dirname(dirname(bin)), '--target', 'loyalty'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`cannot build ${bin}`);
  const folder = mkdtempSync(join(tmpdir(), 'openapi-examples-'));
  // Every server suite but the one that checks the examples being written
  // and the one that feeds the checker made-up answers to see it refuse them.
  const skipped = ['openapi-examples.test.mjs', 'contract.test.mjs'];
  const suites = readdirSync(join(root, 'tests/server')).filter((f) => f.endsWith('.test.mjs') && !skipped.includes(f));
  const run = spawnSync(process.execPath, ['--test', ...suites.map((f) => `tests/server/${f}`)], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, LOYALTY_BIN: bin, LOYALTY_OPENAPI_EXAMPLES: folder },
  });
  if (run.status !== 0) throw new Error('the server suites failed; examples are taken only from a passing run');
  console.log(`openapi-examples: answers recorded in ${folder}`);
  return folder;
}

function recordedAnswers(folder) {
  const answers = new Map();  // "operationId status" -> [answer, ...]
  for (const file of readdirSync(folder).sort()) {
    for (const [key, json] of Object.entries(JSON.parse(readFileSync(join(folder, file), 'utf8')))) {
      answers.set(key, [...(answers.get(key) ?? []), json]);
    }
  }
  return answers;
}

/** How many fields an answer shows, counted through nested objects and arrays. */
function fields(value) {
  if (Array.isArray(value)) return value.reduce((n, item) => n + fields(item), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.values(value).reduce((n, item) => n + 1 + fields(item), 0);
}

function shortened(value) {
  if (Array.isArray(value)) return value.slice(0, keptItems).map(shortened);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortened(item)]));
}

/** The document with its examples block replaced by `examples`. */
function withExamples(text, examples) {
  const block = yaml.dump({ examples }, { indent: 2, lineWidth: -1, flowLevel: 3, sortKeys: false })
    .replace(/^/gm, '  ').replace(/ +$/gm, '');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`server/openapi.yaml: the examples markers are missing (${begin.trim()} … ${end.trim()})`);
  return text.slice(0, from + begin.length) + block.trimEnd() + '\n' + text.slice(to);
}

const bin = process.env.LOYALTY_BIN ?? join(root, 'build/native-release/server/loyalty');
const before = readFileSync(documentPath, 'utf8');
const parsed = yaml.load(before);
const names = jsonAnswers(parsed).map(({ operationId, status, raw }) => ({ operationId, status, name: exampleName(raw, operationId, status) }));

// An answer new to the document names an example not yet written; a
// placeholder keeps the document valid while the suites run.
const placeholders = { ...parsed.components.examples };
for (const { name } of names) placeholders[name] ??= { summary: 'to be recorded', value: null };
writeFileSync(documentPath, withExamples(before, placeholders));
// --recorded DIR: the answers of an earlier run, instead of running the suites again.
const earlier = process.argv.indexOf('--recorded');
const answers = recordedAnswers(earlier > 0 ? process.argv[earlier + 1] : record(bin));
const examples = {};
const missing = [];
for (const { name } of names) {
  if (examples[name]) continue;
  // A shared answer (a batch, an error) from any operation that gives it.
  const candidates = names.filter((n) => n.name === name)
    .flatMap(({ operationId, status }) => (answers.get(`${operationId} ${status}`) ?? [])
      .map((value) => ({ summary: `${operationId}, ${status}: as the server answered in the tests`, value: shortened(value) })));
  if (candidates.length === 0) {
    missing.push(name);
    continue;
  }
  // The one that shows the most fields, of those that stay readable; the shorter of equals.
  const size = (c) => JSON.stringify(c.value).length;
  const readable = candidates.filter((c) => size(c) <= maxExampleChars);
  const pool = readable.length ? readable : candidates;
  examples[name] = pool.sort((a, b) => fields(b.value) - fields(a.value) || size(a) - size(b))[0];
}
if (missing.length) {
  console.error(`openapi-examples: no suite received these answers, so they have no example: ${missing.join(', ')}`);
  process.exit(1);
}
writeFileSync(documentPath, withExamples(readFileSync(documentPath, 'utf8'), examples));
console.log(`openapi-examples: ${Object.keys(examples).length} examples written to server/openapi.yaml`);
