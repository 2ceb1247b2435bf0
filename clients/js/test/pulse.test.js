// pulse.js against a scripted hub (FakeWebSocket): reconnect, recovery, de-duplication, heartbeat, queue.
// The same behaviours against the real server are in server.test.js.
import { test, beforeEach, afterEach, mock } from "node:test";
import assert from "node:assert/strict";
import { PulseClient, PulseError, backoffDelay, State, SUBPROTOCOL } from "../pulse.js";
import { FakeWebSocket, settle } from "./fake-websocket.js";

let client;

beforeEach(() => {
  FakeWebSocket.reset();
  mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
});

afterEach(() => {
  client?.close();
  mock.timers.reset();
});

function connect(options = {}) {
  client = new PulseClient("ws://hub/ws", { WebSocket: FakeWebSocket, backoff: { initialMs: 100, maxMs: 1000 }, ...options });
  FakeWebSocket.last.welcome();
  return FakeWebSocket.last;
}

function message(channel, epoch, offset, data, extra = {}) {
  return { type: "message", id: `${epoch}:${offset}`, payload: { channel, epoch, offset, data, timestamp: 1 }, ...extra };
}

test("opens the socket with the pulse.v1.json subprotocol and is connected after welcome", () => {
  const socket = connect();
  assert.deepEqual(socket.protocols, [SUBPROTOCOL]);
  assert.equal(client.state, State.CONNECTED);
  assert.equal(client.clientId, "c1");
});

test("sends the token in a connect envelope before anything else and becomes that user", async () => {
  client = new PulseClient("ws://hub/ws", { WebSocket: FakeWebSocket, token: "jwt" });
  client.subscribe("chat:a");
  const socket = FakeWebSocket.last;
  socket.welcome();
  await settle();
  assert.deepEqual(socket.sent.map(e => e.type), ["connect"]);
  assert.equal(socket.sent[0].payload.token, "jwt");
  assert.equal(client.state, State.CONNECTING);
  socket.reply(socket.sent[0], { client: "c1", user: "alice" });
  await settle();
  assert.equal(client.state, State.CONNECTED);
  assert.equal(client.user, "alice");
  assert.equal(socket.lastSent("subscribe").payload.channel, "chat:a");
});

test("a refused token is reported and the connection is closed to try again", async () => {
  client = new PulseClient("ws://hub/ws", { WebSocket: FakeWebSocket, token: "bad" });
  const errors = [];
  client.on("error", e => errors.push(e));
  const socket = FakeWebSocket.last;
  socket.welcome();
  await settle();
  socket.receive({ type: "error", id: socket.sent[0].id, payload: { code: 401, message: "invalid token" } });
  await settle();
  assert.equal(errors[0].code, 401);
  assert.equal(socket.closed.code, 4000);
});

test("publish resolves with the hub's reply and rejects with its error code", async () => {
  const socket = connect();
  const ok = client.publish("chat:a", { text: "hi" });
  const refused = client.publish("chat:a", "x");
  const [first, second] = socket.sent.filter(e => e.type === "publish");
  assert.deepEqual(first.payload, { channel: "chat:a", data: { text: "hi" } });
  assert.notEqual(first.id, second.id);
  socket.reply(first, { offset: 7 });
  socket.receive({ type: "error", id: second.id, payload: { code: 413, message: "too large" } });
  assert.deepEqual(await ok, { offset: 7 });
  await assert.rejects(refused, e => e instanceof PulseError && e.code === 413);
});

test("subscribe delivers live messages in order, drops duplicates and acknowledges what asks for it", () => {
  const socket = connect();
  const seen = [];
  client.subscribe("chat:a", { message: m => seen.push(m.offset) });
  socket.reply(socket.lastSent("subscribe"), { epoch: "e1", offset: 2 });
  socket.receive(message("chat:a", "e1", 3, "c"), message("chat:a", "e1", 3, "c", { ack_required: true }), message("chat:a", "e1", 2, "old"));
  socket.receive(message("chat:a", "e1", 4, "d"));
  assert.deepEqual(seen, [3, 4]);
  assert.equal(socket.lastSent("ack").id, "e1:3");
});

test("a message in the same frame as the subscribe reply is not lost", () => {
  const socket = connect();
  const seen = [];
  client.subscribe("chat:a", { message: m => seen.push(m.offset) });
  socket.receive({ type: "reply", id: socket.lastSent("subscribe").id, payload: { epoch: "e1", offset: 0 } }, message("chat:a", "e1", 1, "x"));
  assert.deepEqual(seen, [1]);
});

