// Fading memory (?view=memory): ‖∂c/∂e_j‖ and ‖∂L/∂h_t‖ of every en→zh model on the longest
// ready-made input (the test ladder's examples of rungs 1–4 joined).
// Asserts: the chip's text is the input xtask gave the CLI; every card's numbers (source pieces,
// translation, ‖∂c/∂e_j‖, α, ‖∂L/∂h_t‖, loss) equal `seq2seq-train memory`'s for the same input
// (artifacts/e2e/expected.json, `memory`), to 1e-6 relative; the vanilla RNN's bars fall from
// the last word to the first; each card's badge says CPU; the findings' ratio is computed from
// the shown numbers; the decoder step is URL state and changes the attention models' c_i; a
// source past the token limit gets the Translate view's message; English, dark mode, a phone
// (390×844) and embed mode (640×400) render.
import fs from 'node:fs';
import path from 'node:path';

export const view = 'memory';

const expected = JSON.parse(fs.readFileSync(process.env.E2E_EXPECTED, 'utf8')).memory ?? [];
const FAMILIES = ['rnn', 'gru', 'lstm', 'gru-attn', 'transformer'];

async function settled(t, timeout = 300000) {
  await t.page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('article.memory-card')];
    return cards.length === 5 && cards.every((c) => ['done', 'failed'].includes(c.dataset.state));
  }, null, { timeout });
}

async function reports(t) {
  return t.page.$$eval('article.memory-card', (cards) => Object.fromEntries(cards.map((c) => {
    const r = c.querySelector('.memory-result');
    return [c.dataset.model, {
      state: c.dataset.state,
      report: r ? JSON.parse(r.dataset.report) : null,
      failure: c.querySelector('.failure')?.innerText ?? null,
      detail: c.querySelector('.failure')?.dataset.detail ?? null,
      badge: c.querySelector('.badge')?.dataset.backend ?? null,
      ratio: c.querySelector('[data-finding="sensitivity"]')?.dataset.ratio ?? null,
      first: Number(c.querySelector('[data-finding="sensitivity"]')?.dataset.first),
      last: Number(c.querySelector('[data-finding="sensitivity"]')?.dataset.last),
    }];
  })));
}

function close(a, b, what, t) {
  t.assert(a.length === b.length, `${what}: ${a.length} values vs the CLI's ${b.length}`);
  const scale = Math.max(...b.map(Math.abs), 1e-300);
  a.forEach((v, i) => {
    t.assert(Math.abs(v - b[i]) <= 1e-6 * scale, `${what}[${i}]: page ${v} vs CLI ${b[i]}`);
  });
}

