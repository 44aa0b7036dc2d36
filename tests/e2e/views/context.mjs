// The Fixed context vs attention view: the BLEU-by-length chart equals the catalogue's numbers
// (with the bucket counts), all five families translate the sentence as the CLI does, a
// fixed-context model's c is measured identical at every step (exactly 0) while gru-attn's c_i
// changes, the ladder of growing sentences and the model checkboxes write the URL, embed mode.

export const view = 'context';

const APPLE = 'I like eating apple';
const EIGHT = 'My brother bought a new car last week.';
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
  t.assert(points.length === 20, `20 points (5 families × 4 buckets), got ${points.length}`);
  for (const p of points) {
    const entry = catalog.models.find((m) => m.id === `${p.family}-en-zh`);
    const want = entry.test_bleu_by_bucket.find(([b]) => b === p.bucket)[1];
    t.assert(Math.abs(want - p.bleu) < 1e-9, `${p.family} ${p.bucket}: chart ${p.bleu}, catalogue ${want}`);
  }
  const counts = await page.$$eval('#bleu-by-length .bucket-count', (ts) => ts.map((x) => x.textContent));
  const gruCounts = catalog.models.find((m) => m.id === 'gru-en-zh').test.bleu_by_bucket.map(([, n]) => `n = ${n}`);
  t.assert(JSON.stringify(counts) === JSON.stringify(gruCounts), `bucket counts ${counts} vs ${gruCounts}`);
  t.assert((await page.locator('#bleu-reading').innerText()).includes(gruCounts[3].slice(4)), 'the text names the 16+ count');
  t.assert(await page.locator('#bleu-by-length .legend-item').count() === 5, 'legend for five families');

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
  await page.locator('.ladder-chip[data-words="8"]').click();
  await page.waitForFunction((s) => new URLSearchParams(location.search).get('text') === s, EIGHT);
  await allSettled(page);
  for (const model of ['gru-en-zh', 'gru-attn-en-zh']) {
    const row = page.locator(`article.run-row[data-model="${model}"]`);
    const shown = (await row.locator('.translation').innerText()).trim();
    t.assert(shown === t.expected(model, 1, EIGHT), `${model}: page ${shown}, CLI ${t.expected(model, 1, EIGHT)}`);
    t.assert(await row.getAttribute('data-words') === '8', 'source length 8 words');
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
