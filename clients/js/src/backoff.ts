import { ClientDefaults } from './defaults.js';

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): attempt n waits a uniform random time in [0, min(max, min·2^n)). Spreading every
 * client over the whole window is what keeps thousands of clients of a dead edge from
 * reconnecting to the survivors in one storm.
 */
/** @internal */
export function fullJitterDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 0), ClientDefaults.maxExponent);
  const cap = Math.min(maxMs, minMs * 2 ** exponent);
  return Math.floor(random() * cap);
}

/**
 * The delay sequence of one client: {@link next} grows the window, {@link reset} after a successful connection.
 * @internal
 */
export class Backoff {
  private attempt = 0;

  constructor(
    readonly minMs: number = ClientDefaults.minReconnectDelayMs,
    readonly maxMs: number = ClientDefaults.maxReconnectDelayMs,
    private readonly random: () => number = Math.random,
  ) {
    if (!(minMs > 0) || !(maxMs >= minMs)) {
      throw new RangeError(`backoff needs 0 < min (${minMs}) <= max (${maxMs})`);
    }
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    return fullJitterDelay(this.attempt++, this.minMs, this.maxMs, this.random);
  }

  reset(): void {
    this.attempt = 0;
  }
}
