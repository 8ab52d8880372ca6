// Writes the JSON Schema of the programme format from the hand-written
// declarations (loyalty-core.d.ts, ProgramInput), so that TypeScript users
// and editors that check a programme as it is typed read one source:
//
//   node wasm/program-schema.mjs [OUT]      (default wasm/program.schema.json; npm run program-schema)
//
// Every number the core reads is an integer within ±(2^53 − 1) (the README's
// input rules), which TypeScript cannot say: the schema says it for all.
// scripts/test.sh checks the committed file is what this writes, and
// tests/wasm/program-schema.test.mjs that the example programmes, the
// vectors' and the core's own normalised ones match it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createGenerator } from 'ts-json-schema-generator';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? join(here, 'program.schema.json');
const kMaxSafeInteger = 9007199254740991;

function integers(node) {
  if (Array.isArray(node)) return node.map(integers);
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, integers(value)]));
  if (copy.type === 'number') {
    copy.type = 'integer';
    copy.minimum ??= -kMaxSafeInteger;
    copy.maximum ??= kMaxSafeInteger;
  }
  return copy;
}

const schema = createGenerator({
  path: join(here, 'loyalty-core.d.ts'),
  type: 'ProgramInput',
  skipTypeCheck: true,
  additionalProperties: false,
}).createSchema('ProgramInput');
const written = { title: 'Loyalty Core programme', ...integers(schema) };
writeFileSync(out, JSON.stringify(written, null, 2) + '\n');
