#!/usr/bin/env node
// `npm run lint`: every spec under specs/ (discovered, never listed by hand) with
// zero errors and zero warnings, then a type check of every package.
//   OpenAPI:  redocly lint with redocly.yaml
//   AsyncAPI: spectral with .spectral-asyncapi.yaml (spectral:asyncapi + our request/reply rules)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, specDocuments } from './lib/workspace.mjs';

const bin = (name) => join(repoRoot, 'node_modules/.bin', name);
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const failures = [];

function run(label, cmd, args) {
  console.log(`\n── ${label}`);
  const r = spawnSync(cmd, args, { cwd: repoRoot, env, encoding: 'utf8' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  process.stdout.write(out);
  return { status: r.status ?? 1, out };
}

for (const spec of specDocuments()) {
  if (spec.kind === 'openapi') {
    console.log(`\n── redocly lint ${spec.path}`);
    const r = spawnSync(bin('redocly'), ['lint', spec.path, '--format=json'], { cwd: repoRoot, env, encoding: 'utf8' });
    let report;
    try {
      report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    } catch {
      process.stdout.write(`${r.stdout}${r.stderr}`);
      failures.push(spec.path);
      continue;
    }
    for (const p of report.problems) console.log(`  ${p.severity} ${p.ruleId}: ${p.message} (${p.location?.[0]?.source?.ref ?? spec.path}${p.location?.[0]?.pointer ?? ''})`);
    console.log(`  ${report.totals.errors} errors, ${report.totals.warnings} warnings`);
    // redocly exits 0 on warnings: this repository allows none.
    if (report.totals.errors > 0 || report.totals.warnings > 0) failures.push(spec.path);
  } else {
    const ruleset = join(repoRoot, '.spectral-asyncapi.yaml');
    if (!existsSync(ruleset)) {
      console.log(`\n── ${spec.path}: .spectral-asyncapi.yaml is missing`);
      failures.push(spec.path);
      continue;
    }
    const { status } = run(`spectral lint ${spec.path}`, bin('spectral'), ['lint', spec.path, '--ruleset', ruleset, '--fail-severity=warn']);
    if (status !== 0) failures.push(spec.path);
  }
}

const tc = run('typecheck (every package, sources and tests)', bin('turbo'), ['run', 'typecheck', '--output-logs=errors-only']);
if (tc.status !== 0) failures.push('typecheck');
const root = run('typecheck (scripts, examples and the repository as a whole)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
if (root.status !== 0) failures.push('typecheck (repository)');

if (failures.length) {
  console.error(`\nlint: failed for ${failures.join(', ')}`);
  process.exit(1);
}
console.log('\nlint: every spec is clean (0 errors, 0 warnings) and every package type-checks');
