// A scripted stand-in for the browser's WebSocket, for pulse.js's pure logic: the test plays the hub.
// Every socket the client opens is recorded in FakeWebSocket.sockets; `sent` holds the envelopes it sent.

export class FakeWebSocket {
  static sockets = [];

  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.sent = [];
    this.closed = null;
    this.onmessage = this.onclose = this.onerror = null;
    FakeWebSocket.sockets.push(this);
  }

  static reset() {
    FakeWebSocket.sockets = [];
  }

  static get last() {
    return FakeWebSocket.sockets.at(-1);
  }

  send(text) {
    this.sent.push(JSON.parse(text));
  }

  close(code = 1000, reason = "") {
    this.closed ??= { code, reason };
  }

  /** The hub sends one envelope (or several, one per line, in one frame). */
  receive(...envelopes) {
    this.onmessage?.({ data: envelopes.map(e => JSON.stringify(e)).join("\n") });
  }

  welcome(heartbeat = 25) {
    this.receive({ type: "welcome", payload: { client: "c1", heartbeat, time: Date.now() } });
  }

  /** The link drops. */
  drop(code = 1006, reason = "") {
    this.onclose?.({ code, reason });
  }

  /** The last envelope sent of `type`. */
  lastSent(type) {
    return this.sent.filter(e => e.type === type).at(-1);
  }

  reply(request, payload) {
    this.receive({ type: "reply", id: request.id, payload });
  }
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise(resolve => setImmediate(resolve));
