// The public JS API, shared by every host entry (see build-dist.mjs). Plain
// objects in and out; every failure is one LoyaltyError (loyalty-error.js);
// nothing to .delete().
// `createLoyaltyModule` is the Emscripten glue this file is concatenated after.

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

// Text in and out of one module: requests written as UTF-8 in place,
// answers read as a view of wasm memory (valid until the next call).
function textBridge(module) {
  const encoder = typeof TextEncoder !== 'undefined' ? new TextEncoder() : null;
  // At `at` in wasm memory, room for it made already; its byte count.
  const writeUtf8 = (text, at) => {
    // Short ASCII text (a cart's SKUs) byte by byte: making a view of the
    // heap and calling encodeInto cost ~5 % of a 3-line preview.
    if (text.length <= 32) {
      const heap = module.HEAPU8;
      let i = 0;
      for (let c; i < text.length && (c = text.charCodeAt(i)) < 0x80; i++) heap[at + i] = c;
      if (i === text.length) return i;
    }
    if (encoder) return encoder.encodeInto(text, module.HEAPU8.subarray(at, at + text.length * 3)).written;
    const bytes = utf8Bytes(text);
    module.HEAPU8.set(bytes, at);
    return bytes.length;
  };
  return {
    answerText() {
      const at = module._loyalty_answer();
      return decodeUtf8(module.HEAPU8.subarray(at, at + module._loyalty_answer_size()));
    },
    // Into the text buffer (at most 3 UTF-8 bytes per UTF-16 unit); its byte count.
    writeText: (text) => writeUtf8(text, module._loyalty_text(text.length * 3)),
    // Into the text buffer as they are; their count.
    writeBytes(bytes) {
      module.HEAPU8.set(bytes, module._loyalty_text(bytes.length));
      return bytes.length;
    },
    // The answer's bytes, copied out of wasm memory.
    answerBytes() {
      const at = module._loyalty_answer();
      return module.HEAPU8.slice(at, at + module._loyalty_answer_size());
    },
    writeUtf8,
  };
}

// Runs raw calls. The core answers every input with an envelope; anything
// else escaping from the module is a defect, reported as one typed error.
function guarded(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LoyaltyError) throw e;
    throw new LoyaltyError([{ code: 'internal.error', message: `the core failed: ${e}`, path: '' }]);
  }
}

