// The real `pulse serve` for the integration tests, plus a loopback TCP relay that can cut or freeze links.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const peers = path.join(root, "tests/peers");

/** Node 20 has no WebSocket: the tests use npm `ws` from tests/peers (scripts/test.sh installs it). */
export function loadWebSocket() {
  if (!existsSync(path.join(peers, "node_modules/ws/package.json"))) {
    throw new Error(`npm ws is missing: run \`npm ci --prefix ${peers}\` (scripts/test.sh does this)`);
  }

  return createRequire(path.join(peers, "package.json"))("ws");
}

/** Starts the built `pulse serve` on a free port; resolves with `{ port, url, stop() }`. */
export async function startServer() {
  const dll = process.env.PULSE_CLI_DLL ?? path.join(root, "src/Pulse.Cli/bin/Debug/net10.0/Pulse.Cli.dll");
  if (!existsSync(dll)) throw new Error(`${dll} is missing: build first (dotnet build Pulse.slnx)`);
  const child = spawn("dotnet", [dll, "serve", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pulse serve did not start within 60 s:\n${output}`)), 60_000);
    const read = chunk => {
      output += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", code => reject(new Error(`pulse serve exited with ${code}:\n${output}`)));
  });

  return {
    port,
    url: `ws://127.0.0.1:${port}/ws`,
    http: `http://127.0.0.1:${port}`,
    stop: () => new Promise(resolve => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGTERM");
    }),
  };
}

/**
 * A TCP relay on a free loopback port to `targetPort`. `cut()` closes every link it carries (a network drop
 * the server survives); `freeze()` stops carrying bytes without closing anything (a dead link nobody notices);
 * `thaw()` carries again, for new links.
 */
export async function startRelay(targetPort) {
  const links = new Set();
  let frozen = false;
  const server = net.createServer(client => {
    if (frozen) return client.destroy();
    const upstream = net.connect(targetPort, "127.0.0.1");
    const link = { client, upstream };
    links.add(link);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise(resolve => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    port,
    url: `ws://127.0.0.1:${port}/ws`,
    cut() {
      for (const { client, upstream } of links) {
        client.destroy();
        upstream.destroy();
      }
      links.clear();
    },
    freeze() {
      frozen = true;
      for (const { client, upstream } of links) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    thaw() {
      frozen = false;
    },
    close() {
      this.cut();
      return new Promise(resolve => server.close(resolve));
    },
  };
}

/** Resolves when `predicate()` holds, checking on every event loop turn; rejects after `ms`. */
export async function until(predicate, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}
