// The fault suite's harness: probes grouped by area, run one at a time. Every probe
// - prints what it tried and what it saw (`ctx.log`),
// - tracks each call it makes (`ctx.call`): every call must settle exactly once within a
//   generous safety-net deadline, with the expected typed error where it fails,
// - must leave nothing behind: after its teardown, process.getActiveResourcesInfo() returns
//   to what it was before the probe (timers, sockets, servers, child processes),
// - fails on any unhandled rejection or uncaught exception raised while it runs.
// The runner ends with the table `area | tried | passed | failed`.

export interface ProbeContext {
  /** Prints one line under the probe's name. */
  log(line: string): void;
  /** Tracks a call: it must settle exactly once; resolves with its outcome (never throws). */
  call<T>(what: string, p: Promise<T> | (() => Promise<T>)): Promise<Outcome<T>>;
  /** Registers a teardown step (run in reverse order after the probe, also when it fails). */
  defer(fn: () => unknown | Promise<unknown>): void;
  /** Fails the probe with `message` unless `cond`. */
  check(cond: unknown, message: string): void;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface Probe {
  name: string;
  run(ctx: ProbeContext): Promise<void>;
  /** Safety net only (a hung call fails the probe instead of the suite); default 120 s. */
  timeoutMs?: number;
}

export interface Area {
  name: string;
  probes: Probe[];
  /** Extra lines printed after the area (e.g. the canary × sink count). */
  summary?: () => string[];
}

export class ProbeFailure extends Error {
  override name = 'ProbeFailure';
}

/** Resource kinds that a client or server of ours can leave behind. */
const TRACKED = new Set(['Timeout', 'Immediate', 'TCPSocketWrap', 'TCPServerWrap', 'TCPWRAP', 'PipeWrap', 'ProcessWrap', 'HTTPParser', 'FSReqCallback']);

function resourceCounts(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) if (TRACKED.has(r)) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

function extraResources(before: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [k, n] of resourceCounts()) if (n > (before.get(k) ?? 0)) out.push(`${k} ×${n - (before.get(k) ?? 0)}`);
  return out;
}

/** Waits (event-loop turns, then short sleeps) until no resource beyond `before` is active; the deadline is a safety net. */
async function leakCheck(before: Map<string, number>, deadlineMs = 10_000): Promise<string[]> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const extra = extraResources(before);
    if (extra.length === 0) return [];
    if (Date.now() > until) return extra;
    // (The wait below has fired by the time the next check runs, so it is never counted.)
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
  }
}

let current: { failures: string[] } | undefined;
process.on('unhandledRejection', (reason) => {
  const line = `unhandled rejection: ${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`;
  if (current) current.failures.push(line);
  else console.log(`  !! ${line} (outside a probe)`);
});
process.on('uncaughtException', (err) => {
  const line = `uncaught exception: ${err.name}: ${err.message}`;
  if (current) current.failures.push(line);
  else console.log(`  !! ${line} (outside a probe)`);
});

export interface AreaResult {
  area: string;
  tried: number;
  passed: number;
  failed: number;
  failures: string[];
}

export async function runArea(area: Area): Promise<AreaResult> {
  console.log(`\n## ${area.name}`);
  const result: AreaResult = { area: area.name, tried: 0, passed: 0, failed: 0, failures: [] };
  for (const probe of area.probes) {
    result.tried++;
    const failures: string[] = [];
    current = { failures };
    const before = resourceCounts();
    const teardown: (() => unknown)[] = [];
    const pending = new Set<string>();
    const lines: string[] = [];
    const ctx: ProbeContext = {
      log: (line) => {
        lines.push(line);
        console.log(`    ${line}`);
      },
      defer: (fn) => void teardown.push(fn),
      check: (cond, message) => {
        if (!cond) throw new ProbeFailure(message);
      },
      call: async <T>(what: string, p: Promise<T> | (() => Promise<T>)) => {
        const id = `${what}#${pending.size}`;
        pending.add(id);
        let settled = 0;
        let outcome: Outcome<T>;
        try {
          const v = await (typeof p === 'function' ? p() : p);
          settled++;
          outcome = { ok: true, value: v };
        } catch (error) {
          settled++;
          outcome = { ok: false, error };
        }
        pending.delete(id);
        if (settled !== 1) failures.push(`${what}: settled ${settled} times`);
        return outcome;
      },
    };
    console.log(`  - ${probe.name}`);
    const timeoutMs = probe.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe.run(ctx),
        new Promise((_, rej) => {
          timer = setTimeout(() => rej(new ProbeFailure(`did not finish within the ${timeoutMs} ms safety net; calls still pending: ${[...pending].join(', ') || 'none'}`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      failures.push(err instanceof ProbeFailure ? err.message : `threw ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
    for (const fn of teardown.reverse()) {
      let t: NodeJS.Timeout | undefined;
      try {
        // A close() that never resolves is a finding too; the deadline is only a safety net.
        await Promise.race([fn(), new Promise((_, rej) => (t = setTimeout(() => rej(new Error('did not finish within 60 s')), 60_000)))]);
      } catch (err) {
        failures.push(`teardown (close) failed: ${String(err)}`);
      } finally {
        clearTimeout(t);
      }
    }
    if (pending.size) failures.push(`calls never settled: ${[...pending].join(', ')}`);
    const leaks = await leakCheck(before);
    if (leaks.length) failures.push(`left active after close(): ${leaks.join(', ')}`);
    else console.log('    resources: back to the baseline after close()');
    current = undefined;
    if (failures.length) {
      result.failed++;
      for (const f of failures) {
        console.log(`    FAIL ${f}`);
        result.failures.push(`${probe.name}: ${f}`);
      }
    } else {
      result.passed++;
      console.log('    ok');
    }
  }
  for (const line of area.summary?.() ?? []) console.log(`  ${line}`);
  return result;
}

export function printTable(results: AreaResult[]): void {
  const rows = [['area', 'tried', 'passed', 'failed'], ...results.map((r) => [r.area, String(r.tried), String(r.passed), String(r.failed)])];
  const total = results.reduce((a, r) => ({ t: a.t + r.tried, p: a.p + r.passed, f: a.f + r.failed }), { t: 0, p: 0, f: 0 });
  rows.push(['total', String(total.t), String(total.p), String(total.f)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log('');
  console.log(fmt(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(fmt(r));
}

/** The error of a failed outcome, or a ProbeFailure when the call succeeded. */
export function errorOf<T>(o: Outcome<T>, what: string): unknown {
  if (o.ok) throw new ProbeFailure(`${what}: expected a failure, got success`);
  return o.error;
}

export function describe(err: unknown): string {
  if (err instanceof Error) {
    const extra = ['code', 'status', 'scope', 'reason', 'errno'].map((k) => ((err as unknown as Record<string, unknown>)[k] !== undefined ? `${k}=${String((err as unknown as Record<string, unknown>)[k])}` : '')).filter(Boolean);
    return `${err.constructor.name}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  }
  return String(err);
}

/** Asserts an outcome failed with an instance of `cls` (and optionally `pred`); returns the error. */
export function expectError<E>(o: Outcome<unknown>, cls: abstract new (...args: never[]) => E, what: string, pred?: (e: E) => boolean): E {
  const err = errorOf(o, what);
  if (!(err instanceof cls)) throw new ProbeFailure(`${what}: expected ${cls.name}, got ${describe(err)}${err instanceof Error ? `: ${err.message}` : ''}`);
  if (pred && !pred(err as E)) throw new ProbeFailure(`${what}: ${describe(err)} did not have the expected fields`);
  return err as E;
}
