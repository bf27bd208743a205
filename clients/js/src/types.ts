/** Public types of the client. Wire objects follow docs/protocol.md (`realtime.v1.json`). */

/** A position in a channel's history: the last offset seen, in the channel's epoch. */
export interface StreamPosition {
  epoch: string;
  offset: number;
}

/** A published message as delivered to the application. */
export interface Message {
  /** `room:{name}`, `user:{id}` or `broadcast`. */
  channel: string;
  event: string;
  /** The publisher's JSON, parsed. */
  data: unknown;
  /** The message id assigned by the dispatcher. */
  id: string;
  /** Per-channel offset (+1 per message); absent on channels without history (broadcast). */
  offset?: number;
  /** The channel's history epoch (with `offset`); a new epoch means offsets restarted. */
  epoch?: string;
}

export type GapReason =
  /** The server could not replay what was missed (`recovered:false`: epoch changed or history too short). */
  | 'recovery_failed'
  /** A live message skipped offsets (the server dropped some). */
  | 'offset_jump'
  /** A replay after reconnect did not fill the hole in time. */
  | 'replay_incomplete'
  /** A live message carried a new epoch: the channel's history was lost and offsets restarted. */
  | 'epoch_changed';

/** Messages were lost: the application should refetch the state it derives from the channel. */
export interface GapInfo {
  channel: string;
  reason: GapReason;
  /** First missing offset, when known. */
  from?: number;
  /** Last missing offset, when known. */
  to?: number;
  /** The channel's epoch after the gap, when known. */
  epoch?: string;
}

/** Every message missed while disconnected is (or is being) delivered, in order, with no duplicate. */
export interface RecoveredInfo {
  channel: string;
  /** Where the client resumed from: the last offset it had delivered. */
  since: StreamPosition;
  epoch: string;
  /** The channel's position at the time of the reply. */
  offset: number;
}

/** An error reply from the edge (`forbidden`, `invalid_channel`, `limit_exceeded`, …) or a client-side error. */
export interface ServerError {
  code: string;
  message: string;
  channel?: string;
}

/** A connection joined or left a channel (channels of presence-notifying namespaces only). */
export interface PresenceInfo {
  channel: string;
  /** The user (the token's `sub`) of the connection. */
  user: string;
  /** The connection (one user may have several). */
  conn: string;
}

export interface SubscribedInfo {
  channel: string;
  epoch?: string;
  offset?: number;
  recovered?: boolean;
}

export interface WelcomeInfo {
  /** `SERVER_ID` of the edge (its pod name in Kubernetes). */
  server: string;
  conn: string;
  user: string;
  pingIntervalMs: number;
  /** The URL this connection went to. */
  url: string;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface ConnectingInfo {
  url: string;
  /** 0 for the first attempt, then counts attempts since the last successful welcome. */
  attempt: number;
}

export interface DisconnectedInfo {
  code: number;
  reason: string;
  /** The edge this connection was on, if it had said welcome. */
  server?: string;
  /** Whether the client will reconnect by itself. */
  willReconnect: boolean;
  /** Delay before the next attempt, when it will reconnect. */
  delayMs?: number;
}

export interface ClosedInfo {
  code: number;
  reason: string;
}

/** A token, or a callback producing one (called before every connection attempt). */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * Where to connect: one URL, a list (tried in turn: every new attempt moves to the next one,
 * so a dead or draining edge is left for another), or a callback given the attempt number.
 */
export type UrlSource = string | readonly string[] | ((attempt: number) => string | Promise<string>);

/** The part of the WHATWG WebSocket this client uses (browsers, Node ≥ 22, the `ws` package). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol?: string;
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface ClientOptions {
  url: UrlSource;
  token: TokenSource;
  /** WebSocket implementation when `globalThis.WebSocket` is missing (Node 20: `import WebSocket from 'ws'`). */
  WebSocket?: WebSocketConstructor;
  /** How the token travels: a `bearer.<jwt>` subprotocol entry (default) or `?token=` (ends up in access logs). */
  tokenTransport?: 'protocol' | 'query';
  /** Base of the exponential backoff, in ms (default 500). Delays are drawn uniformly from [0, min(max, base·2^n)). */
  minReconnectDelayMs?: number;
  /** Cap of the backoff, in ms (default 20 000). */
  maxReconnectDelayMs?: number;
  /** An attempt that has not received `welcome` after this long is abandoned (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** How long a hole before buffered messages may wait for the replay to fill it (default 5 000 ms). */
  replayTimeoutMs?: number;
  /** Consecutive 4001 refusals (with a token callback) before giving up (default 3). */
  maxAuthFailures?: number;
  /** Random source in [0, 1) for the jitter (tests). */
  random?: () => number;
}

export interface SubscribeOptions {
  /** A per-channel subscribe token signed by the backend, for rooms not covered by the connection token. */
  token?: string;
  /** Resume from a stored position (for example one saved before a page reload). */
  since?: StreamPosition;
}

export interface SubscriptionHandlers {
  message?: (message: Message) => void;
  recovered?: (info: RecoveredInfo) => void;
  gap?: (info: GapInfo) => void;
  error?: (error: ServerError) => void;
  subscribed?: (info: SubscribedInfo) => void;
  /** A connection joined the channel (presence-notifying namespaces only). */
  join?: (info: PresenceInfo) => void;
  /** A connection left the channel (presence-notifying namespaces only). */
  leave?: (info: PresenceInfo) => void;
  /** The subscription ended: by `unsubscribe()`, or by the edge when its subscribe token expired (an `error` with code `token_expired` comes first). */
  unsubscribed?: () => void;
}
