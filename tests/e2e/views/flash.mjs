// View 5, FlashAttention lab: the GPU run (naive vs flash: times, max |flash − naive|, α rebuilt
// on the GPU), the tile animation (final o/l equals naive attention), α rebuilt from (m, l) on the
// CPU example, the URL state, embed mode, phone width and dark mode. Without WebGPU: the clear
// message, and the animation still works.

export const view = 'flash';

const num = (s) => (s === null || s === undefined || s === '' ? NaN : Number(s));

async function stepToEnd(t) {
  const { page } = t;
  const last = num(await page.getAttribute('#flash-anim', 'data-last'));
  t.assert(last === 4, `the animation has 3 tiles + the final step (data-last ${last})`);
  // keyboard: Home, then → on the focused figure
  await page.focus('.flash-figure');
  await page.keyboard.press('Home');
  await page.waitForSelector('#flash-anim[data-step="0"]');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('#flash-anim[data-step="1"]');
  const cellsSeen = await page.locator('#flash-tiles .tile-cell.seen').count();
  t.assert(cellsSeen === 4 * 4, `after tile 1, 4 rows × 4 keys are read (${cellsSeen})`);
  const stateRows = await page.locator('#flash-state tbody tr').count();
  t.assert(stateRows === 4, `running m, l, o for 4 rows (${stateRows})`);
  // buttons for the rest
  while (!(await page.isDisabled('#flash-next'))) await page.click('#flash-next');
  await page.waitForSelector('#flash-anim[data-step="4"]');
  const diff = num(await page.getAttribute('#flash-anim-diff', 'data-value'));
  t.assert(diff < 1e-5, `animation: max |o/l − naive| = ${diff} < 1e-5`);
  t.assert((await page.evaluate(() => location.search)).includes('step=4'), 'the animation step is in the URL');
  t.log(`animation final max diff ${diff}`);
  // α rebuilt from (m, l) equals naive α, rows sum to 1
  const alphaDiff = num(await page.getAttribute('#flash-alpha-diff', 'data-value'));
  t.assert(alphaDiff < 1e-5, `rebuilt α vs naive α: ${alphaDiff} < 1e-5`);
  for (const id of ['flash-alpha-naive', 'flash-alpha-rebuilt']) {
    const sums = await page.$$eval(`#${id} rect.cell`, (cells) => {
      const rows = {};
      for (const c of cells) rows[c.dataset.row] = (rows[c.dataset.row] ?? 0) + Number(c.dataset.value);
      return Object.values(rows);
    });
    t.assert(sums.length === 4 && sums.every((s) => Math.abs(s - 1) < 1e-4), `${id}: 4 rows summing to 1 (${sums})`);
  }
}

