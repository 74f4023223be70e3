// The contract between the benchmark harness (`npm run bench`, scripts/bench/main.ts) and
// its scenario files (scripts/bench/*.scenarios.ts, each exporting `scenarios`).
// The harness runs each scenario in one process: `setup()` once, then interleaved rounds in
// a rotating contender order, each contender performing `count` operations per round (in
// slices, the contenders taking turns, see child.ts); it
// reports ops/s ratios (min–max over rounds), never bare times, and `--json FILE` writes
// every round.

export interface Contender {
  /** Shown in the table and used in `ratios`, e.g. 'node:http', 'axios', 's2sdk/node', 'ws raw'. */
  name: string;
  /**
   * Performs `count` operations, at most the scenario's `inFlight` at a time, and resolves
   * when every one has finished. Rejects on any failure (a failed run is reported, not timed).
   */
  run(count: number): Promise<void>;
}

export interface Scenario {
  /** Unique, e.g. 'rest GET 64 B c100' or 'ws request 16 KiB seq'. */
  name: string;
  /** 'rest' or 'ws' (table grouping). */
  group: 'rest' | 'ws';
  /** Operations per contender per round. */
  count: number;
  /** Concurrency the contenders keep (1 = sequential). Informational; contenders enforce it. */
  inFlight: number;
  /** Starts servers and clients; `close` releases every socket, timer and server. */
  setup(): Promise<{ contenders: Contender[]; close(): Promise<void> }>;
  /** Ratios to print, as [numerator, denominator] contender names (ops/s ÷ ops/s). */
  ratios: ReadonlyArray<readonly [string, string]>;
  /** Goals keyed `${numerator} ÷ ${denominator}` → minimum ratio; the table marks each met/missed. */
  goals?: Readonly<Record<string, number>>;
  /**
   * Optional: CPU time each `subject` adds per operation over `baseline`, relative to what
   * `reference` adds over it: (cpu(subject) − cpu(baseline)) ÷ (cpu(reference) − cpu(baseline)),
   * per round. `goal` is a maximum. For in-process scenarios (a stubbed fetch).
   */
  addedCost?: ReadonlyArray<{ subject: string; reference: string; baseline: string; goal?: number }>;
}

export interface ScenarioModule {
  scenarios: Scenario[];
}
