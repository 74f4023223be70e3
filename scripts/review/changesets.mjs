// Pending changesets: .changeset/*.md files whose YAML frontmatter maps package
// names to bumps (`"@s2sdk/theodore": minor`). README.md is not a changeset.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { maxBump, rank } from './semver.mjs';

/** @returns {{ file: string, releases: Record<string, string>, summary: string }[]} */
export function readChangesets(root) {
  const dir = join(root, '.changeset');
  if (!existsSync(dir)) return [];
  const out = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.md') || file.toLowerCase() === 'readme.md') continue;
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
