// The bundle section of `npm run bench`: gzip size of esbuild browser bundles (from src/),
// ours next to openapi-fetch, against the budgets in size-budgets.json (`bundles`).
import { browserBundleSize, bundleBudgets } from '../lib/bundle-size.mjs';

export interface BundleRow {
  name: string;
  gzip: number;
  budget: number;
  /** The target (size-budgets.json `goal`, else the budget). */
  goal: number;
  /** gzip ÷ openapi-fetch's gzip. */
  vsOpenapiFetch: number;
}

export async function bundleRows(): Promise<BundleRow[]> {
  const reference = await browserBundleSize({ from: 'openapi-fetch', names: ['default'] });
  const rows: BundleRow[] = [];
  for (const b of bundleBudgets()) {
    const { gzip } = await browserBundleSize({ from: b.from, names: b.names, source: 'src' });
    rows.push({ name: b.name, gzip, budget: b.budget, goal: b.goal ?? b.budget, vsOpenapiFetch: gzip / reference.gzip });
  }
  rows.push({ name: 'openapi-fetch (reference)', gzip: reference.gzip, budget: Number.NaN, goal: Number.NaN, vsOpenapiFetch: 1 });
  return rows;
}

export function formatBundles(rows: BundleRow[]): string {
  const w = Math.max(...rows.map((r) => r.name.length));
  return [
    `${'browser bundle (esbuild, minified, gzip -9)'.padEnd(w)}  ${'gzip'.padStart(8)}  ÷ openapi-fetch  goal (budget enforced by npm run size)`,
    ...rows.map((r) => `${r.name.padEnd(w)}  ${`${(r.gzip / 1024).toFixed(2)} KB`.padStart(8)}  ${r.vsOpenapiFetch.toFixed(2).padStart(15)}  ${Number.isNaN(r.goal) ? '' : `${r.gzip <= r.goal ? 'met   ' : 'MISSED'} (≤ ${(r.goal / 1024).toFixed(1)} KB; budget ${(r.budget / 1024).toFixed(1)} KB)`}`),
  ].join('\n');
}