test("after a drop it reconnects and resubscribes with since; recovered publications come once, in order", async () => {
  let socket = connect();
  const seen = [];
  const subscribed = [];
  client.subscribe("chat:a", { message: m => seen.push(`${m.offset}${m.recovered ? "r" : ""}`), subscribed: e => subscribed.push(e) });
  socket.reply(socket.lastSent("subscribe"), { epoch: "e1", offset: 0 });
  socket.receive(message("chat:a", "e1", 1, "a"));
  socket.drop();
  assert.equal(client.state, State.DISCONNECTED);

  mock.timers.tick(1000);
  socket = FakeWebSocket.last;
  assert.equal(FakeWebSocket.sockets.length, 2);
  socket.welcome();
  const resubscribe = socket.lastSent("subscribe");
  assert.deepEqual(resubscribe.payload.since, { epoch: "e1", offset: 1 });
  socket.reply(resubscribe, { epoch: "e1", offset: 3, recovered: true, publications: [{ offset: 2, data: "b", timestamp: 1 }, { offset: 3, data: "c", timestamp: 1 }] });
  socket.receive(message("chat:a", "e1", 3, "c"), message("chat:a", "e1", 4, "d"));
  assert.deepEqual(seen, ["1", "2r", "3r", "4"]);
  assert.deepEqual(subscribed.map(e => [e.recovered, e.resubscribed]), [[false, false], [true, true]]);
});

test("when recovery is impossible the subscription says reset, with the old and new positions", () => {
  let socket = connect();
  const resets = [];
  client.subscribe("chat:a", { reset: e => resets.push(e) });
  socket.reply(socket.lastSent("subscribe"), { epoch: "e1", offset: 5 });
  socket.drop(1012, "service restart");
  mock.timers.tick(1000);
  socket = FakeWebSocket.last;
  socket.welcome();
  socket.reply(socket.lastSent("subscribe"), { epoch: "e2", offset: 0, recovered: false, publications: [] });
  assert.deepEqual(resets, [{ channel: "chat:a", previous: { epoch: "e1", offset: 5 }, epoch: "e2", offset: 0 }]);
});

test("a refused subscription rejects ready, reports an error and is forgotten", async () => {
  const socket = connect();
  const errors = [];
  const subscription = client.subscribe("bad channel", { error: e => errors.push(e.code) });
  socket.receive({ type: "error", id: socket.lastSent("subscribe").id, payload: { code: 422, message: "bad channel" } });
  await assert.rejects(subscription.ready, e => e.code === 422);
  assert.deepEqual(errors, [422]);
  assert.doesNotThrow(() => client.subscribe("bad channel"));
});

test("subscribing twice to a channel throws", () => {
  connect();
  client.subscribe("chat:a");
  assert.throws(() => client.subscribe("chat:a"), e => e.code === 409);
});

test("unsubscribe sends unsubscribe and stops delivery", () => {
  const socket = connect();
  const seen = [];
  const subscription = client.subscribe("chat:a", { message: m => seen.push(m.offset) });
  socket.reply(socket.lastSent("subscribe"), { epoch: "e1", offset: 0 });
  subscription.unsubscribe();
  assert.equal(socket.lastSent("unsubscribe").payload.channel, "chat:a");
  socket.receive(message("chat:a", "e1", 1, "x"));
  assert.deepEqual(seen, []);
});

test("join and leave reach the channel's subscription", () => {
  const socket = connect();
  const events = [];
  client.subscribe("chat:a", { join: e => events.push(`+${e.user}`), leave: e => events.push(`-${e.user}`) });
  socket.receive({ type: "join", payload: { channel: "chat:a", client: "c2", user: "bob" } }, { type: "leave", payload: { channel: "chat:a", client: "c2", user: "bob" } });
  assert.deepEqual(events, ["+bob", "-bob"]);
});

test("presence and history send their requests and resolve with the replies", async () => {
  const socket = connect();
  const presence = client.presence("chat:a");
  socket.reply(socket.lastSent("presence"), { count: 1, clients: [{ client: "c1", user: "" }] });
  assert.equal((await presence).count, 1);
  const history = client.history("chat:a", { since: { epoch: "e1", offset: 2 }, limit: 10 });
  const request = socket.lastSent("history");
  assert.deepEqual(request.payload, { channel: "chat:a", since: { epoch: "e1", offset: 2 }, limit: 10 });
  socket.reply(request, { epoch: "e1", offset: 3, publications: [{ offset: 3, data: 1, timestamp: 1 }] });
  assert.equal((await history).publications.length, 1);
});

