// Input the models cannot read (issue 16 §3), in the Translate, Step through and Q/K/V views: English
// in the zh→en box (and Chinese in the en→zh box) is refused with a message in the page's
// language and one button that translates it from its own language; emoji only and punctuation
// only (and letters of neither script) are refused with their own messages; mixed Chinese with an English word translates; and a
// sentence with an emoji and sub-word pieces inside shows no byte label (`<0x…>`) and no `##`
// anywhere, the emoji itself in the heatmap, and its pieces marked as continuations (`·`).

import { cardText, query } from '../helpers.mjs';

export const view = 'input';

const APPLE = 'I like eating apple';
const WHO = '我是谁';
/** An emoji and a word the 8k English vocabulary splits (unb ##eliev ##ab ##ly). */
const EMOJI_SENTENCE = 'I like 🍎 unbelievably!';

/** What each refusal says, by interface language (crates/app/src/components/text_input.rs). */
const MESSAGES = {
  zh: {
    english: '这段文字是英文，但这些模型只读中文',
    chinese: '这段文字是中文，但这些模型只读英文',
    emoji: '只有表情符号或符号',
    punctuation: '只有标点',
    script: '这些模型只读中文和英文',
    switchToEnglish: '改为从英文翻译',
    switchToChinese: '改为从中文翻译',
  },
  en: {
    english: 'This text is English, but these models read only Chinese',
    chinese: 'This text is Chinese, but these models read only English',
    emoji: 'Only emoji or symbols',
    punctuation: 'Only punctuation',
    script: 'These models read only English and Chinese',
    switchToEnglish: 'Translate from English instead',
    switchToChinese: 'Translate from Chinese instead',
  },
};

/** The refusal shown under the box (waits for it). */
async function refusal(page) {
  await page.waitForSelector('#input-error');
  return (await page.locator('#input-error').innerText()).trim();
}

/** Nothing was translated: no card is running or done, and none shows a translation. */
async function nothingTranslated(t, label) {
  // Give a wrongly sent request time to start before looking.
  await t.page.waitForTimeout(500);
  const states = await t.page.$$eval('article.result', (cards) => cards.map((c) => c.dataset.state));
  t.assert(states.every((s) => !['running', 'done'].includes(s)), `${label}: nothing is translated (cards ${states})`);
  t.assert(await t.page.locator('article.result .translation').count() === 0, `${label}: no translation shown`);
  t.assert(await t.page.locator('#translate-button').isDisabled(), `${label}: the Translate button is disabled`);
}

/** Every text a reader can see (HTML text, SVG labels and titles, tooltips, accessible names). */
async function visibleText(page) {
  return page.evaluate(() => [
    document.body.innerText,
    ...[...document.querySelectorAll('svg text, svg title')].map((e) => e.textContent),
    ...[...document.querySelectorAll('[title], [aria-label]')].flatMap((e) => [e.getAttribute('title') ?? '', e.getAttribute('aria-label') ?? '']),
  ].join('\n'));
}

