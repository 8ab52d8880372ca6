// Debian's Chromium for the web tests, started as this machine allows (no
// sandbox as root, no background networking on a closed network), and a
// watch on the page's console: any error is a problem unless the test cut
// that request on purpose.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** Collects console errors and uncaught exceptions; `cut` matches URLs a test breaks on purpose. */
export function watchProblems(page, cut = /^$/) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !cut.test(m.location().url)) problems.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return problems;
}
