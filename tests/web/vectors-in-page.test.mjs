// The conformance vectors inside a page in Chromium, against the WASM build
// the demo serves (the third runner, after native and Node), with the core
// in the page and again in a module worker (loyalty-core.in-worker.mjs). The
// page loads the same host-independent driver as the Node runner; each
// vector file is one test, and a failing case is reported by name with its
// difference.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { root, startServer } from '../server/loyalty-server.mjs';
import { expandCases } from '../wasm/vectors.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const vectorDir = join(root, 'tests', 'vectors');
const files = readdirSync(vectorDir).filter((f) => f.endsWith('.json')).sort();
const readProgram = (p) => JSON.parse(readFileSync(join(root, p), 'utf8'));

let server;
let browser;
let page;
let problems;

before(async () => {
  server = await startServer(['--program', 'programs/bakery.json', '--static', 'build/web-demo', '--package', 'wasm/dist']);
  browser = await launchChromium();
  page = await browser.newPage();
  problems = watchProblems(page);
  // A bare page on the server's origin, and the driver shared with the Node runner.
  await page.route('**/__conformance/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>vectors</title>' }));
  await page.route('**/__conformance/vectors.mjs', (route) => route.fulfill({
    contentType: 'text/javascript', body: readFileSync(join(root, 'tests', 'wasm', 'vectors.mjs'), 'utf8'),
  }));
  await page.goto(`${server.url}__conformance/`);
  await page.evaluate(async (bakery) => {
    const driver = await import('/__conformance/vectors.mjs');
    const runner = async (entry) => {
      const { createLoyaltyCore } = await import(entry);
      const cores = new Map();
      return {
        anyCore: await createLoyaltyCore({ program: bakery }),
        async coreFor(program) {
          const key = JSON.stringify(program);
          if (!cores.has(key)) cores.set(key, await createLoyaltyCore({ program }));
          return cores.get(key);
        },
      };
    };
    window.conformance = {
      driver,
      page: await runner('/pkg/loyalty-core.web.mjs'),
      worker: await runner('/pkg/loyalty-core.in-worker.mjs'),
    };
  }, readFileSync(join(root, 'programs', 'bakery.json'), 'utf8'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const where of ['page', 'worker']) {
  for (const file of files) {
    const doc = JSON.parse(readFileSync(join(vectorDir, file), 'utf8'));
    const cases = expandCases([{ file: file.replace(/\.json$/, ''), doc }], readProgram);
    test(`${file} in the ${where}: ${cases.length} cases`, async () => {
      const outcome = await page.evaluate(async ([list, side]) => {
        const { driver } = window.conformance;
        const { coreFor, anyCore } = window.conformance[side];
        const failures = [];
        for (const c of list) {
          const difference = await driver.runCase(c, coreFor, anyCore);
          if (difference !== null) failures.push(`${c.name}: ${difference}`);
        }
        return { ran: list.length, failures };
      }, [cases, where]);
      assert.equal(outcome.ran, cases.length);
      assert.deepEqual(outcome.failures, []);
    });
  }
}

test('nothing logged an error while the vectors ran', () => {
  assert.deepEqual(problems, []);
});
