// Drives the demo pages of `pulse serve` in headless Chromium (Debian's /usr/bin/chromium through npm
// playwright-core, which never downloads a browser). One browser serves every scenario the C# tests ask for.
//
// Protocol, one JSON object per line. stdin: {"scenario": NAME, "url": "http://127.0.0.1:PORT", "artifacts": DIR}
// and {"done": "restart"} once the server restarted. stdout: {"request": "restart"} when the scenario needs
// the server restarted on the same port, then {"ok": true} or {"ok": false, "error": TEXT, "screenshots": [...]}.
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startRelay } from "../../clients/js/test/hub.js";

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = value => process.stdout.write(JSON.stringify(value) + "\n");

async function next() {
  const { value, done } = await lines.next();
  if (done) return null;
  return JSON.parse(value);
}

/** Asks the C# test to restart `pulse serve` and waits until it has. */
async function restartServer() {
  say({ request: "restart" });
  const reply = await next();
  if (reply?.done !== "restart") throw new Error(`expected the restart to be done, got ${JSON.stringify(reply)}`);
}

// --- What the pages show ----------------------------------------------------------------------------

async function text(page, selector, expected) {
  await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, expected]);
}

async function contains(page, selector, expected) {
  await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent.includes(t), [selector, expected]);
}

/** The chat's messages as "nick: text", in the order shown. */
const messagesOf = page => page.$$eval("#messages li", items =>
  items.map(li => `${li.querySelector(".nick").textContent}: ${li.querySelector(".text").textContent}`));

async function messages(page, expected) {
  try {
    await page.waitForFunction(want => {
      const shown = [...document.querySelectorAll("#messages li")].map(li => `${li.querySelector(".nick").textContent}: ${li.querySelector(".text").textContent}`);
      return JSON.stringify(shown) === JSON.stringify(want);
    }, expected);
  } catch (error) {
    throw new Error(`messages: expected ${JSON.stringify(expected)}, shown ${JSON.stringify(await messagesOf(page))}`, { cause: error });
  }
}

async function online(page, names) {
  await page.waitForFunction(want => JSON.stringify([...document.querySelectorAll("#online li")].map(li => li.textContent)) === JSON.stringify(want), names);
}

async function joinChat(page, url, nickname, room) {
  await page.goto(`${url}/chat`);
  await page.getByLabel("Nickname").fill(nickname);
  await page.getByLabel("Room").fill(room);
  await page.getByRole("button", { name: "Join" }).click();
  await page.waitForFunction(() => window.pulseClient?.state === "connected");
}

async function say_(page, message) {
  await page.getByLabel("Message", { exact: true }).fill(message);
  await page.getByRole("button", { name: "Send" }).click();
}

// --- Scenarios --------------------------------------------------------------------------------------