export async function run(t) {
  const { page } = t;
  if (t.mode === 'cpu') {
    await t.open('?view=flash&n=512');
    await page.waitForSelector('#flash-no-webgpu', { timeout: 30000 });
    const text = await page.innerText('#flash-no-webgpu');
    t.assert(/WebGPU/.test(text), `the no-WebGPU message names WebGPU: ${text}`);
    t.assert(await page.isDisabled('#flash-run'), 'the run button is disabled without WebGPU');
    await stepToEnd(t);
    await t.screenshot('cpu');
    return;
  }

  // No n in the URL: the default comes from the adapter. SwiftShader is a software adapter, so
  // the lab starts at N = 512 (seconds) and says why (issue 16 §4).
  await t.open('?view=flash');
  await page.waitForSelector('#flash-small-default', { timeout: 30000 });
  t.assert((await page.inputValue('#flash-n')) === '512', `default N on a software adapter: ${await page.inputValue('#flash-n')}`);
  t.assert(!(await page.evaluate(() => location.search)).includes('n='), 'the adapter\'s default is not written into the URL');

  await t.open('?view=flash&n=512');
  t.assert((await page.evaluate(() => location.search)).includes('n=512'), 'n in the URL');
  t.assert((await page.locator('#flash-small-default').count()) === 0, 'an N from the URL needs no default note');
  t.assert((await page.locator('#flash-table').count()) === 0, 'nothing runs before the button is pressed');
  await page.waitForSelector('#flash-run:not([disabled])', { timeout: 30000 });
  const started = Date.now();
  await page.click('#flash-run');
  await page.waitForSelector('#flash-lab[data-state="done"], #flash-lab[data-state="failed"]', { timeout: 80000 });
  const failure = await page.locator('#flash-failure').count();
  t.assert(failure === 0, `the lab ran: ${failure ? await page.innerText('#flash-failure') : ''}`);
  t.log(`lab run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const rows = await page.$$eval('#flash-table tbody tr', (trs) => trs.map((tr) => ({
    n: Number(tr.dataset.n),
    naive: tr.querySelector('.naive-ms')?.dataset.ms,
    flash: tr.querySelector('.flash-ms')?.dataset.ms,
    diff: tr.querySelector('.max-diff')?.dataset.value,
    cpu: tr.querySelector('.cpu-diff')?.dataset.value,
  })));
  t.log('rows', rows);
  t.assert(rows.map((r) => r.n).join() === '128,256,512', `rows for N = 128, 256, 512 (${rows.map((r) => r.n)})`);
  for (const r of rows) {
    t.assert(Number.isFinite(num(r.naive)) && num(r.naive) >= 0, `N=${r.n}: naive time is a number (${r.naive})`);
    t.assert(Number.isFinite(num(r.flash)) && num(r.flash) >= 0, `N=${r.n}: flash time is a number (${r.flash})`);
    t.assert(num(r.diff) < 1e-3, `N=${r.n}: max |flash − naive| = ${r.diff} < 1e-3`);
    t.assert(num(r.cpu) < 1e-3, `N=${r.n}: max |flash − CPU| = ${r.cpu} < 1e-3`);
  }
  // On a software adapter a shrinking naive/flash ratio is explained from these rows (issue 16 §4).
  const ratio = (r) => num(r.naive) / num(r.flash);
  const shrank = ratio(rows[rows.length - 1]) < ratio(rows[0]);
  const note = await page.locator('#flash-emulated-ratio').count();
  t.assert(note === (shrank ? 1 : 0), `the emulated-ratio note is shown exactly when the ratio fell (${ratio(rows[0]).toFixed(2)} → ${ratio(rows[rows.length - 1]).toFixed(2)}; note: ${note})`);
  if (note) {
    const text = await page.innerText('#flash-emulated-ratio');
    t.assert(/从 N = 128 到 512/.test(text), `the note quotes the measured span: ${text}`);
    t.log(`emulated ratio note: ${text.slice(0, 120)}…`);
  }
  const device = await page.innerText('#flash-device');
  t.assert(/timestamp|wall clock|时间戳|墙钟/.test(device), `the timer is named: ${device}`);
  const points = await page.getAttribute('#flash-chart .series-flash-time', 'data-points');
  t.assert(points === '3', `the chart has 3 flash points (${points})`);
  const rebuildDiff = num(await page.getAttribute('#flash-gpu-rebuild', 'data-value'));
  t.assert(rebuildDiff < 1e-3, `GPU: rebuilt α vs naive α ${rebuildDiff} < 1e-3`);
  await t.screenshot('webgpu-run');

  await stepToEnd(t);

  // URL state: causal and the step survive a reload
  await page.check('#flash-causal');
  await page.waitForFunction(() => location.search.includes('causal=1'));
  const search = await page.evaluate(() => location.search);
  await page.reload();
  await page.waitForSelector('#flash-anim');
  t.assert((await page.evaluate(() => location.search)) === search, 'the query survives a reload');
  t.assert(await page.isChecked('#flash-causal'), 'causal restored from the URL');
  t.assert((await page.inputValue('#flash-n')) === '512', 'n restored from the URL');
  t.assert((await page.getAttribute('#flash-anim', 'data-step')) === '4', 'the animation step restored from the URL');

  // Stop: a run up to N = 4096 stopped after its first N keeps what finished and says so.
  await t.open('?view=flash&n=4096');
  await page.waitForSelector('#flash-run:not([disabled])', { timeout: 30000 });
  await page.click('#flash-run');
  await page.waitForSelector('#flash-table tbody tr', { timeout: 60000 });
  await page.click('#flash-stop');
  await page.waitForSelector('#flash-stopped', { timeout: 60000 });
  const kept = await page.$$eval('#flash-table tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.n)));
  t.assert(kept.length >= 1 && kept.length < 6 && kept[0] === 128, `stopped early, rows kept: ${kept}`);
  t.assert(await page.locator('#flash-stop').count() === 0, 'no stop button once stopped');
  t.assert(await page.isEnabled('#flash-run'), 'the lab can run again');
  t.log(`stopped after N = ${kept.join(', ')}`);
  await t.screenshot('stopped');

  // embed mode at 640×400, phone width, dark mode
  await page.setViewportSize({ width: 640, height: 400 });
  await t.open('?view=flash&n=512&embed=1&step=2');
  t.assert((await page.locator('.header').count()) === 0, 'embed mode hides the header');
  t.assert(await page.isVisible('#flash-run'), 'the lab is usable in embed mode');
  await t.screenshot('embed-640x400');
  await page.setViewportSize({ width: 390, height: 800 });
  await t.open('?view=flash&n=512&theme=dark&step=2');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.assert(overflow <= 1, `no horizontal page scroll at phone width (${overflow}px)`);
  await t.screenshot('phone-dark');
}
