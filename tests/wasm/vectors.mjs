// Host-independent driver of the conformance vectors for the JS runners: it
// needs only a way to make a core for a programme. Node and the page in
// Chromium run it (tests/web/vectors-in-page.test.mjs).

/** Sorted keys, no spaces: the bytes the core itself writes. */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Expands vector documents into cases: [{ file, name, program, body }].
 * @param {Array<{file: string, doc: object}>} documents
 * @param {(path: string) => object} readProgram reads "programs/x.json"
 */
export function expandCases(documents, readProgram) {
  const cases = [];
  for (const { file, doc } of documents) {
    const fileProgram = typeof doc.program === 'string' ? readProgram(doc.program) : doc.program;
    for (const body of doc.cases) {
      // A case may carry its own programme: inline, or a file like the vector's.
      const own = typeof body.program === 'string' ? readProgram(body.program) : body.program;
      cases.push({ file, name: body.name, program: own ?? fileProgram, body });
    }
  }
  return cases;
}

const errorContract = (errors) => errors.map(({ code, path }) => ({ code, path }));

/**
 * Runs one case. Returns null when it passes, else a description of the
 * difference. `coreFor(program)` returns a (cached) core for that programme.
 */
export async function runCase(c, coreFor, anyCore) {
  const { op, input, input_text: inputText } = c.body;
  const text = inputText ?? JSON.stringify(input);
  let envelope;
  if (op === 'check_program') {
    envelope = anyCore.text.checkProgram(text);
  } else {
    const core = await coreFor(c.program);
    const method = op.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase());  // preview_order -> previewOrder
    if (!core.text[method]) return `unknown op ${op}`;
    envelope = core.text[method](text);
  }
  if ('output' in c.body) {
    const expected = canonicalJson({ ok: true, value: c.body.output });
    return envelope === expected ? null : `expected\n${expected}\ngot\n${envelope}`;
  }
  const got = JSON.parse(envelope);
  if (got.ok) return `expected errors, got ${envelope}`;
  const want = canonicalJson(errorContract(c.body.errors));
  const have = canonicalJson(errorContract(got.errors));
  return want === have ? null : `expected errors ${want}\ngot ${have}`;
}
