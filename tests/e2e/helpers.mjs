// Small helpers shared by the view tests in views/ (run.mjs loads every file there as a view,
// so shared code lives here).

/** `?key=value&…` for `t.open`. */
export function query(params) {
  return `?${new URLSearchParams(params).toString()}`;
}

/** The translation shown on `model`'s result card in the Translate view, trimmed. */
export async function cardText(page, model) {
  return (await page.locator(`article.result[data-model="${model}"] .translation`).innerText()).trim();
}