function requireText(arg) {
  if (typeof arg !== 'string') {
    throw new LoyaltyError([{ code: 'type.expected_string', message: 'the text API takes JSON text', path: '' }]);
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

// How many sessions a module holds at most; past it the least recently used
// is written to its snapshot and closed, and re-read when used again.
const MAX_OPEN_MEMBERS = 1024;
// A product's SKU that is not in the programme only needs to be one the JSON
// reader takes (non-empty, at most 128 UTF-8 bytes): checked cheaply here,
// as 1 to 42 UTF-16 units with no surrogate (at most 3 bytes each).
const SURROGATE = /[\ud800-\udfff]/;
const plainSku = (sku) => typeof sku === 'string' && sku.length >= 1 && sku.length <= 42 && !SURROGATE.test(sku);
// SKUs outside the programme found plain, remembered so that a listing
// re-rendered checks each once (bounded: forgotten all at once when full).
const plainSkusSeen = new Set();
const plainSkuSeen = (sku) => {
  if (plainSkusSeen.has(sku)) return true;
  if (!plainSku(sku)) return false;
  if (plainSkusSeen.size >= 4096) plainSkusSeen.clear();
  plainSkusSeen.add(sku);
  return true;
};
const SKU_BYTES = 128;  // what a plain SKU takes in UTF-8 at most
const MAX_TIME_MS = 253402300799999;
const MAX_CART_LINES = 1000;
const MAX_QUANTITY = 1000000;

// Member sessions over one module: the wasm side holds parsed states by
// handle; this side gives them out as plain objects with methods, frees
// them when unreachable and keeps at most MAX_OPEN_MEMBERS open.
function memberSessions(module, io, programRef) {
  const { answerText, writeText, writeUtf8, writeBytes, answerBytes } = io;
  const tape = tapeReader(module);
  // Queries answered as tapes on their typed path (bindings.cpp, loyalty_member_query_tape).
  const TAPE_QUERIES = new Set(['tier_progress', 'points_summary', 'lifecycle']);
  module._loyalty_member_operations();
  const opIndex = {};
  answerText().split(',').forEach((name, i) => { opIndex[name] = i; });
  const open = new Map();  // handle -> the session, least recently used first
  const finalizer = typeof FinalizationRegistry !== 'undefined'
    ? new FinalizationRegistry((handle) => {
      if (open.delete(handle)) module._loyalty_member_close(handle);
    })
    : null;
  let generation = 0;  // of the programme; a new one re-opens every session
  let lastUsed = 0;
  let index = null;    // category and SKU ids -> their indexes in the programme

  function programIndex() {
    if (!index) {
      const program = programRef();
      index = {
        categories: new Map(program.earning.categories.map((c, i) => [c.id, i])),
        skus: new Map((program.earning.skus || []).map((s, i) => [s.id, i])),
        tiers: program.tiers.map((t) => t.id),
      };
    }
    return index;
  }

  // Writes cart lines as four numbers each; -1 when a line is not plainly
  // valid, so that the JSON path answers (and says what is wrong). With
  // skuTexts, an SKU that is not in the programme is written as text too
  // (for answers that echo it): its UTF-8 bytes in the text buffer, its
  // number -1 - their count (bindings.cpp, read_typed_lines).
  function writeLines(lines, skuTexts) {
    if (!Array.isArray(lines) || lines.length > MAX_CART_LINES) return -1;
    const { categories, skus } = programIndex();
    let textAt = skuTexts ? module._loyalty_text(lines.length * SKU_BYTES) : 0;
    const base = module._loyalty_buffer(lines.length * 4) >> 3;
    const heap = module.HEAPF64;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line === null || typeof line !== 'object' || Object.keys(line).length !== 4) return -1;
      const category = categories.get(line.category);
      let sku = skus.get(line.sku);
      if (sku === undefined) {
        if (!plainSkuSeen(line.sku)) return -1;
        sku = -1;
        if (skuTexts) {
          const bytes = writeUtf8(line.sku, textAt);
          textAt += bytes;
          sku = -1 - bytes;
        }
      }
      const price = line.unit_price;
      const quantity = line.quantity;
      if (category === undefined || !Number.isSafeInteger(price) || price < 0 ||
          !Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) return -1;
      const k = base + i * 4;
      heap[k] = category;
      heap[k + 1] = sku;
      heap[k + 2] = price;
      heap[k + 3] = quantity;
    }
    return lines.length;
  }

  const plainTime = (at) => Number.isSafeInteger(at) && at >= 0 && at <= MAX_TIME_MS;
  const plainCart = (cart) => cart !== null && typeof cart === 'object' && Object.keys(cart).length === 1;

  class Member {
    #handle = 0;
    #generation = -1;
    #snapshot;       // the state as last written here: JSON text, or a binary snapshot (Uint8Array)
    #dirty = false;  // applied to since the snapshot was written
    #token = {};     // what the finalizer watches for
    #progress = null;  // the last tier progress and the span [from, until) it holds for

    constructor(state) {
      // Bytes are copied (the caller may reuse them); text is immutable.
      this.#snapshot = state instanceof ArrayBuffer || ArrayBuffer.isView(state) ? bytesOf(state) : toJsonText(state);
      this.#reopen();
    }

    #reopen() {
      const handle = typeof this.#snapshot === 'string'
        ? module._loyalty_member_open(writeText(this.#snapshot))
        : module._loyalty_member_open_snapshot(writeBytes(this.#snapshot));
      if (handle === 0) unwrap(answerText());
      this.#handle = handle;
      this.#generation = generation;
      open.set(handle, new WeakRefOrSelf(this));
      if (finalizer) finalizer.register(this, handle, this.#token);
      while (open.size > MAX_OPEN_MEMBERS) {
        const [oldest, ref] = open.entries().next().value;
        const member = ref.deref();
        if (member) member.#evict();
        else {
          open.delete(oldest);
          module._loyalty_member_close(oldest);
        }
      }
    }

    // Writes the held state to its snapshot and frees the wasm side.
    #evict() {
      if (!this.#handle) return;
      if (this.#dirty) this.#snapshot = this.#bytes();
      this.#dirty = false;
      this.#release();
    }

    #release() {
      open.delete(this.#handle);
      module._loyalty_member_close(this.#handle);
      if (finalizer) finalizer.unregister(this.#token);
      this.#handle = 0;
    }

    // The open handle: re-opened after eviction or a new programme.
    #use() {
      if (this.#handle && this.#generation !== generation) this.#evict();
      if (!this.#handle) this.#reopen();
      else if (lastUsed !== this.#handle) {  // most recently used last
        const ref = open.get(this.#handle);
        open.delete(this.#handle);
        open.set(this.#handle, ref);
      }
      lastUsed = this.#handle;
      return this.#handle;
    }

    // A member operation on a request object (or text); the envelope text.
    #call(op, request) {
      const text = toJsonText(request);
      return guarded(() => {
        module._loyalty_member_call(this.#handle, opIndex[op], writeText(text));
        return op === 'state' ? unwrapText(answerText()) : answerText();
      });
    }

    #ask(op, request) {
      this.#use();
      return unwrap(this.#call(op, request));
    }

    #bytes() {
      module._loyalty_member_snapshot(this.#handle);
      return answerBytes();
    }

    /** The state as compact bytes (a few times smaller than JSON, read back ~10x faster): core.member(bytes). */
    snapshot() {
      this.#use();
      return this.#bytes();
    }

    /** The member's state: a snapshot written when asked. */
    get state() {
      this.#use();
      return JSON.parse(this.#call('state', '{}'));
    }

    points(cart, at) {
      const handle = this.#use();
      if (plainCart(cart) && plainTime(at)) {
        const count = writeLines(cart.lines);
        if (count >= 0) {
          const points = module._loyalty_member_points(handle, count, at);
          if (points >= 0) return points;
        }
      }
      return this.previewOrder(cart, at).points;
    }

    previewListing(products, at) {
      const handle = this.#use();
      if (plainTime(at)) {
        const count = writeLines(products);
        if (count >= 0) {
          const tier = module._loyalty_member_listing(handle, count, at);
          if (tier >= 0) {
            const base = module._loyalty_buffer(0) >> 3;
            const heap = module.HEAPF64;
            // A plain loop: Array.from walks a typed array through its iterator, ~10x slower.
            const points = new Array(count);
            for (let i = 0; i < count; i++) points[i] = heap[base + i];
            return { points, tier: programIndex().tiers[tier] };
          }
        }
      }
      return this.#ask('preview_listing', { products, at });
    }

    previewOrder(cart, at) {
      const handle = this.#use();
      if (plainCart(cart) && plainTime(at)) {
        const count = writeLines(cart.lines, true);
        const value = count >= 0 && module._loyalty_member_preview(handle, count, at) ? tape.read() : undefined;
        if (value !== undefined) return value;
      }
      return this.#ask('preview_order', { cart, at });
    }

    // An operation whose request is only the time: no request text when it is a plain number.
    #askAt(op, at) {
      const handle = this.#use();
      if (plainTime(at)) {
        if (TAPE_QUERIES.has(op)) {
          const value = module._loyalty_member_query_tape(handle, opIndex[op], at) ? tape.read() : undefined;
          if (value !== undefined) return value;
        } else if (module._loyalty_member_query(handle, opIndex[op], at)) {
          return unwrap(answerText());
        }
      }
      return this.#ask(op, { at });
    }

    /** Frozen, and the same object for as long as it holds (the local day, until something falls due). */
    tierProgress(at) {
      const kept = this.#progress;
      if (kept && plainTime(at) && at >= kept.from && at < kept.until && kept.generation === generation) return kept.value;
      const value = this.#askAt('tier_progress', at);
      const until = plainTime(at) ? module._loyalty_member_progress_until(this.#handle, at) : -1;
      this.#progress = until > at ? { from: at, until, generation, value: deepFreeze(value) } : null;
      return value;
    }

    pointsSummary(at, options) {
      return options === undefined ? this.#askAt('points_summary', at) : this.#ask('points_summary', { ...options, at });
    }

    redemptionPreview(orderTotal, at) { return this.#ask('redemption_preview', { order_total: orderTotal, at }); }
    lifecycle(at) { return this.#askAt('lifecycle', at); }
    checkinCalendar(at) { return this.#askAt('checkin_calendar', at); }
    taskOverview(at) { return this.#askAt('task_overview', at); }
    segments(at) { return this.#askAt('segments', at); }
    mallCatalog(at, options) {
      return options === undefined ? this.#askAt('mall_catalog', at) : this.#ask('mall_catalog', { ...options, at });
    }
    apply(event) {
      this.#changed();
      return this.#ask('apply', { event });
    }

    applyEvents(events) {
      this.#changed();
      return this.#ask('apply_events', { events });
    }

    #changed() {
      this.#dirty = true;
      this.#progress = null;
    }

    /** Frees the session now (optional: an unreachable one is freed anyway). */
    close() {
      this.#evict();
    }
  }

  return {
    open: (state) => new Member(state),
    programChanged() {
      generation += 1;
      index = null;
    },
    get openCount() {
      return module._loyalty_member_count();
    },
  };
}

// A binary snapshot given as an ArrayBuffer or any view of one, as bytes of its own.
function bytesOf(value) {
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
}

// Answers that are shared between calls are frozen, so that no caller can
// change what the next one sees. Arrays by index and objects by for-in (own
// keys only: a page may have added to Object.prototype): an array of keys
// made for each (Object.keys) cost a third of the freezing.
const hasOwn = Object.prototype.hasOwnProperty;
function deepFreeze(value) {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    for (const key in value) if (hasOwn.call(value, key)) deepFreeze(value[key]);
  }
  return value;
}

// A weak reference where the host has them; else a strong one (the LRU
// bound still holds: evicted sessions are written out and closed).
function WeakRefOrSelf(target) {
  if (typeof WeakRef !== 'undefined') return new WeakRef(target);
  return { deref: () => target };
}

function utf8Bytes(text) {
  const out = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.codePointAt(i);
    if (c > 0xffff) i++;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

// The value of an envelope, as text (a state snapshot kept as it came).
function unwrapText(envelopeText) {
  const prefix = '{"ok":true,"value":';
  if (envelopeText.startsWith(prefix)) return envelopeText.slice(prefix.length, -1);
  return unwrap(envelopeText);
}

async function createLoyaltyCoreWith(instantiate, options) {
  if (!options || options.program === undefined) {
    throw new LoyaltyError([{ code: 'field.missing', message: 'options.program is required', path: 'program' }]);
  }
  const module = await instantiateModule(instantiate);
  const io = textBridge(module);
  // Raw text in, envelope text out.
  const textCall = (fn) => (text) => {
    requireText(text);
    return guarded(() => {
      fn(io.writeText(text));
      return io.answerText();
    });
  };
  const checkProgram = textCall((bytes) => module._loyalty_check_program(bytes));
  const load = (text) => {
    if (!guarded(() => module._loyalty_load(io.writeText(text)))) unwrap(io.answerText());
  };
  // The normalised programme is written only when asked: a page may never need it.
  let program = null;
  const loaded = () => {
    if (program === null) {
      program = unwrap(guarded(() => {
        module._loyalty_program();
        return io.answerText();
      }));
    }
    return program;
  };
  load(toJsonText(options.program));
  const members = memberSessions(module, io, loaded);

  const api = {
    /** The loaded programme, normalised: every default filled in. */
    get program() {
      return loaded();
    },
    loadProgram(next) {
      load(toJsonText(next));
      program = null;
      members.programChanged();
      return loaded();
    },
    /** A member session: the state read once, then asked without it. */
    member(state) {
      return members.open(state);
    },
    /** How many member sessions the module holds now (at most 1,024). */
    get openMembers() {
      return members.openCount;
    },
    /** The module's memory in bytes (it grows, never shrinks): for diagnostics. */
    get memoryBytes() {
      return module.HEAPU8.length;
    },
    checkProgram(candidate) {
      const envelope = JSON.parse(checkProgram(toJsonText(candidate)));
      return envelope.ok ? { ok: true, program: envelope.value } : { ok: false, errors: envelope.errors };
    },
  };
  /** The same calls on JSON text, answering the envelope text unparsed. */
  const text = { checkProgram };
  module._loyalty_operations();
  const opNames = io.answerText().split(',');
  for (const [method, op] of Object.entries(OPERATIONS)) {
    const index = opNames.indexOf(op);
    text[method] = textCall((bytes) => module._loyalty_call(index, bytes));
    api[method] = (request) => unwrap(text[method](toJsonText(request)));
  }
  api.text = Object.freeze(text);
  return Object.freeze(api);
}
