// Headless Chromium as a user meets an HTTPS app with Kestrel's defaults: loads PAGE_URL (HTTP/2 by ALPN), then
// from that page opens a WebSocket to the same origin's ECHO_PATH (over HTTP/2 with an extended CONNECT, RFC 8441,
// when the server offers it), sends a compressible text and a binary message, closes with 1000 and waits for the
// close event. Prints one JSON line: the page's protocol, the extensions negotiated, the echoes, the close.
// Usage: node https_page_echo.mjs https://127.0.0.1:PORT/ /echo
// Runs Debian's chromium (apt-get install chromium); playwright-core never downloads a browser. The server's
// certificate is a test one: certificate errors are ignored.
import { chromium } from "playwright-core";

const [pageUrl, echoPath] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--ignore-certificate-errors"],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(pageUrl);
  const result = await page.evaluate(async (path) => {
    const pageProtocol = performance.getEntriesByType("navigation")[0].nextHopProtocol;
    const ws = new WebSocket(new URL(path, location.href.replace(/^http/, "ws")));
    ws.binaryType = "arraybuffer";
    const closed = new Promise((resolve) => { ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, wasClean: e.wasClean }); });
    const next = () => new Promise((resolve, reject) => {
      ws.onmessage = (e) => resolve(e.data);
      closed.then((c) => reject(new Error(`closed ${c.code} ${c.reason}`)));
    });
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("could not connect")); });
    const text = JSON.stringify({ type: "chat", text: "hello over HTTP/2 ".repeat(1000) });
    const binary = new Uint8Array(50_000).map((_, i) => (i * 31) % 251);
    ws.send(text);
    const textEcho = await next();
    ws.send(binary);
    const binaryEcho = new Uint8Array(await next());
    const binaryOk = binaryEcho.length === binary.length && binaryEcho.every((b, i) => b === binary[i]);
    const extensions = ws.extensions;
    ws.close(1000, "done");
    return { pageProtocol, extensions, textOk: textEcho === text, binaryOk, close: await closed };
  }, echoPath);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
