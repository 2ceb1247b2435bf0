// Drives the demo pages of `pulse serve` in one headless browser, Chromium or Firefox (see browsers.mjs: Debian's
// browsers, never downloaded ones). One browser serves every scenario the C# tests ask for.
// Usage: node demo_pages.mjs chromium|firefox
//
// Protocol, one JSON object per line. stdin: {"scenario": NAME, "url": "http://127.0.0.1:PORT", "artifacts": DIR}
// and {"done": "restart"} once the server restarted. stdout: {"request": "restart"} when the scenario needs
// the server restarted on the same port, then {"ok": true, "result": ...} (what the scenario found, if anything)
// or {"ok": false, "error": TEXT, "screenshots": [...]}.
import { createInterface } from "node:readline";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startRelay } from "../../clients/js/test/hub.js";
import { launch } from "./browsers.mjs";

const browserName = process.argv[2] ?? "chromium";
const browser = await launch(browserName);

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = value => process.stdout.write(JSON.stringify(value) + "\n");

async function next() {
  const { value, done } = await lines.next();
  if (done) return null;
  return JSON.parse(value);
}

/** Asks the C# test to do its part of the scenario (restart the server, publish from the back end) and waits for it. */
async function testStep(name) {
  say({ request: name });
  const reply = await next();
  if (reply?.done !== name) throw new Error(`expected the test's "${name}" to be done, got ${JSON.stringify(reply)}`);
}

const restartServer = () => testStep("restart");

// --- What the pages show ----------------------------------------------------------------------------

async function text(page, selector, expected) {
  await page.waitFor(([s, t]) => document.querySelector(s)?.textContent === t, [selector, expected]);
}

async function contains(page, selector, expected) {
  await page.waitFor(([s, t]) => document.querySelector(s)?.textContent.includes(t), [selector, expected]);
}

/** The chat's messages as "nick: text", in the order shown. */
const messagesOf = page => page.evaluate(() => [...document.querySelectorAll("#messages li")]
  .map(li => `${li.querySelector(".nick").textContent}: ${li.querySelector(".text").textContent}`));

async function messages(page, expected) {
  try {
    await page.waitFor(want => {
      const shown = [...document.querySelectorAll("#messages li")].map(li => `${li.querySelector(".nick").textContent}: ${li.querySelector(".text").textContent}`);
      return JSON.stringify(shown) === JSON.stringify(want);
    }, expected);
  } catch (error) {
    throw new Error(`messages: expected ${JSON.stringify(expected)}, shown ${JSON.stringify(await messagesOf(page))}`, { cause: error });
  }
}

async function online(page, names) {
  await page.waitFor(want => JSON.stringify([...document.querySelectorAll("#online li")].map(li => li.textContent)) === JSON.stringify(want), names);
}

async function joinChat(page, url, nickname, room) {
  await page.goto(`${url}/chat`);
  await page.fill("Nickname", nickname);
  await page.fill("Room", room);
  await page.click("Join");
  await page.waitFor(() => window.pulseClient?.state === "connected");
}

async function say_(page, message) {
  await page.fill("Message", message);
  await page.click("Send");
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

  /** The back end publishes through the admin API into the room a page is in: the page shows it. */
  async admin({ url, open }) {
    const page = await open();
    await joinChat(page, url, "dave", "ops");
    await say_(page, "waiting for news");
    await messages(page, ["dave: waiting for news"]);
    await testStep("publish");
    await messages(page, ["dave: waiting for news", "ops: deploy finished"]);
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
      await pages[index].click(button);
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
    await counter.click("Plus one");
    await text(counter, "#value", "1");

    await restartServer();
    await contains(chat, "#notice", "restarted");
    await messages(chat, []);
    await contains(counter, "#notice", "restarted");
    await text(counter, "#value", "0");
    await chat.waitFor(() => window.pulseClient?.state === "connected");
    await say_(chat, "after the restart");
    await messages(chat, ["carol: after the restart"]);
    await counter.click("Plus one");
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
      await reader.waitFor(() => window.pulseClient.state !== "connected");
      const missed = ["m2", "m3", "m4", "m5"];
      for (const message of missed) await say_(writer, message);
      await messages(writer, ["m1", ...missed].map(m => `writer: ${m}`));
      relay.thaw();

      await reader.waitFor(() => window.pulseClient.state === "connected", null, { timeout: 30_000 });
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
    await clock.waitFor(() => document.getElementById("time").dataset.time !== undefined);
    const first = await clock.evaluate(() => Number(document.getElementById("time").dataset.time));
    await clock.waitFor(t => Number(document.getElementById("time").dataset.time) > t, first);

    const logs = await open();
    await logs.goto(`${url}/logs`);
    await logs.waitFor(() => document.querySelectorAll("#lines li").length >= 2);
    await logs.click("Pause");
    const shownLines = () => logs.evaluate(() => document.querySelectorAll("#lines li").length);
    const shown = await shownLines();
    await logs.waitFor(() => /^\d+ new lines? held$/.test(document.getElementById("held").textContent));
    if (await shownLines() !== shown) throw new Error("lines were added while paused");
    if (await logs.evaluate(() => document.getElementById("pause").getAttribute("aria-pressed")) !== "true") throw new Error("the pause button is not pressed");
    await logs.click("Resume");
    await logs.waitFor(n => document.querySelectorAll("#lines li").length > n, shown);
    await text(logs, "#held", "");
  },
});

// --- What a new user meets first: no errors, a phone's width, the chat's join flow, compression -------

