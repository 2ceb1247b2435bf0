// Checks that headless Chromium talks to `pulse serve` compressed: it opens browser-check.html, which echoes one
// JSON message through /echo, and prints what the page saw (the negotiated Sec-WebSocket-Extensions and whether
// the echo matched), read through the DevTools protocol with the ws package of tests/peers.
//
// Usage, from the repository root, with `pulse serve --listen 127.0.0.1:PORT` running and Debian's chromium:
//   node bench/compression/browser-check.mjs PORT
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from '../../tests/peers/node_modules/ws/wrapper.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const port = process.argv[2] ?? '8765';
const page = `${pathToFileURL(join(here, 'browser-check.html'))}#${port}`;
const chrome = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--remote-debugging-port=9333', page], { stdio: 'ignore' });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let result = 'timed out';
try {
  await sleep(3000);
  const targets = await (await fetch('http://127.0.0.1:9333/json/list')).json();
  const devtools = new WebSocket(targets.find((t) => t.type === 'page').webSocketDebuggerUrl);
  await new Promise((resolve) => devtools.once('open', resolve));
  for (let i = 0; i < 20; i++) {
    devtools.send(JSON.stringify({ id: i, method: 'Runtime.evaluate', params: { expression: "document.getElementById('out').textContent" } }));
    const value = JSON.parse(await new Promise((resolve) => devtools.once('message', resolve))).result?.result?.value;
    if (value !== 'pending') {
      result = value;
      break;
    }
    await sleep(500);
  }
  devtools.close();
} finally {
  chrome.kill();
}
console.log(result);
process.exit(result.includes('permessage-deflate') && result.includes('echo_ok=true') ? 0 : 1);
