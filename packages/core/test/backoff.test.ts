import { describe, expect, it } from 'vitest';
import { backoffDelay, backoffStep, checkBackoffPolicy, RECONNECT_BACKOFF, REST_BACKOFF } from '../src/index.js';

describe('backoff policy (shared by REST retries and WS reconnects)', () => {
  it('grows by the factor from the initial step and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffStep(n, REST_BACKOFF))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(backoffStep(20, RECONNECT_BACKOFF)).toBe(30_000);
    expect(backoffStep(-3, REST_BACKOFF)).toBe(500);
  });

  it('waits between half the step and the whole step', () => {
    expect(backoffDelay(2, REST_BACKOFF, () => 0)).toBe(1000);
    expect(backoffDelay(2, REST_BACKOFF, () => 0.999999)).toBe(2000);
    for (let n = 0; n < 12; n++) {
      const d = backoffDelay(n, RECONNECT_BACKOFF, Math.random);
      const step = backoffStep(n, RECONNECT_BACKOFF);
      expect(d).toBeGreaterThanOrEqual(step / 2);
      expect(d).toBeLessThanOrEqual(step);
    }
  });

  it('rejects unusable policies with a RangeError naming the option', () => {
    expect(() => checkBackoffPolicy({ initialDelayMs: -1, maxDelayMs: 10, factor: 2 }, 'retry')).toThrow(/^retry: /);
    expect(() => checkBackoffPolicy({ initialDelayMs: 1, maxDelayMs: 10, factor: 0.5 })).toThrow(RangeError);
    expect(() => checkBackoffPolicy({ initialDelayMs: Number.NaN, maxDelayMs: 10, factor: 2 })).toThrow(RangeError);
    expect(() => checkBackoffPolicy(REST_BACKOFF)).not.toThrow();
  });
});
