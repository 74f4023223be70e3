#!/usr/bin/env node
// Type-checks every TypeScript snippet the docs show (one module per operation / message
// type) against the workspace packages' sources, with the repository's strict compiler
// options. A snippet that does not compile means the docs would teach wrong code: an
// example that does not match the generated types, a wrong factory option, a renamed method.
//   node scripts/docs/check-snippets.mjs [--root <repo>]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { discoverPackages, discoverSpecs, packagesForSpec, repoRoot } from '../lib/discover.mjs';
import { entryPoints } from '../review/api-diff.mjs';
import { dereference } from '../review/load.mjs';
import { asyncapiSnippets, openapiSnippets } from './snippets.mjs';

/** Every snippet of every spec: [{ spec, key, source }] (only specs whose package declares a factory). */
export function allSnippets(root = repoRoot, packages = discoverPackages(root)) {
  const out = [];
  for (const spec of discoverSpecs(root)) {
    const pkg = packagesForSpec(spec, packages).find((p) => p.factory);
    if (!pkg) continue;
    const doc = dereference(spec.abs);
    if (spec.kind === 'openapi') for (const [key, source] of openapiSnippets(doc, pkg)) out.push({ spec: spec.path, pkg: pkg.name, key, source });
    else for (const [key, s] of asyncapiSnippets(doc, pkg)) out.push({ spec: spec.path, pkg: pkg.name, key, source: s.snippet });
  }
  return out;
}

/** @returns {{ checked: number, errors: { spec: string, key: string, message: string }[] }} */
export function checkSnippets(root = repoRoot, packages = discoverPackages(root)) {
  const snippets = allSnippets(root, packages);
  const dir = mkdtempSync(join(tmpdir(), 's2sdk-snippets-'));
  try {
    const paths = {};
    for (const p of discoverPackages(root, { includePrivate: true })) {
      for (const e of entryPoints(p.pkg)) paths[e.subpath === '.' ? p.name : `${p.name}/${e.subpath.slice(2)}`] = [join(p.dir, e.file)];
    }
    const files = snippets.map((s, i) => {
      const file = join(dir, `snippet-${i}.ts`);
      writeFileSync(file, `${s.source}\nexport {};\n`);
      return file;
    });
    const base = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.base.json'), 'utf8')).compilerOptions;
    const { options, errors } = ts.convertCompilerOptionsFromJson({ ...base, noEmit: true, declaration: false, types: ['node'], typeRoots: [join(repoRoot, 'node_modules/@types')], paths }, dir);
    if (errors.length) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, ' '));
    const program = ts.createProgram({ rootNames: files, options });
    const found = [];
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const i = d.file ? files.indexOf(d.file.fileName) : -1;
      if (i === -1) continue; // errors inside the packages are the packages' own type check's business
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      found.push({ spec: snippets[i].spec, key: snippets[i].key, message: `line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 400)}`, source: snippets[i].source });
    }
    return { checked: snippets.length, errors: found };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { root: { type: 'string' } } });
  const root = values.root ? resolve(values.root) : repoRoot;
  const missing = discoverSpecs(root).flatMap((s) => packagesForSpec(s, discoverPackages(root)).filter((p) => !p.factory).map((p) => `${p.name} (${s.path})`));
  const { checked, errors } = checkSnippets(root);
  for (const e of errors) console.error(`${e.spec} ${e.key}: ${e.message}`);
  if (missing.length) console.error(`no "s2sdk.factory" in package.json, so no snippets: ${missing.join(', ')}`);
  console.log(`check-snippets: ${checked} snippet(s), ${errors.length} with type errors`);
  process.exit(errors.length || missing.length ? 1 : 0);
}
