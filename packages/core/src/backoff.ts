// The one retry/backoff policy of every s2sdk client: REST retries (transport.ts) and
// WebSocket reconnects (@s2sdk/niyantha-ws) both compute their waits here.
//
// Step n (0-based) is min(maxDelayMs, initialDelayMs × factor^n); the wait is drawn uniformly
// from [step / 2, step] ("equal jitter"): never zero, so a herd of clients cannot reconnect in
// the same tick, and never more than the step, so the cap is a real bound.

export interface BackoffPolicy {
  /** Step 0. */
  initialDelayMs: number;
  /** Upper bound of any step. */
  maxDelayMs: number;
  /** Growth factor between steps (>= 1). */
  factor: number;
}

/** REST retries: 500 ms, 1 s, 2 s … capped at 8 s. */
export const REST_BACKOFF: Readonly<BackoffPolicy> = /* @__PURE__ */ Object.freeze({ initialDelayMs: 500, maxDelayMs: 8_000, factor: 2 });
/** WebSocket reconnects: 250 ms, 500 ms, 1 s … capped at 30 s. */
export const RECONNECT_BACKOFF: Readonly<BackoffPolicy> = /* @__PURE__ */ Object.freeze({ initialDelayMs: 250, maxDelayMs: 30_000, factor: 2 });

/** Throws a RangeError naming `what` when the policy is not usable. */
export function checkBackoffPolicy(policy: BackoffPolicy, what = 'backoff'): void {
  const { initialDelayMs, maxDelayMs, factor } = policy;
  if (!(initialDelayMs >= 0) || !(maxDelayMs >= 0) || !(factor >= 1) || !Number.isFinite(initialDelayMs) || !Number.isFinite(factor)) {
    throw new RangeError(`${what}: initialDelayMs and maxDelayMs must be >= 0 and finite, factor >= 1`);
  }
}

/** The step (upper bound of the wait) before retry `n`, 0-based. */
export function backoffStep(n: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(policy.factor, Math.max(0, n)));
}

/** The wait before retry `n` (0-based): uniform in [step / 2, step]. `random` returns a number in [0, 1). */
export function backoffDelay(n: number, policy: BackoffPolicy, random: () => number): number {
  const step = backoffStep(n, policy);
  return Math.round(step * (0.5 + random() / 2));
}
