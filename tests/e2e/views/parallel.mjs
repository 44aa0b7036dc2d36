// Sequential vs parallel (?view=parallel): every family's encoder timed over T = 8, 16, 32 on
// this run's backends. The RNN's chain of dependent steps grows with T and the Transformer's does
// not (counted on the real encoder code), the GPU rows exist exactly when WebGPU does, the
// findings are computed from the rows, and the view works at phone width and embedded.

import { query } from '../helpers.mjs';

export const view = 'parallel';

/** The table's rows as numbers: { family, backend, tokens, steps, doubled }. */
async function tableRows(page) {
  return page.$$eval('#parallel-results tbody tr', (trs) => trs.map((tr) => ({
    family: tr.dataset.family,
    backend: tr.dataset.backend,
    tokens: Number(tr.dataset.tokens),
    steps: Number(tr.dataset.steps),
    doubled: tr.dataset.doubled === 'true',
  })));
}

export async function run(t) {
  const { page } = t;
  await t.open(query({ view: 'parallel', tmax: '32' }));
  await page.waitForSelector('#parallel-run-button:not([disabled])');
  await page.click('#parallel-run-button');
  await page.waitForSelector('#parallel-progress', { timeout: 30000 });
  await page.waitForSelector('#parallel-run[data-state="done"]', { timeout: 240000 });
  const rows = await tableRows(page);
  const backends = t.backend === 'gpu' ? ['gpu', 'cpu'] : ['cpu'];
  // 5 families × 2 widths × 3 lengths per backend.
  t.assert(rows.length === 30 * backends.length, `${rows.length} rows for ${backends}`);
  t.assert(backends.every((b) => rows.some((r) => r.backend === b)), `rows on ${backends}`);
  if (t.backend !== 'gpu') t.assert(!rows.some((r) => r.backend === 'gpu'), 'no GPU rows without WebGPU');
  const chain = (family) => rows
    .filter((r) => r.family === family && r.backend === 'cpu' && !r.doubled)
    .sort((a, b) => a.tokens - b.tokens);
  const rnn = chain('rnn');
  t.assert(rnn.length === 3 && rnn[0].steps < rnn[1].steps && rnn[1].steps < rnn[2].steps, `rnn chain grows: ${JSON.stringify(rnn)}`);
  t.assert(rnn[2].steps - rnn[0].steps >= rnn[2].tokens - rnn[0].tokens, 'rnn: at least one more step per token');
  const tf = chain('transformer');
  t.assert(tf.length === 3 && tf.every((r) => r.steps === tf[0].steps), `transformer chain constant: ${JSON.stringify(tf)}`);
  t.assert(tf[2].steps < rnn[2].steps, 'at T = 32 the transformer has the shorter chain');
  t.assert(await page.getAttribute('#parallel-chains li[data-family="rnn"]', 'data-grows') === 'true', 'finding: the rnn chain grows');
  t.assert(await page.getAttribute('#parallel-chains li[data-family="transformer"]', 'data-grows') === 'false', 'finding: the transformer chain does not');
  t.assert(await page.locator('#parallel-steps .series').count() === 5, 'one line per family in the steps chart');
  if (t.backend === 'gpu') {
    t.assert(await page.locator('#parallel-crossovers li').count() === 5, 'a GPU-vs-CPU finding per family');
  }
  t.log(`rnn chain ${rnn.map((r) => r.steps)}, transformer ${tf.map((r) => r.steps)}`);
  t.assert((await page.evaluate(() => location.search)).includes('tmax=32'), 'tmax stays in the URL');
  await t.screenshot('parallel');

  // Phone width: nothing scrolls the page sideways (wide charts scroll in their own box).
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.assert(overflow <= 1, `390 px: the page scrolls sideways by ${overflow} px`);
  await t.screenshot('parallel-phone');
  await page.setViewportSize({ width: 640, height: 400 });
  await t.open(query({ view: 'parallel', tmax: '32', embed: '1' }));
  t.assert(await page.locator('.header').count() === 0, 'embed hides the chrome');
  await page.waitForSelector('#parallel-run-button');
  await t.screenshot('parallel-embed-640x400');
  await page.setViewportSize({ width: 1100, height: 900 });
}
