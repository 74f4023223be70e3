// The spec review analysis shared by `spec:review` and `spec:check-changesets`:
// materializes the base revision, compares every spec (OpenAPI / AsyncAPI) and the
// public API of every package, and derives the bump each public package needs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dependentsOf, discoverPackages, discoverSpecs, packagesForSpec } from '../lib/discover.mjs';
import { compareApis, packageSourcesChanged } from './api-diff.mjs';
import { compareAsyncApi } from './asyncapi-diff.mjs';
import { changesetsSince, declaredBumps, readChangesets } from './changesets.mjs';
import { lintSpec } from './lint.mjs';
import { dereference } from './load.mjs';
import { compareOpenApi } from './openapi-diff.mjs';
import { SEVERITY_IMPACT } from './schema-diff.mjs';
import { bumpFor, maxBump, nextVersion, rank } from './semver.mjs';

const git = (root, args, opts = {}) => execFileSync('git', ['-C', root, ...args], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'], ...opts });

/** The repository top level containing `dir`. */
export function gitRoot(dir) {
  return git(dir, ['rev-parse', '--show-toplevel']).toString().trim();
}

/**
 * Writes the base revision's specs/ and packages/ into a temporary folder (with `git archive`,
 * so relative $ref files come along). Returns { dir, sha, cleanup }.
 */
export function materializeBase(root, ref) {
  let sha;
  try {
    sha = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).toString().trim();
  } catch {
    throw new Error(`spec-review: unknown git ref "${ref}" (fetch it first, e.g. \`git fetch origin ${ref.replace(/^origin\//, '')}\`)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 's2sdk-review-base-'));
  const present = git(root, ['ls-tree', '--name-only', sha, '--', 'specs', 'packages'])
    .toString()
    .split('\n')
    .filter(Boolean);
  if (present.length) {
    const tar = git(root, ['archive', '--format=tar', sha, '--', ...present]);
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  return { dir, sha, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const IMPACT_ORDER = ['none', 'patch', 'minor', 'major'];
const maxImpact = (...xs) => xs.reduce((a, b) => (IMPACT_ORDER.indexOf(b) > IMPACT_ORDER.indexOf(a) ? b : a), 'none');
const impactOfChanges = (changes) => maxImpact('none', ...changes.map((c) => SEVERITY_IMPACT[c.severity]));

/** Compares one spec document between two trees. */
export function compareSpecFiles(kind, baseAbs, headAbs) {
  const base = baseAbs && existsSync(baseAbs) ? dereference(baseAbs) : undefined;
  const head = headAbs && existsSync(headAbs) ? dereference(headAbs) : undefined;
  if (!base && !head) return [];
  if (!base) return [{ severity: 'non-breaking', code: 'spec-added', where: 'document', message: 'new spec document' }];
  if (!head) return [{ severity: 'breaking', code: 'spec-removed', where: 'document', message: 'spec document removed' }];
  return kind === 'openapi' ? compareOpenApi(base, head) : compareAsyncApi(base, head);
}

/**
 * @param {{ root: string, base: string, lint?: boolean }} opts
 */
export async function analyze({ root, base, lint = true }) {
  const baseTree = materializeBase(root, base);
  try {
    const headSpecs = discoverSpecs(root);
    const baseSpecs = discoverSpecs(baseTree.dir);
    const headPkgs = discoverPackages(root);
    const allPaths = [...new Set([...headSpecs.map((s) => s.path), ...baseSpecs.map((s) => s.path)])].sort();

    const specs = [];
    for (const path of allPaths) {
      const h = headSpecs.find((s) => s.path === path);
      const b = baseSpecs.find((s) => s.path === path);
      const spec = h ?? b;
      let changes;
      try {
        changes = compareSpecFiles(spec.kind, b?.abs, h?.abs);
      } catch (err) {
        changes = [{ severity: 'unclassified', code: 'compare-failed', where: 'document', message: `could not compare: ${String(err?.message ?? err).split('\n')[0]}` }];
      }
      const lints = lint && h ? await lintSpec(root, h) : [];
      specs.push({ path, kind: spec.kind, api: spec.api, status: !b ? 'added' : !h ? 'removed' : 'changed', changes, impact: impactOfChanges(changes), lints, packages: packagesForSpec(spec, headPkgs).map((p) => p.name) });
    }

    const apis = compareApis({ baseRoot: baseTree.dir, headRoot: root });
    const baseNames = new Set(discoverPackages(baseTree.dir).map((p) => p.name));

    const packages = headPkgs.map((p) => {
      const reasons = [];
      const isNew = !baseNames.has(p.name);
      for (const s of specs.filter((s) => s.packages.includes(p.name))) {
        if (s.impact !== 'none') reasons.push({ impact: s.impact, source: s.path, text: `${s.path}: ${s.changes.filter((c) => SEVERITY_IMPACT[c.severity] === s.impact).length} ${s.impact}-impact change(s)` });
      }
      const api = apis.get(p.name);
      const apiImpact = api ? impactOfChanges(api.changes) : 'none';
      if (api && apiImpact !== 'none' && !isNew) reasons.push({ impact: apiImpact, source: 'public API', text: `public API: ${api.changes.filter((c) => SEVERITY_IMPACT[c.severity] === apiImpact).length} ${apiImpact}-impact change(s)` });
      const touched = isNew ? [] : packageSourcesChanged(baseTree.dir, root, p);
      if (touched.length) reasons.push({ impact: 'patch', source: 'sources', text: `sources changed: ${touched.slice(0, 5).join(', ')}${touched.length > 5 ? ', …' : ''}` });
      const impact = isNew ? 'none' : maxImpact('none', ...reasons.map((r) => r.impact));
      return { name: p.name, dir: p.relDir, version: p.version, isNew, impact, required: bumpFor(impact, p.version), reasons, api, deps: p.workspaceDeps };
    });

    // A dependency that changes makes its dependents release too. Changesets does that
    // automatically (`updateInternalDependencies: patch`), so it is reported, not required;
    // a dependent whose own public API changes through the dependency has its own API change above.
    for (const p of packages) {
      const via = packages.filter((d) => d.required !== 'none' && dependentsOf(d.name, headPkgs).includes(p.name)).map((d) => d.name);
      p.viaDependencies = via;
    }

    // only the changesets of this change: added or modified since the base (one already on the
    // base branch is pending for the base's own changes)
    const added = changesetsSince(root, baseTree.sha);
    const changesets = readChangesets(root, { only: added });
    const onBase = readChangesets(root).filter((c) => !added.has(c.file)).map((c) => c.file);
    const declared = declaredBumps(changesets);
    for (const p of packages) {
      p.declared = declared.get(p.name) ?? 'none';
      p.next = nextVersion(p.version, maxBump(p.declared, p.required));
      p.ok = rank(p.declared) >= rank(p.required);
    }
    return { base, baseSha: baseTree.sha, headSha: safeHead(root), specs, packages, changesets, changesetsOnBase: onBase };
  } finally {
    baseTree.cleanup();
  }
}

function safeHead(root) {
  try {
    return git(root, ['rev-parse', 'HEAD']).toString().trim();
  } catch {
    return undefined;
  }
}
