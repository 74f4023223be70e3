#!/usr/bin/env node
// npm run release:dry [-- --no-build] [--skip-attw] [--root <repo>]
// What a release would publish, without publishing: builds every package, then for
// every public package (discovered from packages/*/package.json, non-private):
//   - `npm pack --dry-run --json`: the file list and sizes of the tarball;
//   - `exports` check: "types" first in every conditions object, types for import and require;
//   - publint --strict (warnings fail);
//   - @arethetypeswrong/cli --pack, profile "strict" (node10, node16 CJS/ESM, bundler all resolve with types).
// Exits 1 when any check fails.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bin, buildAll, checkExports, formatBytes, packDryRun, publicPackages, repoRoot, toolEnv } from './lib.mjs';

const { values } = parseArgs({ options: { 'no-build': { type: 'boolean', default: false }, 'skip-attw': { type: 'boolean', default: false }, root: { type: 'string' } } });
const root = values.root ? resolve(values.root) : repoRoot;

function runTool(label, file, args, cwd) {
  const r = spawnSync(file, args, { cwd, env: { ...toolEnv, FORCE_COLOR: '0', NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/npm warn Unknown user config.*\n/g, '').trim(), label };
}

const failures = [];
try {
  if (!values['no-build']) {
    console.log('── build (npx turbo run build)');
    buildAll(root);
  }
  for (const p of publicPackages(root)) {
    console.log(`\n── ${p.name}@${p.version} (${p.relDir})`);
    let pack;
    try {
      pack = packDryRun(p);
    } catch (err) {
      failures.push(`${p.name}: npm pack failed: ${String(err?.stderr ?? err?.message ?? err).split('\n')[0]}`);
      continue;
    }
    for (const f of [...pack.files].sort((a, b) => a.path.localeCompare(b.path))) console.log(`   ${formatBytes(f.size).padStart(9)}  ${f.path}`);
    console.log(`   ${pack.filename}: ${pack.entryCount} files, ${formatBytes(pack.size)} packed, ${formatBytes(pack.unpackedSize)} unpacked`);
    if (!pack.files.some((f) => f.path.startsWith('dist/'))) failures.push(`${p.name}: the tarball has no dist/ files (not built?)`);
    const leaked = pack.files.filter((f) => /(^|\/)(test|src\/generated\/.*\.test|\.env)|\.tsbuildinfo$/.test(f.path));
    if (leaked.length) failures.push(`${p.name}: unexpected files in the tarball: ${leaked.map((f) => f.path).join(', ')}`);

    const exportsProblems = checkExports(p.pkg);
    console.log(`   exports: ${exportsProblems.length ? exportsProblems.join('; ') : 'types first, import and require typed'}`);
    for (const e of exportsProblems) failures.push(`${p.name}: ${e}`);

    const publint = runTool('publint', bin('publint'), ['run', p.dir, '--strict', '--pack', 'npm'], repoRoot);
    console.log(`   publint --strict: ${publint.ok ? 'ok' : 'FAILED'}`);
    if (!publint.ok || /warn|error/i.test(publint.out.replace(/^.*All good!.*$/m, ''))) {
      console.log(publint.out.split('\n').map((l) => `     ${l}`).join('\n'));
      if (!publint.ok) failures.push(`${p.name}: publint --strict failed`);
    }

    if (!values['skip-attw']) {
      // exit code = problems for the chosen profile; the JSON tells whether types were found at all
      // (attw exits 0 for a package without types, which must not pass here).
      const json = runTool('attw', bin('attw'), ['--pack', p.dir, '--profile', 'strict', '--format', 'json'], repoRoot);
      let typed = false;
      try {
        const report = JSON.parse(json.out.slice(json.out.indexOf('{')));
        typed = report.analysis?.types !== false;
      } catch {
        typed = false;
      }
      const ok = json.ok && typed;
      console.log(`   attw --pack (profile strict): ${ok ? 'ok' : typed ? 'FAILED' : 'FAILED (no types found)'}`);
      if (!ok) {
        const table = runTool('attw', bin('attw'), ['--pack', p.dir, '--profile', 'strict', '--format', 'table-flipped', '--no-emoji', '--no-color'], repoRoot);
        console.log(table.out.split('\n').map((l) => `     ${l}`).join('\n'));
        failures.push(`${p.name}: @arethetypeswrong/cli ${typed ? 'reported problems' : 'found no types'}`);
      }
    }
  }
} catch (err) {
  failures.push(String(err?.message ?? err));
}

if (failures.length) {
  console.error(`\nrelease:dry: ${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\nrelease:dry: every public package builds, packs and passes publint, attw and the exports check');
