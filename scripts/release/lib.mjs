// Release helpers: build, pack, package checks. Packages are discovered
// (packages/*/package.json, non-private) — never listed by hand.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { discoverPackages, repoRoot, topoSort } from '../lib/discover.mjs';

export { repoRoot };

export const toolEnv = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  NO_UPDATE_NOTIFIER: '1',
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};

export const bin = (name, root = repoRoot) => join(root, 'node_modules', '.bin', name);

/** Public packages in dependency order. */
export function publicPackages(root = repoRoot) {
  return topoSort(discoverPackages(root));
}

/** `turbo run build` for every package (turbo caches by inputs). Throws on failure. */
export function buildAll(root = repoRoot) {
  const r = spawnSync(bin('turbo'), ['run', 'build', '--output-logs=errors-only'], { cwd: root, env: toolEnv, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed (`npx turbo run build`)');
}

function npmJson(args, cwd) {
  const out = execFileSync('npm', args, { cwd, env: toolEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.slice(out.indexOf('[')));
}

/** `npm pack --dry-run --json`: { filename, size, unpackedSize, files: [{ path, size }] } */
export function packDryRun(pkg) {
  return npmJson(['pack', '--dry-run', '--json', '--ignore-scripts'], pkg.dir)[0];
}

/** Packs into `dest`; returns the tarball's absolute path. */
export function packTo(pkg, dest) {
  const [info] = npmJson(['pack', '--json', '--ignore-scripts', '--pack-destination', dest], pkg.dir);
  return join(dest, info.filename);
}

/**
 * Checks the `exports` map: every conditions object lists `types` first, and every
 * subpath resolves types for both `import` and `require` (ESM and CJS consumers).
 * @returns {string[]} problems
 */
export function checkExports(pkgJson) {
  const problems = [];
  const ex = pkgJson.exports;
  if (!ex || typeof ex !== 'object') return ['no "exports" map'];
  const visit = (node, where) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const keys = Object.keys(node);
    if (keys.includes('types') && keys[0] !== 'types') problems.push(`${where}: "types" must be the first condition (found: ${keys.join(', ')})`);
    for (const k of keys) visit(node[k], `${where}.${k}`);
  };
  const hasTypes = (node) => {
    if (typeof node === 'string') return /\.d\.[cm]?ts$/.test(node);
    if (!node || typeof node !== 'object') return false;
    return typeof node.types === 'string' || Object.values(node).some(hasTypes);
  };
  for (const [subpath, target] of Object.entries(ex)) {
    if (subpath === './package.json') continue;
    visit(target, `exports["${subpath}"]`);
    if (typeof target === 'string') {
      problems.push(`exports["${subpath}"] is a bare path: give it "import"/"require" conditions with "types"`);
      continue;
    }
    for (const cond of ['import', 'require']) {
      const branch = target[cond] ?? target.default;
      if (!branch) problems.push(`exports["${subpath}"] has no "${cond}" condition`);
      else if (!hasTypes(branch) && typeof target.types !== 'string') problems.push(`exports["${subpath}"].${cond} has no "types"`);
    }
  }
  return problems;
}

/** The ESM runtime entry files of a package: the `import` targets of its exports (else `module`/`main`). */
export function runtimeEntries(pkgJson) {
  const out = [];
  const pick = (node) => {
    if (typeof node === 'string') return node;
    if (!node || typeof node !== 'object') return undefined;
    return pick(node.import) ?? pick(node.default);
  };
  for (const [subpath, target] of Object.entries(pkgJson.exports ?? {})) {
    if (subpath === './package.json') continue;
    const file = pick(target);
    if (file && /\.[cm]?js$/.test(file)) out.push({ subpath, file: file.replace(/^\.\//, '') });
  }
  if (!out.length && (pkgJson.module || pkgJson.main)) out.push({ subpath: '.', file: String(pkgJson.module ?? pkgJson.main).replace(/^\.\//, '') });
  return out;
}

export function gzipSize(file) {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** The relative specifiers of the STATIC imports and re-exports of an ES module (`import()` is lazy: not followed). */
export function staticImports(code, fileName = 'module.js') {
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const out = [];
  for (const st of sf.statements) {
    const spec = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
    if (spec && (spec.startsWith('./') || spec.startsWith('../'))) out.push(spec);
  }
  return out;
}

/**
 * The files an ESM entry loads: the entry and, transitively, every file it imports statically
 * (split chunks, shared modules) inside `within` (the package folder). Bare specifiers are
 * dependencies (their own packages); dynamic `import()` is loaded lazily: neither is followed.
 * @returns {string[]} absolute paths, the entry first
 */
export function staticGraph(entry, within = dirname(entry)) {
  const root = resolve(within);
  const seen = new Set();
  const order = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    order.push(file);
    if (!/\.[cm]?js$/.test(file)) return;
    for (const spec of staticImports(readFileSync(file, 'utf8'), file)) {
      const target = resolve(dirname(file), spec);
      if (target !== root && !target.startsWith(root + sep)) continue;
      if (!existsSync(target) || statSync(target).isDirectory()) throw new Error(`${relative(root, file)} imports ${spec}, which is not in the package`);
      visit(target);
    }
  };
  visit(resolve(entry));
  return order;
}

/** Gzip (level 9) size of what an entry loads: its static import graph, concatenated. */
export function entryGzipSize(entry, within) {
  const files = staticGraph(entry, within);
  const size = gzipSync(Buffer.concat(files.flatMap((f) => [readFileSync(f), Buffer.from('\n')])), { level: 9 }).length;
  return { size, files };
}

export function formatBytes(n) {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} kB` : `${n} B`;
}
