// Browser tests of the built page (dist/): every view's checks (tests/e2e/views/<view>.mjs),
// each in a fresh browser context, in headless Chromium (playwright-core) or Firefox
// (puppeteer-core over WebDriver BiDi; browsers/*.mjs), and the accessibility checks (a11y.mjs).
//
// Run by `cargo xtask test` / `cargo xtask e2e`, which serve dist/ and pass:
//   E2E_URL       the page, e.g. http://127.0.0.1:41234/ (or …/playground/ for the sub-path run)
//   E2E_MODE      "webgpu" (launch with WebGPU; an adapter must exist) or "cpu" (no WebGPU)
//   E2E_BROWSER   "chromium" (default) or "firefox" (CPU mode; the views in FIREFOX_VIEWS)
//   E2E_EXPECTED  JSON written by xtask: the translate CLI's output for tests/e2e/cases.json
//   E2E_ARTIFACTS folder for screenshots and the request/console log
//   E2E_FAULTS_URL optional: the same page behind a host with broken model files (xtask's server)
//   E2E_SMALL_GPU_URL optional: the same page, its worker on a GPU with compatibility-mode limits
//   E2E_VIEWS     optional comma-separated list of tests to run: view files and/or `a11y`
//                 (default: all)
//   CHROMIUM      Chromium binary (default /usr/bin/chromium)
//   FIREFOX       Firefox binary (default /usr/bin/firefox-esr)
//
// A test fails on: a failed assertion, any console error or page error, any request leaving the
// page's origin, any failed request or HTTP error, a CSP violation — unless the view declared
// that exact problem expected with t.allow(regex) (the bad-input tests do).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromium from './browsers/chromium.mjs';
import * as firefox from './browsers/firefox.mjs';
import * as a11y from './a11y.mjs';

/** The views whose tests run in Firefox too (the CPU path, the same assertions). */
export const FIREFOX_VIEWS = ['translate', 'step'];

function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    console.error(`e2e: environment variable ${name} is required (run through \`cargo xtask e2e\`)`);
    process.exit(2);
  }
  return value;
}

