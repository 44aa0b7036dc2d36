// The Step through view: one model, greedy, a scrubber and ←/→/Home/End over the decoder steps,
// every panel showing step i. Checks real numbers: the translation equals the CLI's, the α rows
// drawn up to step i each sum to 1, gru-attn's c_i equals Σ_j α_ij h_j recomputed in the page,
// a fixed-context model's c is identical at every step (measured max difference exactly 0),
// top-k probabilities are sorted and mark the chosen token, the gates match the family, and the
// step lives in the URL (replace, not push).

export const view = 'step';

const APPLE = 'I like eating apple';

function query(params) {
  return `?${new URLSearchParams({ view: 'step', ...params }).toString()}`;
}

async function settled(t) {
  await t.page.waitForSelector('article.step-result[data-state="done"], article.step-result[data-state="failed"]', { timeout: 60000 });
  const state = await t.page.locator('article.step-result').getAttribute('data-state');
  t.assert(state === 'done', `translation state ${state}`);
}

async function urlStep(page) {
  return Number(new URLSearchParams(await page.evaluate(() => location.search)).get('step') ?? '0');
}

/** The common checks of any family at the current step. */
async function checkStep(t, model, step) {
  const { page } = t;
  const shown = (await page.locator(`.scrubber-card .translation[data-model="${model}"]`).innerText()).trim();
  t.assert(shown === t.expected(model, 1, APPLE), `${model}: page ${shown}, CLI ${t.expected(model, 1, APPLE)}`);
  const ran = await page.locator('.scrubber .badge[data-backend]').getAttribute('data-backend');
  t.assert(ran === t.backend, `${model} ran on ${ran}, asked for ${t.backend}`);
  t.assert(Number(await page.locator('#step-range').inputValue()) === step, `scrubber shows step ${step}`);
  t.assert(Number(await page.locator('#step-label').getAttribute('data-step')) === step, 'step label');
  // Top-k: sorted, in (0, 1], the chosen token is the step's token.
  const topk = await page.$$eval('#topk-panel .topk-row', (rows) => rows.map((r) => ({
    token: r.dataset.token, p: Number(r.dataset.prob), chosen: r.dataset.chosen === 'true' })));
  t.assert(topk.length >= 2, `top-k rows: ${topk.length}`);
  for (let k = 1; k < topk.length; k++) t.assert(topk[k - 1].p >= topk[k].p, 'top-k sorted');
  t.assert(topk.every((r) => r.p > 0 && r.p <= 1), 'top-k probabilities in (0, 1]');
  t.assert(topk.reduce((s, r) => s + r.p, 0) <= 1 + 1e-4, 'top-k sum at most 1');
  const chosen = topk.filter((r) => r.chosen);
  t.assert(chosen.length === 1 && chosen[0] === topk[0], 'greedy chose the most likely token');
  const token = (await page.locator(`.step-token[data-step="${step}"]`).innerText()).trim();
  t.assert(chosen[0].token === token, `chosen ${chosen[0].token} = step token ${token}`);
  // ln p row: the chosen token's ln p is ln of its top-k probability, the selected step is
  // marked, and the sentence's perplexity is the CLI's.
  const logp = Number(await page.locator(`#perplexity-panel li.logp[data-step="${step}"]`).getAttribute('data-logp'));
  t.assert(Math.abs(logp - Math.log(chosen[0].p)) < 1e-3, `ln p ${logp} vs ln ${chosen[0].p}`);
  t.assert(await page.locator('#perplexity-panel li.logp.selected').getAttribute('data-step') === String(step), 'selected step marked in the ln p row');
  const ppl = Number(await page.locator('#perplexity-panel .perplexity').getAttribute('data-perplexity'));
  const cliPpl = t.expectedPerplexity(model, 1, APPLE);
  t.assert(Math.abs(ppl - cliPpl) <= 5e-3 * cliPpl, `${model}: perplexity ${ppl}, CLI ${cliPpl}`);
  // Encoder strip: one row per source token.
  const rows = Number(await page.locator('#step-encoder').getAttribute('data-rows'));
  t.assert(rows >= 2, `encoder strip rows ${rows}`);
  return { topk, token };
}

/** α rows drawn in `svgId`: rows up to `step` have cells, each summing to 1; later rows none. */
async function alphaRows(t, svgId, step) {
  const sums = await t.page.$$eval(`#${svgId} rect.cell`, (cells) => {
    const rows = {};
    for (const c of cells) rows[c.dataset.row] = (rows[c.dataset.row] ?? 0) + Number(c.dataset.value);
    return rows;
  });
  const filled = Object.keys(sums).map(Number).sort((a, b) => a - b);
  t.assert(filled.length === step + 1 && filled[filled.length - 1] === step, `α rows filled: ${filled} at step ${step}`);
  for (const [row, sum] of Object.entries(sums)) t.assert(Math.abs(sum - 1) < 1e-3, `α row ${row} sums to ${sum}`);
}

