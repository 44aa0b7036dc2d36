// The embed example, loaded again and again: every frame must show its figure without scrolling
// inside it, every time (issue 16: frames once stayed on the loading screen in 2 of ~15 loads).
// Not part of `cargo xtask e2e` (a load takes ~10 s); run it against a served dist/:
//
//   cargo xtask serve --no-build --port 8080 &
//   E2E_URL=http://127.0.0.1:8080/ node tests/e2e/embed-soak.mjs 20 [webgpu]
//
// It prints one line per load and exits non-zero when any load failed.

import { chromium } from 'playwright-core';
import { embedExampleShowsFigures } from './views/embed.mjs';

const base = process.env.E2E_URL ?? 'http://127.0.0.1:8080/';
const loads = Number(process.argv[2] ?? 20);
const webgpu = process.argv[3] === 'webgpu';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', ...(webgpu ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan'] : [])],
});
let good = 0;
try {
  for (let i = 1; i <= loads; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(new URL('embed-example.html', base).toString());
    const problem = await embedExampleShowsFigures(page, 60000);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (problem === null) good += 1;
    console.log(`load ${i}/${loads}: ${problem === null ? 'every frame shows its figure' : `FAIL ${problem}`} (${seconds} s)`);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(`${good}/${loads} loads showed every frame's figure without scrolling inside it`);
process.exit(good === loads ? 0 : 1);
