// Reads the tapes a member session answers on its typed path
// (core/include/loyalty/answer_tape.hpp) into the same objects JSON.parse
// gives for the JSON answer: the same keys in the same order, the same
// numbers. A few times faster than writing and parsing the text.

const TAPE = {
  beginObject: 1, endObject: 2, beginArray: 3, endArray: 4, null: 5, yes: 6, no: 7,
  int32: 8, int64: 9, string: 10, stringRef: 11, stringDef: 12, jsonText: 13, shapedObject: 14,
};

// The objects a tape sends by shape, in TapeShape's order with its keys
// (answer_tape.hpp): each built by one object literal from its values in
// turn, where adding keys one by one to {} was most of reading a preview.
// Literals, not code made at run time: mini-programs have no eval.
function tapeShapes(v) {
  return [
    () => ({ points: v(), rule: v() }),
    () => ({ id: v(), points: v(), rule: v() }),
    () => ({ id: v(), multiplier_bp: v(), points: v(), rule: v() }),
    () => ({
      category: v(), discount: v(), paid: v(), points: v(), quantity: v(), sku: v(), steps: v(), subtotal: v(),
      unit_price: v(),
    }),
    () => ({ have: v(), metric: v(), missing: v(), need: v() }),
    () => ({ cut: v(), limit: v(), period: v(), used_before: v() }),
    () => ({
      drop_to: v(), evaluation_date: v(), held_tier: v(), needs: v(), next_tier: v(), permille: v(),
      retain_needs: v(), spend_needed: v(), tier: v(),
    }),
    () => ({
      at: v(), caps: v(), discount: v(), growth: v(), line_points: v(), lines: v(), local_date: v(), paid: v(),
      points: v(), progress: v(), progress_after: v(), subtotal: v(), tier: v(),
    }),
    () => ({
      at: v(), caps: v(), discount: v(), expires_at: v(), growth: v(), line_points: v(), lines: v(),
      local_date: v(), paid: v(), points: v(), progress: v(), progress_after: v(), subtotal: v(), tier: v(),
    }),
  ];
}

// Strings of a few ASCII bytes are built here: a TextDecoder call costs
// more than the loop for them.
function shortText(heap, at, length) {
  let text = '';
  for (let i = at; i < at + length; i++) {
    const c = heap[i];
    if (c >= 0x80) return decodeUtf8(heap.subarray(at, at + length));
    text += String.fromCharCode(c);
  }
  return text;
}

/**
 * A reader of one module's tapes. It holds the strings the module has sent
 * by index; `read` answers undefined when the two have lost step (both then
 * forget them, and the caller asks again through JSON).
 */
function tapeReader(module) {
  const strings = [];
  let heap;
  let i = 0;

  const u16 = () => {
    const v = heap[i] | (heap[i + 1] << 8);
    i += 2;
    return v;
  };
  const i32 = () => {
    const v = heap[i] | (heap[i + 1] << 8) | (heap[i + 2] << 16) | (heap[i + 3] << 24);
    i += 4;
    return v;
  };
  const shapes = tapeShapes(value);
  const text = (length) => {
    const value = length <= 32 ? shortText(heap, i, length) : decodeUtf8(heap.subarray(i, i + length));
    i += length;
    return value;
  };

  function value() {
    switch (heap[i++]) {
      case TAPE.shapedObject: {
        const object = shapes[heap[i++]]();
        if (heap[i++] !== TAPE.endObject) throw new Error(`tape: a shaped object ends at ${i - 1}`);
        return object;
      }
      case TAPE.beginObject: {
        const object = {};
        for (let tag = heap[i]; tag !== TAPE.endObject; tag = heap[i]) {
          // Keys are nearly always strings sent before: read here, not through value().
          let key;
          if (tag === TAPE.stringRef) {
            key = strings[heap[i + 1] | (heap[i + 2] << 8)];
            i += 3;
          } else {
            key = value();
          }
          // So are most values small integers and strings sent before: read
          // here too, a call fewer for each (~7 % of a preview's decoding).
          const next = heap[i];
          if (next === TAPE.int32) {
            object[key] = heap[i + 1] | (heap[i + 2] << 8) | (heap[i + 3] << 16) | (heap[i + 4] << 24);
            i += 5;
          } else if (next === TAPE.stringRef) {
            object[key] = strings[heap[i + 1] | (heap[i + 2] << 8)];
            i += 3;
          } else {
            object[key] = value();
          }
        }
        i++;
        return object;
      }
      case TAPE.beginArray: {
        const array = [];
        while (heap[i] !== TAPE.endArray) array.push(value());
        i++;
        return array;
      }
      case TAPE.null: return null;
      case TAPE.yes: return true;
      case TAPE.no: return false;
      case TAPE.int32: return i32();
      case TAPE.int64: {
        const low = i32() >>> 0;
        return i32() * 4294967296 + low;  // one rounding, as JSON.parse rounds the digits
      }
      case TAPE.string: return text(i32() >>> 0);
      case TAPE.stringRef: return strings[u16()];
      case TAPE.stringDef: {
        const s = text(u16());
        strings.push(s);
        return s;
      }
      case TAPE.jsonText: return JSON.parse(text(i32() >>> 0));
      default: throw new Error(`tape: unknown tag at ${i - 1}`);
    }
  }

  return {
    // The answer in wasm memory, read at once.
    read() {
      heap = module.HEAPU8;
      i = module._loyalty_answer();
      const held = i32() >>> 0;
      if (held === strings.length) {
        try {
          return value();
        } catch {
          // lost step (a defect): forgotten below, and asked again through JSON
        }
      }
      strings.length = 0;
      module._loyalty_tape_reset();
      return undefined;
    },
  };
}
