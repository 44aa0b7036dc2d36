// Accessibility, in Chromium without WebGPU (run.mjs runs it as the test `a11y`):
// 1. axe-core on every view the navigation lists (with its figures drawn), in the light and dark
//    themes, and on an embedded view: zero violations of any impact (minor and moderate too).
// 2. The keyboard alone: Tab reaches every visible control of every view, and Enter / Space /
//    arrows activate the main ones (translate, the tabs, the language toggle, the scrubber, a
//    result's details).
// 3. Every figure (heatmap, strip, beam tree, chart) has a text alternative: an accessible name
//    saying what it shows.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { query } from './helpers.mjs';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const APPLE = 'I like eating apple';
/** What each view is opened with, so that its figures are drawn when axe looks. */
const VIEW_QUERIES = {
  translate: { text: APPLE, models: 'gru-attn,transformer', beam: '2' },
  step: { text: APPLE, models: 'gru-attn', step: '1' },
};

/** axe's violations on the page as it is now, as {id, impact, help, targets}. */
async function axeViolations(page) {
  // Evaluated by the driver, so the page's CSP (no eval, no inline script) does not apply.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
}

/** Waits until every finite animation (a token fading in, a tile's fill) has ended, so that
 *  axe measures the colours a reader sees, not a frame half-way through a fade. */
async function animationsEnded(page) {
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
    .map((a) => a.finished.catch(() => undefined))));
}

/** Runs axe on the current page; returns its violations as lines (each one fails the test). */
async function audit(t, label) {
  await animationsEnded(t.page);
  const violations = await axeViolations(t.page);
  t.log(`axe ${label}: ${violations.length} violation(s) (${violations.map((v) => `${v.id}:${v.impact}`).join(', ') || 'none'})`);
  const lines = violations.map((v) => `${label}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(' | ')}`);
  for (const line of lines) t.log(line);
  return lines;
}

/** Waits until the view has finished its first work (translations, figures) or 20 s pass. */
async function settle(page) {
  await page.waitForFunction(() => {
    const busy = document.querySelector('[data-state="running"], [data-state="loading"], article.result:not([data-state="done"]):not([data-state="failed"])');
    return !busy;
  }, null, { timeout: 60000 });
}

/** Presses Tab until `selector` has the focus (at most `limit` times); true if it did. */
async function tabTo(page, selector, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
  }
  return false;
}

/** Tabs through the whole page; returns the visible, enabled controls Tab never reached. */
async function unreachableControls(page) {
  await page.evaluate(() => {
    window.__reached = new Set();
    document.addEventListener('focusin', (e) => window.__reached.add(e.target), true);
    document.activeElement?.blur();
  });
  const total = await page.evaluate(() => document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]').length);
  for (let i = 0; i < total + 10; i++) await page.keyboard.press('Tab');
  return page.evaluate(() => {
    const controls = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
      .filter((el) => !el.disabled && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .filter((el) => !el.closest('details:not([open]) > :not(summary)'));
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    // A radio group is one Tab stop (arrows move within it): reached if one of its radios was.
    const reachedGroups = new Set([...window.__reached].filter((el) => el.type === 'radio').map((el) => el.name));
    return controls.filter((el) => !window.__reached.has(el) && !(el.type === 'radio' && reachedGroups.has(el.name)))
      .map((el) => `${describe(el)}${el.type ? `[type=${el.type}]` : ''}${el.name ? `[name=${el.name}]` : ''}`);
  });
}

/** The figures (top-level SVGs) shown, and those without an accessible name: a text
 *  alternative saying what they show. */
async function figures(page) {
  return page.evaluate(() => {
    const figures = [...document.querySelectorAll('svg')].filter((svg) => !svg.closest('svg:not(:scope) svg') && svg.getClientRects().length > 0)
      .filter((svg) => !svg.closest('[aria-hidden="true"]'));
    const named = (svg) => (svg.getAttribute('aria-label') ?? '').trim().length > 0
      || (svg.getAttribute('aria-labelledby') ?? '').trim().length > 0
      || (svg.querySelector(':scope > title')?.textContent ?? '').trim().length > 0;
    const describe = (svg) => `svg${svg.id ? `#${svg.id}` : ''}.${svg.getAttribute('class') ?? ''} in ${svg.parentElement?.className ?? '?'}`;
    return { shown: figures.length, unnamed: figures.filter((svg) => !named(svg)).map(describe) };
  });
}

export async function run(t) {
  const { page } = t;
  const failures = [];

  // 1 + 3. Every view in the navigation, light and dark; its controls reached by Tab, its figures named.
  await t.open(query({ backend: 'cpu' }));
  const views = await page.$$eval('nav.tabs a.tab', (tabs) => tabs.map((a) => new URL(a.href).searchParams.get('view') ?? 'translate'));
  t.assert(views.length >= 8, `the navigation lists ${views.length} views`);
  for (const view of views) {
    for (const theme of ['light', 'dark']) {
      await t.open(query({ backend: 'cpu', view, theme, ...(VIEW_QUERIES[view] ?? {}) }));
      await settle(page);
      failures.push(...await audit(t, `${view} (${theme})`));
    }
    const missed = await unreachableControls(page);
    if (missed.length > 0) failures.push(`${view}: Tab never reaches ${missed.join(', ')}`);
    t.log(`${view}: Tab reaches every visible control`);
    const { shown, unnamed } = await figures(page);
    if (unnamed.length > 0) failures.push(`${view}: figures without a text alternative: ${unnamed.join(', ')}`);
    t.log(`${view}: ${shown} figures, ${unnamed.length} without a text alternative`);
    if (view in VIEW_QUERIES) t.assert(shown > 0, `${view} draws its figures for the check`);
  }
  await t.open(query({ backend: 'cpu', embed: '1', ...VIEW_QUERIES.translate }));
  await settle(page);
  failures.push(...await audit(t, 'translate (embed)'));

  // 2. The keyboard alone (every view's controls are reached by Tab above).
  await t.open(query({ backend: 'cpu', models: 'gru-attn' }));
  await settle(page);
  t.assert(await tabTo(page, '#source-text'), 'Tab reaches the text box');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(APPLE);
  t.assert(await tabTo(page, '#translate-button'), 'Tab reaches the Translate button');
  await page.keyboard.press('Enter');
  await t.translationsSettled();
  const translated = (await page.locator('article.result[data-model="gru-attn-en-zh"] .translation').innerText()).trim();
  t.assert(translated === t.expected('gru-attn-en-zh', 1, APPLE), `Enter on Translate translates: ${translated}`);
  t.assert(await tabTo(page, 'article.result .perplexity summary'), 'Tab reaches a result\'s perplexity details');
  await page.keyboard.press('Enter');
  await page.waitForSelector('article.result .perplexity li.logp');
  await page.evaluate(() => document.activeElement?.blur());
  t.assert(await tabTo(page, '.lang-toggle'), 'Tab reaches the language toggle');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('lang') === 'en');
  await page.evaluate(() => document.activeElement?.blur());
  t.assert(await tabTo(page, 'nav.tabs a.tab[href*="view=step"]'), 'Tab reaches the Step through tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('view') === 'step');
  await page.waitForSelector('article.step-result[data-state="done"]', { timeout: 60000 });
  t.assert(await tabTo(page, '#step-range'), 'Tab reaches the scrubber');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('step') === '1');
  t.log('keyboard: typed, translated, opened details, switched language, view and step without the mouse');

  t.assert(failures.length === 0, `accessibility:\n      ${failures.join('\n      ')}`);
}