export async function run(t) {
  const { page } = t;
  t.assert(expected.length === 5, `xtask wrote the CLI's numbers for 5 models (${expected.length})`);
  const text = expected[0].text;
  t.assert(text.split(/\s+/).length >= 20, `the joined ladder input has 20+ words (${text.split(/\s+/).length})`);

  // 1. Open the view and click the longest chip: it is the CLI's input.
  await t.open(`?view=memory&backend=${t.backend}`);
  await page.waitForSelector('.memory-chip', { timeout: 60000 });
  const chip = page.locator('.memory-chip').last();
  t.assert(await chip.getAttribute('title') === text, 'the last chip joins the ladder examples, as xtask did');
  await chip.click();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('text')?.length > 100);
  const started = Date.now();
  await settled(t);
  t.log(`five models computed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const shown = await reports(t);

  // 2. Every number equals the CLI's.
  for (const c of expected) {
    const s = shown[c.model];
    t.assert(s && s.state === 'done', `${c.model}: ${s?.state} ${s?.failure ?? ''}`);
    const [r, e] = [s.report, c.report];
    t.assert(JSON.stringify(r.source_tokens) === JSON.stringify(e.source_tokens), `${c.model}: source pieces`);
    t.assert(r.translation === e.translation, `${c.model}: translation ${r.translation} vs CLI ${e.translation}`);
    t.assert(JSON.stringify(r.step) === JSON.stringify(e.step), `${c.model}: step ${JSON.stringify(r.step)}`);
    close(r.sensitivity, e.sensitivity, `${c.model} ‖∂c/∂e‖`, t);
    close(r.attention, e.attention, `${c.model} α`, t);
    close(r.hidden, e.hidden, `${c.model} ‖∂L/∂h‖`, t);
    close([r.loss], [e.loss], `${c.model} loss`, t);
    t.assert(s.badge === 'cpu', `${c.model}: the badge says CPU (${s.badge})`);
    // The finding's ratio is first word / last word (pieces with a letter or digit) of the
    // shown numbers.
    const n = r.sensitivity.length;
    const isWord = (p) => p !== '</s>' && /[\p{L}\p{N}]/u.test(p);
    const first = r.source_tokens.findIndex(isWord);
    const last = r.source_tokens.length - 1 - [...r.source_tokens].reverse().findIndex(isWord);
    t.assert(s.first === first && s.last === last, `${c.model}: first/last word ${s.first}/${s.last} vs ${first}/${last}`);
    const ratio = r.sensitivity[first] / r.sensitivity[last];
    t.assert(Math.abs(Number(s.ratio) - ratio) <= 1e-6 * ratio, `${c.model}: finding ratio ${s.ratio} vs ${ratio}`);
    t.log(`${c.model}: ${n} tokens, ‖∂c/∂e‖ first/last word ${ratio.toExponential(3)}, ${Math.round(r.millis.sensitivity)} ms`);
  }

  // 3. The vanilla RNN forgets: its bars fall from the last word to the first.
  const rnn = shown['rnn-en-zh'].report.sensitivity;
  const words = rnn.length - 1; // without EOS
  const third = Math.floor(words / 3);
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  const early = mean(rnn.slice(0, third));
  const late = mean(rnn.slice(words - third, words));
  t.assert(rnn[words - 1] > 10 * rnn[0], `rnn: last word ${rnn[words - 1]} vs first ${rnn[0]}`);
  t.assert(late > 10 * early, `rnn: last third's mean ${late} vs first third's ${early}`);
  // Quarter by quarter (the bars wiggle from token to token; the trend falls towards the start).
  const quarter = Math.floor(words / 4);
  const quarters = [0, 1, 2, 3].map((k) => mean(rnn.slice(k * quarter, k === 3 ? words : (k + 1) * quarter)));
  t.assert(quarters.every((m, k) => k === 0 || m > quarters[k - 1]), `rnn: quarter means rise towards the last word: ${quarters}`);
  t.log(`rnn quarter means (first → last): ${quarters.map((m) => m.toExponential(2)).join(', ')}`);
  for (const f of ['gru', 'lstm', 'gru-attn', 'transformer']) {
    const v = shown[`${f}-en-zh`].report.sensitivity;
    t.log(`${f}: position 0 / last position before EOS ${(v[0] / v[v.length - 2]).toExponential(3)} (rnn ${(rnn[0] / rnn[words - 1]).toExponential(3)})`);
  }
  await t.screenshot('desktop');
  for (const f of ['rnn', 'gru-attn']) {
    await page.locator(`article.memory-card[data-family="${f}"]`).screenshot({ path: path.join(process.env.E2E_ARTIFACTS, t.mode, `memory-card-${f}.png`) });
  }

  // 4. The decoder step is URL state; the attention models' c_i moves to step 1.
  await page.click('.memory-step button[data-step-delta="1"]');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('step') === '1');
  await settled(t);
  const stepped = await reports(t);
  for (const f of ['gru-attn', 'transformer']) {
    const r = stepped[`${f}-en-zh`].report;
    t.assert(r.step[0] === 1, `${f}: step 1 (${JSON.stringify(r.step)})`);
    t.assert(Math.abs(r.attention.reduce((a, b) => a + b, 0) - 1) < 1e-9, `${f}: α sums to 1`);
  }
  t.assert(JSON.stringify(stepped['rnn-en-zh'].report.sensitivity) === JSON.stringify(rnn), 'rnn: one c for every step');

  // 5. A source past the token limit: a Chinese message on the Chinese page, the worker's own
  //    words in the details (rare Latin letters are byte pieces: 2 per letter, ~500 tokens).
  await t.open(`?view=memory&backend=${t.backend}&text=${encodeURIComponent('ŵŷ '.repeat(100).trim())}`);
  await settled(t, 120000);
  const tooLong = await reports(t);
  for (const f of FAMILIES) {
    const s = tooLong[`${f}-en-zh`];
    t.assert(s.state === 'failed' && /the limit is 256/.test(s.detail), `${f}: too long → ${s.state} ${s.detail}`);
    t.assert(/^无法计算：这段输入超出了模型能处理的范围/.test(s.failure), `${f}: the message is Chinese: ${s.failure}`);
  }
  t.log(`too long: ${tooLong['rnn-en-zh'].failure} / ${tooLong['rnn-en-zh'].detail}`);

  // 6. English, dark, phone; embed.
  const q = `view=memory&backend=${t.backend}&text=${encodeURIComponent(text)}`;
  await page.setViewportSize({ width: 390, height: 844 });
  await t.open(`?${q}&lang=en&theme=dark`);
  await settled(t);
  t.assert(await page.evaluate(() => document.documentElement.lang) === 'en', 'English interface');
  t.assert(/at the first word/.test(await page.locator('[data-finding="sensitivity"]').first().innerText()), 'findings in English');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.assert(overflow <= 1, `the phone layout does not scroll sideways (${overflow} px)`);
  await t.screenshot('phone-dark');
  await page.locator('article.memory-card[data-family="rnn"]').screenshot({ path: path.join(process.env.E2E_ARTIFACTS, t.mode, 'memory-phone-card-rnn.png') });
  await page.setViewportSize({ width: 640, height: 400 });
  await t.open(`?${q}&embed=1`);
  await settled(t);
  t.assert(await page.locator('.header').count() === 0, 'embed: no page chrome');
  await t.screenshot('embed');
  await page.screenshot({ path: path.join(process.env.E2E_ARTIFACTS, t.mode, 'memory-embed-640x400.png') });
}
