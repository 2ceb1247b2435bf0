// pulse.js: a dependency-free browser (and Node) client for the Pulse hub's `pulse.v1.json` protocol.
// Protocol reference: docs/reference/protocol.md. Guide: docs/howto/browser-client.md.
//
//   import { PulseClient } from "/pulse.js";
//   const client = new PulseClient("ws://127.0.0.1:8765/ws");
//   const room = client.subscribe("chat:lobby", { message: m => show(m.data) });
//   await client.publish("chat:lobby", { text: "hi" });
//
// What it does for a page: reconnects with backoff and jitter, detects a dead link with an app-level
// ping (browsers cannot send ping frames), resubscribes with `since` so no message is lost or repeated,
// says when recovery was impossible, and queues publishes made while offline (up to a bound).

/** The subprotocol spoken: JSON envelopes in text frames. */
export const SUBPROTOCOL = "pulse.v1.json";

/** Connection states, in the order a connection goes through them. */
export const State = Object.freeze({
  CONNECTING: "connecting",
  CONNECTED: "connected",
  DISCONNECTED: "disconnected",
  CLOSED: "closed",
});

/** An error reply from the hub (`code` as in the protocol's error table), or a local failure (`code` 0). */
export class PulseError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "PulseError";
    this.code = code;
  }
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential, capped, with "equal jitter"
 * (half fixed, half random) so that clients dropped together do not all come back in the same instant.
 */
