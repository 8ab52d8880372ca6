// The JS package as an integrator gets it: `npm pack`, installed into a
// scratch project, then used every way the package says it can be: imported
// from ESM in Node, required from CommonJS where offered, type-checked by tsc
// in a consumer file, and bundled by esbuild into a page that loads the .wasm
// from the bundle's output, run in Chromium as a storefront would ship it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, test } from 'node:test';

import { root } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'loyalty-package-'));
const installed = join(scratch, 'node_modules', '@loyalty-core', 'wasm');
const manifest = JSON.parse(readFileSync(join(root, 'wasm', 'package.json'), 'utf8'));
const bakery = readFileSync(join(root, 'programs', 'bakery.json'), 'utf8');
const run = (file, args, options = {}) => execFileSync(file, args, { cwd: scratch, encoding: 'utf8', ...options });
let packed;

before(() => {
  const [{ filename, files }] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch, join(root, 'wasm')]));
  packed = files.map((f) => f.path).sort();
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'storefront', private: true, type: 'module' }));
  writeFileSync(join(scratch, 'bakery.json'), bakery);
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(scratch, filename)]);
});

// Every file an `exports` entry names, for every condition.
function exportTargets(value) {
  if (typeof value === 'string') return [value.replace(/^\.\//, '')];
  return Object.values(value).flatMap(exportTargets);
}

test('the tarball holds exactly the files the package lists, and every export points into it', () => {
  assert.deepEqual(packed, [...manifest.files, 'package.json'].sort());
  for (const target of new Set(Object.values(manifest.exports).flatMap(exportTargets))) {
    assert.ok(packed.includes(target), `exports names ${target}, which is not packed`);
  }
});

test('from ESM in Node the installed package previews a cart, and its other entries import', () => {
  writeFileSync(join(scratch, 'esm.mjs'), `
    import { readFileSync } from 'node:fs';
    import { createLoyaltyCore } from '@loyalty-core/wasm';
    import { SyncClient, browserHost } from '@loyalty-core/wasm/sync';
    import * as inWorker from '@loyalty-core/wasm/in-worker';
    const core = await createLoyaltyCore({ program: readFileSync('bakery.json', 'utf8') });
    const cart = { lines: [{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 2 }] };
    const preview = core.previewOrder({ state: { growth: 100 }, cart, at: 1796000000000 });
    console.log(JSON.stringify({ points: preview.points, sync: typeof SyncClient, host: typeof browserHost, worker: typeof inWorker.createLoyaltyCore }));
  `);
  const out = JSON.parse(run('node', ['esm.mjs']));
  assert.ok(out.points > 0);
  assert.deepEqual({ ...out, points: 1 }, { points: 1, sync: 'function', host: 'function', worker: 'function' });
});

test('from CommonJS the entries that offer it require', () => {
  writeFileSync(join(scratch, 'cjs.cjs'), `
    const sync = require('@loyalty-core/wasm/sync');
    const names = ['miniprogram', 'douyin', 'alipay'].map((entry) => typeof require('@loyalty-core/wasm/' + entry).createLoyaltyCore);
    console.log(JSON.stringify({ sync: Object.keys(sync).sort(), names }));
  `);
  const out = JSON.parse(run('node', ['cjs.cjs']));
  assert.deepEqual(out, { sync: ['SyncClient', 'alipayHost', 'browserHost', 'douyinHost', 'wechatHost'], names: ['function', 'function', 'function'] });
});

test('tsc checks a consumer against the installed declarations, and refuses a misuse', () => {
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { noEmit: true, strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], types: [] },
    files: ['consumer.ts'],
  }));
  const consumer = `
    import { createLoyaltyCore, type MemberState } from '@loyalty-core/wasm';
    import { SyncClient, browserHost } from '@loyalty-core/wasm/sync';
    import type { components } from '@loyalty-core/wasm/http-api';
    export async function badge(state: MemberState): Promise<number> {
      const core = await createLoyaltyCore({ program: '{}' });
      const sync = new SyncClient({ host: browserHost(), server: 'https://loyalty.example' });
      const answer: components['schemas']['Balances'] | null = sync.balances;
      return core.member(state).points({ lines: [] }, Date.now()) + (answer?.available ?? 0);
    }
  `;
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  writeFileSync(join(scratch, 'consumer.ts'), consumer);
  run(tsc, ['-p', '.']);
  writeFileSync(join(scratch, 'consumer.ts'), consumer.replace('points({ lines: [] }, Date.now())', 'points({ lines: [] })'));
  assert.throws(() => run(tsc, ['-p', '.'], { stdio: 'pipe' }), (e) => /Expected 2 arguments/.test(e.stdout));
});

let server;
let browser;
after(async () => {
  await browser?.close();
  server?.close();
});

test('esbuild bundles a storefront page with the .wasm in its output, and the page previews in Chromium', async () => {
  writeFileSync(join(scratch, 'page.js'), `
    import { createLoyaltyCore } from '@loyalty-core/wasm';
    import wasmUrl from '@loyalty-core/wasm/loyalty-core.wasm';
    import program from './bakery.json';
    const core = await createLoyaltyCore({ program, wasmUrl });
    const cart = { lines: [{ sku: 'baguette', category: 'bread', unit_price: 1250, quantity: 2 }] };
    document.body.dataset.points = String(core.member({ growth: 100 }).points(cart, Date.now()));
  `);
  const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
  run(esbuild, ['page.js', '--bundle', '--format=esm', '--platform=browser', '--outdir=out', '--loader:.wasm=file',
    '--entry-names=[name]-[hash]', '--asset-names=[name]-[hash]', '--log-level=error']);
  const out = readdirSync(join(scratch, 'out'));
  const page = out.find((f) => f.endsWith('.js'));
  assert.ok(out.some((f) => /^loyalty-core-[A-Z0-9]+\.wasm$/.test(f)), `the .wasm is in the bundle's output: ${out}`);
  writeFileSync(join(scratch, 'out', 'index.html'), `<!doctype html><script type="module" src="${page}"></script>`);
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  server = createServer((req, res) => {
    const file = join(scratch, 'out', req.url === '/' ? 'index.html' : req.url.slice(1));
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  browser = await launchChromium();
  const tab = await browser.newPage();
  const problems = watchProblems(tab, /favicon\.ico$/);  // the bare page has none
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForSelector('body[data-points]', { state: 'attached' });
  assert.ok(Number(await tab.getAttribute('body', 'data-points')) > 0);
  assert.deepEqual(problems, []);
});
