// Type declarations for pulse.js. Guide: docs/howto/browser-client.md.

/** The subprotocol spoken: JSON envelopes in text frames. */
export const SUBPROTOCOL: "pulse.v1.json";

export type ConnectionState = "connecting" | "connected" | "disconnected" | "closed";

export const State: Readonly<{
  CONNECTING: "connecting";
  CONNECTED: "connected";
  DISCONNECTED: "disconnected";
  CLOSED: "closed";
}>;

/** A channel's position: its epoch and the offset of a publication. */
export interface StreamPosition {
  epoch: string;
  offset: number;
}

/** A publication delivered to a subscription, live or recovered. */
export interface Message<T = unknown> {
  channel: string;
  epoch: string;
  offset: number;
  data: T;
  /** The publishing user; absent for anonymous clients and the server. */
  user?: string;
  timestamp: number;
  /** True when it came in a subscribe reply (missed while disconnected) rather than live. */
  recovered: boolean;
}

export interface ClientInfo {
  client: string;
  user: string;
}

export interface JoinLeave extends ClientInfo {
  channel: string;
}

export interface SubscribedEvent extends StreamPosition {
  channel: string;
  /** Whether every publication since the saved position was recovered (false on a first subscribe). */
  recovered: boolean;
  /** True when this is a subscribe again after a reconnect. */
  resubscribed: boolean;
}

/** Recovery was impossible (the hub restarted or its history no longer covers the gap): reload the state. */
export interface ResetEvent extends StreamPosition {
  channel: string;
  /** The position the client had. */
  previous: StreamPosition;
}

export interface Publication<T = unknown> {
  offset: number;
  data: T;
  user?: string;
  timestamp: number;
}

export interface HistoryReply<T = unknown> extends StreamPosition {
  publications: Publication<T>[];
}

export interface PresenceReply {
  count: number;
  clients: ClientInfo[];
}

/** An error reply from the hub (`code` from the protocol's error table), or a local failure (`code` 0). */
export class PulseError extends Error {
  constructor(code: number, message: string);
  readonly code: number;
}

export interface BackoffOptions {
  /** The first delay's ceiling, in milliseconds. Default 500. */
  initialMs?: number;
  /** The largest delay, in milliseconds. Default 15000. */
  maxMs?: number;
}

/** The reconnect delay for attempt `attempt` (0 first): exponential, capped, half of it random. */
export function backoffDelay(attempt: number, options?: BackoffOptions, random?: () => number): number;

export interface PulseClientOptions {
  /** A hub token (JWT from `pulse token`), or a function returning one, called on every (re)connect. */
  token?: string | (() => string | Promise<string>);
  /** How often to ping, in milliseconds; a link silent for a whole interval after a ping is dead. Default: the hub's `welcome.heartbeat`. */
  heartbeatMs?: number;
  backoff?: BackoffOptions;
  /** How many publishes may wait for a connection. Default 100. */
  queueLimit?: number;
  /** The WebSocket class (for Node: `ws`). Default: `globalThis.WebSocket`. */
  WebSocket?: unknown;
  /** Connect in the constructor. Default true. */
  autoConnect?: boolean;
}

type Unsubscribe = () => void;

export interface SubscriptionHandlers<T = unknown> {
  message?: (message: Message<T>) => void;
  join?: (event: JoinLeave) => void;
  leave?: (event: JoinLeave) => void;
  subscribed?: (event: SubscribedEvent) => void;
  reset?: (event: ResetEvent) => void;
  error?: (error: PulseError) => void;
}

export class Subscription<T = unknown> {
  readonly channel: string;
  /** The last position seen, or null before the first reply. */
  readonly position: StreamPosition | null;
  /** Whether the hub answered a subscribe on the current connection. */
  readonly active: boolean;
  /** Resolves on the first `subscribed`; rejects when the hub refuses the subscription. */
  readonly ready: Promise<SubscribedEvent>;
  on<K extends keyof SubscriptionHandlers<T>>(event: K, handler: NonNullable<SubscriptionHandlers<T>[K]>): Unsubscribe;
  off<K extends keyof SubscriptionHandlers<T>>(event: K, handler: NonNullable<SubscriptionHandlers<T>[K]>): void;
  unsubscribe(): void;
}

export interface PulseClientEvents {
  state: ConnectionState;
  welcome: { client: string; heartbeat: number; time: number };
  connected: { client: string; user: string };
  disconnected: { code: number; reason: string };
  /** A message on a channel not subscribed here (a direct message from the server). */
  message: Message;
  error: Error;
}

export class PulseClient {
  constructor(url: string, options?: PulseClientOptions);
  readonly state: ConnectionState;
  /** How many publishes wait for a connection. */
  readonly queued: number;
  readonly clientId: string | null;
  readonly user: string;
  on<K extends keyof PulseClientEvents>(event: K, handler: (value: PulseClientEvents[K]) => void): Unsubscribe;
  off<K extends keyof PulseClientEvents>(event: K, handler: (value: PulseClientEvents[K]) => void): void;
  connect(): void;
  close(): void;
  subscribe<T = unknown>(channel: string, handlers?: SubscriptionHandlers<T>, options?: { since?: StreamPosition }): Subscription<T>;
  publish(channel: string, data: unknown, options?: { ackRequired?: boolean }): Promise<{ offset: number }>;
  presence(channel: string): Promise<PresenceReply>;
  history<T = unknown>(channel: string, options?: { since?: StreamPosition; limit?: number }): Promise<HistoryReply<T>>;
}
