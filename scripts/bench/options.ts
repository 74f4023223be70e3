// Command-line options of `npm run bench` (scripts/bench/main.ts).
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Substring (case-insensitive) a scenario name must contain; repeatable. */
  filter: string[];
  /** Write every round of every scenario here. */
  json: string | undefined;
  /** Timed rounds per scenario (each contender once per round). */
  rounds: number;
  /** Multiplies every scenario's `count` (bounded work: --quick is 0.1). */
  scale: number;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      filter: { type: 'string', multiple: true, default: [] },
      json: { type: 'string' },
      rounds: { type: 'string' },
      scale: { type: 'string' },
    },
  });
  const quick = values.quick || process.env.BENCH_QUICK === '1';
  const rounds = Number(values.rounds ?? process.env.BENCH_ROUNDS ?? (quick ? 3 : 5));
  const scale = Number(values.scale ?? process.env.BENCH_SCALE ?? (quick ? 0.1 : 1));
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new RangeError('--rounds must be an integer in 1..100');
  if (!(scale > 0 && scale <= 100)) throw new RangeError('--scale must be in (0, 100]');
  return { filter: values.filter.map((f) => f.toLowerCase()), json: values.json, rounds, scale };
}

export function selected(name: string, filter: readonly string[]): boolean {
  return filter.length === 0 || filter.some((f) => name.toLowerCase().includes(f));
}
