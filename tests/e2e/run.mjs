// Browser tests of the built page (dist/), in headless Chromium driven by playwright-core:
// every view's checks (tests/e2e/views/<view>.mjs), each in a fresh browser context.
//
// Run by `cargo xtask test` / `cargo xtask e2e`, which serve dist/ and pass:
//   E2E_URL       the page, e.g. http://127.0.0.1:41234/ (or …/playground/ for the sub-path run)
//   E2E_MODE      "webgpu" (launch with WebGPU; an adapter must exist) or "cpu" (no WebGPU)
//   E2E_EXPECTED  JSON written by xtask: the translate CLI's output for tests/e2e/cases.json
//   E2E_ARTIFACTS folder for screenshots and the request/console log
//   E2E_FAULTS_URL optional: the same page behind a host with broken model files (xtask's server)
//   E2E_SMALL_GPU_URL optional: the same page, its worker on a GPU with compatibility-mode limits
//   E2E_VIEWS     optional comma-separated list of view files to run (default: all)
//   CHROMIUM      browser binary (default /usr/bin/chromium)
//
// A view fails on: a failed assertion, any console error or page error, any request leaving the
// page's origin, any failed request or HTTP error, a CSP violation — unless the view declared
// that exact problem expected with t.allow(regex) (the bad-input tests do).

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
const expectedFile = JSON.parse(fs.readFileSync(env('E2E_EXPECTED'), 'utf8'));
const artifacts = path.join(env('E2E_ARTIFACTS'), mode);
const executablePath = env('CHROMIUM', '/usr/bin/chromium');
const only = (process.env.E2E_VIEWS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
if (!['webgpu', 'cpu'].includes(mode)) throw new Error(`E2E_MODE must be webgpu or cpu, not ${mode}`);
fs.mkdirSync(artifacts, { recursive: true });

const origin = new URL(base).origin;
const here = path.dirname(fileURLToPath(import.meta.url));
const viewDir = path.join(here, 'views');
const files = fs.readdirSync(viewDir).filter((f) => f.endsWith('.mjs')).sort()
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.mjs$/, '')));

const expectedOutputs = new Map(expectedFile.cases.map((c) => [`${c.model}|${c.beam}|${c.text}`, c.output]));
const expectedPerplexities = new Map(expectedFile.cases.map((c) => [`${c.model}|${c.beam}|${c.text}`, c.perplexity]));

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
const results = [];
try {
  for (const file of files) {
    const module = await import(path.join(viewDir, file));
    const name = file.replace(/\.mjs$/, '');
    const started = Date.now();
    const problems = [];
    const allowed = [];
    const log = [];
    const say = (...parts) => {
      const line = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
      log.push(line);
      console.log(`[e2e ${mode} ${name}]`, line);
    };
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problem = (text) => {
      if (!allowed.some((re) => re.test(text))) problems.push(text);
    };
    context.on('request', (request) => {
      const target = new URL(request.url());
      const local = ['data:', 'blob:'].includes(target.protocol) || target.origin === origin;
      log.push(`request ${request.method()} ${request.url()}`);
      if (!local) problems.push(`request left the page's origin: ${request.url()}`);
    });
    context.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? '';
      // A navigation away from a page cancels its pending requests: not a problem.
      if (!/ERR_ABORTED/.test(reason)) problem(`request failed: ${request.url()} (${reason})`);
    });
    context.on('response', (response) => {
      if (response.status() >= 400) problem(`HTTP ${response.status()} for ${response.url()}`);
    });
    page.on('console', (message) => {
      log.push(`console ${message.type()}: ${message.text()}`);
      if (message.type() === 'error') problem(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problem(`page error: ${error.message}`));
    const workers = [];
    page.on('worker', (worker) => {
      workers.push(worker.url());
      worker.on('console', (message) => {
        log.push(`worker console ${message.type()}: ${message.text()}`);
        if (message.type() === 'error') problem(`worker console error: ${message.text()}`);
      });
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`);
      });
    });

    const t = {
      page,
      context,
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
      await module.run(t);
    } catch (e) {
      error = e;
      await t.screenshot('failure').catch(() => {});
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    fs.writeFileSync(path.join(artifacts, `${name}.log`), log.join('\n'));
    await context.close();
    const failures = [...(error ? [error.stack ?? String(error)] : []), ...problems];
    results.push({ name, seconds, failures });
    console.log(`[e2e ${mode}] ${failures.length === 0 ? 'PASS' : 'FAIL'} ${name} (${seconds} s)`);
    for (const f of failures) console.log(`    ${f}`);
  }
} finally {
  await browser.close();
}

const failed = results.filter((r) => r.failures.length > 0);
console.log(`[e2e ${mode}] ${results.length - failed.length}/${results.length} views passed; artefacts in ${artifacts}`);
if (results.length === 0) {
  console.log('[e2e] no view test ran');
  process.exit(1);
}
process.exit(failed.length === 0 ? 0 : 1);