export async function run(t) {
  const { page } = t;

  // 1. gru-attn at step 1 (from the URL): c_i = Σ_j α_ij h_j, α rows filling the heatmap.
  await t.open(query({ backend: t.backend, models: 'gru-attn', step: '1', text: APPLE }));
  await settled(t);
  const steps = Number(await page.locator('article.step-result').getAttribute('data-steps'));
  t.assert(steps >= 3, `steps: ${steps}`);
  await checkStep(t, 'gru-attn-en-zh', 1);
  await alphaRows(t, 'step-alpha', 1);
  const check = Number(await page.locator('#context-panel').getAttribute('data-check'));
  const alphaSum = Number(await page.locator('#context-panel').getAttribute('data-alpha-sum'));
  t.assert(check < 1e-4, `Σ_j α_ij h_j recomputed vs c_i: ${check}`);
  t.assert(Math.abs(alphaSum - 1) < 1e-3, `α row sums to ${alphaSum}`);
  t.assert(await page.locator('#step-encoder text', { hasText: 'h→' }).count() === 1, 'bidirectional halves labelled h→');
  t.assert(await page.locator('#step-encoder text', { hasText: 'h←' }).count() === 1, 'and h←');
  for (const g of ['r', 'z', 'n']) {
    const mean = Number(await page.locator(`#gates-panel .gate[data-gate="${g}"]`).getAttribute('data-mean'));
    t.assert(Number.isFinite(mean) && (g === 'n' ? Math.abs(mean) <= 1 : mean > 0 && mean < 1), `gate ${g} mean ${mean}`);
  }
  t.log(`gru-attn: ${steps} steps, c_i check ${check}`);
  await t.screenshot('gru-attn');

  // 2. Keys and the scrubber move the step and write it to the URL (replacing the entry).
  const historyBefore = await page.evaluate(() => history.length);
  await page.locator('h2').first().click(); // focus outside any input
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('step') === '2');
  await alphaRows(t, 'step-alpha', 2);
  await page.keyboard.press('End');
  await page.waitForFunction((n) => new URLSearchParams(location.search).get('step') === String(n - 1), steps);
  await checkStep(t, 'gru-attn-en-zh', steps - 1);
  await page.keyboard.press('Home');
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('step'));
  t.assert(await urlStep(page) === 0, 'Home goes to step 0');
  await page.locator('#step-range').fill('1');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('step') === '1');
  await page.locator('#step-alpha rect.cell[data-row="0"]').first().click();
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('step'));
  t.assert(await page.evaluate(() => history.length) === historyBefore, 'stepping replaces the history entry');

  // 3. A fixed-context GRU: the same c at every step, measured exactly 0.
  await t.open(query({ backend: t.backend, models: 'gru', step: '1', text: APPLE }));
  await settled(t);
  await checkStep(t, 'gru-en-zh', 1);
  const change = await page.locator('#context-panel').getAttribute('data-max-change');
  t.assert(change === '0', `fixed c: max |c_i − c_1| = ${change}`);
  t.assert((await page.locator('#context-panel .max-change').innerText()).trim() === '0', 'the page says 0');
  t.assert(await page.locator('#gates-panel .gate[data-gate="r"]').count() === 1, 'GRU shows r');
  t.assert(await page.locator('#gates-panel .gate[data-gate="z"]').count() === 1, 'GRU shows z');
  t.assert(await page.locator('#step-alpha').count() === 0, 'no α heatmap for a fixed-context model');
  await t.screenshot('gru');

  // 4. LSTM gates and cell; the vanilla RNN has none.
  await t.open(query({ backend: t.backend, models: 'lstm', text: APPLE }));
  await settled(t);
  await checkStep(t, 'lstm-en-zh', 0);
  for (const g of ['i', 'f', 'g', 'o', 'cell']) {
    t.assert(await page.locator(`#gates-panel .gate[data-gate="${g}"]`).count() === 1, `LSTM shows ${g}`);
  }
  t.assert(await page.locator('#context-panel').getAttribute('data-max-change') === '0', 'LSTM: same c every step');
  await t.open(query({ backend: t.backend, models: 'rnn', text: APPLE }));
  await settled(t);
  await checkStep(t, 'rnn-en-zh', 0);
  t.assert(await page.locator('#gates-panel .no-gates').count() === 1, 'the vanilla RNN says it has no gates');

  // 5. The Transformer: per-step self- and cross-attention rows (each head's row sums to 1).
  await t.open(query({ backend: t.backend, models: 'transformer', step: '2', text: APPLE }));
  await settled(t);
  await checkStep(t, 'transformer-en-zh', 2);
  for (const id of ['step-self-attention', 'step-cross-attention']) {
    const sums = await page.$$eval(`#${id} rect.cell`, (cells) => {
      const rows = {};
      for (const c of cells) rows[c.dataset.row] = (rows[c.dataset.row] ?? 0) + Number(c.dataset.value);
      return Object.values(rows);
    });
    t.assert(sums.length >= 1 && sums.every((s) => Math.abs(s - 1) < 1e-3), `${id} rows sum to 1: ${sums}`);
  }
  t.assert(Number(await page.locator('#step-self-attention').getAttribute('data-cols')) === 3, 'self-attention at step 2 sees 3 positions');
  await alphaRows(t, 'step-alpha', 2);
  await t.screenshot('transformer');

  // 6. Embed mode at 640×400, a beam in the link: greedy anyway, and it says so.
  await page.setViewportSize({ width: 640, height: 400 });
  await t.open(query({ backend: t.backend, models: 'gru-attn', beam: '4', embed: '1', text: APPLE }));
  await settled(t);
  t.assert(await page.locator('.header').count() === 0, 'embed mode hides the header');
  t.assert(await page.locator('#greedy-note').count() === 1, 'beam > 1: the view says it shows greedy decoding');
  await checkStep(t, 'gru-attn-en-zh', 0);
  await t.screenshot('embed-640x400');
}
