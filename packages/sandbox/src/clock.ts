/** Time source of the sandbox (milliseconds since the epoch). Tests inject a manual clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (for tests of expiry). */
export function manualClock(start = Date.UTC(2025, 0, 1)): Clock & { advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => void (t += ms),
    set: (ms) => void (t = ms),
  };
}

export const unixSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000);
