// A phone, 390×844 (issue 16 §2): every tab is on screen (the bar wraps: no tab hides past the
// edge), the Step through scrubber stays on screen while the panels it drives scroll under it,
// and figures wider than the screen (an RNN beam tree, the encoder strips) scroll inside their
// card with a visible cue instead of being clipped or widening the page. Screenshots in light and
// dark.

import { query } from '../helpers.mjs';

export const view = 'phone';

const WIDTH = 390;
const HEIGHT = 844;
const LONG = "Tom didn't know what to say, so he said nothing at all.";

/** Screenshots of the screen as the reader sees it, light then dark. */
async function shots(t, label) {
  for (const scheme of ['light', 'dark']) {
    await t.page.emulateMedia({ colorScheme: scheme });
    const file = await t.screenshot(`${label}-${scheme}`);
    await t.page.screenshot({ path: file });
  }
  await t.page.emulateMedia({ colorScheme: 'light' });
}

async function pageIsNotWider(t, where) {
  const overflow = await t.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.assert(overflow <= 0, `${where}: the page is ${overflow} px wider than the ${WIDTH} px screen`);
}

async function checkTabs(t) {
  const { page } = t;
  await t.open(query({ text: 'I like eating apple' }));
  const tabs = page.locator('nav.tabs a.tab');
  const count = await tabs.count();
  t.assert(count >= 8, `the tab bar has ${count} tabs`);
  for (let i = 0; i < count; i += 1) {
    const box = await tabs.nth(i).boundingBox();
    const name = (await tabs.nth(i).innerText()).trim();
    t.assert(box !== null && box.x >= 0 && box.x + box.width <= WIDTH && box.y >= 0 && box.y + box.height <= HEIGHT,
      `tab ${name} is on screen without scrolling: ${JSON.stringify(box)}`);
  }
  const hidden = await page.locator('nav.tabs').evaluate((nav) => nav.scrollWidth - nav.clientWidth);
  t.assert(hidden <= 0, `the tab bar hides ${hidden} px of tabs`);
  await pageIsNotWider(t, 'translate');
  await t.translationsSettled(120000);
  await shots(t, 'translate-390x844');
  t.log(`all ${count} tabs on screen at ${WIDTH} px`);
}

/** `selector`'s scroll box scrolls sideways inside a card that fits the screen, with the cue. */
async function checkScrollsInside(t, selector, what) {
  const { page } = t;
  const box = page.locator(selector).first();
  await box.scrollIntoViewIfNeeded();
  const m = await box.evaluate((el) => {
    const card = el.closest('.card');
    const style = getComputedStyle(el);
    const before = el.scrollLeft;
    el.scrollLeft = 120;
    const after = el.scrollLeft;
    el.scrollLeft = before;
    const rect = card.getBoundingClientRect();
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, overflowX: style.overflowX,
      cue: style.backgroundImage, moved: after - before, cardLeft: rect.left, cardRight: rect.right };
  });
  t.assert(m.scrollWidth > m.clientWidth, `${what} is wider than its card here (${m.scrollWidth} > ${m.clientWidth} px)`);
  t.assert(m.overflowX === 'auto' || m.overflowX === 'scroll', `${what} scrolls sideways (overflow-x ${m.overflowX})`);
  t.assert(m.moved > 0, `${what} scrolls inside its card (scrollLeft moved ${m.moved} px)`);
  t.assert((m.cue.match(/gradient/g) ?? []).length >= 2, `${what} shows a scroll cue (background ${m.cue.slice(0, 80)})`);
  t.assert(m.cardLeft >= 0 && m.cardRight <= WIDTH, `${what}'s card fits the screen (${m.cardLeft}–${m.cardRight} px)`);
  t.log(`${what}: ${m.scrollWidth} px wide in a ${m.clientWidth} px card, scrolls inside it with a cue`);
}

async function checkStickyScrubber(t) {
  const { page } = t;
  await t.open(query({ view: 'step', text: LONG, models: 'gru-attn' }));
  await t.translationsSettled(120000);
  await pageIsNotWider(t, 'step');
  await shots(t, 'step-390x844-top');
  const scrubber = page.locator('.scrubber-card');
  const within = async (when) => {
    const box = await scrubber.boundingBox();
    t.assert(box.y >= 0 && box.y + box.height <= HEIGHT / 2,
      `${when}: the scrubber is on screen (top ${box.y.toFixed(0)} px, ${box.height.toFixed(0)} px tall, at most half the screen)`);
    return box;
  };
  // Scroll as a reader does, until a panel's top meets the scrubber's bottom (or the page ends).
  const scrollTo = (panel) => page.evaluate((selector) => {
    const scrubberBottom = document.querySelector('.scrubber-card').getBoundingClientRect().bottom;
    window.scrollBy(0, document.querySelector(selector).getBoundingClientRect().top - scrubberBottom - 8);
  }, panel);
  await scrubber.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  for (const panel of ['#gates-panel', '#alpha-panel', '#topk-panel']) {
    await scrollTo(panel);
    const box = await within(`scrolled to ${panel}`);
    const panelBox = await page.locator(panel).boundingBox();
    t.assert(await page.evaluate(() => window.scrollY) > 300, `scrolled down to ${panel}`);
    t.assert(panelBox.y >= box.y + box.height - 1 && panelBox.y < HEIGHT - 60,
      `${panel} shows below the scrubber (panel top ${panelBox.y.toFixed(0)} px, scrubber bottom ${(box.y + box.height).toFixed(0)} px)`);
  }
  // The scrubber drives what scrolled under it: step on, and the α panel follows.
  await scrollTo('#alpha-panel');
  const before = await page.locator('#step-label').getAttribute('data-step');
  await page.locator('#step-next').click();
  await page.waitForFunction((old) => document.querySelector('#step-label')?.dataset.step !== old, before);
  await within('after stepping with the scrubber while scrolled down');
  await shots(t, 'step-390x844-scrolled');
  await checkScrollsInside(t, '#encoder-panel .scroll-x', 'the encoder strip');
}

async function checkBeamTree(t) {
  const { page } = t;
  await t.open(query({ text: LONG, models: 'rnn', beam: '4' }));
  await t.translationsSettled(120000);
  const show = page.locator('article.result .deferred-figure button');
  if (await show.count() > 0) await show.first().click();
  await page.locator('figure.beam-tree').waitFor();
  await checkScrollsInside(t, 'figure.beam-tree .scroll-x', 'the RNN beam tree');
  await pageIsNotWider(t, 'translate with a beam tree');
  await page.locator('figure.beam-tree').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shots(t, 'beam-tree-390x844');
}

export async function run(t) {
  await t.page.setViewportSize({ width: WIDTH, height: HEIGHT });
  await checkTabs(t);
  await checkStickyScrubber(t);
  await checkBeamTree(t);
}
