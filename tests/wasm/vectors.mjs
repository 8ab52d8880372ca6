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

// The member operations as session methods: which fields of a stateless
// request they take, and how. Answers are awaited, so the same runner takes
// a core in a worker, whose methods answer promises.
const SESSION_CALLS = {
  preview_order: [['cart', 'at'], (m, i) => m.previewOrder(i.cart, i.at)],
  preview_listing: [['products', 'at'], (m, i) => m.previewListing(i.products, i.at)],
  tier_progress: [['at'], (m, i) => m.tierProgress(i.at)],
  points_summary: [['at', 'horizon_days'], (m, i) => m.pointsSummary(i.at, 'horizon_days' in i ? { horizon_days: i.horizon_days } : {})],
  redemption_preview: [['at', 'order_total'], (m, i) => m.redemptionPreview(i.order_total, i.at)],
  lifecycle: [['at'], (m, i) => m.lifecycle(i.at)],
  checkin_calendar: [['at'], (m, i) => m.checkinCalendar(i.at)],
  task_overview: [['at'], (m, i) => m.taskOverview(i.at)],
  apply: [['event'], async (m, i) => ({ ...(await m.apply(i.event)), state: await m.state })],
  apply_events: [['events'], async (m, i) => ({ ...(await m.applyEvents(i.events)), state: await m.state })],
};

/**
 * The same case through a member session (core.member(state), then the
 * method without the state): null when it agrees with the expectation, or
 * when the case cannot be put that way (raw text, fields no method takes).
 */
async function runCaseInSession(c, coreFor) {
  const call = SESSION_CALLS[c.body.op];
  const input = c.body.input;
  if (!call || !input || typeof input !== 'object' || Array.isArray(input)) return null;
  const [fields, ask] = call;
  if (Object.keys(input).some((k) => k !== 'state' && !fields.includes(k))) return null;
  // A session is its state: a case about a missing one has no session form.
  if (!('state' in input) && !['preview_order', 'preview_listing'].includes(c.body.op)) return null;
  const core = await coreFor(c.program);
  let member;
  try {
    member = await core.member(input.state ?? {});
  } catch (e) {
    // A state that does not open: its errors lead the stateless call's.
    if (!('errors' in c.body)) return `the state did not open: ${e.message}`;
    const want = canonicalJson(errorContract(c.body.errors).slice(0, e.errors.length));
    const have = canonicalJson(errorContract(e.errors));
    return want === have ? null : `session: expected errors ${want}\ngot ${have}`;
  }
  let envelope;
  try {
    envelope = canonicalJson({ ok: true, value: await ask(member, input) });
    const points = c.body.op === 'preview_order' && 'output' in c.body ? await member.points(input.cart, input.at) : null;
    if (points !== null && points !== c.body.output.points) {
      return `session: points() gave ${points}, the preview ${c.body.output.points}`;
    }
  } catch (e) {
    if (!e.errors) throw e;
    envelope = canonicalJson({ ok: false, errors: e.errors });
  } finally {
    await member.close();
  }
  const difference = compare(c, envelope);
  return difference && `session: ${difference}`;
}

function compare(c, envelope) {
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

/**
 * Runs one case, statelessly and through a member session. Returns null
 * when it passes, else a description of the difference. `coreFor(program)`
 * returns a (cached) core for that programme.
 */
export async function runCase(c, coreFor, anyCore) {
  return (await runStateless(c, coreFor, anyCore)) ?? runCaseInSession(c, coreFor);
}

async function runStateless(c, coreFor, anyCore) {
  const { op, input, input_text: inputText } = c.body;
  const text = inputText ?? JSON.stringify(input);
  let envelope;
  if (op === 'check_program') {
    envelope = await anyCore.text.checkProgram(text);
  } else {
    const core = await coreFor(c.program);
    const method = op.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase());  // preview_order -> previewOrder
    if (!core.text[method]) return `unknown op ${op}`;
    envelope = await core.text[method](text);
  }
  return compare(c, envelope);
}
