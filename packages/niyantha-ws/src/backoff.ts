// Reconnect options of the WebSocket client. The wait itself is @s2sdk/core's one backoff
// formula (equal jitter, the same policy module as REST retries): only the attempt budget and the
// "stable connection resets the count" window are WebSocket-specific.
import { backoffDelay as policyDelay, checkBackoffPolicy, RECONNECT_BACKOFF } from '@s2sdk/core';
import type { ReconnectOptions } from './types.js';

export interface ResolvedReconnect {
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  factor: number;
  stableAfterMs: number;
}

export const DEFAULT_RECONNECT: Readonly<ResolvedReconnect> = Object.freeze({ ...RECONNECT_BACKOFF, maxAttempts: 10, stableAfterMs: 10_000 });

export function resolveReconnect(opts: ReconnectOptions | false | undefined): ResolvedReconnect | false {
  if (opts === false) return false;
  const r: ResolvedReconnect = { ...DEFAULT_RECONNECT, ...stripUndefined(opts ?? {}) };
  checkBackoffPolicy(r, 'reconnect');
  if (!(r.maxAttempts >= 0) || !(r.stableAfterMs >= 0)) throw new RangeError('reconnect: maxAttempts and stableAfterMs must be >= 0');
  return r;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): core's backoffDelay for retry `attempt - 1`,
 * uniform in [step / 2, step] with step = min(max, initial × factor^(attempt-1)). `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, r: ResolvedReconnect, random: () => number): number {
  return policyDelay(attempt - 1, r, random);
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
