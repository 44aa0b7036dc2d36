// View 6, Benchmarks: with WebGPU, press "run", wait for the tables, and check the device is
// named and the matmul and attention tables hold numbers (and the ratios are picked out);
// without WebGPU, the clear no-WebGPU message, and the CPU-only run gives CPU timings. Either way:
// the button promises no duration; the progress line says it is measuring the first item, then
// estimates the time left from the finished ones; the tables are in the page's language (Chinese:
// no English words beyond the names below; English after the toggle); after a reload the last
// run's time is shown; a second run stopped half-way says it stopped and can run again.
export const view = 'bench';

/** Words that stay as they are in the Chinese tables: units, processors, cells, families. */
const NAMES = ['GPU', 'CPU', 'ms', 'GFLOP', 'KiB', 'MiB', 'GiB', 'Flash', 'rnn', 'gru', 'lstm', 'GRU', 'LSTM', 'Transformer'];
/** English words (two or more ASCII letters) in `text` that are not one of NAMES. */
const englishWords = (text) => (text.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !NAMES.includes(w));

/** Every table's kind, title, header and cells. */
const readTables = (page) => page.$$eval('.bench-table', (sections) => sections.map((s) => ({
  kind: s.dataset.kind,
  title: s.querySelector('h3').textContent,
  header: [...s.querySelectorAll('thead th')].map((th) => th.textContent),
  rows: [...s.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
})));

export async function run(t) {
  await t.open('?view=bench');
  await t.page.waitForSelector('#bench-run:not([disabled])', { timeout: 30000 });
  // Never starts by itself.
  t.assert(await t.page.$eval('.bench-view', (el) => el.dataset.state) === 'idle', 'the benchmark does not start by itself');

  if (t.mode === 'webgpu') {
    // Browsers may blank the adapter's name (privacy); the report names the device after the run.
    const adapter = await t.page.$eval('.bench-device', (el) => el.textContent);
    t.assert(adapter && adapter.length > 0, `adapter shown: ${adapter}`);
    const software = await t.page.$eval('.bench-device', (el) => el.dataset.software);
    t.log('adapter', adapter, 'software', software);
    if (software === 'true') t.assert(await t.page.isVisible('.bench-honest'), 'software adapter: the honest note is shown');
  } else {
    t.assert(await t.page.isVisible('.bench-no-gpu'), 'no WebGPU: a clear message');
  }

  t.assert(!/分钟|秒|minute/.test(await t.page.textContent('#bench-run')), 'the run button promises no fixed duration');
  // Record every text the progress line shows, with the items done then, and when.
  await t.page.evaluate(() => {
    window.benchLines = [];
    new MutationObserver(() => {
      const line = document.querySelector('.bench-progress');
      const text = line?.querySelector('span')?.textContent;
      if (text && text !== window.benchLines.at(-1)?.text) {
        window.benchLines.push({ at: performance.now(), done: Number(line.dataset.done), text });
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const started = Date.now();
  await t.page.click('#bench-run');
  await t.page.waitForSelector('.bench-progress', { timeout: 10000 });
  const progress = await t.page.textContent('.bench-progress');
  t.log('progress', progress);
  t.assert(/\d+(\.\d)? ?(s|秒)/.test(progress), `elapsed time shown: ${progress}`);
  await t.page.waitForSelector('.bench-view[data-state="done"], .bench-view[data-state="failed"]', { timeout: 480000 }); // 125 s on this 2-core machine's SwiftShader (2026-11-30); over 240 s while a training job shared the CPU
  t.log('run took', (Date.now() - started) / 1000, 's');
  const lines = await t.page.evaluate(() => window.benchLines);
  // When each item began, and the estimate shown then: how good the estimate was.
  const began = lines.filter((l, i) => i === 0 || l.done !== lines[i - 1].done);
  t.log('items', JSON.stringify(began.map((l, i) => ({ done: l.done, took: (((began[i + 1]?.at ?? performance.now()) - l.at) / 1000).toFixed(1), text: l.text }))));
  t.assert(lines.some((l) => l.done === 0 && /正在测第一项/.test(l.text)), `before the first item finishes, it says it is measuring it: ${lines[0]?.text}`);
  const estimate = lines.find((l) => l.done >= 1 && /预计还需约 \d+ 秒（按已完成的 \d+\/\d+ 项推算）/.test(l.text));
  t.assert(estimate, `after the first item, the time left is estimated: ${lines.map((l) => l.text).join(' | ')}`);
  t.log('estimate', estimate.text);
  t.assert(await t.page.$eval('.bench-view', (el) => el.dataset.state) === 'done',
    `benchmark finished: ${await t.page.textContent('.bench-view .failure').catch(() => '')}`);

  const device = await t.page.textContent('.bench-ran-on .device-name');
  t.assert(device && device.trim().length > 0, `device named: ${device}`);
  const tables = await readTables(t.page);
  for (const table of tables) {
    for (const text of [table.title, ...table.header, ...table.rows.flat()]) {
      t.assert(englishWords(text).length === 0, `Chinese ${table.kind} table: no English in "${text}"`);
    }
  }
  // The timer line is Chinese too (TIMESTAMP_QUERY, performance.now are the API's names).
  const timerLine = await t.page.textContent('.bench-results .bench-timer');
  t.assert(englishWords(timerLine.replace(/TIMESTAMP_QUERY|performance\.now|\bns\b/g, '')).length === 0, `the timer line is Chinese: ${timerLine}`);
  t.log('tables', tables.map((x) => `${x.kind}: ${x.rows.length} rows`));
  const numeric = (cell) => /^\s*\d+(\.\d+)?/.test(cell);
  for (const kind of ['matmul', 'attention']) {
    const table = tables.find((x) => x.kind === kind);
    t.assert(table, `a ${kind} table`);
    t.assert(table.rows.length > 0, `${kind} table has rows`);
    for (const row of table.rows) {
      t.assert(row.length === table.header.length, `${kind}: a cell per column`);
      const ms = table.header.findIndex((h) => /ms/.test(h));
      t.assert(ms >= 0 && numeric(row[ms]), `${kind}: numeric time cell (${row[ms]})`);
    }
  }
  if (t.mode === 'webgpu') {
    t.assert(await t.page.$eval('.bench-results', (el) => el.dataset.cpuOnly) === 'false', 'GPU results');
    const highlights = await t.page.$$eval('.highlight', (hs) => hs.map((h) => h.textContent));
    t.log('highlights', highlights);
    t.assert(highlights.some((h) => /tiled|分块/.test(h)) && highlights.some((h) => /[Ff]lash/.test(h)), 'tiled/naive and flash/naive ratios picked out');
    const matmul = tables.find((x) => x.kind === 'matmul');
    const ratio = matmul.header.indexOf('分块 / 朴素');
    t.assert(ratio >= 0 && matmul.rows.every((r) => /\d/.test(r[ratio])), 'tiled / naive ratio cells');
    t.assert((await t.page.$$('.bench-results .failure')).length === 0, 'every GPU result matched the CPU reference');
  } else {
    t.assert(await t.page.$eval('.bench-results', (el) => el.dataset.cpuOnly) === 'true', 'CPU-only results, said so');
  }
  await t.page.waitForSelector('#bench-last', { timeout: 5000 });
  t.log('last run, at once', await t.page.textContent('#bench-last'));
  await t.screenshot(t.mode);

  // The English page: the same tables, English headers.
  await t.page.click('.lang-toggle');
  await t.page.waitForFunction(() => document.querySelector('.bench-table h3')?.textContent.match(/^[A-Z]/));
  const english = await readTables(t.page);
  t.log('English headers', JSON.stringify(english.map((x) => x.header)));
  t.assert(english.length === tables.length, 'the English page shows the same tables');
  for (const table of english) {
    t.assert(!/[\u4e00-\u9fff]/.test([table.title, ...table.header].join(' ')), `English ${table.kind} table: no Chinese in its title and header`);
    t.assert(table.header.some((h) => /^(batch|cell|layer|M=N=K|N)$/.test(h)), `English ${table.kind} header: ${table.header.join(', ')}`);
  }
  await t.page.click('.lang-toggle');

  // After a reload the last run's time is beside the button.
  await t.open('?view=bench');
  await t.page.waitForSelector('#bench-last', { timeout: 30000 });
  const last = await t.page.textContent('#bench-last');
  t.log('last run', last);
  t.assert(/^上次在本设备上用了 \d+ 秒$/.test(last), `the last run's time is shown after a reload: ${last}`);
  await t.page.waitForSelector('#bench-run:not([disabled])', { timeout: 30000 });

  // Stop: a second run, stopped once its second table has begun, ends after that table (GPU) or
  // the shape being timed (CPU: the job is busy on the worker's thread and must still hear it),
  // keeps what finished, says so, and can run again.
  await t.page.click('#bench-run');
  await t.page.waitForFunction(() => document.querySelector('.bench-progress progress')?.value >= 1, null, { timeout: 120000 });
  await t.page.click('#bench-stop');
  const asked = Date.now();
  await t.page.waitForSelector('#bench-stopped', { timeout: 120000 });
  const took = (Date.now() - asked) / 1000;
  t.log(`stopped ${took.toFixed(1)} s after the click`);
  if (t.mode === 'cpu') t.assert(took < 10, `the CPU-only run stops within a shape (${took.toFixed(1)} s)`);
  t.assert(await t.page.$eval('.bench-view', (el) => el.dataset.state) === 'stopped', 'the view says it stopped');
  const kept = await t.page.$$eval('.bench-table', (sections) => sections.map((s) => s.dataset.kind));
  t.assert(kept.length >= 1 && kept.length < tables.length && kept[0] === tables[0].kind,
    `what finished before the stop stays: ${kept.join(', ')} of ${tables.length} tables`);
  t.assert(/下面是停止前完成的部分|below is what finished/.test(await t.page.textContent('#bench-stopped')), 'the stop note says the tables are partial');
  t.log(`stopped run kept ${kept.join(', ')}`);
  t.assert(await t.page.locator('#bench-stop').count() === 0, 'no stop button once stopped');
  t.assert(await t.page.isEnabled('#bench-run'), 'the benchmark can run again');
  await t.screenshot(`${t.mode}-stopped`);
}
