// pulse.js as npm users get it: `npm pack`, the tarball installed into a scratch project outside the repository,
// imported by its package name and used from Node against the real `pulse serve`. No network: the tarball is
// local and installed --offline; the WebSocket is npm `ws` from tests/peers, as in server.test.js.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadWebSocket, startServer, until } from "./hub.js";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(await readFile(path.join(packageDir, "package.json"), "utf8"));
const WebSocket = loadWebSocket();

let work; // the temporary directory: the tarball and the scratch project
let app; // the scratch project
let packed; // `npm pack --json`'s report
let installed; // { pulse: the package's module namespace, resolved: where "pulse-hub-client" resolved to }
let serverStarting;
const clients = [];

/** Runs npm; resolves with its stdout, rejects with its stderr, or says how to get npm when it is missing. */
function npm(args, cwd) {
  const env = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
  return new Promise((resolve, reject) => {
    execFile("npm", [...args, "--loglevel=error"], { cwd, env }, (error, stdout, stderr) => {
      if (error?.code === "ENOENT") {
        reject(new Error("npm is missing: install it (apt-get install npm, or Node.js with npm) to test the package"));
      } else if (error) {
        reject(new Error(`npm ${args.join(" ")} failed (exit ${error.code}) in ${cwd}:\n${stderr}${stdout}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

before(async () => {
  // The server starts while npm works; `after` stops it whatever happened.
  serverStarting = startServer();
  serverStarting.catch(() => {});
  work = await mkdtemp(path.join(os.tmpdir(), "pulse-npm-"));
  [packed] = JSON.parse(await npm(["pack", "--json", "--pack-destination", work], packageDir));
  app = path.join(work, "app");
  await mkdir(app);
  const scratch = { name: "pulse-npm-scratch", version: "1.0.0", private: true, type: "module" };
  await writeFile(path.join(app, "package.json"), JSON.stringify(scratch, null, 2));
  await npm(["install", "--offline", "--no-audit", "--no-fund", path.join(work, packed.filename)], app);
  // A module of the scratch project, so the bare name resolves from there, as in a user's app.
  await writeFile(path.join(app, "index.js"), [
    `import * as pulse from "${manifest.name}";`,
    `export { pulse };`,
    `export const resolved = import.meta.resolve("${manifest.name}");`,
  ].join("\n"));
  installed = await import(pathToFileURL(path.join(app, "index.js")).href);
});

after(async () => {
  for (const client of clients) client.close();
  const server = await serverStarting?.catch(() => null);
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test("npm pack ships exactly the files package.json lists, under a publishable manifest", async () => {
  const files = packed.files.map(f => f.path).sort();
  assert.deepEqual(files, [...manifest.files, "package.json"].sort());
  assert.deepEqual(files, ["LICENSE", "README.md", "package.json", "pulse.d.ts", "pulse.js"]);
  assert.equal(packed.name, manifest.name);
  assert.equal(manifest.private, undefined, "a private package cannot be published");
  assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
  assert.equal(manifest.license, "MIT");
  assert.match(await readFile(path.join(packageDir, "LICENSE"), "utf8"), /^MIT License\n/);
});

test("the installed package resolves by name to its own copy of pulse.js, and its types declare every export", async () => {
  const root = path.join(app, "node_modules", manifest.name);
  assert.equal(fileURLToPath(installed.resolved), path.join(root, "pulse.js"));
  assert.equal(await readFile(path.join(root, "pulse.js"), "utf8"), await readFile(path.join(packageDir, "pulse.js"), "utf8"));

  const entry = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")).exports["."];
  assert.ok(existsSync(path.join(root, entry.types)), `exports["."].types is ${entry.types}: not in the package`);
  const declarations = await readFile(path.join(root, entry.types), "utf8");
  const declared = [...declarations.matchAll(/^export (?:declare )?(?:const|let|class|function|enum) (\w+)/gm)].map(m => m[1]);
  const exported = Object.keys(installed.pulse);
  const undeclared = exported.filter(name => !declared.includes(name));
  const missing = declared.filter(name => !exported.includes(name));
  assert.ok(undeclared.length === 0 && missing.length === 0,
    `pulse.js exports without a declaration in pulse.d.ts: [${undeclared}]; declared but not exported: [${missing}]`);
  assert.ok(exported.includes("PulseClient"), `the package exports no PulseClient: [${exported}]`);
});

test("the types resolve by package name in a strict TypeScript project and describe the API (tsc)", async () => {
  // TypeScript is this package's one dev dependency, pinned by package-lock.json.
  const tsc = path.join(packageDir, "node_modules/typescript/bin/tsc");
  if (!existsSync(tsc)) {
    await npm(["ci", "--no-audit", "--no-fund"], packageDir).catch(error => {
      throw new Error(`TypeScript is missing and could not be installed: run \`npm ci --prefix clients/js\`\n${error.message}`);
    });
  }
  const project = path.join(app, "types");
  await mkdir(project);
  await writeFile(path.join(project, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: "es2022", lib: ["es2022"], types: [],
      module: "nodenext", moduleResolution: "nodenext", // resolves through package.json's exports, as Node does
    },
    files: ["use.ts"],
  }));
  await writeFile(path.join(project, "use.ts"), `
    import { PulseClient, PulseError, State, SUBPROTOCOL, backoffDelay } from "${manifest.name}";
    import type { Message, PresenceReply, SubscribedEvent } from "${manifest.name}";

    const client = new PulseClient("ws://127.0.0.1:8765/ws", { token: async () => "jwt", queueLimit: 10 });
    const room = client.subscribe<{ text: string }>("chat:lobby", { message: (m: Message<{ text: string }>) => m.data.text });
    export const ready: Promise<SubscribedEvent> = room.ready;
    export const published: Promise<{ offset: number }> = client.publish("chat:lobby", { text: "hi" });
    export const presence: Promise<PresenceReply> = client.presence("chat:lobby");
    export const connected: boolean = client.state === State.CONNECTED;
    export const code: number = new PulseError(422, "refused").code;
    export const delay: number = backoffDelay(1, { initialMs: 100 });
    export const protocol: "pulse.v1.json" = SUBPROTOCOL;
    // Fails as "unused" if the types did not load and everything were \`any\`.
    // @ts-expect-error: a channel is a string
    client.publish(42, {});
  `);
  await new Promise((resolve, reject) => {
    execFile(process.execPath, [tsc, "-p", project], (error, stdout, stderr) => {
      if (error) reject(new Error(`tsc found errors using the installed package's types:\n${stdout}${stderr}`));
      else resolve();
    });
  });
});

