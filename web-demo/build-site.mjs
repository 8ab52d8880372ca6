// Builds the storefront as it is deployed (build/web-demo/): every page
// module and the style sheet under a name with its content's hash, which
// `loyalty serve` answers as immutable, so that a reload asks for nothing but
// the pages; the pages and products.json keep their names (revalidated by
// ETag). A module's imports are rewritten to its dependencies' hashed names
// before it is hashed, so a change anywhere below a module gives it a new
// name too. Every file gets brotli and gzip siblings.
// `loyalty serve --static web-demo` still serves the sources as they are.
// Usage: node web-demo/build-site.mjs [OUT_DIR [SOURCE_DIR]]
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { contentHashedName, writeCompressedSiblings } from '../wasm/static-assets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] || join(here, '..', 'build', 'web-demo'));
const sourceDir = resolve(process.argv[3] || here);

const sources = readdirSync(sourceDir).filter((name) => /\.(js|css|html|json)$/.test(name) && name !== 'build-site.mjs');
const text = Object.fromEntries(sources.map((name) => [name, readFileSync(join(sourceDir, name), 'utf8')]));

// Static imports of sibling modules: `from './x.js'` and `import './x.js'`.
const importPattern = /(\bfrom\s*|\bimport\s*)(['"])\.\/([\w.-]+\.js)\2/g;
const importsOf = (name) => [...text[name].matchAll(importPattern)].map((m) => m[3]);

const hashed = {};  // source name -> hashed name
const rewriteImports = (source) => source.replace(importPattern, (whole, keyword, quote, name) => {
  if (!hashed[name]) throw new Error(`an import of ${name}, which is not a module here`);
  return `${keyword}${quote}./${hashed[name]}${quote}`;
});

// Modules after everything they import (the pages' graph has no cycles).
const modules = sources.filter((name) => name.endsWith('.js'));
const visiting = new Set();
const ordered = [];
function visit(name) {
  if (ordered.includes(name)) return;
  if (visiting.has(name)) throw new Error(`an import cycle through ${name}`);
  visiting.add(name);
  for (const dependency of importsOf(name)) visit(dependency);
  ordered.push(name);
}
modules.forEach(visit);

const files = {};  // output name -> contents
for (const name of ordered) {
  const rewritten = rewriteImports(text[name]);
  hashed[name] = contentHashedName(name, rewritten);
  files[hashed[name]] = rewritten;
}
for (const name of sources.filter((n) => n.endsWith('.css'))) {
  hashed[name] = contentHashedName(name, text[name]);
  files[hashed[name]] = text[name];
}
// Pages name the hashed files in their script, style sheet and preload links.
for (const name of sources.filter((n) => n.endsWith('.html'))) {
  files[name] = text[name].replace(/\b(src|href)="([\w.-]+\.(?:js|css))"/g, (whole, attribute, file) => {
    if (!hashed[file]) throw new Error(`${name} names ${file}, which is not built`);
    return `${attribute}="${hashed[file]}"`;
  });
}
for (const name of sources.filter((n) => n.endsWith('.json'))) files[name] = text[name];

// Written afresh: a deployment copies the whole directory.
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const [name, contents] of Object.entries(files)) {
  writeFileSync(join(outDir, name), contents);
  writeCompressedSiblings(join(outDir, name));
}
