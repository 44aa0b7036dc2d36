// Headless Chromium (Debian's) driven by playwright-core: one fresh browser context per test.
// A session reports what the page does through `on(event, handler)`, in the form run.mjs checks
// for every browser: request {url, method}, requestfailed {url, errorText, aborted},
// response {url, status}, console {type, text}, workerconsole {type, text}, pageerror {message},
// worker {url}.

import { chromium } from 'playwright-core';

export const name = 'chromium';

export async function launch({ executablePath, mode }) {
  const args = [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    ...(mode === 'webgpu' ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan'] : []),
  ];
  const browser = await chromium.launch({ executablePath, headless: true, args });
  return {
    version: browser.version(),
    async newSession({ viewport, initScript, on }) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      context.on('request', (r) => on.request({ url: r.url(), method: r.method() }));
      context.on('requestfailed', (r) => {
        const errorText = r.failure()?.errorText ?? '';
        // A navigation away from a page cancels its pending requests: not a problem.
        on.requestfailed({ url: r.url(), errorText, aborted: /ERR_ABORTED/.test(errorText) });
      });
      context.on('response', (r) => on.response({ url: r.url(), status: r.status() }));
      page.on('console', (m) => on.console({ type: m.type(), text: m.text() }));
      page.on('pageerror', (e) => on.pageerror({ message: e.message }));
      page.on('worker', (worker) => {
        on.worker({ url: worker.url() });
        worker.on('console', (m) => on.workerconsole({ type: m.type(), text: m.text() }));
      });
      await context.addInitScript(initScript);
      return { page, context, close: () => context.close() };
    },
    close: () => browser.close(),
  };
}
