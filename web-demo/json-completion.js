// Completion of a JSON text from its JSON Schema, for the console's
// programme editor: at the caret, the keys the object there may still have,
// or the values a field allows (its enum, const or boolean), each with the
// schema's description. The text before the caret is read with a small
// tolerant scanner (a draft being typed is rarely valid JSON).

// Where the caret is: the path of the container it is in, whether a key or
// a value comes next (and for which key), the keys the object has before
// the caret, and a key or string begun but not closed.
export function caretContext(text, caret) {
  const stack = [];  // { kind: 'object'|'array', key, keys: Set, index, expect: 'key'|'colon'|'value'|'comma' }
  let partial = null;  // the text of a string still open at the caret
  for (let i = 0; i < caret; i++) {
    const c = text[i];
    const top = stack.at(-1);
    if (c === '"') {
      let j = i + 1;
      let value = '';
      for (; j < caret && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < caret) j++;
        value += text[j];
      }
      if (j >= caret) {
        partial = value;
        break;
      }
      if (top?.kind === 'object' && top.expect === 'key') {
        top.key = value;
        top.keys.add(value);
        top.expect = 'colon';
      } else if (top) {
        top.expect = 'comma';
      }
      i = j;
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? { kind: 'object', key: null, keys: new Set(), expect: 'key' } : { kind: 'array', index: 0, expect: 'value' });
    } else if (c === '}' || c === ']') {
      stack.pop();
      if (stack.at(-1)) stack.at(-1).expect = 'comma';
    } else if (c === ':' && top?.kind === 'object') {
      top.expect = 'value';
    } else if (c === ',' && top) {
      if (top.kind === 'object') top.expect = 'key';
      else top.index += 1;
    } else if (!/\s/.test(c) && top && top.expect === 'value') {
      top.expect = 'comma';  // a number, true, false or null begun
    }
  }
  const top = stack.at(-1);
  // The path to the container at the caret: each object's key and array's index on the way.
  const path = [];
  for (const frame of stack.slice(0, -1)) path.push(frame.kind === 'object' ? frame.key : frame.index);
  if (!top) return { path, want: 'none', partial };
  if (top.kind === 'array') return { path: [...path, top.index], want: top.expect === 'value' ? 'value' : 'none', partial, keys: new Set() };
  if (partial === null) for (const key of keysAfter(text, caret)) top.keys.add(key);
  return { path, want: top.expect, key: top.key, keys: top.keys, partial };
}

// The keys the object around the caret has after it (up to its closing brace).
function keysAfter(text, caret) {
  const keys = [];
  let depth = 0;
  for (let i = caret; i < text.length && depth >= 0; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) if (text[j] === '\\') j++;
      if (depth === 0 && /^\s*:/.test(text.slice(j + 1, j + 40))) keys.push(text.slice(i + 1, j));
      i = j;
    } else if (c === '{' || c === '[') {
      depth += 1;
    } else if (c === '}' || c === ']') {
      depth -= 1;
    }
  }
  return keys;
}

// The schema(s) a path leads to: $refs followed, anyOf/oneOf variants kept side by side.
function resolve(root, schema) {
  if (!schema || typeof schema !== 'object') return [];
  if (schema.$ref) return resolve(root, schema.$ref.split('/').slice(1).reduce((o, k) => o?.[k], root));
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  return variants ? variants.flatMap((v) => resolve(root, v)) : [schema];
}

function schemasAt(root, path) {
  let here = resolve(root, root);
  for (const step of path) {
    here = here.flatMap((s) => resolve(root, typeof step === 'number'
      ? s.items
      : s.properties?.[step] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined)));
  }
  return here;
}

// What the value of a key's type starts as, inserted after the key.
function skeleton(root, schema) {
  const [first] = resolve(root, schema);
  const type = Array.isArray(first?.type) ? first.type[0] : first?.type;
  if (first?.const !== undefined) return JSON.stringify(first.const);
  return { object: '{}', array: '[]', string: '""', integer: '0', number: '0', boolean: 'false' }[type] ?? 'null';
}

// Suggestions at the caret: { label, insert, detail }, best first; [] when there is nothing to suggest.
export function suggestions(schema, text, caret) {
  const at = caretContext(text, caret);
  const prefix = at.partial ?? '';
  const quote = at.partial === null ? '"' : '';  // an open string is completed, not opened again
  if (at.want === 'key') {
    const seen = new Map();
    for (const s of schemasAt(schema, at.path)) {
      for (const [key, sub] of Object.entries(s.properties ?? {})) {
        if (seen.has(key) || at.keys.has(key) || !key.startsWith(prefix)) continue;
        const detail = resolve(schema, sub).map((r) => r.description).find(Boolean) ?? sub.description ?? '';
        seen.set(key, { label: key, insert: `${quote}${key.slice(prefix.length)}": ${skeleton(schema, sub)}`, detail });
      }
    }
    return [...seen.values()];
  }
  if (at.want === 'value') {
    const path = at.key === undefined ? at.path : [...at.path, at.key];
    const values = new Set();
    for (const s of schemasAt(schema, path)) {
      for (const v of s.enum ?? (s.const !== undefined ? [s.const] : s.type === 'boolean' ? [true, false] : [])) values.add(v);
    }
    return [...values].map((v) => JSON.stringify(v)).filter((t) => t.startsWith(`"${prefix}`) || (at.partial === null && !t.startsWith('"')))
      .map((t) => ({ label: t, insert: at.partial === null ? t : `${t.slice(prefix.length + 1)}`, detail: '' }));
  }
  return [];
}
