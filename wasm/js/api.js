// The public JS API, shared by every host entry (see build-dist.mjs). Plain
// objects in and out; every failure is one LoyaltyError; nothing to .delete().
// `createLoyaltyModule` is the Emscripten glue this file is concatenated after.

/** The one error type of the API: `code` is stable, `path` points into the input. */
class LoyaltyError extends Error {
  constructor(errors) {
    const first = errors[0] || { code: 'internal', message: 'unknown error', path: '' };
    super(first.path ? `${first.path}: ${first.message}` : first.message);
    this.name = 'LoyaltyError';
    this.code = first.code;
    this.path = first.path;
    /** Every problem found, in input order (a programme may have many). */
    this.errors = errors;
  }
}

// The public method for each core operation (loyalty::Engine::operations()).
const OPERATIONS = {
  previewOrder: 'preview_order',
  previewListing: 'preview_listing',
  tierProgress: 'tier_progress',
  pointsSummary: 'points_summary',
  redemptionPreview: 'redemption_preview',
  lifecycle: 'lifecycle',
  checkinCalendar: 'checkin_calendar',
  taskOverview: 'task_overview',
  boxOdds: 'box_odds',
  verifyDraw: 'verify_draw',
  simulateDraws: 'simulate_draws',
  digest: 'digest',
  apply: 'apply',
  applyEvents: 'apply_events',
};

// Objects become JSON text; text passes through untouched (a programme file
// read as text need not be parsed twice).
function toJsonText(value) {
  if (typeof value === 'string') return value;
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new LoyaltyError([{ code: 'json.unserializable', message: String(e.message), path: '' }]);
  }
  return text === undefined ? 'null' : text;
}

// Decodes an answer: a view of UTF-8 bytes in wasm memory, valid until the
// next call. Some mini-program base libraries have no TextDecoder.
const utf8Decoder = typeof TextDecoder !== 'undefined' ? new TextDecoder() : null;
function decodeUtf8(bytes) {
  if (utf8Decoder) return utf8Decoder.decode(bytes);
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i++];
    let code = b;
    if (b >= 0xf0) code = ((b & 0x07) << 18) | ((bytes[i++] & 0x3f) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f);
    else if (b >= 0xe0) code = ((b & 0x0f) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f);
    else if (b >= 0xc0) code = ((b & 0x1f) << 6) | (bytes[i++] & 0x3f);
    out += String.fromCodePoint(code);
  }
  return out;
}

// Runs a raw call. The core answers every input with an envelope; anything
// else escaping from the module is a defect, reported as one typed error.
function callRaw(fn, arg) {
  if (typeof arg !== 'string') {
    throw new LoyaltyError([{ code: 'type.expected_string', message: 'the text API takes JSON text', path: '' }]);
  }
  try {
    return decodeUtf8(fn(arg));
  } catch (e) {
    if (e instanceof LoyaltyError) throw e;
    throw new LoyaltyError([{ code: 'internal.error', message: `the core failed: ${e}`, path: '' }]);
  }
}

function unwrap(envelopeText) {
  const envelope = JSON.parse(envelopeText);
  if (envelope.ok) return envelope.value;
  throw new LoyaltyError(envelope.errors);
}

// Starts the module with the host's way of instantiating the .wasm.
function instantiateModule(instantiate) {
  return new Promise((resolve, reject) => {
    const fail = (e) => reject(e instanceof Error ? e : new Error(`loyalty core failed to start: ${e}`));
    createLoyaltyModule({
      instantiateWasm(imports, receive) {
        Promise.resolve()
          .then(() => instantiate(imports))
          .then((result) => receive(result.instance, result.module), fail);
        return {};
      },
      onAbort: fail,
    }).then(resolve, fail);
  });
}

async function createLoyaltyCoreWith(instantiate, options) {
  if (!options || options.program === undefined) {
    throw new LoyaltyError([{ code: 'field.missing', message: 'options.program is required', path: 'program' }]);
  }
  const module = await instantiateModule(instantiate);
  const raw = new module.Core();  // lives as long as the module; never exposed
  const load = (text) => callRaw((t) => raw._load(t), text);
  const checkProgram = (text) => callRaw((t) => raw._checkProgram(t), text);
  let program = unwrap(load(toJsonText(options.program)));

  const api = {
    /** The loaded programme, normalised: every default filled in. */
    get program() {
      return program;
    },
    loadProgram(next) {
      program = unwrap(load(toJsonText(next)));
      return program;
    },
    checkProgram(candidate) {
      const envelope = JSON.parse(checkProgram(toJsonText(candidate)));
      return envelope.ok ? { ok: true, program: envelope.value } : { ok: false, errors: envelope.errors };
    },
  };
  /** The same calls on JSON text, answering the envelope text unparsed. */
  const text = { checkProgram };
  for (const [method, op] of Object.entries(OPERATIONS)) {
    text[method] = (requestText) => callRaw((t) => raw._call(op, t), requestText);
    api[method] = (request) => unwrap(text[method](toJsonText(request)));
  }
  api.text = Object.freeze(text);
  return Object.freeze(api);
}
