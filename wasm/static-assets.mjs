// What the builds of served files share: names with the content's hash
// (which `loyalty serve` answers as immutable for a year), and brotli and
// gzip siblings compressed once at their best (answered to browsers that
// accept them).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// "app.js" and its bytes -> "app.<12 hex>.js".
export function contentHashedName(name, bytes) {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

// A name written by contentHashedName (with or without a sibling's suffix).
export const isContentHashed = (name) => /\.[0-9a-f]{12}\.[a-z]+$/.test(name.replace(/\.(br|gz)$/, ''));

// FILE.br and FILE.gz beside FILE.
export function writeCompressedSiblings(file) {
  const bytes = readFileSync(file);
  writeFileSync(`${file}.br`, brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
}
