// Discovery helpers shared by the docs, spec-review and release scripts.
// Nothing here keeps a hand list: specs are `specs/<api>/{openapi,asyncapi}.yaml`,
// packages are `packages/<dir>/package.json`, and a package is linked to the spec
// it is generated from by its package.json field `s2sdk.openapi` / `s2sdk.asyncapi`.
// Every function takes the repository root, so the same code works on the working
// tree, on a materialized base revision and on test fixtures.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SPEC_KINDS = /** @type {const} */ (['openapi', 'asyncapi']);

/**
 * @typedef {{ api: string, kind: 'openapi' | 'asyncapi', path: string, abs: string, id: string }} SpecInfo
 *   `path` is relative to the root with forward slashes (`specs/niyantha/asyncapi.yaml`);
 *   `id` is unique per document (`niyantha/asyncapi`), used for output folders.
 */

/** Every spec document under `<root>/specs`, sorted by api then kind. @returns {SpecInfo[]} */
export function discoverSpecs(root = repoRoot) {
  const base = join(root, 'specs');
  if (!existsSync(base)) return [];
  const out = [];
  for (const api of readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const kind of SPEC_KINDS) {
      const abs = join(base, api, `${kind}.yaml`);
      if (existsSync(abs)) out.push({ api, kind, path: toPosix(relative(root, abs)), abs, id: `${api}/${kind}` });
    }
  }
  return out;
}

/**
 * @typedef {{
 *   dir: string, relDir: string, dirName: string, name: string, version: string, private: boolean,
 *   pkg: any, openapi?: string, asyncapi?: string, factory?: string,
 *   workspaceDeps: string[]
 * }} PackageInfo
 *   `openapi` / `asyncapi` are the spec paths from `s2sdk` (relative to the root, posix);
 *   `factory` is `s2sdk.factory` (the exported function that creates the client);
 *   `workspaceDeps` are the names of other workspace packages in dependencies/peerDependencies.
 */

/** Every package under `<root>/packages` (sorted by folder). @returns {PackageInfo[]} */
export function discoverPackages(root = repoRoot, { includePrivate = false } = {}) {
  const base = join(root, 'packages');
  if (!existsSync(base)) return [];
  const raw = [];
  for (const dirName of readdirSync(base).sort()) {
    const file = join(base, dirName, 'package.json');
    if (!existsSync(file)) continue;
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`discover: cannot parse ${toPosix(relative(root, file))}: ${/** @type {Error} */ (err).message}`);
    }
    raw.push({ dirName, pkg });
  }
  const names = new Set(raw.map((r) => r.pkg.name));
  return raw
    .filter((r) => includePrivate || r.pkg.private !== true)
    .map(({ dirName, pkg }) => {
      const dir = join(base, dirName);
      const deps = { ...pkg.dependencies, ...pkg.peerDependencies };
      return {
        dir,
        relDir: toPosix(relative(root, dir)),
        dirName,
        name: pkg.name,
        version: pkg.version ?? '0.0.0',
        private: pkg.private === true,
        pkg,
        openapi: pkg.s2sdk?.openapi ? toPosix(pkg.s2sdk.openapi) : undefined,
        asyncapi: pkg.s2sdk?.asyncapi ? toPosix(pkg.s2sdk.asyncapi) : undefined,
        factory: pkg.s2sdk?.factory,
        workspaceDeps: Object.keys(deps).filter((d) => names.has(d) && d !== pkg.name).sort(),
      };
    });
}

/** The packages generated from a spec (matched on the `s2sdk` field). */
export function packagesForSpec(spec, packages) {
  return packages.filter((p) => p[spec.kind] === spec.path);
}

/** The spec documents a package is generated from. */
export function specsForPackage(pkg, specs) {
  return specs.filter((s) => pkg[s.kind] === s.path);
}

/** Names of every package that depends on `name`, directly or transitively (sorted). */
export function dependentsOf(name, packages) {
  const out = new Set();
  const queue = [name];
  while (queue.length) {
    const cur = queue.shift();
    for (const p of packages) {
      if (p.workspaceDeps.includes(cur) && !out.has(p.name) && p.name !== name) {
        out.add(p.name);
        queue.push(p.name);
      }
    }
  }
  return [...out].sort();
}

/** Packages in dependency order (dependencies first). */
export function topoSort(packages) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const out = [];
  const seen = new Set();
  const visit = (p, stack = new Set()) => {
    if (seen.has(p.name) || stack.has(p.name)) return;
    stack.add(p.name);
    for (const d of p.workspaceDeps) if (byName.has(d)) visit(byName.get(d), stack);
    seen.add(p.name);
    out.push(p);
  };
  for (const p of packages) visit(p);
  return out;
}

/** The package's entry module for API docs/diffs: `src/index.ts`. */
export function entryOf(pkg) {
  return join(pkg.dir, 'src', 'index.ts');
}

export function toPosix(p) {
  return p.split('\\').join('/');
}
