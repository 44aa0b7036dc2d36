// Browser test of the built page (dist/), in headless Chromium driven by playwright-core.
//
// Run by `cargo xtask test` / `cargo xtask e2e`, which serve dist/ and pass:
//   E2E_URL       the page, e.g. http://127.0.0.1:41234/
//   E2E_MODE      "webgpu" (launch with WebGPU; an adapter must exist) or "cpu" (no WebGPU)
//   E2E_EXPECTED  JSON written by xtask: the outputs seq2seq-core computes natively
//   E2E_ARTIFACTS folder for the screenshot and the request/console log
//   CHROMIUM      browser binary (default /usr/bin/chromium)
//
// Fails on: an output differing from the native one, any console error or page error,
// any request leaving the page's origin, any failed request or HTTP error, a CSP violation.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    console.error(`e2e: environment variable ${name} is required (run through \`cargo xtask e2e\`)`);
    process.exit(2);
  }
  return value;
}

const url = env('E2E_URL');
const mode = env('E2E_MODE');
const expected = JSON.parse(fs.readFileSync(env('E2E_EXPECTED'), 'utf8'));
const artifacts = env('E2E_ARTIFACTS');
const executablePath = env('CHROMIUM', '/usr/bin/chromium');
if (!['webgpu', 'cpu'].includes(mode)) throw new Error(`E2E_MODE must be webgpu or cpu, not ${mode}`);

const origin = new URL(url).origin;
const problems = [];
const requests = [];
const consoleLines = [];
const timings = {};
const log = (...args) => console.log(`[e2e ${mode}]`, ...args);

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
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();

  context.on('request', (request) => {
    const target = request.url();
    requests.push({ method: request.method(), url: target, type: request.resourceType() });
    const protocol = new URL(target).protocol;
    const local = protocol === 'data:' || protocol === 'blob:' || new URL(target).origin === origin;
    if (!local) problems.push(`request left the page's origin: ${target}`);
  });
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on('console', (message) => {
    consoleLines.push(`${message.type()}: ${message.text()}`);
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Init scripts run outside the page's CSP; they only record violations.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`);
    });
  });

  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid="app"][data-ready="true"]', { timeout: 30_000 });
  timings.appReadyMs = Date.now() - t0;
  log(`app ready after ${timings.appReadyMs} ms`);

  const title = await page.textContent('[data-testid="title"]');
  if (title !== expected.title) problems.push(`title is ${JSON.stringify(title)}, expected ${JSON.stringify(expected.title)}`);

  // WebGPU: what the page would get.
  const gpu = await page.evaluate(async () => {
    if (!('gpu' in navigator)) return { api: false, adapter: null };
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { api: true, adapter: null };
    const info = adapter.info ?? {};
    return {
      api: true,
      adapter: {
        vendor: info.vendor, architecture: info.architecture, device: info.device,
        description: info.description, features: [...adapter.features].sort(),
        maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    };
  });
  log(`navigator.gpu: ${gpu.api ? 'present' : 'absent'}; adapter: ${gpu.adapter ? JSON.stringify(gpu.adapter) : 'none'}`);
  if (mode === 'webgpu' && !gpu.adapter) problems.push('WebGPU run: no adapter (expected SwiftShader/Vulkan)');
  if (mode === 'cpu' && gpu.adapter) problems.push('CPU run: a WebGPU adapter exists, so the fallback is not tested');

  let run = 0;
  // Returns the time of the click, to report click → result.
  async function submit(family, text) {
    await page.fill('#source-text', text);
    await page.selectOption('#family', family);
    const clicked = Date.now();
    await page.click('#translate');
    run += 1;
    return clicked;
  }
  const texts = (selector) =>
    page.$$eval(selector, (elements) => elements.map((element) => element.textContent));

  for (const { family, text, expected: want } of expected.cases) {
    const start = await submit(family, text);
    await page.waitForSelector(`#result[data-run="${run}"]`, { timeout: 30_000 });
    const got = {
      family: await page.getAttribute('#result', 'data-family'),
      source_tokens: await texts('#source-tokens li'),
      target_tokens: await texts('#target-tokens li'),
      text: await page.textContent('#decoded-text'),
    };
    const badge = await page.textContent('[data-testid="badge"]');
    const same =
      got.family === want.family &&
      JSON.stringify(got.source_tokens) === JSON.stringify(want.source_tokens) &&
      JSON.stringify(got.target_tokens) === JSON.stringify(want.target_tokens) &&
      got.text === want.text;
    if (!same) {
      problems.push(`${family} on ${JSON.stringify(text)}: page shows ${JSON.stringify(got)}, native is ${JSON.stringify(want)}`);
    }
    if (!badge.includes(`seed ${expected.seed}`) || !badge.includes(`≤ ${expected.max_len}`)) {
      problems.push(`badge does not state seed ${expected.seed} and ≤ ${expected.max_len} tokens: ${badge}`);
    }
    log(`${same ? 'ok  ' : 'DIFF'} ${family.padEnd(11)} ${JSON.stringify(text)} → ${JSON.stringify(got.target_tokens)} (click → result ${Date.now() - start} ms; badge: ${badge})`);
  }

  for (const bad of expected.bad_inputs) {
    await submit('rnn', bad);
    await page.waitForSelector(`#error[data-run="${run}"]`, { timeout: 10_000 });
    const message = (await page.textContent('#error .error-message')) ?? '';
    const visible = await page.isVisible('#error');
    const stale = await page.$('#result');
    if (!visible || !message.includes('Please enter')) problems.push(`bad input ${JSON.stringify(bad)}: error not shown clearly (${message})`);
    if (stale) problems.push(`bad input ${JSON.stringify(bad)}: an old result is still shown`);
    log(`ok   error for ${JSON.stringify(bad)}: ${message}`);
  }

  // Leave a meaningful page for the screenshot: the transformer on the first sentence.
  await submit('transformer', expected.cases[0].text);
  await page.waitForSelector(`#result[data-run="${run}"]`, { timeout: 30_000 });
  fs.mkdirSync(artifacts, { recursive: true });
  const shot = path.join(artifacts, `${mode}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  log(`screenshot: ${shot}`);

  fs.writeFileSync(
    path.join(artifacts, `${mode}-log.json`),
    JSON.stringify({ url, mode, args, gpu, timings, requests, console: consoleLines, problems }, null, 2),
  );
  log(`${requests.length} requests, all to ${origin}: ${[...new Set(requests.map((r) => new URL(r.url).pathname))].join(' ')}`);
  await context.close();
} catch (error) {
  failed = true;
  console.error(`[e2e ${mode}] ${error.stack ?? error}`);
} finally {
  await browser.close();
}

if (problems.length > 0 || failed) {
  for (const problem of problems) console.error(`[e2e ${mode}] FAIL: ${problem}`);
  console.error(`[e2e ${mode}] console:\n  ${consoleLines.join('\n  ')}`);
  process.exit(1);
}
log('passed');
