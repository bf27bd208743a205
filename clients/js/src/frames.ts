/**
 * The objects the edge sends (protocol/server-frames.schema.json) and the splitting of incoming
 * frames: one text frame may carry several JSON objects separated by `\n`.
 * @internal
 */

export interface WelcomeFrame {
  op: 'welcome';
  server: string;
  conn: string;
  user: string;
  ping_interval_ms: number;
}

export interface ReplyOkFrame {
  op: 'reply';
  id: number;
  ok: true;
  /** Subscribe replies only. */
  channel?: string;
  /** Channels with history only (with `offset`). */
  epoch?: string;
  offset?: number | string;
  /** Subscribes that carried `since` only. */
  recovered?: boolean;
}

export interface ReplyErrorFrame {
  op: 'reply';
  id: number;
  ok: false;
  error: { code: string; message: string };
}

export type ReplyFrame = ReplyOkFrame | ReplyErrorFrame;

export interface MessageFrame {
  op: 'msg';
  channel: string;
  event: string;
  data: unknown;
  id: string;
  /** Channels with history only (with `epoch`). */
  offset?: number | string;
  epoch?: string;
}

export interface PingFrame {
  op: 'ping';
}

export interface UnsubscribedFrame {
  op: 'unsubscribed';
  channel: string;
  reason: string;
}

export interface ReconnectFrame {
  op: 'reconnect';
  after_ms: number;
  reason: string;
}

/** A connection joined (`join`) or left (`leave`) a channel of a presence-notifying namespace. */
export interface PresenceFrame {
  op: 'join' | 'leave';
  channel: string;
  user: string;
  conn: string;
}

/** Every object of `realtime.v1.json`, discriminated by `op`. */
export type ServerFrame = WelcomeFrame | ReplyFrame | MessageFrame | PingFrame | UnsubscribedFrame | ReconnectFrame | PresenceFrame;

export type ServerOp = ServerFrame['op'];

const KNOWN_OPS: ReadonlySet<string> = new Set<ServerOp>(['welcome', 'reply', 'msg', 'ping', 'unsubscribed', 'reconnect', 'join', 'leave']);

export interface ParsedFrame {
  /** Objects with a known `op`, in order. Their members are as the edge sends them; handlers stay defensive. */
  objects: ServerFrame[];
  /** Objects with an `op` this client does not know (added by a later protocol version): ignored. */
  unknown: { op: string }[];
  /** Lines that were not JSON objects with a string `op`. */
  invalid: string[];
}

export function parseFrame(text: string): ParsedFrame {
  const parsed: ParsedFrame = { objects: [], unknown: [], invalid: [] };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      parsed.invalid.push(line);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { op?: unknown }).op !== 'string') {
      parsed.invalid.push(line);
    } else if (KNOWN_OPS.has((value as { op: string }).op)) {
      parsed.objects.push(value as ServerFrame);
    } else {
      parsed.unknown.push(value as { op: string });
    }
  }
  return parsed;
}

/** Offsets are JSON numbers on the wire; accept numeric strings too (int64 in proto JSON). */
export function toOffset(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    return Number(value);
  }
  return undefined;
}
