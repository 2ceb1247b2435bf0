// Two pages of examples/Counter in headless Chromium stay in step: a click on one shows on both.
// Usage: node counter_two_pages.mjs http://127.0.0.1:PORT/ — prints "in step" and exits 0, or fails loudly.
// Runs Debian's chromium (apt-get install chromium); playwright-core never downloads a browser.
import { chromium } from "playwright-core";

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function shows(page, selector, text) {
  await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, text]);
}

try {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const first = await context.newPage();
  const second = await context.newPage();
  await first.goto(url);
  await second.goto(url);
  const pages = [first, second];

  for (const page of pages) {
    await shows(page, "#users", "2 users online");
    await shows(page, "#value", "0");
    if ((await page.locator("#value").getAttribute("aria-live")) !== "polite") {
      throw new Error("the value is not announced (aria-live)");
    }
  }

  // One click at a time, found by role and accessible name, each seen on both pages before the next.
  const steps = [[first, "Plus one", "1"], [first, "Plus one", "2"], [second, "Minus one", "1"]];
  for (const [page, button, value] of steps) {
    await page.getByRole("button", { name: button }).click();
    for (const p of pages) {
      await shows(p, "#value", value);
    }
  }

  await second.close();
  await shows(first, "#users", "1 user online");
  console.log("in step");
} finally {
  await browser.close();
}
