#!/usr/bin/env node
// npm run size [-- --build] [--root <repo>] — gzip size budgets for the runtime JS of every public package.
// Budgets live in ONE file, size-budgets.json at the root:
//   { "default": <bytes>, "packages": { "<name>": <bytes> | { "<subpath>": <bytes> } } }
// Measured: the ESM runtime entry of every `exports` subpath (dist/index.js, dist/node.js …)
// WITH every file it imports statically inside the package (split chunks, shared modules),
// concatenated, gzip level 9 — what loading the entry costs. Dependencies (bare imports) and
// lazily loaded files (`import()`) are not counted. A package or subpath without its own
// budget uses "default".
// Plus the named browser bundles of size-budgets.json `bundles` (what a web app pays for an
// import, dependencies included): an esbuild browser bundle of the built dist/, minified,
// gzip level 9 (scripts/lib/bundle-size.mjs, shared with `npm run bench`).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { browserBundleSize, bundleBudgets } from '../lib/bundle-size.mjs';
import { buildAll, entryGzipSize, formatBytes, publicPackages, repoRoot, runtimeEntries } from './lib.mjs';

export function loadBudgets(root = repoRoot) {
  const file = join(root, 'size-budgets.json');
  if (!existsSync(file)) throw new Error('size-budgets.json is missing at the repository root');
  const b = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof b.default !== 'number') throw new Error('size-budgets.json: "default" (bytes) is required');
  return b;
}

export function budgetFor(budgets, name, subpath) {
  const p = budgets.packages?.[name];
  if (typeof p === 'number') return subpath === '.' ? { bytes: p, source: name } : { bytes: budgets.default, source: 'default' };
  if (p && typeof p === 'object' && typeof p[subpath] === 'number') return { bytes: p[subpath], source: `${name} ${subpath}` };
  return { bytes: budgets.default, source: 'default' };
}

/** @returns {{ rows: any[], failures: string[] }} */
export function checkSizes(root = repoRoot) {
  const budgets = loadBudgets(root);
  const rows = [];
  const failures = [];
  for (const p of publicPackages(root)) {
    for (const { subpath, file } of runtimeEntries(p.pkg)) {
      const abs = join(p.dir, file);
      const { bytes: limit, source } = budgetFor(budgets, p.name, subpath);
      if (!existsSync(abs)) {
        failures.push(`${p.name} ${file}: not built (run \`npm run build\` or \`npm run size -- --build\`)`);
        rows.push({ name: p.name, subpath, file, size: undefined, limit, source, ok: false });
        continue;
      }
      let measured;
      try {
        measured = entryGzipSize(abs, p.dir);
      } catch (err) {
        failures.push(`${p.name} ${file}: ${err.message}`);
        rows.push({ name: p.name, subpath, file, size: undefined, limit, source, ok: false });
        continue;
      }
      const { size } = measured;
      const chunks = measured.files.length - 1;
      const ok = size <= limit;
      const what = chunks ? `${file} (+${chunks} imported file${chunks > 1 ? 's' : ''})` : file;
      if (!ok) failures.push(`${p.name} ${what}: ${formatBytes(size)} gzip > budget ${formatBytes(limit)} (${source}); shrink it or raise the budget in size-budgets.json`);
      rows.push({ name: p.name, subpath, file: what, size, limit, source, ok, files: measured.files.map((f) => relative(p.dir, f).split(sep).join('/')) });
    }
  }
  for (const name of Object.keys(budgets.packages ?? {})) {
    if (!rows.some((r) => r.name === name)) failures.push(`size-budgets.json: "${name}" is not a public package any more (remove its budget)`);
  }
  return { rows, failures };
}

/** The named browser bundles (`bundles` in size-budgets.json), measured from dist/. */
export async function checkBundles(root = repoRoot) {
  const rows = [];
  const failures = [];
  for (const b of bundleBudgets(root)) {
    if (typeof b.budget !== 'number' || typeof b.from !== 'string') throw new Error(`size-budgets.json bundles["${b.name}"] needs "from" and "budget"`);
    const { gzip } = await browserBundleSize({ from: b.from, names: b.names, source: 'dist', root });
    const ok = gzip <= b.budget;
    if (!ok) failures.push(`browser bundle ${b.name}: ${formatBytes(gzip)} gzip > budget ${formatBytes(b.budget)}; shrink it or raise the budget in size-budgets.json`);
    rows.push({ name: `bundle ${b.name}`, file: '(esbuild browser, minified)', size: gzip, limit: b.budget, source: 'bundles', ok });
  }
  return { rows, failures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { build: { type: 'boolean', default: false }, root: { type: 'string' } } });
  try {
    const root = values.root ? resolve(values.root) : repoRoot;
    if (values.build) buildAll(root);
    const { rows, failures } = checkSizes(root);
    const bundles = await checkBundles(root);
    rows.push(...bundles.rows);
    failures.push(...bundles.failures);
    const w = Math.max(...rows.map((r) => `${r.name} ${r.file}`.length), 10);
    for (const r of rows) {
      const pct = r.size === undefined ? '' : ` ${Math.round((r.size / r.limit) * 100)}%`;
      console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${`${r.name} ${r.file}`.padEnd(w)}  ${(r.size === undefined ? 'missing' : formatBytes(r.size)).padStart(9)} / ${formatBytes(r.limit).padStart(8)}${pct}${r.source === 'default' ? ' (default budget)' : ''}`);
    }
    if (failures.length) {
      console.error(`\nsize: ${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
      process.exit(1);
    }
    console.log('\nsize: every runtime entry (with the files it imports statically) and every named browser bundle is within its gzip budget');
  } catch (err) {
    console.error(`size: ${err?.message ?? err}`);
    process.exit(1);
  }
}
