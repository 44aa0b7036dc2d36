// www/embed-example.html: every view in an <iframe sandbox="allow-scripts"> (an opaque origin:
// the worker starts from a blob, every request is CORS, there is no Cache API). The translate
// frame must translate exactly as the CLI does, and every frame must render its view.

export const view = 'embed';

export async function run(t) {
  const { page } = t;
  await page.goto(new URL('embed-example.html', t.base).toString());
  const frames = page.locator('iframe');
  const count = await frames.count();
  t.assert(count >= 6, `embed-example.html has ${count} iframes`);
  for (let i = 0; i < count; i += 1) {
    t.assert((await frames.nth(i).getAttribute('sandbox')) === 'allow-scripts', `iframe ${i} is sandboxed with allow-scripts only`);
  }
  const translate = page.frameLocator('iframe[src*="view=translate"]').first();
  await translate.locator('article.result[data-state="done"]').first().waitFor({ timeout: 90000 });
  const model = await translate.locator('article.result').first().getAttribute('data-model');
  const text = new URL(await frames.first().getAttribute('src'), t.base).searchParams.get('text');
  const shown = (await translate.locator('article.result .translation').first().innerText()).trim();
  t.assert(shown === t.expected(model, 1, text), `sandboxed frame shows ${shown}, CLI says ${t.expected(model, 1, text)}`);
  t.assert(await translate.locator('.header').count() === 0, 'embedded frames have no page chrome');
  for (const slug of ['step', 'context', 'qkv', 'flash', 'bench']) {
    // The frames load lazily: bring each into view first.
    await page.locator(`iframe[src*="view=${slug}"]`).first().scrollIntoViewIfNeeded();
    const frame = page.frameLocator(`iframe[src*="view=${slug}"]`).first();
    await frame.locator(`.page[data-view="${slug}"] main.view`).waitFor({ timeout: 90000 });
  }
  t.log(`sandboxed translate frame (${model}): ${shown}`);
  await t.screenshot('embed-example');
}
