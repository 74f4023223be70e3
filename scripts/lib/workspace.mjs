// Workspace discovery shared by the scripts: packages and the specs they are
// generated from come from packages/*/package.json (`s2sdk.openapi` /
// `s2sdk.asyncapi`), so no script keeps a hand-written list.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @returns {{ dir: string, relDir: string, name: string, pkg: any, openapi?: string, asyncapi?: string }[]} */
export function workspacePackages(root = repoRoot) {
  const base = join(root, 'packages');
  return readdirSync(base)
    .sort()
    .filter((d) => existsSync(join(base, d, 'package.json')))
    .map((d) => {
      const dir = join(base, d);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { dir, relDir: relative(root, dir), name: pkg.name, pkg, openapi: pkg.s2sdk?.openapi, asyncapi: pkg.s2sdk?.asyncapi };
    });
}

/** Every spec document under specs/: `specs/<api>/openapi.yaml` and `specs/<api>/asyncapi.yaml`. */
export function specDocuments(root = repoRoot) {
  const base = join(root, 'specs');
  const out = [];
  for (const api of readdirSync(base).sort()) {
    for (const kind of ['openapi', 'asyncapi']) {
      const file = join(base, api, `${kind}.yaml`);
      if (existsSync(file)) out.push({ api, kind, path: relative(root, file), abs: file });
    }
  }
  return out;
}
