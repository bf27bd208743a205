/**
 * Defaults shared by every SDK (protocol/client-defaults.json; a test checks these against it).
 * @internal
 */
export const ClientDefaults = {
  subprotocol: 'realtime.v1.json',
  /** Base of the full-jitter backoff: attempt n waits uniform [0, min(max, min·2^n)). */
  minReconnectDelayMs: 500,
  maxReconnectDelayMs: 20_000,
  /** The exponent stops growing here (2^30 · min is far beyond any max). */
  maxExponent: 30,
  connectTimeoutMs: 10_000,
  /** Nothing received for this many ping intervals means the connection is dead. */
  livenessIntervals: 2,
} as const;
