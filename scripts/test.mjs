#!/usr/bin/env node
// `npm test`: every package's vitest suite through turbo (build first, cached by
// inputs), then the repository-level suites under scripts/test, then one summary
// line. Skipped or todo tests fail the run: this repository has none by rule.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, workspacePackages } from './lib/workspace.mjs';

const env = { ...process.env, S2SDK_TEST_REPORT: '1', TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? '0' };
const extra = process.argv.slice(2);
const reports = [];
for (const p of workspacePackages()) {
  const file = join(p.dir, 'test-results/vitest.json');
  rmSync(file, { force: true });
  if (p.pkg.scripts?.test) reports.push({ name: p.name, file });
}
const scriptsReport = join(repoRoot, 'scripts/test-results/vitest.json');
rmSync(scriptsReport, { force: true });

const run = (cmd, args) => spawnSync(cmd, args, { cwd: repoRoot, env, stdio: 'inherit' }).status ?? 1;
// --continue: one failing package must not stop (and orphan the servers of) the others;
// every package reports, and the summary counts them all.
let status = run(join(repoRoot, 'node_modules/.bin/turbo'), ['run', 'test', '--output-logs=full', '--concurrency=2', '--continue', ...extra]);
if (existsSync(join(repoRoot, 'scripts/vitest.config.ts'))) {
  reports.push({ name: 'scripts', file: scriptsReport });
  status = run(join(repoRoot, 'node_modules/.bin/vitest'), ['run', '--config', 'scripts/vitest.config.ts']) || status;
}

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const r of reports) {
  if (!existsSync(r.file)) {
    missing.push(r.name);
    continue;
  }
  const j = JSON.parse(readFileSync(r.file, 'utf8'));
  passed += j.numPassedTests ?? 0;
  failed += j.numFailedTests ?? 0;
  skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  if ((j.numFailedTestSuites ?? 0) > 0 && (j.numFailedTests ?? 0) === 0) failed += j.numFailedTestSuites;
}
console.log('');
for (const m of missing) console.log(`test summary: no report from ${m} (its test run did not complete)`);
if (skipped > 0) console.log(`test summary: ${skipped} skipped or todo test(s): not allowed here`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status || failed || skipped || missing.length ? 1 : 0);
