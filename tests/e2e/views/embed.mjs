// Embedded views (?embed=1, issue 16 §1). Each view opens on its figure: at 640×400 and 360×480
// (the frame sizes a blog uses) the figure's top is inside the frame without scrolling, and for
// the two views with a result (Translate, Step through) the result is whole on screen too.
//
// Then www/embed-example.html: every view in an <iframe sandbox="allow-scripts"> (an opaque
// origin: the worker starts from a blob, every request is CORS, there is no Cache API). It has a
// frame for every view of route.rs, every frame shows its figure without scrolling inside it, and
// the translate frame translates exactly as the CLI does.

import fs from 'node:fs';
import { query } from '../helpers.mjs';

export const view = 'embed';

/** The views' slugs, read from route.rs, so that a new view needs a frame in the example. */
function routeSlugs() {
  const source = fs.readFileSync(new URL('../../../crates/app/src/route.rs', import.meta.url), 'utf8');
  const slugs = [...source.matchAll(/View::\w+ => "([a-z]+)",/g)].map((m) => m[1]);
  if (slugs.length < 8) throw new Error(`route.rs: found only the views ${slugs}`);
  return slugs;
}

/** What each view's figure is (before any run: the Parallel and Benchmark views start on a
 *  button), the URL state the embed example uses, and the result that must be whole on screen. */
const FIGURES = {
  translate: { figure: 'article.result[data-state="done"] figure.heatmap', result: 'article.result .translation',
    state: { text: 'I like eating apple', models: 'gru-attn,transformer' } },
  step: { figure: '#alpha-panel figure.heatmap', result: '.scrubber-card',
    state: { text: 'I like eating apple', models: 'gru-attn' } },
  context: { figure: 'figure.bleu-chart', state: { text: 'A magazine is stuck in the gun.', models: 'gru,gru-attn' } },
  memory: { figure: '.memory-chart svg', state: { text: 'I like eating apple' } },
  parallel: { figure: '#parallel-run', state: { tmax: '256' } },
  qkv: { figure: '.qkv-head', state: { text: 'The Apple is a great company', models: 'transformer', layer: '0', head: '0', token: '1' } },
  flash: { figure: '#flash-tiles', state: { n: '2048' } },
  bench: { figure: '#bench-run', state: {} },
};

/** At least this much of a figure (or all of a shorter one) shows inside the frame. */
const MIN_VISIBLE = 60;

/** Where `box` sits inside a frame `height` px tall whose top is at `top`: null when enough of
 *  it shows, else what is wrong. `whole`: the box must fit entirely. */
function placement(name, box, top, height, whole) {
  if (box === null) return `${name}: not rendered`;
  const y = box.y - top;
  const needed = whole ? box.height : Math.min(box.height, MIN_VISIBLE);
  if (y < 0 || y + needed > height) {
    return `${name}: top at ${y.toFixed(0)} px, ${box.height.toFixed(0)} px tall, in a ${height} px frame`;
  }
  return null;
}

