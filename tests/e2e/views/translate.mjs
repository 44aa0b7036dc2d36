// The Translate view, and what holds across the app: translations equal the CLI's, heatmap rows
// sum to 1, the badge names the backend that ran, URL state round-trips, embed mode, bad input
// gives clear messages and loses nothing, bad model files are reported, a lost GPU falls back to
// the CPU and says so, and the page stays responsive during a long translation.

import { cardText, query } from '../helpers.mjs';

export const view = 'translate';

const APPLE = 'I like eating apple';
const WHO = '我是谁';
const CAT = 'The cat sat on the mat';
// Three joined test sentences (the test ladder's rung 3) on which gru-en-zh, greedy, repeats
// "我们想去哪里？" four times (found with `seq2seq-train translate --model gru-en-zh --beam 1`
// over rungs 2–4; 17 of their 1620 inputs loop).
const LOOPING = "Is there anything I can do? Sweet dreams! I think we should be able to go wherever we want to.";
const LONG = 'My brother bought a new car last week, and on Sunday we drove it to the sea with our friends.';

/** Every heatmap row inside `root` sums to 1 (±1e-3); returns the number of rows checked. */
async function heatmapRowsSumToOne(t, selector) {
  const sums = await t.page.$$eval(`${selector} svg.heatmap-svg rect.cell`, (cells) => {
    const rows = {};
    for (const c of cells) {
      const key = `${c.closest('svg').id}/${c.dataset.row}`;
      rows[key] = (rows[key] ?? 0) + Number(c.dataset.value);
    }
    return rows;
  });
  const entries = Object.entries(sums);
  t.assert(entries.length > 0, `no heatmap cells under ${selector}`);
  for (const [row, sum] of entries) t.assert(Math.abs(sum - 1) < 1e-3, `heatmap row ${row} sums to ${sum}`);
  return entries.length;
}

