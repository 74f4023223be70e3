// Turns rounds into rows of ratios (min–max over rounds) with goal marks. Never bare times.
import type { RoundResult } from './child.ts';
import type { Scenario } from './types.ts';

export interface RatioRow {
  scenario: string;
  ratio: string;
  median: number;
  min: number;
  max: number;
  goal: number | undefined;
  /** The goal is met when the median over rounds reaches it. */
  met: boolean | undefined;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function perRound(results: RoundResult[], name: string): Map<number, RoundResult> {
  return new Map(results.filter((r) => r.contender === name).map((r) => [r.round, r]));
}

function row(scenario: string, ratio: string, values: number[], goal: number | undefined, higherIsBetter = true): RatioRow {
  const m = median(values);
  return { scenario, ratio, median: m, min: Math.min(...values), max: Math.max(...values), goal, met: goal === undefined ? undefined : higherIsBetter ? m >= goal : m <= goal };
}

export function ratioRows(scenario: Scenario, results: RoundResult[]): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const [a, b] of scenario.ratios) {
    const ra = perRound(results, a);
    const rb = perRound(results, b);
    const values = [...ra.keys()].filter((k) => rb.has(k)).map((k) => ra.get(k)!.opsPerSec / rb.get(k)!.opsPerSec);
    if (!values.length) throw new Error(`${scenario.name}: ratio ${a} ÷ ${b} names a contender that did not run`);
    const key = `${a} ÷ ${b}`;
    rows.push(row(scenario.name, key, values, scenario.goals?.[key]));
  }
  for (const ac of scenario.addedCost ?? []) {
    const [s, r, base] = [perRound(results, ac.subject), perRound(results, ac.reference), perRound(results, ac.baseline)];
    const values = [...s.keys()].filter((k) => r.has(k) && base.has(k)).map((k) => {
      const b = base.get(k)!.cpuUsPerOp;
      return (s.get(k)!.cpuUsPerOp - b) / (r.get(k)!.cpuUsPerOp - b);
    });
    if (!values.length) throw new Error(`${scenario.name}: added cost of ${ac.subject} names a contender that did not run`);
    rows.push(row(scenario.name, `CPU added over ${ac.baseline}: ${ac.subject} ÷ ${ac.reference}`, values, ac.goal, false));
  }
  return rows;
}

const fmt = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mark = (r: { met: boolean | undefined; goal: number | undefined }, cmp: string) => (r.goal === undefined ? '' : `${r.met ? 'met   ' : 'MISSED'} (goal ${cmp} ${r.goal})`);

export function formatTable(rows: RatioRow[], lowerIsBetter: (r: RatioRow) => boolean = (r) => r.ratio.startsWith('CPU added')): string {
  const w1 = Math.max(8, ...rows.map((r) => r.scenario.length));
  const w2 = Math.max(5, ...rows.map((r) => r.ratio.length));
  const lines = [`${'scenario'.padEnd(w1)}  ${'ratio'.padEnd(w2)}  median  min–max       goal`];
  for (const r of rows) {
    lines.push(`${r.scenario.padEnd(w1)}  ${r.ratio.padEnd(w2)}  ${fmt(r.median).padStart(6)}  ${`${fmt(r.min)}–${fmt(r.max)}`.padEnd(12)}  ${mark(r, lowerIsBetter(r) ? '≤' : '≥')}`);
  }
  return lines.join('\n');
}
