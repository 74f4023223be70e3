// Pending changesets: .changeset/*.md files whose YAML frontmatter maps package
// names to bumps (`"@s2sdk/theodore": minor`). README.md is not a changeset.
// The review only counts the changesets of the change under review: added or modified since
// the base (changesetsSince) — one already on the base branch covers the base's own changes.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { maxBump, rank } from './semver.mjs';

/**
 * @param {string} root
 * @param {{ only?: Set<string> }} [opts] only: the `.changeset/<file>.md` paths to read (default: all)
 * @returns {{ file: string, releases: Record<string, string>, summary: string }[]}
 */
export function readChangesets(root, { only } = {}) {
  const dir = join(root, '.changeset');
  if (!existsSync(dir)) return [];
  const out = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.md') || file.toLowerCase() === 'readme.md') continue;
    if (only && !only.has(`.changeset/${file}`)) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
    if (!m) throw new Error(`.changeset/${file}: no frontmatter (--- … ---)`);
    const front = m[1].trim() ? parseYaml(m[1]) ?? {} : {};
    const releases = {};
    for (const [name, bump] of Object.entries(front)) {
      const b = String(bump).trim();
      rank(b === 'none' ? 'none' : b); // throws on an unknown bump
      releases[name] = b;
    }
    out.push({ file: `.changeset/${file}`, releases, summary: m[2].trim() });
  }
  return out;
}

/** Highest bump declared per package over all pending changesets. */
export function declaredBumps(changesets) {
  const out = new Map();
  for (const cs of changesets) for (const [name, bump] of Object.entries(cs.releases)) out.set(name, maxBump(out.get(name) ?? 'none', bump));
  return out;
}

/**
 * The `.changeset/*.md` files added or modified between the base and the working tree: committed
 * since the merge base of `base` and HEAD (`git diff --name-status <merge-base>`, which compares
 * with the working tree, staged or not), plus untracked files. Deleted ones are left out.
 * @param {string} root a git working tree @param {string} base a commit
 * @returns {Set<string>} repository-relative paths (`.changeset/x.md`)
 */
export function changesetsSince(root, base) {
  const git = (...args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  let from = base;
  try {
    from = git('merge-base', base, 'HEAD').trim() || base;
  } catch {
    // no common history (or no HEAD yet): compare with the base itself
  }
  const files = new Set();
  for (const line of git('diff', '--name-status', '--no-renames', from, '--', '.changeset').split('\n')) {
    const [status, path] = line.split('\t');
    if (path && /^[AMT]/.test(status)) files.add(path);
  }
  for (const path of git('ls-files', '--others', '--exclude-standard', '--', '.changeset').split('\n')) if (path) files.add(path);
  return files;
}
