// Bugs, simulated from the footer's Diagnostics: a panic in the worker shows a notice with a
// restart button, and after the restart the same page translates again; a panic in the page's
// wasm shows a notice with a reload link to this very URL, and the reload restores the text.

import { cardText, query } from '../helpers.mjs';

export const view = 'crash';

const APPLE = 'I like eating apple';
const CAT = 'The cat sat on the mat';

export async function run(t) {
  const { page } = t;
  // The deliberate panics are logged as console errors, and the page's one ends in a wasm trap.
  t.allow(/simulated crash/);
  t.allow(/unreachable|RuntimeError/);

  await t.open(query({ backend: t.backend, models: 'gru', text: APPLE, lang: 'en' }));
  await t.translationsSettled();
  t.assert(await cardText(page, 'gru-en-zh') === t.expected('gru-en-zh', 1, APPLE), 'translates before the crash');

  // 1. The worker panics: a notice says so and offers a restart; the restarted worker translates.
  await page.click('.diagnostics summary');
  await page.click('#crash-worker');
  const crash = page.locator('#worker-crash');
  await crash.waitFor({ timeout: 15000 });
  const crashText = await crash.innerText();
  t.assert(crashText.includes('The computation worker failed') && crashText.includes('simulated crash'), `worker crash notice: ${crashText}`);
  await t.screenshot('worker-crash');
  await crash.locator('button').click();
  await crash.waitFor({ state: 'detached', timeout: 15000 });
  const box = page.locator('#source-text');
  await box.fill(CAT);
  await page.click('#translate-button');
  await t.translationsSettled();
  t.assert(await cardText(page, 'gru-en-zh') === t.expected('gru-en-zh', 1, CAT), 'the restarted worker translates');
  t.log(`worker crash: "${crashText.split('\n')[0]}", restarted, translated again`);

  // 2. The page panics: a notice with a reload link to the same URL, which keeps the text.
  const before = page.url();
  t.assert(new URL(before).searchParams.get('text') === CAT, `the URL holds the text: ${before}`);
  await page.click('#crash-page');
  const notice = page.locator('.page-crash');
  await notice.waitFor({ timeout: 15000 });
  const noticeText = await notice.innerText();
  t.assert(noticeText.includes('reload it') && noticeText.includes('simulated crash'), `page crash notice: ${noticeText}`);
  const href = await notice.locator('a').getAttribute('href');
  t.assert(href === before, `the reload link is this URL: ${href} vs ${before}`);
  await t.screenshot('page-crash');
  await notice.locator('a').click();
  await page.waitForSelector('#app .page main.view', { timeout: 30000 });
  t.assert(await page.locator('.page-crash').count() === 0, 'the reloaded page is healthy');
  t.assert(await box.inputValue() === CAT, 'the reload restored the text');
  await t.translationsSettled();
  t.assert(await cardText(page, 'gru-en-zh') === t.expected('gru-en-zh', 1, CAT), 'the reloaded page translates');
  t.log('page crash: notice with a reload link to the same URL; the reload restored the text and translated');
}
