// A headless browser as a WebSocket peer: opens URL from a blank page, sends a compressible text message and a
// binary one, and prints one JSON line: the extensions the browser negotiated (WebSocket.extensions) and whether
// each echo came back intact.
// Usage: node browser_echo.mjs chromium|firefox ws://127.0.0.1:PORT/echo
// Runs Debian's chromium or firefox-esr (see browsers.mjs); nothing downloads a browser.
import { launch } from "./browsers.mjs";

const [name, url] = process.argv.slice(2);
const browser = await launch(name);
try {
  const page = await browser.newPage();
  const result = await page.evaluate(async (target) => {
    const ws = new WebSocket(target);
    ws.binaryType = "arraybuffer";
    const next = () => new Promise((resolve, reject) => {
      ws.onmessage = (e) => resolve(e.data);
      ws.onclose = (e) => reject(new Error(`closed ${e.code} ${e.reason}`));
    });
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("could not connect")); });
    const text = JSON.stringify({ type: "chat", text: `hello from ${navigator.userAgent} `.repeat(400) });
    const binary = new Uint8Array(50_000).map((_, i) => (i * 31) % 251);
    ws.send(text);
    const textEcho = await next();
    ws.send(binary);
    const binaryEcho = new Uint8Array(await next());
    const binaryOk = binaryEcho.length === binary.length && binaryEcho.every((b, i) => b === binary[i]);
    const extensions = ws.extensions;
    ws.close(1000, "done");
    return { extensions, textOk: textEcho === text, binaryOk };
  }, url);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