export function backoffDelay(attempt, { initialMs = 500, maxMs = 15_000 } = {}, random = Math.random) {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A tiny event emitter: `on` returns a function that removes the handler. */
class Emitter {
  #handlers = new Map();

  on(event, handler) {
    if (!this.#handlers.has(event)) this.#handlers.set(event, new Set());
    this.#handlers.get(event).add(handler);
    return () => this.off(event, handler);
  }

  off(event, handler) {
    this.#handlers.get(event)?.delete(handler);
  }

  emit(event, value) {
    for (const handler of [...(this.#handlers.get(event) ?? [])]) {
      try {
        handler(value);
      } catch (error) {
        // A page's handler throwing must not break the client's own bookkeeping.
        setTimeout(() => { throw error; });
      }
    }
  }
}

/**
 * One channel subscription. It outlives connections: after a reconnect it subscribes again with the last
 * position it saw. Events: `message`, `join`, `leave`, `subscribed`, `reset`, `error`.
 */
export class Subscription extends Emitter {
  #client;
  #resolveReady;
  #rejectReady;

  constructor(client, channel, since) {
    super();
    this.#client = client;
    /** The channel's name. */
    this.channel = channel;
    /** The last position seen, `{epoch, offset}`, or null before the first reply. */
    this.position = since ?? null;
    /** Whether the hub has answered a subscribe on the current connection. */
    this.active = false;
    /** Resolves with the first `subscribed` event; rejects when the hub refuses the subscription. */
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => {}); // a refused subscription is reported through `error` too
  }

  /** Leaves the channel. */
  unsubscribe() {
    this.#client._unsubscribe(this);
  }

  /** Applies a subscribe reply: recovered publications first, or a reset when the gap cannot be filled. */
  _applyReply(reply, resubscribed) {
    const recovered = reply.recovered === true;
    const previous = this.position;
    if (previous !== null && !recovered) {
      // The hub restarted (epoch changed) or its history no longer covers the gap: the page must reload.
      this.emit("reset", { channel: this.channel, previous, epoch: reply.epoch, offset: reply.offset });
    }

    this.position = { epoch: reply.epoch, offset: reply.offset };
    this.active = true;
    for (const publication of reply.publications ?? []) {
      this.emit("message", { channel: this.channel, epoch: reply.epoch, recovered: true, ...publication });
    }

    const event = { channel: this.channel, epoch: reply.epoch, offset: reply.offset, recovered, resubscribed };
    this.emit("subscribed", event);
    this.#resolveReady(event);
  }

  /** Applies a live `message`: drops one already seen (an ack resend, a recovered one), reports an epoch change. */
  _applyMessage(payload) {
    const { epoch, offset } = payload;
    const position = this.position;
    if (position !== null && position.epoch === epoch && offset <= position.offset) return;
    if (position !== null && position.epoch !== epoch) {
      this.emit("reset", { channel: this.channel, previous: position, epoch, offset: offset - 1 });
    }

    this.position = { epoch, offset };
    this.emit("message", { ...payload, recovered: false });
  }

  _fail(error) {
    this.emit("error", error);
    this.#rejectReady(error);
  }
}

/**
 * A connection to a Pulse hub that keeps itself up. Events: `state` (one of {@link State}), `welcome`,
 * `connected`, `disconnected` (`{code, reason}`), `message` (on channels not subscribed here: direct
 * messages), `error`.
 */
export class PulseClient extends Emitter {
  #url;
  #options;
  #WebSocket;
  #socket = null;
  #state = State.DISCONNECTED;
  #nextId = 1;
  #pending = new Map(); // request id → { resolve, reject, type }
  #subscriptions = new Map(); // channel → Subscription
  #queue = []; // publishes waiting for a connection: { envelope, resolve, reject }
  #attempt = 0;
  #reconnectTimer = null;
  #heartbeatTimer = null;
  #awaitingPong = false;
  #closedByUser = false;

  /**
   * @param {string} url the hub's address, e.g. `ws://127.0.0.1:8765/ws`; a path alone (`/ws`) is resolved
   *   against the page's location.
   * @param {object} [options] see docs/howto/browser-client.md: `token`, `heartbeatMs`, `backoff`,
   *   `queueLimit`, `WebSocket`, `autoConnect`.
   */
  constructor(url, options = {}) {
    super();
    this.#url = PulseClient.#resolveUrl(url);
    this.#options = { queueLimit: 100, backoff: {}, autoConnect: true, ...options };
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== "function") {
      throw new PulseError(0, "no WebSocket implementation: pass options.WebSocket");
    }

    /** This connection's client id, from the last `welcome`. */
    this.clientId = null;
    /** The authenticated user, from the last `connect` reply ("" when anonymous). */
    this.user = "";
    if (this.#options.autoConnect) this.connect();
  }

  /** The connection's state: one of {@link State}. */
  get state() {
    return this.#state;
  }

  /** How many publishes wait for a connection. */
  get queued() {
    return this.#queue.length;
  }

  /** Opens the connection (done by the constructor unless `autoConnect` is false). */
  connect() {
    this.#closedByUser = false;
    if (this.#socket !== null) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#setState(State.CONNECTING);
    let socket;
    try {
      socket = new this.#WebSocket(this.#url, [SUBPROTOCOL]);
    } catch (error) {
      this.emit("error", error);
      this.#scheduleReconnect();
      return;
    }

    this.#socket = socket;
    socket.onmessage = event => this.#receive(socket, event.data);
    socket.onclose = event => this.#lost(socket, event.code, event.reason);
    socket.onerror = () => {}; // always followed by close, which carries what there is to know
  }

  /** Closes for good: no reconnect; queued and pending requests are rejected. */
  close() {
    this.#closedByUser = true;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    const socket = this.#socket;
    this.#drop(1000, "closed by the client");
    socket?.close(1000);
    for (const item of this.#queue.splice(0)) item.reject(new PulseError(0, "client closed"));
    this.#setState(State.CLOSED);
  }

  /**
   * Subscribes to `channel`. `handlers` may hold `message`, `join`, `leave`, `subscribed`, `reset`, `error`.
   * `since` (`{epoch, offset}`) recovers what came after a position saved earlier.
   */
  subscribe(channel, handlers = {}, { since } = {}) {
    if (this.#subscriptions.has(channel)) throw new PulseError(409, `already subscribed to ${channel}`);
    const subscription = new Subscription(this, channel, since);
    for (const [event, handler] of Object.entries(handlers)) subscription.on(event, handler);
    this.#subscriptions.set(channel, subscription);
    if (this.#state === State.CONNECTED) this.#sendSubscribe(subscription, false);
    return subscription;
  }

  /**
   * Publishes `data` (any JSON value) to `channel`. Resolves with the hub's reply (`{offset}`) once it is
   * applied. While offline the publish waits in a bounded queue; when the queue is full it is refused.
   */
  publish(channel, data, { ackRequired = false } = {}) {
    const envelope = { type: "publish", id: this.#newId(), payload: { channel, data } };
    if (ackRequired) envelope.ack_required = true;
    if (this.#state === State.CONNECTED) return this.#request(envelope);
    if (this.#state === State.CLOSED) return Promise.reject(new PulseError(0, "client closed"));
    if (this.#queue.length >= this.#options.queueLimit) {
      return Promise.reject(new PulseError(0, `offline queue full (${this.#options.queueLimit} publishes)`));
    }

    return new Promise((resolve, reject) => this.#queue.push({ envelope, resolve, reject }));
  }

  /** Who is in `channel`: `{count, clients: [{client, user}]}`. Needs a connection. */
  presence(channel) {
    return this.#request({ type: "presence", id: this.#newId(), payload: { channel } });
  }

  /** The channel's history: `{epoch, offset, publications}`, after `since` when given, at most `limit`. */
  history(channel, { since, limit } = {}) {
    const payload = { channel };
    if (since !== undefined) payload.since = since;
    if (limit !== undefined) payload.limit = limit;
    return this.#request({ type: "history", id: this.#newId(), payload });
  }

  _unsubscribe(subscription) {
    if (this.#subscriptions.get(subscription.channel) !== subscription) return;
    this.#subscriptions.delete(subscription.channel);
    if (this.#state === State.CONNECTED && subscription.active) {
      this.#request({ type: "unsubscribe", id: this.#newId(), payload: { channel: subscription.channel } }).catch(() => {});
    }
  }

  // --- Connection life -------------------------------------------------------------------------------

  static #resolveUrl(url) {
    if (/^wss?:\/\//.test(url) || typeof location === "undefined") return url;
    const resolved = new URL(url, location.href);
    resolved.protocol = resolved.protocol === "https:" ? "wss:" : "ws:";
    return resolved.href;
  }

  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    this.emit("state", state);
  }

  #newId() {
    return String(this.#nextId++);
  }

  async #welcomed(welcome) {
    this.clientId = welcome.client;
    this.emit("welcome", welcome);
    const heartbeatMs = this.#options.heartbeatMs ?? (welcome.heartbeat ?? 25) * 1000;
    this.#startHeartbeat(heartbeatMs);
    const socket = this.#socket;
    try {
      const token = typeof this.#options.token === "function" ? await this.#options.token() : this.#options.token;
      if (token) {
        const reply = await this.#request({ type: "connect", id: this.#newId(), payload: { token } }, true);
        this.user = reply.user ?? "";
      }
    } catch (error) {
      this.emit("error", error);
      if (this.#socket === socket) socket.close(4000, "connect failed");
      return;
    }

    if (this.#socket !== socket) return;
    this.#attempt = 0;
    this.#setState(State.CONNECTED);
    this.emit("connected", { client: this.clientId, user: this.user });
    for (const subscription of this.#subscriptions.values()) this.#sendSubscribe(subscription, subscription.position !== null);
    for (const { envelope, resolve, reject } of this.#queue.splice(0)) this.#request(envelope).then(resolve, reject);
  }

  #sendSubscribe(subscription, resubscribed) {
    const payload = { channel: subscription.channel };
    if (subscription.position !== null) payload.since = subscription.position;
    const socket = this.#socket;
    const current = () => this.#subscriptions.get(subscription.channel) === subscription;
    // The reply is applied as it is read, not a microtask later: messages may follow it in the same frame.
    const applyReply = reply => {
      if (current() && this.#socket === socket) subscription._applyReply(reply, resubscribed);
    };
    this.#request({ type: "subscribe", id: this.#newId(), payload }, false, applyReply).catch(error => {
      if (error.code === 0) return; // the connection dropped: the next one subscribes again
      if (current()) this.#subscriptions.delete(subscription.channel);
      subscription._fail(error);
    });
  }

  /** The socket closed, or the heartbeat found it dead: forget it and come back later. */
  #lost(socket, code, reason) {
    if (this.#socket !== socket) return;
    this.#drop(code, reason);
    if (this.#closedByUser) return;
    this.#setState(State.DISCONNECTED);
    this.#scheduleReconnect();
  }

  #drop(code, reason) {
    const socket = this.#socket;
    this.#socket = null;
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
    if (socket !== null) {
      socket.onmessage = socket.onclose = null;
      this.emit("disconnected", { code, reason });
    }

    for (const subscription of this.#subscriptions.values()) subscription.active = false;

    // A publish in flight may or may not have been applied: say so rather than risk sending it twice.
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) {
      const what = request.type === "publish" ? "the publish may or may not have been applied" : "send it again";
      request.reject(new PulseError(0, `connection lost before the reply (${what})`));
    }
  }

  #scheduleReconnect() {
    if (this.#closedByUser || this.#reconnectTimer !== null) return;
    const delay = backoffDelay(this.#attempt++, this.#options.backoff);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.connect();
    }, delay);
  }

  /** Sends a ping every interval; a link that stayed silent for a whole interval after one is dead. */
  #startHeartbeat(intervalMs) {
    clearInterval(this.#heartbeatTimer);
    this.#awaitingPong = false;
    const socket = this.#socket;
    this.#heartbeatTimer = setInterval(() => {
      if (this.#awaitingPong) {
        // The browser may take minutes to notice a dead TCP link; do not wait for it.
        this.#lost(socket, 4408, "heartbeat timeout");
        try { socket.close(4408, "heartbeat timeout"); } catch { /* already closing */ }
        return;
      }

      this.#awaitingPong = true;
      this.#send({ type: "ping", id: this.#newId() });
    }, intervalMs);
  }

  // --- Envelopes -------------------------------------------------------------------------------------

  #send(envelope) {
    this.#socket?.send(JSON.stringify(envelope));
  }

  /** Sends a request and resolves with its reply's payload, or rejects with a {@link PulseError}. */
  #request(envelope, beforeConnected = false, onReply = undefined) {
    if (this.#socket === null || (this.#state !== State.CONNECTED && !beforeConnected)) {
      return Promise.reject(new PulseError(0, "not connected"));
    }

    return new Promise((resolve, reject) => {
      this.#pending.set(envelope.id, { resolve, reject, onReply, type: envelope.type });
      this.#send(envelope);
    });
  }

  #receive(socket, data) {
    if (this.#socket !== socket) return;
    this.#awaitingPong = false; // anything arriving proves the link alive
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let envelope;
      try {
        envelope = JSON.parse(line);
      } catch {
        this.emit("error", new PulseError(0, `unreadable envelope from the hub: ${line.slice(0, 80)}`));
        continue;
      }

      this.#dispatch(envelope);
    }
  }

  #dispatch({ type, id, payload = {}, ack_required: ackRequired }) {
    switch (type) {
      case "welcome":
        this.#welcomed(payload);
        break;
      case "reply":
      case "error": {
        const request = this.#pending.get(id);
        if (request === undefined) {
          if (type === "error") this.emit("error", new PulseError(payload.code, payload.message));
          break;
        }

        this.#pending.delete(id);
        if (type === "reply") {
          request.onReply?.(payload);
          request.resolve(payload);
        }
        else request.reject(new PulseError(payload.code, payload.message));
        break;
      }
      case "message": {
        if (ackRequired) this.#send({ type: "ack", id });
        const subscription = this.#subscriptions.get(payload.channel);
        if (subscription?.active) subscription._applyMessage(payload);
        else if (subscription === undefined) this.emit("message", payload);
        break;
      }
      case "join":
      case "leave":
        this.#subscriptions.get(payload.channel)?.emit(type, payload);
        break;
      case "pong":
        break;
      default:
        break; // a newer hub's envelope: ignored, as the protocol asks
    }
  }
}
