/** Close codes of protocol/close-codes.json (the one table; a test checks these against it) and what the client does on each. */
export const CloseCodes = {
  Normal: 1000,
  GoingAway: 1001,
  UnsupportedData: 1003,
  Abnormal: 1006,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
  ServiceRestart: 1012,
  Unauthorized: 4001,
  TokenExpired: 4002,
  /** Sent by this client when it gives up on a connection (no frame for 2× the ping interval, or no welcome in time). */
  ClientTimeout: 4000,
  SlowConsumer: 4008,
  DisconnectedByBackend: 4009,
  /** Too many requests, or too many connections of this user: reconnect with backoff. */
  TooManyRequests: 4029,
} as const;

export type CloseAction =
  /** Stop: do not reconnect. */
  | 'stop'
  /** Reconnect after a full-jitter backoff delay. */
  | 'backoff'
  /** Reconnect at once (after the server's `reconnect` hint, if any), to another edge. */
  | 'immediate'
  /** Fetch a new token, then reconnect (only possible with a token callback). */
  | 'refresh-token'
  /** The token was refused: reconnect only with a token callback, which may produce a new one. */
  | 'unauthorized';

export function closeAction(code: number): CloseAction {
  switch (code) {
    case CloseCodes.Normal:
    case CloseCodes.UnsupportedData:
    case CloseCodes.PolicyViolation:
    case CloseCodes.MessageTooBig:
    case CloseCodes.DisconnectedByBackend:
      return 'stop';
    case CloseCodes.ServiceRestart:
      return 'immediate';
    case CloseCodes.TokenExpired:
      return 'refresh-token';
    case CloseCodes.Unauthorized:
      return 'unauthorized';
    default:
      // 1001, 1006 (network, HTTP 503 before upgrade), 1011, 4000, 4008, 4029, anything unknown.
      return 'backoff';
  }
}
