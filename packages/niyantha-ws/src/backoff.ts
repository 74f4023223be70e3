// Exponential backoff with full jitter and a cap.
import type { ReconnectOptions } from './types.js';

export interface ResolvedReconnect {
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  factor: number;
  stableAfterMs: number;
}

export const DEFAULT_RECONNECT: ResolvedReconnect = { initialDelayMs: 250, maxDelayMs: 30_000, maxAttempts: 10, factor: 2, stableAfterMs: 10_000 };

export function resolveReconnect(opts: ReconnectOptions | false | undefined): ResolvedReconnect | false {
  if (opts === false) return false;
  const r = { ...DEFAULT_RECONNECT, ...stripUndefined(opts ?? {}) };
  if (!(r.initialDelayMs >= 0) || !(r.maxDelayMs >= 0) || !(r.factor >= 1) || !(r.maxAttempts >= 0) || !(r.stableAfterMs >= 0)) {
    throw new RangeError('reconnect: delays and stableAfterMs must be >= 0, factor >= 1 and maxAttempts >= 0');
  }
  return r;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): uniform in [0, min(max, initial * factor^(attempt-1))].
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, r: ResolvedReconnect, random: () => number): number {
  const cap = Math.min(r.maxDelayMs, r.initialDelayMs * Math.pow(r.factor, Math.max(0, attempt - 1)));
  return Math.floor(random() * cap);
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