test("publishes made offline wait in the queue, are sent after reconnect, and the queue is bounded", async () => {
  let socket = connect({ queueLimit: 2 });
  socket.drop();
  const first = client.publish("chat:a", 1);
  const second = client.publish("chat:a", 2);
  await assert.rejects(client.publish("chat:a", 3), /offline queue full/);
  assert.equal(client.queued, 2);
  mock.timers.tick(1000);
  socket = FakeWebSocket.last;
  socket.welcome();
  const sent = socket.sent.filter(e => e.type === "publish");
  assert.deepEqual(sent.map(e => e.payload.data), [1, 2]);
  sent.forEach((e, i) => socket.reply(e, { offset: i + 1 }));
  assert.deepEqual([await first, await second], [{ offset: 1 }, { offset: 2 }]);
  assert.equal(client.queued, 0);
});

test("a publish in flight when the link drops rejects: it may or may not have been applied", async () => {
  const socket = connect();
  const publish = client.publish("chat:a", 1);
  socket.drop();
  await assert.rejects(publish, /may or may not have been applied/);
});

test("the heartbeat pings every interval and declares a silent link dead, then reconnects", () => {
  const socket = connect({ heartbeatMs: 1000 });
  mock.timers.tick(1000);
  const ping = socket.lastSent("ping");
  assert.ok(ping, "no ping sent");
  socket.receive({ type: "pong", id: ping.id });
  mock.timers.tick(1000);
  assert.equal(client.state, State.CONNECTED, "a link that answered is alive");
  mock.timers.tick(1000); // the second ping went unanswered for a whole interval
  assert.equal(client.state, State.DISCONNECTED);
  assert.equal(socket.closed.code, 4408);
  mock.timers.tick(1000);
  assert.equal(FakeWebSocket.sockets.length, 2);
});

test("the heartbeat interval defaults to the hub's welcome.heartbeat", () => {
  client = new PulseClient("ws://hub/ws", { WebSocket: FakeWebSocket });
  const socket = FakeWebSocket.last;
  socket.welcome(2);
  mock.timers.tick(1999);
  assert.equal(socket.lastSent("ping"), undefined);
  mock.timers.tick(1);
  assert.ok(socket.lastSent("ping"));
});

test("close stops reconnecting and rejects the queue", async () => {
  const socket = connect();
  socket.drop();
  const queued = client.publish("chat:a", 1);
  client.close();
  await assert.rejects(queued, /client closed/);
  mock.timers.tick(60_000);
  assert.equal(FakeWebSocket.sockets.length, 1);
  assert.equal(client.state, State.CLOSED);
});

test("backoff grows exponentially up to the cap, with half of each delay random", () => {
  const options = { initialMs: 100, maxMs: 1000 };
  assert.deepEqual([0, 1, 2, 3, 4, 10].map(a => backoffDelay(a, options, () => 0)), [50, 100, 200, 400, 500, 500]);
  assert.deepEqual([0, 1, 4].map(a => backoffDelay(a, options, () => 1)), [100, 200, 1000]);
});

test("reconnect attempts back off and the count resets once connected", () => {
  client = new PulseClient("ws://hub/ws", { WebSocket: FakeWebSocket, backoff: { initialMs: 1000, maxMs: 8000 } });
  for (let attempt = 0; attempt < 3; attempt++) {
    const ceiling = 1000 * 2 ** attempt;
    FakeWebSocket.last.drop();
    const before = FakeWebSocket.sockets.length;
    mock.timers.tick(ceiling / 2 - 1);
    assert.equal(FakeWebSocket.sockets.length, before, `attempt ${attempt} waits at least half its ceiling`);
    mock.timers.tick(ceiling / 2 + 1);
    assert.equal(FakeWebSocket.sockets.length, before + 1, `attempt ${attempt} comes within its ceiling`);
  }

  FakeWebSocket.last.welcome();
  FakeWebSocket.last.drop();
  const before = FakeWebSocket.sockets.length;
  mock.timers.tick(1000); // the fourth attempt would wait at least 4 s: only a reset count comes back this soon
  assert.equal(FakeWebSocket.sockets.length, before + 1);
});

test("an unreadable line is reported and the rest of the frame is still read", () => {
  const socket = connect();
  const errors = [];
  client.on("error", e => errors.push(e));
  const seen = [];
  client.subscribe("chat:a", { message: m => seen.push(m.offset) });
  socket.reply(socket.lastSent("subscribe"), { epoch: "e1", offset: 0 });
  socket.onmessage({ data: `not json\n${JSON.stringify(message("chat:a", "e1", 1, "x"))}` });
  assert.equal(errors.length, 1);
  assert.deepEqual(seen, [1]);
});
