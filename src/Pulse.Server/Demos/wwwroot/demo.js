// What every demo page shares: a PulseClient on this server's hub, the connection badge, notices.
import { PulseClient } from "/pulse.js";

/**
 * A client for the hub at /ws. `?heartbeat=MS` in the page's address overrides the ping interval (the
 * browser tests use it to find a dead link quickly).
 */
export function startClient(options = {}) {
  const heartbeat = Number(new URLSearchParams(location.search).get("heartbeat"));
  const client = new PulseClient("/ws", { heartbeatMs: heartbeat > 0 ? heartbeat : undefined, ...options });
  const badge = document.getElementById("connection");
  const show = state => {
    if (!badge) return;
    badge.textContent = state;
    badge.dataset.state = state;
  };
  show(client.state);
  client.on("state", show);
  client.on("error", error => console.warn("pulse:", error.message));
  return client;
}

/** Resolves once the client is connected (at once when it is). */
export function whenConnected(client) {
  if (client.state === "connected") return Promise.resolve();
  return new Promise(resolve => {
    const off = client.on("connected", () => {
      off();
      resolve();
    });
  });
}

/** Says something in the page's status line (#notice, a polite live region). */
export function notice(text) {
  const element = document.getElementById("notice");
  if (element) element.textContent = text;
}

/**
 * Subscribes after reading the channel's latest publications, so the page starts with them and then follows
 * live without a gap or a repeat: the subscription continues right after what history returned.
 */
export async function followWithHistory(client, channel, { limit, render, ...handlers }) {
  await whenConnected(client);
  const history = await client.history(channel, limit === undefined ? {} : { limit });
  for (const publication of history.publications) render({ channel, epoch: history.epoch, recovered: false, ...publication });
  return client.subscribe(channel, { message: render, ...handlers }, { since: { epoch: history.epoch, offset: history.offset } });
}

/** Text for "N users online". */
export function usersOnline(count) {
  return `${count} ${count === 1 ? "user" : "users"} online`;
}
