// View 4, Q/K/V explorer: the numbers of the trained Transformer's encoder self-attention, and
// of its decoder's masked self-attention.
// Asserts: every head's softmax weights sum to 1 (from the shown numbers), the shown scaled
// scores equal the shown scores / √d, clicking a token and a layer lands in the URL and a reload
// reproduces them, one head can be enlarged, embed mode hides the page chrome; in the decoder,
// the inputs are <s> and the CLI's greedy translation, and every key after the query is −∞ with
// weight exactly 0.
export const view = 'qkv';

const text = 'I like eating apple';

async function settled(t) {
  await t.page.waitForSelector('.qkv-view[data-state="done"] .qkv-head', { timeout: 60000 });
}

async function checkNumbers(t, where) {
  const heads = await t.page.$$eval('.qkv-head', (cards) => cards.map((card) => ({
    head: card.dataset.head,
    rows: [...card.querySelectorAll('tr.qkv-row')].map((row) => ({
      score: Number(row.querySelector('.score').textContent),
      scaled: Number(row.querySelector('.scaled').textContent),
      weight: Number(row.querySelector('.weight .num').textContent),
      exact: Number(row.dataset.weight),
      masked: row.classList.contains('masked'),
      scaledText: row.querySelector('.scaled').textContent,
    })),
  })));
  const d = Number(await t.page.$eval('.qkv-heads', (el) => el.dataset.headDim));
  t.assert(d > 0, `${where}: head dimension shown (${d})`);
  t.assert(heads.length > 0, `${where}: at least one head`);
  for (const h of heads) {
    t.assert(h.rows.length >= 2, `${where}: head ${h.head} has a row per source token`);
    const sum = h.rows.reduce((s, r) => s + r.exact, 0);
    t.assert(Math.abs(sum - 1) < 1e-4, `${where}: head ${h.head} weights sum to ${sum}`);
    const shownSum = h.rows.reduce((s, r) => s + r.weight, 0);
    t.assert(Math.abs(shownSum - 1) <= 0.0005 * h.rows.length + 1e-9, `${where}: head ${h.head} shown weights sum to ${shownSum}`);
    for (const r of h.rows) {
      if (r.masked) {
        t.assert(r.scaledText === '−∞' && r.exact === 0, `${where}: head ${h.head} masked key shows ${r.scaledText}, weight ${r.exact}`);
        continue;
      }
      t.assert(Number.isFinite(r.score) && Number.isFinite(r.scaled), `${where}: numeric scores`);
      t.assert(Math.abs(r.score / Math.sqrt(d) - r.scaled) <= 0.0011, `${where}: head ${h.head} scaled ${r.scaled} = ${r.score} / √${d}`);
      t.assert(r.weight >= 0 && r.weight <= 1, `${where}: weight in [0, 1]`);
    }
  }
  return heads;
}

export async function run(t) {
  await t.open(`?view=qkv&text=${encodeURIComponent(text)}&backend=${t.backend}`);
  await settled(t);
  const tokens = await t.page.$$eval('.qkv-pick', (bs) => bs.map((b) => b.textContent));
  t.log('source tokens', tokens);
  t.assert(tokens.length >= 5 && tokens[tokens.length - 1] === '</s>', `source tokens with EOS last: ${tokens}`);
  const heads = await checkNumbers(t, 'token 0 layer 0');
  t.assert(heads.length === 4, `the shipped transformer has 4 heads (${heads.length})`);
  await t.screenshot('token0');

  // Pick token 2 and layer 2: the URL carries them, the numbers change and stay consistent.
  await t.page.click('.qkv-pick[data-token="2"]');
  await t.page.waitForSelector('.qkv-heads[data-token="2"]', { timeout: 30000 });
  await t.page.click('.qkv-controls button[data-layer="1"]');
  await t.page.waitForSelector('.qkv-heads[data-token="2"][data-layer="1"]', { timeout: 30000 });
  const search = await t.page.evaluate(() => location.search);
  t.assert(/[?&]token=2(&|$)/.test(search) && /[?&]layer=1(&|$)/.test(search), `URL state: ${search}`);
  await checkNumbers(t, 'token 2 layer 1');
  t.assert(await t.page.$eval('.qkv-pick[data-token="2"]', (b) => b.getAttribute('aria-pressed')) === 'true', 'token 2 is selected');

  // Enlarge head 2: only it is shown, with the v_j column; the URL says head=1.
  await t.page.click('.qkv-controls button[data-head="1"]');
  await t.page.waitForSelector('.qkv-heads.one .qkv-head.large[data-head="1"]', { timeout: 10000 });
  t.assert((await t.page.$$('.qkv-head')).length === 1, 'one head enlarged');
  const withHead = await t.page.evaluate(() => location.search);
  t.assert(/[?&]head=1(&|$)/.test(withHead), `head in the URL: ${withHead}`);
  await t.screenshot('head1');

  // Reload from the URL: the same state comes back.
  await t.open(withHead);
  await settled(t);
  t.assert(await t.page.$eval('.qkv-heads', (el) => `${el.dataset.token}/${el.dataset.layer}`) === '2/1', 'reload reproduces token and layer');
  t.assert((await t.page.$$('.qkv-head.large')).length === 1, 'reload reproduces the enlarged head');

  // The decoder's masked self-attention over <s> + the greedy translation.
  await t.page.click('.qkv-controls button[data-part="decoder"]');
  await t.page.waitForSelector('.qkv-heads[data-part="decoder"]', { timeout: 60000 });
  const translation = await t.page.$eval('.qkv-translation strong', (el) => el.textContent);
  t.assert(translation === t.expected('transformer-en-zh', 1, text), `decoder inputs: ${translation} vs the CLI's ${t.expected('transformer-en-zh', 1, text)}`);
  const inputs = await t.page.$$eval('.qkv-pick', (bs) => bs.map((b) => b.textContent));
  t.assert(inputs[0] === '<s>' && inputs.length >= 3, `decoder inputs start with <s>: ${inputs}`);
  await t.page.click('.qkv-pick[data-token="1"]');
  await t.page.waitForSelector('.qkv-heads[data-part="decoder"][data-token="1"]', { timeout: 30000 });
  const decoderSearch = await t.page.evaluate(() => location.search);
  t.assert(/[?&]part=decoder(&|$)/.test(decoderSearch), `decoder in the URL: ${decoderSearch}`);
  const decoderHeads = await checkNumbers(t, 'decoder position 1');
  for (const h of decoderHeads) {
    const masked = h.rows.map((r, j) => (r.masked ? j : -1)).filter((j) => j >= 0);
    const expected = [...Array(h.rows.length).keys()].filter((j) => j > 1);
    t.assert(JSON.stringify(masked) === JSON.stringify(expected), `head ${h.head}: masked keys ${masked}, expected ${expected}`);
  }
  t.log(`decoder inputs ${inputs.join(' ')}; position 1 sees 0..1, ${inputs.length - 2} keys masked`);
  await t.screenshot('decoder');

  // Embed mode: no page chrome, still usable at 640×400.
  await t.page.setViewportSize({ width: 640, height: 400 });
  await t.open(`?view=qkv&embed=1&text=${encodeURIComponent(text)}&token=1&backend=${t.backend}`);
  await settled(t);
  t.assert((await t.page.$$('.header')).length === 0 || !(await t.page.isVisible('.header')), 'embed hides .header');
  await checkNumbers(t, 'embed');
  await t.screenshot('embed');
}
