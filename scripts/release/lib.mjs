// Release helpers: build, pack, package checks. Packages are discovered
// (packages/*/package.json, non-private) — never listed by hand.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
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

export function formatBytes(n) {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} kB` : `${n} B`;
}
