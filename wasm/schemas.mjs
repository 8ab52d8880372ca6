// Writes JSON Schemas (2020-12) of what the core reads — a programme, an
// event, a member's state — from the hand-written declarations
// (loyalty-core.d.ts), so that TypeScript users and editors that check a
// file as it is typed read one source:
//
//   node wasm/schemas.mjs [OUT_DIR]      (default wasm/; npm run schemas)
//
// Every number the core reads is an integer within ±(2^53 − 1) (the README's
// input rules), which TypeScript cannot say: the schemas say it for all.
// scripts/test.sh checks the committed files are what this writes, and
// tests/wasm/schemas.test.mjs that the example programmes, the vectors' and
// the core's own programmes, events and states match them.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createGenerator } from 'ts-json-schema-generator';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] ?? here;
const kMaxSafeInteger = 9007199254740991;

// file -> [the declaration's type, the schema's title]
const schemas = {
  'program.schema.json': ['ProgramInput', 'Loyalty Core programme'],
  'event.schema.json': ['Event', 'Loyalty Core event'],
  'state.schema.json': ['MemberState', "Loyalty Core member's state"],
};

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

const generator = createGenerator({
  path: join(here, 'loyalty-core.d.ts'),
  skipTypeCheck: true,
  additionalProperties: false,
});
for (const [file, [type, title]] of Object.entries(schemas)) {
  // 2020-12 names its definitions $defs.
  const { $schema, definitions, ...rest } = integers(generator.createSchema(type));
  const written = JSON.parse(JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    ...rest,
    $defs: definitions,
  }).replaceAll('"#/definitions/', '"#/$defs/'));
  writeFileSync(join(outDir, file), JSON.stringify(written, null, 2) + '\n');
}
