// web-demo/build-site.mjs: a change to one module renames it and every
// module that imports it, directly or not, and the pages that load them; the
// rest keep their names, so browsers keep what did not change.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { root } from '../server/loyalty-server.mjs';

const work = mkdtempSync(join(tmpdir(), 'loyalty-site-'));
after(() => rmSync(work, { recursive: true, force: true }));

function build(sources, out) {
  execFileSync('node', [`${root}web-demo/build-site.mjs`, out, sources]);
  // plain name -> the name it is served by
  return Object.fromEntries(readdirSync(out).filter((n) => !/\.(br|gz)$/.test(n))
    .map((n) => [n.replace(/\.[0-9a-f]{12}(\.[a-z]+)$/, '$1'), n]));
}

test('a changed module renames itself and what imports it, nothing else', () => {
  const sources = join(work, 'src');
  cpSync(`${root}web-demo`, sources, { recursive: true });
  const first = build(sources, join(work, 'one'));
  appendFileSync(join(sources, 'i18n.js'), '\n// changed\n');
  const second = build(sources, join(work, 'two'));

  const renamed = Object.keys(first).filter((name) => first[name] !== second[name]).sort();
  assert.deepEqual(renamed, ['app.js', 'boot.js', 'i18n.js', 'member-widgets.js', 'member.js', 'widgets.js']);
  for (const kept of ['store.js', 'styles.css']) assert.equal(first[kept], second[kept], kept);
  // The pages keep their names (revalidated) and now name the new files.
  for (const page of ['index.html', 'member.html']) {
    const text = readFileSync(join(work, 'two', page), 'utf8');
    assert.ok(text.includes(second['i18n.js']) && !text.includes(first['i18n.js']), page);
  }
});

test('every module imports its siblings by their hashed names', () => {
  const out = join(work, 'three');
  const names = build(`${root}web-demo`, out);
  for (const name of Object.values(names).filter((n) => n.endsWith('.js'))) {
    const imports = [...readFileSync(join(out, name), 'utf8').matchAll(/from\s*'\.\/([^']+)'|import\s*'\.\/([^']+)'/g)];
    for (const [, a, b] of imports) assert.match(a || b, /\.[0-9a-f]{12}\.js$/, `${name} imports ${a || b}`);
  }
});
