// The Fixed context vs attention view: the length-ladder chart equals the catalogue's numbers
// (with the bucket counts), the table's kept shares and the verdict follow them, all five families translate the sentence as the CLI does, a
// fixed-context model's c is measured identical at every step (exactly 0) while gru-attn's c_i
// changes, the ladder of growing sentences and the model checkboxes write the URL, embed mode.

export const view = 'context';

const APPLE = 'I like eating apple';
const FAMILIES = ['rnn', 'gru', 'lstm', 'gru-attn', 'transformer'];

function query(params) {
  return `?${new URLSearchParams({ view: 'context', ...params }).toString()}`;
}

async function allSettled(page, timeout = 90000) {
  await page.waitForFunction(() => {
    const items = [...document.querySelectorAll('article.run-row, .context-stack')];
    return items.length > 0 && items.every((c) => ['done', 'failed'].includes(c.dataset.state));
  }, null, { timeout });
}

export async function run(t) {
  const { page } = t;

  // 1. The default link: all five families, the chart, the live run and the same-c demonstration.
  await t.open(query({ backend: t.backend }));
  await page.waitForSelector('#bleu-by-length circle.point');
  const catalog = await page.evaluate(async () => (await fetch('models/index.json')).json());
  const points = await page.$$eval('#bleu-by-length circle.point', (cs) => cs.map((c) => ({
    family: c.dataset.family, bucket: c.dataset.bucket, bleu: Number(c.dataset.bleu) })));
  const ladderOf = (family) => catalog.models.find((m) => m.id === `${family}-en-zh`).ladder;
  const nonEmpty = FAMILIES.map((f) => ladderOf(f).test.by_length.filter(([, n]) => n > 0).length).reduce((a, b) => a + b);
  t.assert(points.length === nonEmpty, `${nonEmpty} points (one per family and non-empty ladder bucket), got ${points.length}`);
  for (const p of points) {
    const want = ladderOf(p.family).test.by_length.find(([b]) => b === p.bucket)[2];
    t.assert(Math.abs(want - p.bleu) < 1e-9, `${p.family} ${p.bucket}: chart ${p.bleu}, catalogue ${want}`);
  }
  const counts = await page.$$eval('#bleu-by-length .bucket-count', (ts) => ts.map((x) => x.textContent));
  const wantCounts = ladderOf('gru').test.by_length.map((_, k) => {
    const ns = FAMILIES.map((f) => ladderOf(f).test.by_length[k][1]);
    const [lo, hi] = [Math.min(...ns), Math.max(...ns)];
    return lo === hi ? `n=${lo}` : `n=${lo}–${hi}`;
  });
  t.assert(JSON.stringify(counts) === JSON.stringify(wantCounts), `bucket counts ${counts} vs ${wantCounts}`);
  t.assert(await page.locator('#bleu-by-length .legend-item').count() === 5, 'legend for five families');
  // The table and the reading come from the catalogue: the share each family keeps at 4 sentences.
  const kept = (family) => {
    const r = ladderOf(family).test.rungs;
    return r[r.length - 1][2] / r[0][2];
  };
  for (const family of FAMILIES) {
    const shown = (await page.locator(`#bleu-table tr[data-family="${family}"] .kept`).innerText()).trim();
    t.assert(shown === `${Math.round(100 * kept(family))}%`, `${family} kept: table ${shown}, catalogue ${kept(family)}`);
  }
  const trainedOn = (family) => ladderOf(family).trained_on_sentences;
  const longest = Math.max(...FAMILIES.map(trainedOn));
  let group = FAMILIES.filter((f) => trainedOn(f) === longest);
  const isAttention = (f) => ['gru-attn', 'transformer'].includes(f);
  if (!(group.some(isAttention) && group.some((f) => !isAttention(f)))) group = FAMILIES;
  const attention = group.filter(isAttention).map(kept);
  const fixedC = group.filter((f) => !isAttention(f)).map(kept);
  const reading = await page.locator('#bleu-reading').innerText();
  const holds = Math.min(...attention) > Math.max(...fixedC);
  t.assert(reading.includes(holds ? '固定 c 的模型只保留' : '注意力并没有比每个固定 c 的模型保留得更多'),
    `the verdict follows the numbers (attention ${attention}, fixed ${fixedC}): ${reading}`);
  t.assert(reading.includes(`${Math.round(100 * Math.max(...fixedC))}%`), 'the reading names the fixed-c share');

  await allSettled(page);
  t.assert(await page.locator('article.run-row').count() === 5, 'all five families by default');
  for (const family of FAMILIES) {
    const model = `${family}-en-zh`;
    const row = page.locator(`article.run-row[data-model="${model}"]`);
    const shown = (await row.locator('.translation').innerText()).trim();
    t.assert(shown === t.expected(model, 1, APPLE), `${model}: page ${shown}, CLI ${t.expected(model, 1, APPLE)}`);
    const ran = await row.locator('.badge[data-backend]').getAttribute('data-backend');
    t.assert(ran === t.backend, `${model} ran on ${ran}`);
    t.assert(await row.getAttribute('data-words') === '4', 'source length 4 words');
  }
  const fixed = page.locator('.context-stack[data-family="gru"] .measure');
  t.assert(await fixed.getAttribute('data-max-change') === '0', 'gru: the same c at every step, measured 0');
  t.assert((await fixed.locator('.max-change').innerText()).trim() === '0', 'and the page says 0');
  const attn = page.locator('.context-stack[data-family="gru-attn"] .measure');
  const minChange = Number(await attn.getAttribute('data-min-change'));
  t.assert(minChange > 1e-3, `gru-attn: c_i changes at every step (min step-to-step change ${minChange})`);
  const stacked = Number(await page.locator('#contexts-gru').getAttribute('data-rows'));
  t.assert(stacked >= 2, `stacked strips: ${stacked}`);
  t.log(`chart matches the catalogue; gru Δc = 0; gru-attn min Δc_i = ${minChange}`);
  await t.screenshot('all-five');

  // 2. URL state: a link with two models and the ladder.
  await t.open(query({ backend: t.backend, models: 'gru,gru-attn' }));
  t.assert(await page.locator('input[name="context-model"]:checked').count() === 2, 'two boxes checked from the URL');
  await page.waitForSelector('.ladder-chip[data-sentences="4"]');
  t.assert(await page.locator('.ladder-chip').count() === 4, 'one ready-made input per ladder rung');
  const [, TWO] = catalog.models.find((m) => m.id === 'gru-en-zh').ladder.examples.find(([k]) => k === 2);
  await page.locator('.ladder-chip[data-sentences="2"]').click();
  await page.waitForFunction((s) => new URLSearchParams(location.search).get('text') === s, TWO);
  await allSettled(page);
  const twoWords = String(TWO.split(/\s+/).filter(Boolean).length);
  for (const model of ['gru-en-zh', 'gru-attn-en-zh']) {
    const row = page.locator(`article.run-row[data-model="${model}"]`);
    const shown = (await row.locator('.translation').innerText()).trim();
    t.assert(shown === t.expected(model, 1, TWO), `${model}: page ${shown}, CLI ${t.expected(model, 1, TWO)}`);
    t.assert(await row.getAttribute('data-words') === twoWords, `source length ${twoWords} words`);
  }
  t.assert(await page.locator('.context-stack[data-family="gru"] .measure').getAttribute('data-max-change') === '0', 'longer sentence: still the same c');
  await page.locator('input[name="context-model"][value="lstm"]').check();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('models') === 'gru,lstm,gru-attn');
  await page.locator('input[name="context-model"][value="gru"]').uncheck();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('models') === 'lstm,gru-attn');
  await page.locator('#swap-direction').click();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('dir') === 'zh-en');
  await page.waitForSelector('#bleu-by-length[data-direction="zh-en"]');

  // 3. Embed mode at 640×400.
  await page.setViewportSize({ width: 640, height: 400 });
  await t.open(query({ backend: t.backend, models: 'gru,gru-attn', embed: '1' }));
  t.assert(await page.locator('.header').count() === 0, 'embed mode hides the header');
  await page.waitForSelector('#bleu-by-length circle.point');
  await t.screenshot('embed-640x400');
}
