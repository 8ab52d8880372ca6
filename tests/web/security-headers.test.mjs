// The demo pages under their Content-Security-Policy in Debian's Chromium:
// each page works with nothing inline and nothing from elsewhere, and the
// browser reports no violation; every answer says nosniff and its referrer
// policy, and only the member centre may be framed (by the listed shops).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startServer } from '../server/loyalty-server.mjs';
import { launchChromium, watchProblems } from './browser.mjs';

const shop = 'https://shop.example';
let server;
let browser;

before(async () => {
  server = await startServer(['--program', 'programs/bakery.json', '--demo', '--static', 'build/web-demo', '--package', 'wasm/dist',
    '--cors-origin', shop]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [path, framedBy] of [['', "'none'"], ['member.html', `'self' ${shop}`]]) {
  test(`/${path} runs under its policy with no violation`, async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const response = await page.goto(server.url + path);
    await page.waitForSelector('body[data-ready="true"]');
    const headers = response.headers();
    assert.match(headers['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(headers['content-security-policy'], /unsafe-inline|'unsafe-eval'/);
    assert.match(headers['content-security-policy'], new RegExp(`frame-ancestors ${framedBy}$`));
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'same-origin');
    assert.deepEqual(await page.evaluate(() => window.violations), []);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('API answers and the package are never sniffed, and API answers allow nothing as a page', async () => {
  for (const path of ['v1/program', 'pkg/loyalty-core.wasm', 'pkg/loyalty-core.web.mjs', 'no-such-page']) {
    const res = await fetch(server.url + path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    if (res.headers.get('content-type').startsWith('application/json')) {
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'", path);
    }
  }
});
