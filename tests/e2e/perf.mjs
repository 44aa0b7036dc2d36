// Issue 5's performance figures, measured in headless Chromium on the CPU path (no WebGPU):
// time to first paint and to first contentful paint of the page, and the time one 10-word
// sentence takes to translate once the model is loaded (the worker's own clock: tokenise +
// encode + decode, as the badge shows), for gru-attn and the Transformer, greedy.
//
//   node tests/e2e/perf.mjs http://127.0.0.1:PORT/      (serve dist/ first: cargo xtask serve)
//
// Prints figures; asserts nothing (speed targets are reported, not timed tests).

import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8080/';
const runs = Number(process.argv[3] ?? 7);
const SENTENCE = 'Tom said he would come to the party next week.'; // 10 words
const words = SENTENCE.replace(/[.]/g, '').split(/\s+/).length;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--no-first-run'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const page = await browser.newPage();
  const paints = [];
  for (let i = 0; i < 3; i += 1) {
    await page.goto(`${base}?view=step`, { waitUntil: 'load' });
    await page.waitForSelector('#app');
    paints.push(await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]))));
  }
  console.log(`first paint (median of 3): ${median(paints.map((p) => p['first-paint'])).toFixed(0)} ms, first contentful paint ${median(paints.map((p) => p['first-contentful-paint'])).toFixed(0)} ms`);
  for (const family of ['gru-attn', 'transformer']) {
    const times = [];
    for (let i = 0; i < runs; i += 1) {
      // A different trailing word each run, so every run is a fresh translation (not a cached result).
      const text = SENTENCE.replace('week', ['week', 'month', 'year', 'Monday', 'Friday', 'summer', 'winter', 'time', 'day'][i % 9]);
      await page.goto(`${base}?backend=cpu&models=${family}&text=${encodeURIComponent(text)}`);
      await page.waitForSelector('article.result[data-state="done"]', { timeout: 60000 });
      const badge = await page.locator('article.result .badge').innerText();
      times.push(Number(badge.match(/([\d.]+) ms/)[1]));
    }
    // The first run includes the model's first use in a fresh worker; later runs are warm.
    console.log(`${family}: ${words}-word sentence, CPU, greedy: median ${median(times.slice(1)).toFixed(1)} ms, min ${Math.min(...times.slice(1)).toFixed(1)} ms (runs: ${times.map((t) => t.toFixed(1)).join(', ')})`);
  }
} finally {
  await browser.close();
}
