// Renders the project's pages with miniprogram-simulate (j-component on
// jsdom@22) and WeChat's own WXML compiler (miniprogram-compiler's wcc), while
// each page's logic runs in the WeChat-like host (wechat-host.mjs): the two
// layers are apart as in WeChat, and only JSON crosses from logic to view.
import { createRequire } from 'node:module';

import { JSDOM } from 'jsdom';

import { projectRoot } from './wechat-host.mjs';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
// The view layer's globals are jsdom's (Node's own Event and CustomEvent would not do).
globalThis.window = dom.window;
for (const key of ['document', 'Node', 'Element', 'HTMLElement', 'Event', 'CustomEvent', 'MouseEvent', 'getComputedStyle']) {
  globalThis[key] = dom.window[key];
}

const require = createRequire(import.meta.url);
const simulate = require('miniprogram-simulate');
const compiler = require('miniprogram-compiler');

// wcc compiles the whole project at once; its output runs in the jsdom window.
// eslint-disable-next-line no-new-func
const gwx = new Function(compiler.wxmlToJs(projectRoot))();

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * Renders `route` (e.g. 'pages/home/index') with the page logic from `host`.
 * Resolves once the page's first render from the core is on screen.
 */
export async function renderPage(host, route, query = {}) {
  const page = host.pageDefinition(route);
  const methods = {};
  for (const [name, value] of Object.entries(page)) if (typeof value === 'function') methods[name] = value;
  const id = simulate.load({
    template: gwx(`${route}.wxml`),
    data: clone(page.data),
    methods,
    lifetimes: {
      attached() {
        const setData = this.setData.bind(this);
        this.setData = (data, callback) => setData(clone(data), callback);
        this.onLoad(query);
      },
      detached() { this.onUnload(); },
    },
  });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  await until(() => comp.data.ready || comp.data.failure, `${route} to render`);
  return comp;
}

/** Waits (a few seconds at most) for `condition` to hold. */
export async function until(condition, what) {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await simulate.sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The text of the first element matching `selector`, trimmed and with single spaces. */
export function text(comp, selector) {
  const found = comp.querySelector(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found.dom.textContent.replace(/\s+/g, ' ').trim();
}

export function tap(comp, selector, index = 0) {
  const found = comp.querySelectorAll(selector)[index];
  if (!found) throw new Error(`no ${selector}[${index}]`);
  found.dispatchEvent('tap');
}

/** Lets the process end: jsdom's window keeps timers of its own. */
export function closeView() {
  dom.window.close();
}

export { simulate };
