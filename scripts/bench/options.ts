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

export const USAGE = `npm run bench -- [options]
  Side-by-side ratios (never bare times) of every scenario in scripts/bench/*.scenarios.ts.
  --filter <text>   only scenarios whose name contains <text> (case-insensitive; repeatable)
  --quick           3 rounds at scale 0.1 (BENCH_QUICK=1)
  --rounds <n>      timed rounds per scenario, 1..100 (default 5; BENCH_ROUNDS)
  --scale <x>       multiply every scenario's request count, (0, 100] (default 1; BENCH_SCALE)
  --json <file>     write every round of every scenario to <file>
  --help            this text`;

/** A command-line mistake: main prints its message and the usage, and exits 2 (no stack trace). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The options, or `'help'` when --help was given. Throws UsageError on an unknown or malformed option. */
export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        quick: { type: 'boolean', default: false },
        filter: { type: 'string', multiple: true, default: [] },
        json: { type: 'string' },
        rounds: { type: 'string' },
        scale: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const quick = values.quick || process.env.BENCH_QUICK === '1';
  const rounds = Number(values.rounds ?? process.env.BENCH_ROUNDS ?? (quick ? 3 : 5));
  const scale = Number(values.scale ?? process.env.BENCH_SCALE ?? (quick ? 0.1 : 1));
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new UsageError('--rounds must be an integer in 1..100');
  if (!(scale > 0 && scale <= 100)) throw new UsageError('--scale must be in (0, 100]');
  return { filter: values.filter.map((f) => f.toLowerCase()), json: values.json, rounds, scale };
}

export function selected(name: string, filter: readonly string[]): boolean {
  return filter.length === 0 || filter.some((f) => name.toLowerCase().includes(f));
}