const demoPages = ["/", "/chat", "/counter", "/clock", "/logs", "/status"];

/**
 * Opens a demo page and waits until it has started: its connection badge, where it has one, says connected;
 * the chat connects only once joined.
 */
async function openReady(page, url) {
  await page.goto(url);
  await page.waitFor(() => {
    const badge = document.getElementById("connection");
    return !badge || badge.dataset.state === "connected" || document.getElementById("join-form") !== null;
  });
}

function noProblems(page, where) {
  if (page.problems.length > 0) throw new Error(`${where}: ${page.problems.join("; ")}`);
}

/** Fails when the page is wider than its window, so it would scroll sideways; names the widest culprits. */
async function fitsTheWidth(page, where) {
  const { scrollWidth, clientWidth, wide } = await page.evaluate(() => {
    const root = document.documentElement;
    const wide = [...document.body.querySelectorAll("*")]
      .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5)
      .slice(-5).map(e => e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}${e.className ? "." + e.className : ""}`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
  });
  if (scrollWidth > clientWidth) throw new Error(`${where} scrolls sideways at ${clientWidth}px: it is ${scrollWidth}px wide (${wide.join(", ")})`);
}

Object.assign(scenarios, {
  /** Every page loads and starts with no console error, uncaught exception or missing file, its icon included. */
  async errors({ url, open }) {
    for (const route of demoPages) {
      // A page per route: leaving a page with an open WebSocket is an error in Firefox's console by itself.
      const page = await open();
      await openReady(page, url + route);
      const icon = await page.evaluate(async () => {
        const link = document.querySelector('link[rel~="icon"]');
        if (!link) return "no icon link, so the browser asks for /favicon.ico";
        const response = await fetch(link.href);
        const type = response.headers.get("content-type") ?? "";
        return response.ok && type.startsWith("image/") ? "ok" : `icon ${link.href}: HTTP ${response.status} ${type}`;
      });
      if (icon !== "ok") throw new Error(`${route}: ${icon}`);
      noProblems(page, route);
    }
  },

  /** At a phone's width (360 CSS pixels) no page scrolls sideways: the chat neither before nor after joining. */
  async narrow({ url, open }) {
    for (const route of demoPages) {
      const page = await open();
      await page.setViewport(360, 640);
      await openReady(page, url + route);
      await fitsTheWidth(page, route);
    }

    const chat = await open();
    await chat.setViewport(360, 640);
    await joinChat(chat, url, "narrow", `narrow${Date.now()}`);
    const long = `see-https://example.com/${"a-long-path-".repeat(8)}`;
    await say_(chat, long);
    await messages(chat, [`narrow: ${long}`]);
    await fitsTheWidth(chat, "/chat, joined, with a long word");
  },

  /** The chat offers Send only once joined; then joining and sending work, with nothing in the console. */
  async join({ url, open }) {
    const page = await open();
    await page.goto(`${url}/chat`);
    const offersSend = () => page.evaluate(() => ["send", "message"]
      .some(id => document.getElementById(id).checkVisibility() && !document.getElementById(id).disabled));
    if (await offersSend()) throw new Error("the chat offers Send before joining");
    await page.fill("Nickname", "erin");
    await page.fill("Room", `join${Date.now()}`);
    await page.click("Join");
    await page.waitFor(() => window.pulseClient?.state === "connected");
    await say_(page, "hello after joining");
    await messages(page, ["erin: hello after joining"]);
    noProblems(page, "/chat");
  },

  /** The browser's WebSockets to pulse serve, the echo endpoint's and the hub's (what pulse.js opens), are compressed. */
  async extensions({ url, open }) {
    const page = await open();
    await page.goto(`${url}/`);
    return await page.evaluate(async () => {
      const connect = (path, protocols) => new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}${path}`, protocols);
        ws.onopen = () => resolve(ws);
        ws.onerror = () => reject(new Error(`${path}: could not connect`));
      });
      const echo = await connect("/echo");
      const text = JSON.stringify({ text: "compress me ".repeat(2000) });
      const reply = new Promise(resolve => { echo.onmessage = e => resolve(e.data); });
      echo.send(text);
      if (await reply !== text) throw new Error("the echo differs from what was sent");
      const hub = await connect("/ws", ["pulse.v1.json"]);
      const result = { echo: echo.extensions, hub: hub.extensions, hubProtocol: hub.protocol };
      echo.close(1000);
      hub.close(1000);
      return result;
    });
  },
});

// --- The loop ---------------------------------------------------------------------------------------

for (let command = await next(); command !== null; command = await next()) {
  const pages = [];
  const open = async () => {
    // A context per page: separate people, as two browser profiles would be.
    const page = await browser.newPage();
    pages.push(page);
    return page;
  };

  try {
    const scenario = scenarios[command.scenario];
    if (!scenario) throw new Error(`unknown scenario ${command.scenario}`);
    const result = await scenario({ url: command.url, open });
    say({ ok: true, result });
  } catch (error) {
    const screenshots = [];
    mkdirSync(command.artifacts, { recursive: true });
    for (const [i, page] of pages.entries()) {
      if (page.isClosed()) continue;
      const file = path.join(command.artifacts, `${command.scenario}-${browserName}-page${i + 1}.png`);
      await page.screenshot(file).then(() => screenshots.push(file), () => {});
    }

    say({ ok: false, error: String(error?.stack ?? error), screenshots });
  } finally {
    await browser.closePages();
  }
}

await browser.close();