test("from Node, against pulse serve: connect, subscribe, publish, receive, presence", async () => {
  const { PulseClient, PulseError, State } = installed.pulse;
  const server = await serverStarting;
  const open = async () => {
    const client = new PulseClient(server.url, { WebSocket });
    clients.push(client);
    await until(() => client.state === State.CONNECTED, "the client to connect");
    return client;
  };
  const alice = await open();
  const bob = await open();
  const received = [];
  await alice.subscribe("npm:room", { message: m => received.push(m) }).ready;
  await bob.subscribe("npm:room").ready;

  const { offset } = await bob.publish("npm:room", { text: "from the tarball" });
  await until(() => received.length === 1, "alice to receive bob's message");
  assert.deepEqual(
    { data: received[0].data, offset: received[0].offset, recovered: received[0].recovered },
    { data: { text: "from the tarball" }, offset, recovered: false });

  const presence = await alice.presence("npm:room");
  assert.equal(presence.count, 2);
  assert.deepEqual(presence.clients.map(c => c.client).sort(), [alice.clientId, bob.clientId].sort());
  await assert.rejects(bob.publish("bad channel!", 1), e => e instanceof PulseError && e.code === 422);

  alice.close();
  bob.close();
  assert.equal(alice.state, State.CLOSED);
});
