// docs/ARCHITECTURE.md, "Parts and what they may import": a package's source imports only the
// packages its package.json lists (dependencies, peerDependencies, optionalDependencies) and Node
// built-ins; tests and type tests may also import its devDependencies. ws-protocol imports
// nothing at all.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, workspacePackages } from '../lib/workspace.mjs';

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\s)import\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/gm;
const builtins = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(path);
    return /\.(m|c)?[jt]s$/.test(e.name) ? [path] : [];
  });
}

/** The package name of a bare specifier (`@scope/name/sub` → `@scope/name`), or undefined for relative paths and built-ins. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return builtins.has(name) ? undefined : name;
}

/** Every bare package a file imports (type-only imports included: they must resolve for consumers too). */
export function importedPackages(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    const name = spec && packageOf(spec);
    if (name) out.add(name);
  }
  return out;
}

describe('package imports follow docs/ARCHITECTURE.md', () => {
  it('reads import, export-from, dynamic import and require specifiers', () => {
    const text = [
      "import { a } from '@s2sdk/core';",
      "import type { B } from '@s2sdk/ws-protocol/sub';",
      "export * from './local.js';",
      "export { c } from 'ws';",
      "import 'side-effect';",
      "const m = await import('yaml');",
      "const n = require('node:fs'); const f = require('fs');",
      "// a comment that says import x from 'nowhere' counts too, which errs on the strict side",
    ].join('\n');
    expect([...importedPackages(text)].sort()).toEqual(['@s2sdk/core', '@s2sdk/ws-protocol', 'nowhere', 'side-effect', 'ws', 'yaml']);
  });

  for (const p of workspacePackages()) {
    const deps = new Set([...Object.keys(p.pkg.dependencies ?? {}), ...Object.keys(p.pkg.peerDependencies ?? {}), ...Object.keys(p.pkg.optionalDependencies ?? {}), p.name]);
    const devDeps = new Set([...deps, ...Object.keys(p.pkg.devDependencies ?? {})]);
    it(`${p.name}: src imports only its dependencies; tests only its dependencies and devDependencies`, () => {
      const stray: string[] = [];
      expect(sourceFiles(join(p.dir, 'src')).length).toBeGreaterThan(0);
      for (const [folder, allowed] of [['src', deps], ['test', devDeps]] as const) {
        for (const file of sourceFiles(join(p.dir, folder))) {
          for (const name of importedPackages(readFileSync(file, 'utf8'))) {
            // Test files may use the workspace's root devDependencies (vitest, fast-check…) that every package shares.
            if (!allowed.has(name) && !(folder === 'test' && rootDevDeps.has(name))) stray.push(`${relative(repoRoot, file)} imports ${name}`);
          }
        }
      }
      expect(stray).toEqual([]);
    });
  }

  it('@s2sdk/ws-protocol has no dependencies', () => {
    const p = workspacePackages().find((w) => w.name === '@s2sdk/ws-protocol')!;
    expect(Object.keys({ ...p.pkg.dependencies, ...p.pkg.peerDependencies })).toEqual([]);
  });
});

const rootDevDeps = new Set(Object.keys(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).devDependencies ?? {}));