/** The view opened as a frame of width×height would show it (the page is the frame). */
async function checkOpenView(t, slug, width, height) {
  const { page } = t;
  const { figure, result } = FIGURES[slug];
  await page.setViewportSize({ width, height });
  await page.locator(figure).first().waitFor({ timeout: 120000 });
  // Let a figure that is still streaming in settle (tokens, heat cells).
  if (slug === 'translate' || slug === 'step') await t.translationsSettled(120000);
  await page.waitForTimeout(300);
  const scrolled = await page.evaluate(() => window.scrollY);
  t.assert(scrolled === 0, `${slug} at ${width}×${height}: the page scrolled by ${scrolled} px by itself`);
  const problems = [
    placement(`${slug} figure ${figure}`, await page.locator(figure).first().boundingBox(), 0, height, false),
    result ? placement(`${slug} result ${result}`, await page.locator(result).first().boundingBox(), 0, height, true) : null,
  ].filter(Boolean);
  t.assert(problems.length === 0, `at ${width}×${height}: ${problems.join('; ')}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.assert(overflow <= 0, `${slug} at ${width}×${height}: the page is ${overflow} px wider than the frame`);
}

/** A viewport-sized screenshot (what the frame shows), in the artefacts folder. */
async function frameShot(t, label) {
  const file = await t.screenshot(label);
  await t.page.screenshot({ path: file });
}

async function checkEveryViewEmbedded(t) {
  for (const slug of routeSlugs()) {
    t.assert(FIGURES[slug], `embed.mjs does not know the figure of the view ${slug}`);
    await t.open(query({ view: slug, embed: '1', ...FIGURES[slug].state }));
    for (const [width, height] of [[640, 400], [360, 480]]) {
      await checkOpenView(t, slug, width, height);
      if (slug === 'translate' || slug === 'step') {
        await frameShot(t, `${slug}-${width}x${height}-light`);
        await t.page.emulateMedia({ colorScheme: 'dark' });
        await frameShot(t, `${slug}-${width}x${height}-dark`);
        await t.page.emulateMedia({ colorScheme: 'light' });
      }
    }
    t.log(`${slug}: the figure shows at 640×400 and 360×480 without scrolling`);
  }
}

/** The part of an iframe its page shows (inside the border), in the outer page's viewport. */
async function innerBox(iframe) {
  return iframe.evaluate((el) => {
    const rect = el.getBoundingClientRect();
    return { y: rect.top + el.clientTop, width: el.clientWidth, height: el.clientHeight };
  });
}

/** Each iframe's view slug, in page order. */
async function frameSlugs(page) {
  const sources = await page.locator('iframe').evaluateAll((frames) => frames.map((f) => f.getAttribute('src')));
  return sources.map((src) => new URLSearchParams(src.split('?')[1]).get('view'));
}

/** One line per frame (its URL, ready state, view, result states, notices): the failure report. */
async function frameStates(page) {
  const lines = [];
  for (const frame of page.frames().slice(1)) {
    // A frame that never started its document (lazy, or stuck) never answers: give up after 3 s.
    const timeout = new Promise((resolve) => { setTimeout(() => resolve('no answer in 3 s'), 3000); });
    const state = await Promise.race([timeout, frame.evaluate(() => {
      const results = [...document.querySelectorAll('article.result')].map((a) => a.dataset.state);
      const notices = document.querySelector('.notices')?.innerText ?? '';
      const view = document.querySelector('.page')?.dataset.view ?? '-';
      return `${document.readyState} view=${view} results=[${results}] notices=${JSON.stringify(notices.slice(0, 200))}`;
    }).catch((e) => `unreachable: ${e.message.split('\n')[0]}`)]);
    lines.push(`${frame.url().replace(/^.*\?/, '?').slice(0, 60)}: ${state}`);
  }
  return lines.join('\n');
}

/**
 * Every frame of the embed example shows its figure without scrolling inside it: frames load
 * lazily, so each is scrolled into view (the outer page scrolls, never the frame) and must show
 * its figure within `timeout` ms. Null when all do; else which did not and where each frame is.
 */
export async function embedExampleShowsFigures(page, timeout) {
  const slugs = await frameSlugs(page);
  const frames = page.locator('iframe');
  for (let i = 0; i < slugs.length; i += 1) {
    const slug = slugs[i];
    const frame = frames.nth(i);
    await frame.scrollIntoViewIfNeeded();
    const inside = page.frameLocator('iframe').nth(i);
    const { figure, result } = FIGURES[slug];
    try {
      await inside.locator(figure).first().waitFor({ timeout });
      if (result) await inside.locator('article.result[data-state="done"]').first().waitFor({ timeout });
    } catch (e) {
      return `frame ${i} (${slug}): ${e.message.split('\n')[0]}\n${await frameStates(page)}`;
    }
    const box = await innerBox(frame);
    const problems = [
      placement(`frame ${i} (${slug}) figure`, await inside.locator(figure).first().boundingBox(), box.y, box.height, false),
      result ? placement(`frame ${i} (${slug}) result`, await inside.locator(result).first().boundingBox(), box.y, box.height, true) : null,
    ].filter(Boolean);
    if (problems.length > 0) return problems.join('; ');
  }
  return null;
}

async function checkEmbedExample(t) {
  const { page } = t;
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.goto(new URL('embed-example.html', t.base).toString());
  const slugs = await frameSlugs(page);
  const missing = routeSlugs().filter((slug) => !slugs.includes(slug));
  t.assert(missing.length === 0, `embed-example.html has no frame of ${missing.join(', ')}`);
  const frames = page.locator('iframe');
  for (let i = 0; i < slugs.length; i += 1) {
    t.assert((await frames.nth(i).getAttribute('sandbox')) === 'allow-scripts', `iframe ${i} is sandboxed with allow-scripts only`);
    t.assert(/(^|;\s*)webgpu\b/.test((await frames.nth(i).getAttribute('allow')) ?? ''), `iframe ${i} delegates WebGPU (allow="webgpu")`);
    const inner = await innerBox(frames.nth(i));
    t.assert(inner.width === 640 && inner.height === 400, `iframe ${i} shows 640×400, not ${inner.width}×${inner.height}`);
  }
  const problem = await embedExampleShowsFigures(page, 90000);
  t.assert(problem === null, `embed example: ${problem}`);

  const translate = page.frameLocator('iframe[src*="view=translate"]').first();
  const model = await translate.locator('article.result').first().getAttribute('data-model');
  const text = new URL(await frames.first().getAttribute('src'), t.base).searchParams.get('text');
  const shown = (await translate.locator('article.result .translation').first().innerText()).trim();
  t.assert(shown === t.expected(model, 1, text), `sandboxed frame shows ${shown}, CLI says ${t.expected(model, 1, text)}`);
  t.assert(await translate.locator('.header').count() === 0, 'embedded frames have no page chrome');
  for (let i = 0; i < slugs.length; i += 1) {
    // Each frame as the reader sees it (a full-page shot leaves scrolled-past frames blank).
    await frames.nth(i).scrollIntoViewIfNeeded();
    const file = await t.screenshot(`example-frame-${i}-${slugs[i]}`);
    await frames.nth(i).screenshot({ path: file });
  }
  t.log(`embed example: ${slugs.length} frames (${slugs.join(', ')}) show their figures without scrolling; translate frame (${model}): ${shown}`);
}

/** "Copy embed code" writes a snippet that is sandboxed and delegates WebGPU. */
async function checkCopiedCode(t) {
  await t.page.setViewportSize({ width: 1100, height: 900 });
  // A reader's click may write the clipboard; headless Chromium asks for the permission first.
  await t.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(t.base).origin });
  await t.open(query({ view: 'step', text: 'I like eating apple' }));
  await t.page.locator('#copy-embed').click();
  const code = await t.page.locator('#embed-code').innerText();
  t.assert(/sandbox="allow-scripts"/.test(code) && /allow="webgpu"/.test(code) && /embed=1/.test(code),
    `the copied embed code carries sandbox, allow="webgpu" and embed=1: ${code}`);
}

export async function run(t) {
  await checkCopiedCode(t);
  await checkEveryViewEmbedded(t);
  await checkEmbedExample(t);
}
