// Headless Firefox (Debian's firefox-esr, the stock build) driven by puppeteer-core over
// WebDriver BiDi: one fresh browser context per test, its page wrapped in PuppeteerPage so the
// views' Playwright-style assertions run unchanged. WebGPU is off (the CPU path is tested).
// Events as in chromium.mjs. BiDi reports no dedicated workers to puppeteer, so an init script
// wraps the Worker constructor and announces each worker's URL on the console; a worker's console
// messages and uncaught errors arrive as the page's (checked: console.error and a throw in a
// worker both reach puppeteer's `console` / `pageerror`), so they fail the run as in Chromium.

import puppeteer from 'puppeteer-core';
import { PuppeteerPage } from './puppeteer-page.mjs';

export const name = 'firefox';

const WORKER_NOTE = '[e2e] worker started: ';

/** In the page, before its scripts: note every dedicated worker it starts. */
function announceWorkers(note) {
  const Original = window.Worker;
  window.Worker = class extends Original {
    constructor(url, options) {
      super(url, options);
      console.debug(note + new URL(url, location.href).href);
    }
  };
}

export async function launch({ executablePath, mode }) {
  if (mode !== 'cpu') throw new Error(`Firefox runs the CPU path only (E2E_MODE=cpu), not ${mode}`);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    extraPrefsFirefox: {
      'dom.webgpu.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  return {
    version: await browser.version(),
    async newSession({ viewport, initScript, on }) {
      const context = await browser.createBrowserContext();
      const raw = await context.newPage();
      await raw.setViewport(viewport);
      raw.on('request', (r) => on.request({ url: r.url(), method: r.method() }));
      raw.on('requestfailed', (r) => {
        const errorText = r.failure()?.errorText ?? '';
        on.requestfailed({ url: r.url(), errorText, aborted: /NS_BINDING_ABORTED|NS_ERROR_ABORT/.test(errorText) });
      });
      raw.on('response', (r) => on.response({ url: r.url(), status: r.status() }));
      raw.on('console', (m) => {
        const text = m.text();
        if (text.startsWith(WORKER_NOTE)) on.worker({ url: text.slice(WORKER_NOTE.length) });
        else on.console({ type: m.type(), text });
      });
      raw.on('pageerror', (e) => on.pageerror({ message: e.message }));
      await raw.evaluateOnNewDocument(announceWorkers, WORKER_NOTE);
      await raw.evaluateOnNewDocument(initScript);
      return { page: new PuppeteerPage(raw), context, close: () => context.close() };
    },
    close: () => browser.close(),
  };
}