const scenarios = {
  /** Two browser contexts (two people) chat; the second sees the first's earlier message as history. */
  async chat({ url, open }) {
    const alice = await open();
    const bob = await open();
    const room = `lobby${Date.now()}`;
    await joinChat(alice, url, "alice", room);
    await say_(alice, "anyone here?");
    await messages(alice, ["alice: anyone here?"]);
    await joinChat(bob, url, "bob", room);
    await messages(bob, ["alice: anyone here?"]);
    for (const page of [alice, bob]) await online(page, ["alice", "bob"]);
    await say_(bob, "hi alice");
    await say_(alice, "hi bob");
    for (const page of [alice, bob]) await messages(page, ["alice: anyone here?", "bob: hi alice", "alice: hi bob"]);
    await bob.close();
    await online(alice, ["alice"]);
  },

  /** Three pages of the counter stay in step, through the accessible buttons. */
  async counter({ url, open }) {
    const pages = [await open(), await open(), await open()];
    for (const page of pages) await page.goto(`${url}/counter`);
    for (const page of pages) {
      await text(page, "#users", "3 users online");
      await text(page, "#value", "0");
    }

    const steps = [[0, "Plus one", "1"], [1, "Plus one", "2"], [2, "Plus one", "3"], [2, "Minus one", "2"]];
    for (const [index, button, value] of steps) {
      await pages[index].getByRole("button", { name: button }).click();
      for (const page of pages) await text(page, "#value", value);
    }

    await pages[2].close();
    for (const page of pages.slice(0, 2)) await text(page, "#users", "2 users online");
  },

  /** `pulse serve` restarts (in-memory history lost): the pages say so and reload their state. */
  async restart({ url, open }) {
    const chat = await open();
    const counter = await open();
    await joinChat(chat, url, "carol", "restart");
    await say_(chat, "before the restart");
    await messages(chat, ["carol: before the restart"]);
    await counter.goto(`${url}/counter`);
    await text(counter, "#value", "0");
    await counter.getByRole("button", { name: "Plus one" }).click();
    await text(counter, "#value", "1");

    await restartServer();
    await contains(chat, "#notice", "restarted");
    await messages(chat, []);
    await contains(counter, "#notice", "restarted");
    await text(counter, "#value", "0");
    await chat.waitForFunction(() => window.pulseClient?.state === "connected");
    await say_(chat, "after the restart");
    await messages(chat, ["carol: after the restart"]);
    await counter.getByRole("button", { name: "Plus one" }).click();
    await text(counter, "#value", "1");
  },

  /** The network drops (a relay is cut, the server lives): the chat shows every missed message once, in order. */
  async drop({ url, open }) {
    const port = Number(new URL(url).port);
    const relay = await startRelay(port);
    try {
      const reader = await open();
      const writer = await open();
      const room = `drop${Date.now()}`;
      await joinChat(reader, `http://127.0.0.1:${relay.port}`, "reader", room);
      await joinChat(writer, url, "writer", room);
      await say_(writer, "m1");
      await messages(reader, ["writer: m1"]);

      relay.freeze(); // refuse new links while the old ones are cut: the page stays offline a while
      relay.cut();
      await reader.waitForFunction(() => window.pulseClient.state !== "connected");
      const missed = ["m2", "m3", "m4", "m5"];
      for (const message of missed) await say_(writer, message);
      await messages(writer, ["m1", ...missed].map(m => `writer: ${m}`));
      relay.thaw();

      await reader.waitForFunction(() => window.pulseClient.state === "connected", null, { timeout: 30_000 });
      await say_(writer, "m6");
      await messages(reader, ["m1", ...missed, "m6"].map(m => `writer: ${m}`));
      await contains(reader, "#notice", "4 missed messages recovered");
    } finally {
      await relay.close();
    }
  },
};

/** The clock ticks; the log tail streams, holds lines while paused and shows them on resume. */
Object.assign(scenarios, {
  async live({ url, open }) {
    const clock = await open();
    await clock.goto(`${url}/clock`);
    await clock.waitForFunction(() => document.getElementById("time").dataset.time !== undefined);
    const first = Number(await clock.locator("#time").getAttribute("data-time"));
    await clock.waitForFunction(t => Number(document.getElementById("time").dataset.time) > t, first);

    const logs = await open();
    await logs.goto(`${url}/logs`);
    await logs.waitForFunction(() => document.querySelectorAll("#lines li").length >= 2);
    await logs.getByRole("button", { name: "Pause" }).click();
    const shown = await logs.locator("#lines li").count();
    await logs.waitForFunction(() => /^\d+ new lines? held$/.test(document.getElementById("held").textContent));
    if (await logs.locator("#lines li").count() !== shown) throw new Error("lines were added while paused");
    if (await logs.getByRole("button", { name: "Resume" }).getAttribute("aria-pressed") !== "true") throw new Error("the pause button is not pressed");
    await logs.getByRole("button", { name: "Resume" }).click();
    await logs.waitForFunction(n => document.querySelectorAll("#lines li").length > n, shown);
    await text(logs, "#held", "");
  },
});

// --- The loop ---------------------------------------------------------------------------------------

for (let command = await next(); command !== null; command = await next()) {
  const contexts = [];
  const pages = [];
  const open = async () => {
    // A context per page: separate people, as two browser profiles would be.
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    const page = await context.newPage();
    pages.push(page);
    return page;
  };

  try {
    const scenario = scenarios[command.scenario];
    if (!scenario) throw new Error(`unknown scenario ${command.scenario}`);
    await scenario({ url: command.url, open });
    say({ ok: true });
  } catch (error) {
    const screenshots = [];
    mkdirSync(command.artifacts, { recursive: true });
    for (const [i, page] of pages.entries()) {
      if (page.isClosed()) continue;
      const file = path.join(command.artifacts, `${command.scenario}-page${i + 1}.png`);
      await page.screenshot({ path: file, fullPage: true }).then(() => screenshots.push(file), () => {});
    }

    say({ ok: false, error: String(error?.stack ?? error), screenshots });
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
  }
}

await browser.close();