export async function run(t) {
  const { page } = t;

  // 1. Two models side by side, greedy, on the backend of this run.
  await t.open(query({ backend: t.backend, text: APPLE, models: 'gru-attn,transformer' }));
  await t.translationsSettled();
  for (const model of ['gru-attn-en-zh', 'transformer-en-zh']) {
    const shown = await cardText(page, model);
    t.assert(shown === t.expected(model, 1, APPLE), `${model}: page shows ${shown}, CLI says ${t.expected(model, 1, APPLE)}`);
    const ran = await page.locator(`article.result[data-model="${model}"] .badge[data-backend]`).getAttribute('data-backend');
    t.assert(ran === t.backend, `${model} ran on ${ran}, asked for ${t.backend}`);
    // Perplexity of the shown translation: the CLI's, and exp of the mean −ln p of its bars.
    const card = `article.result[data-model="${model}"] .perplexity`;
    const ppl = Number(await page.locator(card).getAttribute('data-perplexity'));
    const cliPpl = t.expectedPerplexity(model, 1, APPLE);
    t.assert(Math.abs(ppl - cliPpl) <= 5e-3 * cliPpl, `${model}: perplexity ${ppl}, CLI ${cliPpl}`);
    await page.click(`${card} summary`);
    await page.waitForSelector(`${card} li.logp`);
    const logps = await page.$$eval(`${card} li.logp`, (lis) => lis.map((li) => Number(li.dataset.logp)));
    const fromBars = Math.exp(-logps.reduce((a, b) => a + b, 0) / logps.length);
    t.assert(logps.length > 0 && Math.abs(fromBars - ppl) <= 1e-3 * ppl, `${model}: ${logps.length} ln p bars give ${fromBars}, shown ${ppl}`);
  }
  const rows = await heatmapRowsSumToOne(t, 'article.result[data-model="gru-attn-en-zh"]');
  await heatmapRowsSumToOne(t, 'article.result[data-model="transformer-en-zh"]');
  t.log(`gru-attn heatmap: ${rows} rows, each sums to 1`);
  const badge = await page.locator('.header .badge[data-backend]').getAttribute('data-backend');
  t.assert(badge === t.backend, `header badge says ${badge}`);
  // Each result card links to its model card (issue 14 §4): the link opens the exported card.md,
  // which names the model, its scores and the held-out example sentences.
  for (const model of ['gru-attn-en-zh', 'transformer-en-zh']) {
    const link = page.locator(`article.result[data-model="${model}"] .model-facts a.model-card-link`);
    const href = await link.getAttribute('href');
    t.assert(href === `models/${model}/card.md` && (await link.getAttribute('target')) === '_blank', `${model}: model card link ${href}`);
    t.assert((await link.getAttribute('title')).length > 20, `${model}: the link says what the model was trained on`);
    const card = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { ok: r.ok, text: await r.text() };
    }, href);
    t.assert(card.ok && card.text.startsWith(`# ${model}`) && card.text.includes('## Held out'), `${model}: ${href} is its card (${card.text.slice(0, 40)})`);
    const facts = await page.locator(`article.result[data-model="${model}"] .model-facts`).innerText();
    t.assert(/BLEU \d+\.\d/.test(facts) && /MB/.test(facts), `${model}: facts line ${facts}`);
  }

  // The header's badge keeps one width whatever it says, so nothing below it moves (issue 16 §4):
  // measured with its text now, and with the longest texts it can show written into it.
  const headerBox = async () => page.evaluate(() => {
    const b = document.querySelector('.toolbar .badge').getBoundingClientRect();
    return { width: b.width, tabsTop: document.querySelector('nav.tabs').getBoundingClientRect().top };
  });
  const boxes = [await headerBox()];
  for (const text of ['检测后端…', 'WebGPU 可用（软件模拟）', 'CPU（WebAssembly）· 12345.6 ms ⚠', 'x']) {
    await page.evaluate((s) => { document.querySelector('.toolbar .badge').textContent = s; }, text);
    boxes.push(await headerBox());
  }
  t.assert(boxes.every((b) => Math.abs(b.width - boxes[0].width) < 0.5 && Math.abs(b.tabsTop - boxes[0].tabsTop) < 0.5),
    `the header badge and the tabs do not move when the badge's text changes: ${JSON.stringify(boxes)}`);

  // A translation that loops is marked as such (issue 14 §4); one that ends normally is not.
  t.assert((await page.locator('article.result .ending-mark').count()) === 0, 'no ending mark on translations that end with EOS');
  await t.open(query({ backend: t.backend, models: 'gru', text: LOOPING }));
  await t.translationsSettled();
  const looped = await cardText(page, 'gru-en-zh');
  t.assert(looped === t.expected('gru-en-zh', 1, LOOPING), `gru-en-zh on the looping input: page ${looped}, CLI ${t.expected('gru-en-zh', 1, LOOPING)}`);
  const mark = page.locator('article.result[data-model="gru-en-zh"] .ending-mark');
  t.assert((await mark.getAttribute('data-ending')) === 'loop', `the loop is marked: ${await mark.getAttribute('data-ending')}`);
  const markText = await mark.innerText();
  t.assert(/打转/.test(markText) && /连续重复了 \d+ 次/.test(markText), `the mark says how it loops: ${markText}`);
  t.log(`loop mark: ${markText}`);
  await t.open(query({ backend: t.backend, text: APPLE, models: 'gru-attn,transformer' }));
  await t.translationsSettled();

  // The worker's files carry a content hash (crates/xtask/src/worker_hash.rs): never a stale one.
  t.assert(t.workers.length > 0 && t.workers.every((url) => /\/worker-[0-9a-f]{16}_loader\.js$/.test(url)), `worker URLs: ${t.workers}`);
  // Hovering a source token highlights its column.
  await page.locator('article.result[data-model="gru-attn-en-zh"] text.col-label').first().hover();
  const outlined = await page.locator('article.result[data-model="gru-attn-en-zh"] rect.cell[stroke]').count();
  t.assert(outlined > 0, 'hovering a source token highlights its column');
  await t.screenshot('side-by-side');
  // ⇄ swaps like a translator: the first model's translation becomes the source, zh→en.
  await page.click('#swap-direction');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('dir') === 'zh-en');
  const swapped = await page.locator('#source-text').inputValue();
  t.assert(swapped === t.expected('gru-attn-en-zh', 1, APPLE), `after ⇄ the box holds ${swapped}`);

  // 2. Every family, zh→en, in one page.
  await t.open(query({ backend: t.backend, text: WHO, dir: 'zh-en', models: 'rnn,gru,lstm,gru-attn,transformer' }));
  await t.translationsSettled(90000);
  for (const family of ['rnn', 'gru', 'lstm', 'gru-attn', 'transformer']) {
    const model = `${family}-zh-en`;
    const shown = await cardText(page, model);
    t.assert(shown === t.expected(model, 1, WHO), `${model}: page shows ${shown}, CLI says ${t.expected(model, 1, WHO)}`);
  }
  t.assert(await page.locator('.no-attention').count() === 3, 'the three fixed-context models say they have no attention');

  // 3. Beam search: the CLI's beam-4 output and a beam tree with the chosen path.
  await t.open(query({ backend: t.backend, text: CAT, models: 'transformer', beam: '4' }));
  await t.translationsSettled();
  const beamShown = await cardText(page, 'transformer-en-zh');
  t.assert(beamShown === t.expected('transformer-en-zh', 4, CAT), `beam 4: page ${beamShown}, CLI ${t.expected('transformer-en-zh', 4, CAT)}`);
  t.assert(await page.locator('.beam-tree .beam-node').count() > 4, 'beam tree drawn');
  t.assert(await page.locator('.beam-tree .beam-node[data-best="true"]').count() > 0, 'beam tree marks the chosen path');
  await t.screenshot('beam');

  // 4. URL state round-trip through the controls.
  await page.selectOption('#beam-select', '2');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('beam') === '2');
  await page.click('#swap-direction');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('dir') === 'zh-en');
  await page.click('.lang-toggle');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('lang') === 'en');
  t.assert((await page.locator('#translate-button').innerText()).trim() === 'Translate', 'English UI after the toggle');
  const saved = await page.evaluate(() => location.search);
  await page.reload();
  await page.waitForSelector('#app .page main.view');
  t.assert(await page.evaluate(() => location.search) === saved, 'reload keeps the state');
  t.assert(await page.locator('#beam-select').inputValue() === '2', 'beam restored from the URL');
  t.assert((await page.locator('#source-lang').innerText()).trim() === 'Chinese', 'direction restored from the URL');
  await page.click('nav.tabs a.tab:nth-child(2)');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('view') === 'step');
  await page.goBack();
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('view'));
  t.assert(await page.locator('main.view .text-input').count() === 1, 'back button returns to the Translate view');

  // 5. Embed mode: no chrome, usable at 640×400.
  await page.setViewportSize({ width: 640, height: 400 });
  await t.open(query({ backend: t.backend, text: APPLE, models: 'gru-attn', embed: '1' }));
  await t.translationsSettled();
  t.assert(await page.locator('.header').count() === 0 && await page.locator('.footer').count() === 0, 'embed hides the chrome');
  t.assert(await cardText(page, 'gru-attn-en-zh') === t.expected('gru-attn-en-zh', 1, APPLE), 'embed translates');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.assert(overflow <= 1, `embed at 640 px scrolls sideways by ${overflow} px`);
  await t.screenshot('embed-640x400');
  await page.setViewportSize({ width: 1100, height: 900 });

  // 6. Bad input: clear messages, nothing lost.
  await t.open(query({ backend: t.backend, models: 'gru-attn' }));
  await t.translationsSettled();
  const box = page.locator('#source-text');
  await box.fill('   ');
  t.assert(await page.locator('#translate-button').isDisabled(), 'whitespace only: button disabled');
  t.assert((await page.locator('#input-error').innerText()).length > 0, 'whitespace only: message shown');
  const huge = 'the cat sat on the mat '.repeat(435).slice(0, 10000);
  await box.fill(huge);
  t.assert((await box.inputValue()).length === 10000, '10,000 characters stay in the box');
  t.assert((await page.locator('#input-error').innerText()).includes('10000'), '10,000 characters: the message names the count');
  t.assert(await page.locator('#translate-button').isDisabled(), '10,000 characters: not sent');
  for (const [text, dir] of [
    // Text the models cannot read (other scripts, punctuation only) is refused before any
    // request: tests/e2e/views/input.mjs.
    ['I like 🍎 and 🐱!', 'en-zh'], ['cafe\u0301 na\u0308ive', 'en-zh'],
    ['tab\there\u0007bell', 'en-zh'], ['I like 苹果', 'en-zh'], ['我們喜歡蘋果', 'zh-en'],
    ['x', 'en-zh'], ['Zyxwvutqponm flibbertigibbet', 'en-zh'],
  ]) {
    await t.open(query({ backend: t.backend, models: 'gru-attn', dir, text }));
    await t.translationsSettled();
    const state = await page.locator('article.result').getAttribute('data-state');
    const shown = state === 'done' ? await cardText(page, `gru-attn-${dir}`) : await page.locator('article.result .failure').innerText();
    t.assert(state === 'done' || shown.length > 10, `${JSON.stringify(text)}: ${state} without a clear message`);
    t.assert(await box.inputValue() === text, `${JSON.stringify(text)}: the text box keeps the input`);
    t.log(`${JSON.stringify(text)} → ${state}: ${shown}`);
  }

  // 7. The page stays responsive during a long translation (inference runs in the worker).
  const long = 'The cat sat on the mat and the dog ate my homework while Tom was reading a book. '.repeat(6).slice(0, 495);
  await t.open(query({ backend: 'cpu', models: 'rnn,gru,lstm,gru-attn,transformer', beam: '8' }));
  await t.translationsSettled();
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const tick = (now) => { window.__gaps.push(now - last); last = now; if (window.__gaps.length < 100000) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await box.fill(long);
  await page.click('#translate-button');
  const started = Date.now();
  await t.translationsSettled(120000);
  const worst = await page.evaluate(() => Math.max(...window.__gaps.slice(1)));
  t.log(`long input (${long.length} chars, 5 models, beam 8): ${Date.now() - started} ms, longest frame gap ${worst.toFixed(0)} ms`);
  // 400 ms: headroom for a loaded 2-core CI machine (measured 150–270 ms there; the gaps are the
  // renders of the five results, the inference itself runs in the worker).
  t.assert(worst < 400, `the page froze for ${worst} ms during a long translation`);

  // 8. Model files that are missing, or HTML instead of weights: a clear message per model.
  //    xtask serves the same dist/ behind a broken host at E2E_FAULTS_URL (Playwright cannot
  //    intercept a dedicated worker's requests).
  if (t.faultsUrl) {
    t.allow(/HTTP 404 for .*rnn-en-zh\/model\.safetensors/);
    await page.goto(`${t.faultsUrl}${query({ backend: t.backend, models: 'rnn,lstm,gru-attn', text: APPLE })}`);
    await page.waitForSelector('#app .page main.view');
    await t.translationsSettled();
    // The page says what happened in its language; the worker's words are in the details.
    const failureOf = async (model) => {
      const el = page.locator(`article.result[data-model="${model}"] .failure`);
      return { text: await el.innerText(), detail: await el.getAttribute('data-detail'), kind: await el.getAttribute('data-kind') };
    };
    const missing = await failureOf('rnn-en-zh');
    t.assert(missing.detail.includes('404') && /^无法翻译：/.test(missing.text) && !/[A-Za-z]{3,}/.test(missing.text.split('\n')[0]), `missing weights: ${JSON.stringify(missing)}`);
    const html = await failureOf('lstm-en-zh');
    t.assert(html.kind === 'ModelFile' && html.detail.includes('catalogue') && html.detail.includes('error page'), `HTML instead of weights: ${JSON.stringify(html)}`);
    t.assert(/^无法翻译：模型文件缺失、损坏，或与模型目录不符/.test(html.text), `the model-file message is Chinese: ${html.text}`);
    t.assert((await page.locator('article.result[data-model="lstm-en-zh"] .download').count()) === 0, 'a failed download leaves no progress bar');
    t.assert(await cardText(page, 'gru-attn-en-zh') === t.expected('gru-attn-en-zh', 1, APPLE), 'the other models still work');
    t.log(`404: ${missing.text} / ${missing.detail}`);
    t.log(`HTML: ${html.text} / ${html.detail}`);
    await t.screenshot('bad-model-files');
  } else {
    t.log('no E2E_FAULTS_URL: bad model files not tested in this run');
  }

  // 9. A damaged cache entry is replaced by a fresh download; a stale entry (the files of an
  //    older export of the model, under another ?v=) is never used and is deleted.
  const STALE = '0'.repeat(64);
  const damaged = await page.evaluate(async (stale) => {
    if (!('caches' in self)) return 'no Cache API';
    const index = await (await fetch('models/index.json')).json();
    const entry = index.models.find((m) => m.id === 'gru-en-zh');
    const cache = await caches.open('seq2seq-models-v1');
    const key = (file, v) => new URL(`models/gru-en-zh/${file}?v=${v}`, location.href).toString();
    await cache.put(key('model.safetensors', entry.sha256), new Response(new Uint8Array([1, 2, 3, 4])));
    await cache.put(key('model.safetensors', stale), new Response(new Uint8Array([5, 6, 7, 8])));
    await cache.put(key('config.json', stale), new Response('{"family":"rnn"}'));
    return 'ok';
  }, STALE);
  t.assert(damaged === 'ok', `could not damage the cache: ${damaged}`);
  await t.open(query({ backend: 'cpu', models: 'gru', text: APPLE }));
  await t.translationsSettled();
  t.assert(await cardText(page, 'gru-en-zh') === t.expected('gru-en-zh', 1, APPLE), 'a damaged cached model is downloaded again');
  const staleLeft = await page.evaluate(async (stale) => {
    const cache = await caches.open('seq2seq-models-v1');
    return (await cache.keys()).map((r) => r.url).filter((u) => u.includes('/gru-en-zh/') && u.endsWith(`?v=${stale}`));
  }, STALE);
  t.assert(staleLeft.length === 0, `the stale version's files are deleted (${staleLeft})`);

  // 9b. auto on a device with both backends: both are timed on the first run, the faster is kept,
  //     and the choice is written out on the page, not only in a tooltip (issue 16 §4).
  if (t.mode === 'webgpu') {
    await t.open(query({ backend: 'auto', models: 'gru', text: APPLE }));
    await t.translationsSettled();
    const choice = await page.locator('article.result[data-model="gru-en-zh"] .auto-choice').innerText();
    const kept = await page.locator('article.result[data-model="gru-en-zh"] .badge').getAttribute('data-backend');
    const keptName = kept === 'gpu' ? 'WebGPU' : 'CPU（WebAssembly）';
    t.assert(new RegExp(`^自动选择：本设备上 (WebGPU|CPU（WebAssembly）) [0-9.]+ ms、(WebGPU|CPU（WebAssembly）) [0-9.]+ ms，选用 ${keptName.replace(/[()（）]/g, '.')}。$`).test(choice),
      `auto's choice is written out: ${choice}`);
    const times = Object.fromEntries([...choice.matchAll(/(WebGPU|CPU（WebAssembly）) ([0-9.]+) ms/g)].map((m) => [m[1], Number(m[2])]));
    const faster = times.WebGPU < times['CPU（WebAssembly）'] ? 'WebGPU' : 'CPU（WebAssembly）';
    t.assert(faster === keptName, `auto kept the faster backend: ${JSON.stringify(times)}, kept ${keptName}`);
    t.log(`auto: ${choice}`);
  }

  // 10. GPU: lost mid-session → the CPU takes over and the page says so. Without WebGPU: asking
  //     for the GPU runs on the CPU, with the reason.
  if (t.mode === 'webgpu') {
    await t.open(query({ backend: 'gpu', models: 'gru-attn', text: APPLE }));
    await t.translationsSettled();
    t.assert(await page.locator('article.result .badge').getAttribute('data-backend') === 'gpu', 'first run on the GPU');
    await page.click('.diagnostics summary');
    await page.click('#lose-gpu');
    await page.waitForTimeout(300);
    await box.fill(CAT);
    await page.click('#translate-button');
    await t.translationsSettled();
    const after = page.locator('article.result .badge');
    t.assert(await after.getAttribute('data-backend') === 'cpu', 'after the GPU was lost the CPU ran');
    t.assert((await after.getAttribute('title')).length > 0, 'the badge says why');
    t.assert(await page.locator('.notice').count() > 0, 'a notice says the GPU was lost');
    t.assert(await cardText(page, 'gru-attn-en-zh') === t.expected('gru-attn-en-zh', 1, CAT), 'CPU fallback translates correctly');
    await t.screenshot('gpu-lost');

    // Lost in the middle of a translation: the page destroys the device the moment the first
    // token has streamed in (Diagnostics' button, handled by the worker on arrival); the run
    // starts over on the CPU, equals the CLI's output, and the badge and a notice say why.
    await t.open(query({ backend: 'gpu', models: 'gru-attn' }));
    await page.click('.diagnostics summary');
    await page.evaluate(() => {
      window.lostMidRun = null;
      const observer = new MutationObserver(() => {
        const card = document.querySelector('article.result[data-model="gru-attn-en-zh"]');
        const streamed = card?.querySelectorAll('.tokens .token').length ?? 0;
        if (card?.dataset.state === 'running' && streamed > 0) {
          observer.disconnect();
          window.lostMidRun = { streamed };
          document.querySelector('#lose-gpu').click();
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await box.fill(LONG);
    await page.click('#translate-button');
    await t.translationsSettled();
    const lostMidRun = await page.evaluate(() => window.lostMidRun);
    t.assert(lostMidRun, 'the device was destroyed while tokens were streaming');
    const badge = page.locator('article.result .badge');
    t.assert(await badge.getAttribute('data-backend') === 'cpu', 'after the loss the CPU finished the translation');
    const why = await badge.getAttribute('title');
    // The page is in Chinese: the reason is wholly Chinese too (the driver's English words go to the
    // English text and the console only; GPU/CPU are the only Latin words left).
    const latinWords = (s) => s.replace(/WebGPU|GPU|CPU/g, '').match(/[A-Za-z]{2,}/g) ?? [];
    t.assert(/^已改用 CPU：翻译时 GPU 设备丢失（/.test(why), `the badge says in Chinese that the GPU was lost during the translation: ${why}`);
    t.assert(latinWords(why).length === 0, `no English in the Chinese reason: ${latinWords(why)}`);
    const notices = await page.locator('.notice').allInnerTexts();
    const lostNotice = notices.find((n) => /翻译时 GPU 设备丢失/.test(n));
    t.assert(lostNotice, `a notice says so: ${notices}`);
    t.assert(latinWords(lostNotice ?? '').length === 0, `no English in the Chinese notice: ${lostNotice}`);
    t.assert(await cardText(page, 'gru-attn-en-zh') === t.expected('gru-attn-en-zh', 1, LONG), 'the CPU restart equals the CLI');
    await page.click('.lang-toggle');
    await page.waitForFunction(() => /^fell back/.test(document.querySelector('article.result .badge')?.title), null, { timeout: 5000 }).catch(() => {});
    const whyEn = await badge.getAttribute('title');
    t.assert(/^fell back to the CPU: the GPU device was lost during the translation \(/.test(whyEn), `in English too: ${whyEn}`);
    t.log(`GPU lost after ${lostMidRun.streamed} streamed token(s); badge: ${why} / ${whyEn}`);

    // 11. An adapter below a limit the kernels need (WebGPU compatibility mode: 128 threads per
    //     workgroup): no device is requested, the CPU runs, and a notice names the limit.
    if (t.smallGpuUrl) {
      await page.goto(`${t.smallGpuUrl}${query({ backend: 'gpu', models: 'gru-attn', text: APPLE, lang: 'en' })}`);
      await page.waitForSelector('#app .page main.view');
      await t.translationsSettled();
      const badge = page.locator('article.result .badge');
      t.assert(await badge.getAttribute('data-backend') === 'cpu', 'a GPU below the limits: the CPU ran');
      const title = await badge.getAttribute('title');
      t.assert(title.includes('maxComputeInvocationsPerWorkgroup is 128; the kernels need 256'), `the badge names the limit: ${title}`);
      const notice = await page.locator('.notice').allInnerTexts();
      t.assert(notice.some((n) => n.includes('The GPU cannot be used') && n.includes('maxComputeInvocationsPerWorkgroup')), `a notice names the limit: ${notice}`);
      t.assert(await cardText(page, 'gru-attn-en-zh') === t.expected('gru-attn-en-zh', 1, APPLE), 'a GPU below the limits: the CPU translates correctly');
      t.log(`GPU below the limits: ${title.split('\n').pop()}`);
      await t.screenshot('gpu-below-limits');
    } else {
      t.log('no E2E_SMALL_GPU_URL: a GPU below the limits not tested in this run');
    }
  } else {
    await t.open(query({ backend: 'gpu', models: 'gru-attn', text: APPLE }));
    await t.translationsSettled();
    const fallback = page.locator('article.result .badge');
    t.assert(await fallback.getAttribute('data-backend') === 'cpu', 'no WebGPU: the CPU ran');
    const why = await fallback.getAttribute('title');
    t.assert(/^已改用 CPU：.*WebGPU/.test(why), `no WebGPU: the badge says why, in the page's language: ${why}`);
  }
}
