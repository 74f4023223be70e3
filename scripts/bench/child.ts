// One scenario in this process: setup once, a warm-up, then interleaved timed rounds with a
// rotating contender order, each round taken in slices turn by turn. Sends the rounds to the
// parent (IPC) and exits.
import type { Scenario } from './types.ts';

export interface RoundResult {
  round: number;
  contender: string;
  /** Position in this round's order (0 = first). */
  position: number;
  count: number;
  opsPerSec: number;
  /** Process CPU time (user + system) per operation, µs. */
  cpuUsPerOp: number;
}

/**
 * Each round is cut into {@link SLICES} slices, and the contenders take turns slice by slice
 * (A B C, A B C, …, in the round's rotated order): slow drift of the machine (load, GC state,
 * CPU frequency) then falls on every contender alike instead of on whichever ran last.
 */
export const SLICES = 4;

export async function runScenario(scenario: Scenario, rounds: number, scale: number): Promise<RoundResult[]> {
  const count = Math.max(1, Math.round(scenario.count * scale));
  const slices = Math.min(SLICES, count);
  // Operations per slice: the first `count % slices` slices take one more.
  const sliceCount = (i: number) => Math.floor(count / slices) + (i < count % slices ? 1 : 0);
  const { contenders, close } = await scenario.setup();
  try {
    for (const c of contenders) await c.run(Math.max(1, Math.round(count / 5))); // warm-up, not reported
    const results: RoundResult[] = [];
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let round = 0; round < rounds; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      const ns = order.map(() => 0);
      const cpuUs = order.map(() => 0);
      for (let slice = 0; slice < slices; slice++) {
        for (const [position, c] of order.entries()) {
          gc?.();
          const cpu0 = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          await c.run(sliceCount(slice));
          ns[position]! += Number(process.hrtime.bigint() - t0);
          const cpu = process.cpuUsage(cpu0);
          cpuUs[position]! += cpu.user + cpu.system;
        }
      }
      for (const [position, c] of order.entries()) {
        results.push({ round, contender: c.name, position, count, opsPerSec: (count * 1e9) / ns[position]!, cpuUsPerOp: cpuUs[position]! / count });
      }
    }
    return results;
  } finally {
    await close();
  }
}
