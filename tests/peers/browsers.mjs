// The browsers of the tests behind one small interface, so a scenario runs unchanged in each: Debian's chromium
// through npm playwright-core (DevTools protocol) and Debian's firefox-esr through npm puppeteer-core (WebDriver
// BiDi), both headless. Neither package ever downloads a browser.
//
//   const browser = await launch("firefox");
//   const page = await browser.newPage();      // a page in a context of its own: a separate person
//   await page.goto(url); await page.fill("Nickname", "ann"); await page.click("Join");
//   await page.waitFor(() => window.pulseClient?.state === "connected");
//   page.problems                               // console errors, uncaught exceptions, HTTP errors seen so far
//   await browser.close();
import { chromium } from "playwright-core";
import puppeteer from "puppeteer-core";

/** Where each browser is installed, and the Debian package that puts it there. */
export const browsers = {
  chromium: { executable: "/usr/bin/chromium", apt: "chromium" },
  firefox: { executable: "/usr/bin/firefox-esr", apt: "firefox-esr" },
};

/** How long a step (a click, a wait) may take before the scenario fails. */
const stepTimeout = 15_000;

/** Starts the named browser ("chromium" or "firefox"). */
export async function launch(name) {
  if (name === "chromium") return new Browser(name, await launchChromium(), ChromiumPage);
  if (name === "firefox") return new Browser(name, await launchFirefox(), FirefoxPage);
  throw new Error(`unknown browser "${name}": chromium or firefox`);
}

function launchChromium() {
  // playwright-core gives every launch a fresh --user-data-dir of its own.
  return chromium.launch({
    executablePath: browsers.chromium.executable,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

function launchFirefox() {
  // puppeteer-core gives every launch a fresh profile of its own.
  return puppeteer.launch({
    browser: "firefox",
    executablePath: browsers.firefox.executable,
    headless: true,
  });
}

class Browser {
  #name;
  #browser;
  #Page;
  #contexts = [];

  constructor(name, browser, Page) {
    this.#name = name;
    this.#browser = browser;
    this.#Page = Page;
  }

  get name() { return this.#name; }

  /** A new page in a context of its own (its own cookies and storage), as a separate person would have. */
  async newPage() {
    const context = await (this.#name === "chromium" ? this.#browser.newContext() : this.#browser.createBrowserContext());
    this.#contexts.push(context);
    // Firefox: a window each, as separate people have. A tab behind another would be hidden, its timers slowed
    // and its animation frames stopped (which puppeteer's clicks wait for).
    const page = new this.#Page(await (this.#name === "chromium" ? context.newPage() : context.newPage({ type: "window" })));
    page.setTimeout(stepTimeout);
    return page;
  }

  /** Closes every page opened so far (between scenarios). */
  async closePages() {
    for (const context of this.#contexts.splice(0)) await context.close().catch(() => {});
  }

  async close() {
    await this.closePages();
    await this.#browser.close();
  }
}

/** What both kinds of page share: what the page reported that it should not have. */
class Page {
  /** Console errors, uncaught exceptions and HTTP responses of 400 or more, as "kind: text" lines. */
  problems = [];

  constructor(page) {
    this.page = page;
    page.on("console", message => { if (message.type() === "error") this.problems.push(`console error: ${message.text()}`); });
    page.on("pageerror", error => this.problems.push(`uncaught: ${error.message ?? error}`));
    page.on("response", response => { if (response.status() >= 400) this.problems.push(`HTTP ${response.status()}: ${response.url()}`); });
  }

  goto(url) { return this.page.goto(url); }

  evaluate(fn, arg) { return this.page.evaluate(fn, arg); }

  isClosed() { return this.page.isClosed(); }

  close() { return this.page.close(); }

  screenshot(path) { return this.page.screenshot({ path, fullPage: true }); }
}

class ChromiumPage extends Page {
  setTimeout(ms) { this.page.setDefaultTimeout(ms); }

  /** Types into the control labelled exactly `label`. */
  fill(label, value) { return this.page.getByLabel(label, { exact: true }).fill(value); }

  /** Clicks the button named exactly `name`, once it is visible and enabled. */
  click(name) { return this.page.getByRole("button", { name, exact: true }).click(); }

  /** Waits until `fn(arg)`, run in the page, is truthy. */
  waitFor(fn, arg, options) { return this.page.waitForFunction(fn, arg, options); }

  setViewport(width, height) { return this.page.setViewportSize({ width, height }); }
}

let targets = 0;

class FirefoxPage extends Page {
  setTimeout(ms) { this.page.setDefaultTimeout(ms); }

  fill(label, value) { return this.#target("label", label).then(selector => this.page.locator(selector).fill(value)); }

  click(name) { return this.#target("button", name).then(selector => this.page.locator(selector).click()); }

  waitFor(fn, arg, options) { return this.page.waitForFunction(fn, options ?? {}, arg); }

  setViewport(width, height) { return this.page.setViewport({ width, height }); }

  // puppeteer's ARIA selectors need the DevTools protocol, which Firefox does not speak: the control is found by
  // its label or its button name in the page, as a person reads them, and marked for a CSS selector.
  async #target(kind, name) {
    const id = `t${++targets}`;
    await this.page.waitForFunction(([kind, name, id]) => {
      const named = kind === "label"
        ? [...document.querySelectorAll("label")].filter(l => l.textContent.trim() === name).map(l => l.control)
          .concat([...document.querySelectorAll("[aria-label]")].filter(e => e.getAttribute("aria-label") === name))
        : [...document.querySelectorAll("button, [role=button]")].filter(b => (b.getAttribute("aria-label") ?? b.textContent).trim() === name);
      const target = named.find(e => e?.checkVisibility() && !e.disabled);
      if (!target) return false;
      target.dataset.driverTarget = id;
      return true;
    }, {}, [kind, name, id]).catch(error => {
      throw new Error(`no visible, enabled ${kind === "label" ? "control labelled" : "button named"} "${name}"`, { cause: error });
    });
    return `[data-driver-target="${id}"]`;
  }
}
