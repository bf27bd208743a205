import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, fullJitterDelay } from '../src/backoff.js';
import { closeAction } from '../src/close-codes.js';

describe('full-jitter backoff', () => {
  it('never exceeds the maximum, however many attempts', () => {
    const backoff = new Backoff(500, 8_000);
    for (let i = 0; i < 200; i++) {
      const delay = backoff.next();
      assert.ok(delay >= 0 && delay < 8_000, `attempt ${i}: ${delay}`);
    }
  });

  it('doubles the window per attempt up to the cap', () => {
    const top = () => 0.999999;
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 40].map((n) => fullJitterDelay(n, 500, 10_000, top)),
      [499, 999, 1999, 3999, 7999, 9999, 9999, 9999],
    );
    assert.equal(fullJitterDelay(3, 500, 10_000, () => 0), 0);
  });

  it('spreads the first retries of 1000 clients over the whole window (no reconnect storm)', () => {
    const delays = Array.from({ length: 1000 }, () => new Backoff(1_000, 30_000).next());
    assert.ok(delays.every((d) => d >= 0 && d < 1_000));
    assert.ok(new Set(delays).size > 400, `only ${new Set(delays).size} distinct delays`);
    const buckets = new Array<number>(10).fill(0);
    for (const d of delays) {
      buckets[Math.floor(d / 100)]++;
    }
    // Uniform: about 100 per 100 ms bucket; a storm would put most of them in one.
    for (const count of buckets) {
      assert.ok(count > 50 && count < 160, `bucket counts ${buckets.join(',')}`);
    }
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    assert.ok(mean > 430 && mean < 570, `mean ${mean}`);
  });

  it('spreads later retries too: attempt 4 of 1000 clients covers [0, 16 s)', () => {
    const delays = Array.from({ length: 1000 }, () => {
      const backoff = new Backoff(1_000, 30_000);
      for (let i = 0; i < 4; i++) {
        backoff.next();
      }
      return backoff.next();
    });
    assert.ok(Math.max(...delays) < 16_000);
    assert.ok(Math.max(...delays) > 14_000 && Math.min(...delays) < 2_000);
  });

  it('starts again from the smallest window after reset', () => {
    const backoff = new Backoff(100, 10_000, () => 0.999);
    backoff.next();
    backoff.next();
    backoff.next();
    assert.equal(backoff.attempts, 3);
    backoff.reset();
    assert.equal(backoff.attempts, 0);
    assert.ok(backoff.next() < 100);
  });

  it('rejects a minimum above the maximum', () => {
    assert.throws(() => new Backoff(5_000, 1_000), RangeError);
  });
});

describe('close codes', () => {
  it('maps every documented code to what the client does', () => {
    const table: Record<number, string> = {
      1000: 'stop',
      1003: 'stop',
      1006: 'backoff',
      1008: 'stop',
      1009: 'stop',
      1011: 'backoff',
      1012: 'immediate',
      4000: 'backoff',
      4001: 'unauthorized',
      4002: 'refresh-token',
      4008: 'backoff',
      4009: 'stop',
    };
    for (const [code, action] of Object.entries(table)) {
      assert.equal(closeAction(Number(code)), action, `close code ${code}`);
    }
  });
});
