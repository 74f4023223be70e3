// One scenario in this process: setup once, a warm-up, then interleaved timed rounds with a
// rotating contender order. Sends the rounds to the parent (IPC) and exits.
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

export async function runScenario(scenario: Scenario, rounds: number, scale: number): Promise<RoundResult[]> {
  const count = Math.max(1, Math.round(scenario.count * scale));
  const { contenders, close } = await scenario.setup();
  try {
    for (const c of contenders) await c.run(Math.max(1, Math.round(count / 5))); // warm-up, not reported
    const results: RoundResult[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      for (const [position, c] of order.entries()) {
        (globalThis as { gc?: () => void }).gc?.();
        const cpu0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        await c.run(count);
        const ns = Number(process.hrtime.bigint() - t0);
        const cpu = process.cpuUsage(cpu0);
        results.push({ round, contender: c.name, position, count, opsPerSec: (count * 1e9) / ns, cpuUsPerOp: (cpu.user + cpu.system) / count });
      }
    }
    return results;
  } finally {
    await close();
  }
}
