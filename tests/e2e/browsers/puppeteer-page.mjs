// The part of Playwright's Page and Locator API that the view tests use (views/translate.mjs,
// views/step.mjs), over a puppeteer-core Page, so that the same assertions run in Firefox
// (puppeteer over WebDriver BiDi; Playwright's Firefox needs Mozilla's patched build).
//
// Playwright's semantics kept here: locator actions wait up to 30 s for their element and are
// strict (more than one match is an error, as in Chromium, so a selector cannot silently test a
// different element); waitForSelector waits for a visible element; waitForFunction takes
// (fn, arg, { timeout }). waitForFunction polls page.evaluate from Node: puppeteer's in-page
// poller compiles its predicate with Function(), which the page's CSP blocks in Firefox.

const TIMEOUT_MS = 30000;
const POLL_MS = 100;

/** A navigation between two polls destroys the page's realm: poll again. */
function retryOnNavigation(error) {
  if (/context|navigat|destroyed|discarded|realm/i.test(error.message)) return null;
  throw error;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `probe` until it returns a truthy value or `timeout` ms pass (then throws `what`). */
async function poll(probe, timeout, what) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${what}`);
    await sleep(POLL_MS);
  }
}

/** In the page: the elements `selector` matches, filtered by `hasText`, or only the `nth`. */
function matchesInPage({ selector, hasText, nth }) {
  let found = [...document.querySelectorAll(selector)];
  if (hasText !== undefined) found = found.filter((el) => el.textContent.includes(hasText));
  return nth === undefined ? found : found.slice(nth, nth + 1);
}

export class Locator {
  #page;
  #query;

  constructor(page, selector, { hasText, nth } = {}) {
    this.#page = page;
    this.#query = { selector, hasText, nth };
  }

  toString() {
    const { selector, hasText, nth } = this.#query;
    return `locator(${selector}${hasText !== undefined ? `, hasText ${hasText}` : ''}${nth !== undefined ? `, nth ${nth}` : ''})`;
  }

  first() {
    return new Locator(this.#page, this.#query.selector, { ...this.#query, nth: 0 });
  }

  /** Source of an expression that runs `body(matches)` in the page on this locator's matches.
   *  Built as text: the page's CSP forbids eval/Function() inside the page, while an expression
   *  the driver evaluates is not subject to it. */
  #expression(body, ...args) {
    return `(${body})((${matchesInPage})(${JSON.stringify(this.#query)}), ${args.map((a) => JSON.stringify(a) ?? 'undefined').join(', ')})`;
  }

  /** Runs `fn(element, arg)` in the page on the one element this locator matches. */
  async #onElement(fn, arg, { visible = false } = {}) {
    // null while no (visible) element matches yet, {strict: n} for n > 1, else {value}.
    const source = `(matches, arg, visible) => {
      if (matches.length === 0) return null;
      if (matches.length > 1) return { strict: matches.length };
      const el = matches[0];
      if (visible && (el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden')) return null;
      return { value: (${fn})(el, arg) };
    }`;
    const outcome = await poll(
      () => this.#page.evaluate(this.#expression(source, arg, visible)).catch(retryOnNavigation),
      TIMEOUT_MS, `${this} to match an element${visible ? ' that is visible' : ''}`);
    if (outcome.strict) throw new Error(`strict mode violation: ${this} matches ${outcome.strict} elements`);
    return outcome.value;
  }

  async count() {
    return this.#page.evaluate(this.#expression((matches) => matches.length));
  }

  /** A puppeteer handle on the one element (waited for, visible), for real input events. */
  async #handle() {
    await this.#onElement(() => true, null, { visible: true });
    const handle = await this.#page.evaluateHandle(this.#expression((matches) => matches[0]));
    return handle.asElement();
  }

  innerText() { return this.#onElement((el) => el.innerText); }
  getAttribute(name) { return this.#onElement((el, name) => el.getAttribute(name), name); }
  inputValue() { return this.#onElement((el) => el.value); }
  isDisabled() { return this.#onElement((el) => el.disabled === true); }

  allInnerTexts() {
    return this.#page.evaluate(this.#expression((matches) => matches.map((el) => el.innerText)));
  }

  /** As Playwright's fill: the value replaced at once, then `input` and `change` events. */
  fill(value) {
    return this.#onElement((el, value) => {
      el.focus();
      const proto = Object.getPrototypeOf(el);
      Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    }, value, { visible: true });
  }

  async click() { await (await this.#handle()).click(); }
  async hover() { await (await this.#handle()).hover(); }
}

/** Playwright's Page methods the view tests call, over puppeteer's `page`. */
export class PuppeteerPage {
  #page;

  constructor(page) {
    this.#page = page;
    this.keyboard = page.keyboard;
  }

  /** The puppeteer page underneath (for axe, events, screenshots). */
  get raw() { return this.#page; }

  locator(selector, options) { return new Locator(this, selector, options); }

  evaluate(fn, arg) {
    return typeof fn === 'string' ? this.#page.evaluate(fn) : this.#page.evaluate(fn, arg);
  }

  evaluateHandle(fn, ...args) { return this.#page.evaluateHandle(fn, ...args); }

  $$eval(selector, fn, arg) { return this.#page.$$eval(selector, fn, arg); }

  async goto(url) { await this.#page.goto(url, { waitUntil: 'load' }); }
  async reload() { await this.#page.reload({ waitUntil: 'load' }); }

  /** Same-document history entries (the app's pushState) fire no load: wait for the URL only. */
  async goBack() {
    const before = await this.#page.evaluate(() => location.href);
    await this.#page.evaluate(() => history.back());
    await poll(async () => (await this.#page.evaluate(() => location.href)) !== before, TIMEOUT_MS, 'history.back() to change the URL');
  }

  async waitForSelector(selector, { timeout = TIMEOUT_MS } = {}) {
    return this.#page.waitForSelector(selector, { timeout, visible: true });
  }

  async waitForFunction(fn, arg, { timeout = TIMEOUT_MS } = {}) {
    return poll(() => this.#page.evaluate(fn, arg).catch(retryOnNavigation), timeout, `waitForFunction(${fn.toString().slice(0, 120)})`);
  }

  waitForTimeout(ms) { return sleep(ms); }

  async click(selector) { await this.locator(selector).first().click(); }

  async selectOption(selector, value) {
    await this.waitForSelector(selector);
    await this.#page.select(selector, value);
  }

  async setViewportSize({ width, height }) { await this.#page.setViewport({ width, height }); }

  screenshot(options) { return this.#page.screenshot(options); }
}
