import { describe, expect, it } from 'vitest';
import { runScenario, SLICES } from '../bench/child.ts';
import type { Scenario } from '../bench/types.ts';

describe('bench runScenario', () => {
  it('takes each round in slices, the contenders taking turns in a rotating order, and reports every operation of every round', async () => {
    const calls: [string, number][] = [];
    let closed = false;
    const scenario: Scenario = {
      name: 'fake',
      group: 'ws',
      count: 10,
      inFlight: 1,
      ratios: [['a', 'b']],
      async setup() {
        const c = (name: string) => ({ name, run: async (n: number) => void calls.push([name, n]) });
        return { contenders: [c('a'), c('b')], close: async () => void (closed = true) };
      },
    };
    const results = await runScenario(scenario, 2, 1);
    expect(closed).toBe(true);
    const timed = calls.slice(2); // after one warm-up call each
    expect(calls.slice(0, 2)).toEqual([['a', 2], ['b', 2]]);
    expect(timed).toHaveLength(2 * 2 * SLICES);
    // Round 0: a b a b …; round 1: b a b a …
    expect(timed.slice(0, 2 * SLICES).map(([n]) => n).join('')).toBe('ab'.repeat(SLICES));
    expect(timed.slice(2 * SLICES).map(([n]) => n).join('')).toBe('ba'.repeat(SLICES));
    // Every contender does `count` operations per round.
    for (const round of [0, 1]) for (const who of ['a', 'b']) {
      const ops = timed.slice(round * 2 * SLICES, (round + 1) * 2 * SLICES).filter(([n]) => n === who).reduce((s, [, k]) => s + k, 0);
      expect(ops).toBe(10);
    }
    expect(results.map((r) => [r.round, r.contender, r.position, r.count])).toEqual([
      [0, 'a', 0, 10],
      [0, 'b', 1, 10],
      [1, 'b', 0, 10],
      [1, 'a', 1, 10],
    ]);
    expect(results.every((r) => r.opsPerSec > 0 && Number.isFinite(r.opsPerSec))).toBe(true);
  });
});
