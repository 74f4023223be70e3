#!/usr/bin/env node
// Drift check: regenerates everything into a temporary mirror and compares it
// with the committed files. Fails with the list of files that differ.
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoRoot, workspacePackages } from './lib/workspace.mjs';

const tmp = mkdtempSync(join(tmpdir(), 's2sdk-generated-'));
try {
  execFileSync(process.execPath, [join(repoRoot, 'scripts/generate.mjs'), '--out', tmp, '--quiet'], { stdio: 'inherit' });
  const walk = (dir) => (existsSync(dir) ? readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)])) : []);
  const problems = [];
  for (const p of workspacePackages().filter((x) => x.openapi || x.asyncapi)) {
    const rels = new Set([...walk(join(tmp, p.relDir)), ...walk(join(repoRoot, p.relDir, 'src/generated'))].map((f) => relative(f.startsWith(tmp) ? tmp : repoRoot, f)));
    rels.add(join(p.relDir, 'turbo.json'));
    for (const rel of [...rels].sort()) {
      if (!rel.includes('src/generated') && !rel.endsWith('turbo.json')) continue;
      const fresh = join(tmp, rel);
      const committed = join(repoRoot, rel);
      if (!existsSync(fresh)) problems.push(`${rel}: committed but no longer generated (delete it)`);
      else if (!existsSync(committed)) problems.push(`${rel}: generated but missing from the tree`);
      else if (!readFileSync(fresh).equals(readFileSync(committed))) problems.push(`${rel}: differs from what the spec generates`);
    }
  }
  if (problems.length) {
    console.error(`check:generated: ${problems.length} generated file(s) drifted from specs/:\n  ${problems.join('\n  ')}\nRun \`npm run generate\` and commit the result.`);
    process.exit(1);
  }
  console.log('check:generated: generated files match the specs');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
