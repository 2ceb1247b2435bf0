// pulse.js against the real `pulse serve` (built first), through a loopback relay that can drop the link.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { PulseClient, State } from "../pulse.js";
import { loadWebSocket, startServer, startRelay, until } from "./hub.js";

const WebSocket = loadWebSocket();
let server;
const clients = [];

before(async () => {
  server = await startServer();
});

after(async () => {
  for (const client of clients) client.close();
  await server?.stop();
});

function open(url, options = {}) {
  const client = new PulseClient(url, { WebSocket, backoff: { initialMs: 50, maxMs: 200 }, ...options });
  clients.push(client);
  return client;
}

async function connected(client) {
  await until(() => client.state === State.CONNECTED, "the client to connect");
  return client;
}

async function token(user) {
  const response = await fetch(`${server.http}/demos/token?user=${user}`);
  assert.equal(response.status, 200);
  return (await response.json()).token;
}

test("two clients: publish resolves with the offset, the other receives it, presence counts both", async () => {
  const alice = await connected(open(server.url));
  const bob = await connected(open(server.url));
  const received = [];
  await alice.subscribe("room1", { message: m => received.push(m.data) }).ready;
  await bob.subscribe("room1").ready;
  const reply = await bob.publish("room1", { text: "hi" });
  assert.equal(reply.offset, 1);
  await until(() => received.length === 1, "the message");
  assert.deepEqual(received, [{ text: "hi" }]);
  assert.equal((await alice.presence("room1")).count, 2);
  const history = await alice.history("room1");
  assert.deepEqual(history.publications.map(p => p.data), [{ text: "hi" }]);
});

test("a token names the user in presence, join and leave", async () => {
  const alice = await connected(open(server.url, { token: await token("alice") }));
  assert.equal(alice.user, "alice");
  const joins = [];
  await alice.subscribe("chat:names", { join: e => joins.push(`+${e.user}`), leave: e => joins.push(`-${e.user}`) }).ready;
  const bob = await connected(open(server.url, { token: () => token("bob") }));
  await bob.subscribe("chat:names").ready;
  await until(() => joins.includes("+bob"), "bob's join");
  const users = (await alice.presence("chat:names")).clients.map(c => c.user).sort();
  assert.deepEqual(users, ["alice", "bob"]);
  bob.close();
  await until(() => joins.includes("-bob"), "bob's leave");
});

test("a refused request rejects with the hub's code and the connection stays usable", async () => {
  const client = await connected(open(server.url));
  await assert.rejects(client.publish("bad channel!", 1), e => e.code === 422);
  await assert.rejects(client.subscribe("bad channel!").ready, e => e.code === 422);
  assert.equal((await client.publish("fine", 1)).offset, 1);
});

test("after a network drop every missed message arrives once, in order", async () => {
  const relay = await startRelay(server.port);
  try {
    const reader = await connected(open(relay.url));
    const writer = await connected(open(server.url));
    const seen = [];
    await reader.subscribe("drop", { message: m => seen.push(m.data) }).ready;
    await writer.publish("drop", 1);
    await until(() => seen.length === 1, "the first message");
    relay.cut();
    await until(() => reader.state !== State.CONNECTED, "the reader to notice the drop");
    for (let i = 2; i <= 6; i++) await writer.publish("drop", i);
    await connected(reader);
    await writer.publish("drop", 7);
    await until(() => seen.length >= 7, "the missed and the new messages");
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
  } finally {
    await relay.close();
  }
});

test("the heartbeat finds a frozen link dead, reconnects and recovers", async () => {
  const relay = await startRelay(server.port);
  try {
    const reader = await connected(open(relay.url, { heartbeatMs: 200 }));
    const writer = await connected(open(server.url));
    const seen = [];
    const disconnects = [];
    reader.on("disconnected", e => disconnects.push(e.code));
    await reader.subscribe("frozen", { message: m => seen.push(m.data) }).ready;
    relay.freeze(); // no close reaches either side: only the heartbeat can tell
    await writer.publish("frozen", "while frozen");
    await until(() => disconnects.length === 1, "the heartbeat to declare the link dead");
    assert.deepEqual(disconnects, [4408]);
    relay.thaw();
    await connected(reader);
    await until(() => seen.length === 1, "the recovered message");
    assert.deepEqual(seen, ["while frozen"]);
  } finally {
    await relay.close();
  }
});

test("publishes made while offline are sent once the link is back", async () => {
  const relay = await startRelay(server.port);
  try {
    const client = await connected(open(relay.url));
    const seen = [];
    await client.subscribe("queued", { message: m => seen.push(m.data) }).ready;
    relay.freeze();
    relay.cut();
    await until(() => client.state !== State.CONNECTED, "the drop");
    const replies = [client.publish("queued", "a"), client.publish("queued", "b")];
    assert.equal(client.queued, 2);
    relay.thaw();
    assert.deepEqual((await Promise.all(replies)).map(r => r.offset), [1, 2]);
    await until(() => seen.length === 2, "the queued publishes to come back");
    assert.deepEqual(seen, ["a", "b"]);
  } finally {
    await relay.close();
  }
});

test("the counter demo: a click publishes the new value; forged values and bad clicks are refused", async () => {
  const client = await connected(open(server.url));
  const values = [];
  await client.subscribe("counter:value", { message: m => values.push(m.data.value) }).ready;
  const start = (await client.history("counter:value", { limit: 1 })).publications.at(-1)?.data.value ?? 0;
  await client.publish("counter:clicks", { delta: 1 });
  await client.publish("counter:clicks", { delta: 1 });
  await client.publish("counter:clicks", { delta: -1 });
  await until(() => values.length === 3, "three values");
  assert.deepEqual(values, [start + 1, start + 2, start + 1]);
  await assert.rejects(client.publish("counter:value", { value: 99 }), e => e.code === 403);
  await assert.rejects(client.publish("counter:clicks", { delta: 5 }), e => e.code === 400);
});