const base = env('E2E_URL');
const mode = env('E2E_MODE');
const driver = { chromium, firefox }[env('E2E_BROWSER', 'chromium')];
if (!driver) throw new Error(`E2E_BROWSER must be chromium or firefox, not ${process.env.E2E_BROWSER}`);
if (!['webgpu', 'cpu'].includes(mode)) throw new Error(`E2E_MODE must be webgpu or cpu, not ${mode}`);
const label = driver === chromium ? mode : `${driver.name} ${mode}`;
const expectedFile = JSON.parse(fs.readFileSync(env('E2E_EXPECTED'), 'utf8'));
const artifacts = path.join(env('E2E_ARTIFACTS'), driver === chromium ? mode : `${driver.name}-${mode}`);
const executablePath = driver === chromium ? env('CHROMIUM', '/usr/bin/chromium') : env('FIREFOX', '/usr/bin/firefox-esr');
const only = (process.env.E2E_VIEWS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
if (!fs.existsSync(executablePath)) {
  console.error(`[e2e ${label}] FAIL: no ${driver.name} at ${executablePath} (\`cargo xtask setup\` installs it)`);
  process.exit(1);
}
fs.mkdirSync(artifacts, { recursive: true });

const origin = new URL(base).origin;
const here = path.dirname(fileURLToPath(import.meta.url));
const viewDir = path.join(here, 'views');
const viewTests = await Promise.all(fs.readdirSync(viewDir).filter((f) => f.endsWith('.mjs')).sort()
  .map(async (f) => ({ name: f.replace(/\.mjs$/, ''), run: (await import(path.join(viewDir, f))).run })));
// axe and the keyboard walk need one browser only: Chromium without WebGPU.
const extraTests = driver === chromium && mode === 'cpu' ? [{ name: 'a11y', run: a11y.run }] : [];
const unknown = only.filter((name) => name !== 'a11y' && !viewTests.some((test) => test.name === name));
if (unknown.length > 0) {
  console.error(`[e2e ${label}] FAIL: E2E_VIEWS names no test: ${unknown.join(', ')} (views: ${viewTests.map((v) => v.name).join(', ')}, a11y)`);
  process.exit(1);
}
const tests = [...viewTests, ...extraTests]
  .filter((test) => driver !== firefox || FIREFOX_VIEWS.includes(test.name))
  .filter((test) => only.length === 0 || only.includes(test.name));
if (tests.length === 0 && only.length > 0) {
  // Asked for by name, and none of them belongs to this run (e.g. E2E_VIEWS=memory in Firefox).
  console.log(`[e2e ${label}] not run: E2E_VIEWS=${only.join(',')} selects none of this run's tests`);
  process.exit(0);
}

const expectedOutputs = new Map(expectedFile.cases.map((c) => [`${c.model}|${c.beam}|${c.text}`, c.output]));
const expectedPerplexities = new Map(expectedFile.cases.map((c) => [`${c.model}|${c.beam}|${c.text}`, c.perplexity]));

/** In the page, before its scripts: CSP violations become console errors (so they fail). */
function reportCspViolations() {
  document.addEventListener('securitypolicyviolation', (event) => {
    console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`);
  });
}

const browser = await driver.launch({ executablePath, mode });
console.log(`[e2e ${label}] ${browser.version}: ${tests.map((test) => test.name).join(', ')}`);
const results = [];
try {
  for (const test of tests) {
    const name = test.name;
    const started = Date.now();
    const problems = [];
    const allowed = [];
    const log = [];
    const say = (...parts) => {
      const line = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
      log.push(line);
      console.log(`[e2e ${label} ${name}]`, line);
    };
    const problem = (text) => {
      if (!allowed.some((re) => re.test(text))) problems.push(text);
    };
    const workers = [];
    const { page, context, close } = await browser.newSession({
      viewport: { width: 1100, height: 900 },
      initScript: reportCspViolations,
      on: {
        request({ url, method }) {
          const target = new URL(url);
          const local = ['data:', 'blob:'].includes(target.protocol) || target.origin === origin;
          log.push(`request ${method} ${url}`);
          if (!local) problems.push(`request left the page's origin: ${url}`);
        },
        requestfailed({ url, errorText, aborted }) {
          if (!aborted) problem(`request failed: ${url} (${errorText})`);
        },
        response({ url, status }) {
          if (status >= 400) problem(`HTTP ${status} for ${url}`);
        },
        console({ type, text }) {
          log.push(`console ${type}: ${text}`);
          if (type === 'error') problem(`console error: ${text}`);
        },
        workerconsole({ type, text }) {
          log.push(`worker console ${type}: ${text}`);
          if (type === 'error') problem(`worker console error: ${text}`);
        },
        pageerror({ message }) { problem(`page error: ${message}`); },
        worker({ url }) { workers.push(url); },
      },
    });

    const t = {
      /** Playwright's Page in Chromium; in Firefox the same API over puppeteer (browsers/puppeteer-page.mjs). */
      page,
      /** The browser's own context object: Playwright's BrowserContext, or puppeteer's in Firefox. */
      context,
      browser: driver.name,
      mode,
      base,
      backend: mode === 'webgpu' ? 'gpu' : 'cpu',
      faultsUrl: process.env.E2E_FAULTS_URL,
      smallGpuUrl: process.env.E2E_SMALL_GPU_URL,
      /** URLs of the dedicated workers the page started, oldest first. */
      workers,
      log: say,
      assert(condition, message) {
        if (!condition) throw new Error(`assertion failed: ${message}`);
      },
      /** Problems matching `re` are expected by this test (e.g. a deliberate 404). */
      allow(re) { allowed.push(re); },
      expected(model, beam, text) {
        const key = `${model}|${beam}|${text}`;
        if (!expectedOutputs.has(key)) throw new Error(`no CLI expectation for ${key}: add it to tests/e2e/cases.json`);
        return expectedOutputs.get(key);
      },
      /** The CLI's perplexity of its translation of `text` (see `expected`). */
      expectedPerplexity(model, beam, text) {
        const key = `${model}|${beam}|${text}`;
        if (!expectedPerplexities.has(key)) throw new Error(`no CLI expectation for ${key}: add it to tests/e2e/cases.json`);
        return expectedPerplexities.get(key);
      },
      async open(query = '') {
        await page.goto(new URL(query, base).toString());
        await page.waitForSelector('#app .page main.view', { timeout: 30000 });
      },
      async screenshot(label) {
        const file = path.join(artifacts, `${name}-${label}.png`);
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
      /** Wait until every translation card on the page has finished (done or failed). */
      async translationsSettled(timeout = 60000) {
        await page.waitForFunction(() => {
          const cards = [...document.querySelectorAll('article.result')];
          return cards.length > 0 && cards.every((c) => ['done', 'failed'].includes(c.dataset.state));
        }, null, { timeout });
      },
    };

    let error = null;
    try {
      await test.run(t);
    } catch (e) {
      error = e;
      await t.screenshot('failure').catch(() => {});
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    fs.writeFileSync(path.join(artifacts, `${name}.log`), log.join('\n'));
    await close();
    const failures = [...(error ? [error.stack ?? String(error)] : []), ...problems];
    results.push({ name, seconds, failures });
    console.log(`[e2e ${label}] ${failures.length === 0 ? 'PASS' : 'FAIL'} ${name} (${seconds} s)`);
    for (const f of failures) console.log(`    ${f}`);
  }
} finally {
  await browser.close();
}

const failed = results.filter((r) => r.failures.length > 0);
console.log(`[e2e ${label}] ${results.length - failed.length}/${results.length} views passed; artefacts in ${artifacts}`);
if (results.length === 0) {
  console.log('[e2e] no view test ran');
  process.exit(1);
}
process.exit(failed.length === 0 ? 0 : 1);