export async function run(t) {
  const { page } = t;

  // 1. English in the zh→en box, from a link: refused in both interface languages, then one
  //    click translates it en→zh, equal to the CLI.
  for (const lang of ['zh', 'en']) {
    const m = MESSAGES[lang];
    await t.open(query({ backend: t.backend, models: 'gru-attn', dir: 'zh-en', text: APPLE, lang }));
    const message = await refusal(page);
    t.assert(message.startsWith(m.english), `${lang} UI, English in the zh→en box: ${message}`);
    await nothingTranslated(t, `${lang} UI, English in the zh→en box`);
    const button = page.locator('#switch-direction');
    t.assert((await button.innerText()).includes(m.switchToEnglish), `${lang} UI: the switch button says ${await button.innerText()}`);
    await t.screenshot(`wrong-language-${lang}`);
    await button.click();
    // en→zh is the default direction: the URL then has no `dir`.
    await page.waitForFunction(() => (new URLSearchParams(location.search).get('dir') ?? 'en-zh') === 'en-zh');
    await t.translationsSettled();
    const shown = await cardText(page, 'gru-attn-en-zh');
    t.assert(shown === t.expected('gru-attn-en-zh', 1, APPLE), `after the switch: page ${shown}, CLI ${t.expected('gru-attn-en-zh', 1, APPLE)}`);
    t.assert(await page.locator('#input-error').count() === 0 && await page.locator('#switch-direction').count() === 0,
      'after the switch: no message, no button');
    t.assert(await page.locator('#source-text').inputValue() === APPLE, 'after the switch: the box keeps the text');
  }

  // 2. Chinese typed into the en→zh box (the draft, not yet sent): refused, and the switch sends it zh→en.
  await t.open(query({ backend: t.backend, models: 'gru-attn', text: APPLE, lang: 'en' }));
  await t.translationsSettled();
  await page.locator('#source-text').fill(WHO);
  t.assert((await refusal(page)).startsWith(MESSAGES.en.chinese), 'Chinese in the en→zh box: message');
  t.assert(await page.locator('#translate-button').isDisabled(), 'Chinese in the en→zh box: not sent');
  await page.locator('#source-text').press('Enter');
  t.assert(new URLSearchParams(await page.evaluate(() => location.search)).get('text') === APPLE, 'Enter does not send a refused text');
  t.assert((await page.locator('#switch-direction').innerText()).includes(MESSAGES.en.switchToChinese), 'switch offered');
  await page.locator('#switch-direction').click();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('dir') === 'zh-en');
  await t.translationsSettled();
  const who = await cardText(page, 'gru-attn-zh-en');
  t.assert(who === t.expected('gru-attn-zh-en', 1, WHO), `switched to zh→en: page ${who}, CLI ${t.expected('gru-attn-zh-en', 1, WHO)}`);

  // 3. Mixed Chinese with an English word is Chinese: translated, no message.
  await t.open(query({ backend: t.backend, models: 'gru-attn', dir: 'zh-en', text: '我爱 Python' }));
  await t.translationsSettled();
  t.assert(await page.locator('#input-error').count() === 0, '我爱 Python in zh→en: no message');
  t.assert(await page.locator('article.result[data-model="gru-attn-zh-en"]').getAttribute('data-state') === 'done', '我爱 Python is translated');

  // 4. Emoji only, punctuation only, and neither script, either direction: their own message, no
  //    switch button.
  for (const lang of ['zh', 'en']) {
    for (const [text, dir, kind] of [['🍎🐱', 'en-zh', 'emoji'], ['👍🏽', 'zh-en', 'emoji'], ['?!…', 'en-zh', 'punctuation'],
      ['。。。', 'zh-en', 'punctuation'], ['مرحبا بالعالم', 'en-zh', 'script']]) {
      await t.open(query({ backend: t.backend, models: 'gru-attn', dir, text, lang }));
      const message = await refusal(page);
      t.assert(message.startsWith(MESSAGES[lang][kind]), `${lang} UI, ${JSON.stringify(text)}: ${message}`);
      await nothingTranslated(t, `${lang} UI, ${JSON.stringify(text)}`);
      t.assert(await page.locator('#switch-direction').count() === 0, `${JSON.stringify(text)}: no switch offered`);
      t.assert(await page.locator('#source-text').inputValue() === text, `${JSON.stringify(text)}: the box keeps the text`);
      if (text === '🍎🐱' || text === '?!…') await t.screenshot(`${kind}-only-${lang}`);
    }
  }

  // 5. An emoji and sub-word pieces inside a sentence: translated; no byte label and no "##" on
  //    the page; the heatmap names the emoji once and marks the pieces; beam search's tree too.
  await t.open(query({ backend: t.backend, models: 'gru-attn,transformer', text: EMOJI_SENTENCE, beam: '4' }));
  await t.translationsSettled(90000);
  for (const model of ['gru-attn-en-zh', 'transformer-en-zh']) {
    t.assert(await page.locator(`article.result[data-model="${model}"]`).getAttribute('data-state') === 'done', `${model} translates the emoji sentence`);
  }
  const columns = await page.$$eval('article.result[data-model="gru-attn-en-zh"] svg.heatmap-svg text.col-label', (ls) => ls.map((l) => l.textContent));
  t.log(`heatmap columns: ${JSON.stringify(columns)}`);
  t.assert(columns.filter((c) => c === '🍎').length === 1, `the emoji is one label, its own character: ${columns}`);
  t.assert(columns.some((c) => c.startsWith('·') && c.length > 1), `a continuing piece is marked with ·: ${columns}`);
  let text = await visibleText(page);
  t.assert(!text.includes('<0x') && !text.includes('##'), `no byte label or ## on the Translate page: ${text.match(/.{0,20}(<0x|##).{0,20}/)}`);
  await t.screenshot('emoji-sentence');

  await t.open(query({ backend: t.backend, view: 'step', models: 'gru-attn', text: EMOJI_SENTENCE }));
  await page.waitForSelector('#step-alpha text.col-label', { timeout: 60000 });
  text = await visibleText(page);
  t.assert(!text.includes('<0x') && !text.includes('##'), `no byte label or ## on the Step through page: ${text.match(/.{0,20}(<0x|##).{0,20}/)}`);
  t.assert(text.includes('🍎'), 'the Step through page names the emoji');

  // The Q/K/V explorer's token buttons and rows (the Transformer's encoder).
  await t.open(query({ backend: t.backend, view: 'qkv', text: EMOJI_SENTENCE }));
  await page.waitForSelector('.qkv-pick', { timeout: 60000 });
  const picks = await page.$$eval('.qkv-pick', (bs) => bs.map((b) => b.textContent));
  t.assert(picks.includes('🍎') && picks.some((p) => p.startsWith('·') && p.length > 1), `Q/K/V tokens: ${picks}`);
  text = await visibleText(page);
  t.assert(!text.includes('<0x') && !text.includes('##'), `no byte label or ## on the Q/K/V page: ${text.match(/.{0,20}(<0x|##).{0,20}/)}`);
}
