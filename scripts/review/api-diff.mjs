// Public API diff of workspace packages between two trees (base and head).
//
// Both trees' packages/<pkg>/{package.json,src} are copied into one scratch folder
// (under the workspace's node_modules/.cache, so third-party types such as
// openapi-fetch resolve from the workspace), each tree gets its own node_modules
// with symlinks to its own packages (so `@s2sdk/core` means base core for base
// code and head core for head code), and ONE TypeScript program loads both.
// For every export of every entry point (package.json `exports` → src/<name>.ts):
//   - added / removed exports are listed;
//   - values (functions, classes, consts): `typeof head.X` must be assignable to
//     `typeof base.X` (code calling the old API still compiles), else breaking;
//   - types/interfaces: must be assignable in both directions (consumers both read
//     and build them), else breaking; a changed printed shape that still passes is
//     a compatible (non-breaking) change.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { discoverPackages, repoRoot as workspaceRoot, toPosix } from '../lib/discover.mjs';

/** Entry points of a package: `exports` subpaths → src/<name>.ts (as in tsup.shared.mjs), else src/index.ts. */
export function entryPoints(pkgJson) {
  const keys = Object.keys(pkgJson.exports ?? {}).filter((k) => k !== './package.json');
  if (typeof pkgJson.exports === 'string' || keys.length === 0 || !keys.every((k) => k.startsWith('.'))) return [{ subpath: '.', file: 'src/index.ts' }];
  return keys.map((k) => ({ subpath: k, file: `src/${k === '.' ? 'index' : k.slice(2)}.ts` }));
}

function prepareTree(srcRoot, dest, packages, side) {
  mkdirSync(join(dest, 'node_modules'), { recursive: true });
  for (const p of packages) {
    const from = join(srcRoot, 'packages', p.dirName);
    const to = join(dest, 'packages', p.dirName);
    mkdirSync(to, { recursive: true });
    if (existsSync(join(from, 'src'))) cpSync(join(from, 'src'), join(to, 'src'), { recursive: true });
    // package.json rewritten so that every entry point resolves to its TypeScript source.
    const exportsMap = {};
    for (const e of entryPoints(p.pkg)) exportsMap[e.subpath] = { types: `./${e.file}`, default: `./${e.file}` };
    // The version carries the side: TypeScript deduplicates packages with the same name@version.
    writeFileSync(join(to, 'package.json'), JSON.stringify({ name: p.name, version: `${p.version}-${side}`, type: 'module', types: './src/index.ts', exports: exportsMap }, null, 2));
    const link = join(dest, 'node_modules', ...p.name.split('/'));
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(relative(join(link, '..'), to), link, 'dir');
  }
}

/** Drops the scratch-folder import paths TypeScript prints in messages. */
function cleanMessage(text) {
  return text.replace(/import\("[^"]*"\)\./g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Unchanged files are SHARED between the trees (every import of the head copy resolves to the
 * base file, see sharingHost): a class, a unique symbol or any
 * nominal type declared in an unchanged file is then the same declaration on both sides, so
 * only real changes make types incompatible. A file is shared when its content is identical
 * AND everything it imports (relative files, workspace packages) is shared too.
 */
function shareUnchangedFiles(work, basePkgs, headPkgs) {
  const walk = (dir) =>
    existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)])) : [];
  const headToBase = new Map();
  for (const hp of headPkgs) {
    const bp = basePkgs.find((b) => b.name === hp.name);
    if (!bp) continue;
    const hsrc = join(work, 'head', 'packages', hp.dirName, 'src');
    const bsrc = join(work, 'base', 'packages', bp.dirName, 'src');
    for (const f of walk(hsrc)) {
      const b = join(bsrc, relative(hsrc, f));
      if (existsSync(b) && readFileSync(f).equals(readFileSync(b))) headToBase.set(f, b);
    }
  }
  const entryOf = new Map(); // workspace specifier -> head file
  for (const hp of headPkgs) for (const e of entryPoints(hp.pkg)) entryOf.set(e.subpath === '.' ? hp.name : `${hp.name}/${e.subpath.slice(2)}`, join(work, 'head', 'packages', hp.dirName, e.file));
  const resolveRelative = (from, spec) => {
    const base = join(from, '..', spec);
    const stem = base.replace(/\.(m|c)?js$/, '');
    for (const c of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, `${stem}.d.ts`, join(base, 'index.ts')]) if (existsSync(c) && !statSync(c).isDirectory()) return c;
    return undefined;
  };
  const deps = new Map();
  for (const f of headToBase.keys()) {
    if (!/\.[cm]?tsx?$/.test(f)) {
      deps.set(f, []);
      continue;
    }
    const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
    const out = [];
    for (const { fileName } of [...info.importedFiles, ...info.referencedFiles]) {
      if (fileName.startsWith('.')) out.push(resolveRelative(f, fileName) ?? '<unresolved>');
      else if (entryOf.has(fileName)) out.push(entryOf.get(fileName));
    }
    deps.set(f, out);
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const [f, ds] of deps) {
      if (headToBase.has(f) && ds.some((d) => !headToBase.has(d))) {
        headToBase.delete(f);
        changed = true;
      }
    }
  }
  return headToBase;
}

/** A compiler host that resolves every import of a shared head file to the base file. */
function sharingHost(options, shared) {
  const host = ts.createCompilerHost(options, true);
  const swap = (f) => shared.get(f) ?? f;
  host.resolveModuleNames = (names, containingFile, _reused, redirected, opts) =>
    names.map((name) => {
      const r = ts.resolveModuleName(name, containingFile, opts, host, undefined, redirected).resolvedModule;
      return r ? { ...r, resolvedFileName: swap(r.resolvedFileName) } : undefined;
    });
  return host;
}

const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseStructuralFallback;

function describeSymbol(checker, sym, sf) {
  const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
  const isValue = (target.flags & ts.SymbolFlags.Value) !== 0;
  const isType = (target.flags & (ts.SymbolFlags.Type | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) !== 0;
  const decl = target.declarations?.[0];
  let typeParams = 0;
  for (const d of target.declarations ?? []) {
    if ((ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d) || ts.isClassDeclaration(d)) && d.typeParameters) typeParams = Math.max(typeParams, d.typeParameters.length);
  }
  let text;
  let kind;
  let uniqueSymbol = false;
  if (isValue) {
    kind = target.flags & ts.SymbolFlags.Class ? 'class' : target.flags & ts.SymbolFlags.Function ? 'function' : target.flags & ts.SymbolFlags.Enum ? 'enum' : target.flags & ts.SymbolFlags.ValueModule ? 'namespace' : 'const';
    const vt = checker.getTypeOfSymbolAtLocation(target, decl ?? sf);
    uniqueSymbol = (vt.flags & ts.TypeFlags.UniqueESSymbol) !== 0;
    text = checker.typeToString(vt, undefined, FLAGS);
  } else if (isType) {
    kind = target.flags & ts.SymbolFlags.Interface ? 'interface' : 'type';
    const type = checker.getDeclaredTypeOfSymbol(target);
    const props = checker.getPropertiesOfType(type);
    const head = checker.typeToString(type, undefined, FLAGS | ts.TypeFormatFlags.InTypeAlias);
    text = props.length && !(type.flags & ts.TypeFlags.Union)
      ? `{ ${props
          .map((p) => `${p.name}${p.flags & ts.SymbolFlags.Optional ? '?' : ''}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, decl ?? sf), undefined, FLAGS)}`)
          .sort()
          .join('; ')} }`
      : head;
  } else {
    kind = 'namespace';
    text = '(namespace)';
  }
  const generated = (target.declarations ?? []).some((d) => /[\\/]src[\\/]generated[\\/]/.test(d.getSourceFile().fileName));
  return { kind, isValue, isType, typeParams, text, generated, uniqueSymbol, symbol: target };
}

/**
 * Names of the types that appear in a parameter position anywhere in the exported
 * surface (function parameters, constructor parameters, methods of returned objects):
 * those are inputs, so a change that breaks *building* a value of them is breaking.
 */
function inputTypeNames(checker, exportsMaps, sf) {
  const names = new Set();
  const seenSurface = new Set();
  const seenNames = new Set();
  const collect = (t, depth) => {
    if (!t || depth < 0 || seenNames.has(t)) return;
    seenNames.add(t);
    for (const s of [t.aliasSymbol, t.symbol]) if (s && !s.name.startsWith('__')) names.add(s.name);
    if (t.isUnionOrIntersection?.()) t.types.forEach((x) => collect(x, depth));
    for (const a of checker.getTypeArguments?.(t) ?? []) collect(a, depth - 1);
    for (const a of t.aliasTypeArguments ?? []) collect(a, depth - 1);
    if (t.flags & ts.TypeFlags.Object) for (const p of checker.getPropertiesOfType(t)) collect(checker.getTypeOfSymbolAtLocation(p, sf), depth - 1);
  };
  const surface = (t, depth) => {
    if (!t || depth < 0 || seenSurface.has(t)) return;
    seenSurface.add(t);
    if (t.isUnionOrIntersection?.()) t.types.forEach((x) => surface(x, depth));
    for (const sig of [...t.getCallSignatures(), ...t.getConstructSignatures()]) {
      for (const p of sig.getParameters()) collect(checker.getTypeOfSymbolAtLocation(p, sf), 4);
      surface(sig.getReturnType(), depth - 1);
    }
    // Promise<T> and other references: look through type arguments
    for (const a of checker.getTypeArguments?.(t) ?? []) surface(a, depth - 1);
    if (t.flags & ts.TypeFlags.Object) for (const p of checker.getPropertiesOfType(t)) surface(checker.getTypeOfSymbolAtLocation(p, sf), depth - 1);
  };
  for (const map of exportsMaps) {
    for (const d of map.values()) {
      const t = d.isValue ? checker.getTypeOfSymbolAtLocation(d.symbol, sf) : d.isType ? checker.getDeclaredTypeOfSymbol(d.symbol) : undefined;
      if (d.kind === 'class') surface(checker.getDeclaredTypeOfSymbol(d.symbol), 3);
      surface(t, 3);
    }
  }
  return names;
}

function exportsOf(program, checker, file) {
  const sf = program.getSourceFile(file);
  if (!sf) return null;
  const mod = checker.getSymbolAtLocation(sf);
  if (!mod) return new Map(); // a module without exports
  const out = new Map();
  for (const sym of checker.getExportsOfModule(mod)) out.set(sym.escapedName.toString(), describeSymbol(checker, sym, sf));
  return out;
}

/**
 * @param {{ baseRoot: string, headRoot: string, scratchParent?: string, keep?: boolean }} opts
 * @returns {Map<string, { status: 'new' | 'removed' | 'compared', changes: import('./schema-diff.mjs').Change[], exports: { base?: Map<string, any>, head?: Map<string, any> }, diagnostics: string[] }>}
 */
export function compareApis({ baseRoot, headRoot, scratchParent, keep = false }) {
  const basePkgs = discoverPackages(baseRoot);
  const headPkgs = discoverPackages(headRoot);
  const parent = scratchParent ?? join(workspaceRoot, 'node_modules', '.cache', 's2sdk-api-diff');
  mkdirSync(parent, { recursive: true });
  const work = mkdtempSync(join(parent, 'run-'));
  const result = new Map();
  try {
    prepareTree(baseRoot, join(work, 'base'), basePkgs, 'base');
    prepareTree(headRoot, join(work, 'head'), headPkgs, 'head');
    const shared = shareUnchangedFiles(work, basePkgs, headPkgs);

    const pairs = [];
    for (const hp of headPkgs) {
      const bp = basePkgs.find((b) => b.name === hp.name);
      if (!bp) {
        result.set(hp.name, { status: 'new', changes: [{ severity: 'non-breaking', code: 'package-added', where: hp.name, message: 'new package (initial release)' }], exports: {}, diagnostics: [] });
        continue;
      }
      const entries = new Map();
      const real = (f) => shared.get(f) ?? f;
      for (const e of entryPoints(hp.pkg)) entries.set(e.subpath, { subpath: e.subpath, head: real(join(work, 'head', 'packages', hp.dirName, e.file)) });
      for (const e of entryPoints(bp.pkg)) {
        const cur = entries.get(e.subpath) ?? { subpath: e.subpath };
        cur.base = real(join(work, 'base', 'packages', bp.dirName, e.file));
        entries.set(e.subpath, cur);
      }
      pairs.push({ name: hp.name, entries: [...entries.values()] });
    }
    for (const bp of basePkgs) {
      if (!headPkgs.some((h) => h.name === bp.name)) result.set(bp.name, { status: 'removed', changes: [{ severity: 'breaking', code: 'package-removed', where: bp.name, message: 'package removed' }], exports: {}, diagnostics: [] });
    }

    const options = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      allowImportingTsExtensions: true,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      typeRoots: [join(workspaceRoot, 'node_modules', '@types')],
      types: existsSync(join(workspaceRoot, 'node_modules', '@types', 'node')) ? ['node'] : [],
    };
    const roots = pairs.flatMap((p) => p.entries.flatMap((e) => [e.base, e.head].filter((f) => f && existsSync(f))));
    const host = sharingHost(options, shared);
    let program = ts.createProgram({ rootNames: [...new Set(roots)], options, host });
    let checker = program.getTypeChecker();

    // Pass 1: list exports on both sides.
    const listed = pairs.map((p) => ({
      ...p,
      entries: p.entries.map((e) => ({
        ...e,
        baseExports: e.base && existsSync(e.base) ? exportsOf(program, checker, e.base) : null,
        headExports: e.head && existsSync(e.head) ? exportsOf(program, checker, e.head) : null,
      })),
    }));

    // Pass 2: a check file with one assignability test per line.
    const checkFile = join(work, 'api-compat-check.ts');
    const lines = [
      'type __Inst<T> = T extends abstract new (...args: any) => infer R ? R : never;',
      'type __Args<T> = T extends abstract new (...args: infer A) => any ? A : never;',
      // public string/number-keyed members (symbol keys such as a module's own `unique symbol` for
      // util.inspect are nominal per declaration and not part of what a consumer calls)
      'type __Pub<T> = { [K in keyof T as K extends string | number ? K : never]: T[K] };',
      "type __Static<T> = __Pub<Omit<T, 'prototype'>>;",
      'type __PubR<T> = T extends (...args: any) => any ? T : T extends PromiseLike<infer U> ? Promise<__PubR<U>> : T extends object ? __Pub<T> : T;',
    ];
    const checks = [];
    listed.forEach((p, pi) => {
      p.entries.forEach((e, ei) => {
        if (!e.baseExports || !e.headExports) return;
        const B = `B${pi}_${ei}`;
        const H = `H${pi}_${ei}`;
        lines.push(`import type * as ${B} from './${toPosix(relative(work, e.base))}';`);
        lines.push(`import type * as ${H} from './${toPosix(relative(work, e.head))}';`);
        for (const [name, b] of e.baseExports) {
          const h = e.headExports.get(name);
          if (!h || !/^[A-Za-z_$][\w$]*$/.test(name)) continue;
          const id = checks.length;
          if (b.uniqueSymbol && h.uniqueSymbol) {
            // two declarations of a unique symbol are never assignable: nothing to compare but the name
          } else if (b.kind === 'class' && h.kind === 'class') {
            // Classes are compared on their PUBLIC surface: private/#private members make two
            // declarations nominally incompatible even when nothing a consumer can use changed.
            checks.push({ p, e, name, test: 'class-instance', line: lines.length });
            lines.push(`declare const h${id}: __Pub<__Inst<typeof ${H}.${name}>>; export const b${id}: __Pub<__Inst<typeof ${B}.${name}>> = h${id};`);
            checks.push({ p, e, name, test: 'class-constructor', line: lines.length });
            lines.push(`declare const a${id}: __Args<typeof ${B}.${name}>; export const c${id}: __Args<typeof ${H}.${name}> = a${id};`);
            checks.push({ p, e, name, test: 'class-static', line: lines.length });
            lines.push(`declare const s${id}: __Static<typeof ${H}.${name}>; export const t${id}: __Static<typeof ${B}.${name}> = s${id};`);
          } else if (b.isValue && h.isValue) {
            checks.push({ p, e, name, test: 'value', line: lines.length });
            lines.push(`declare const h${id}: typeof ${H}.${name}; export const b${id}: typeof ${B}.${name} = h${id};`);
            if (b.kind === 'function' && h.kind === 'function') {
              // the same, with the result compared on its public surface (a returned class instance
              // with private members is nominal): used when only the direct check fails
              checks.push({ p, e, name, test: 'fn-params', line: lines.length });
              lines.push(`declare const p${id}: Parameters<typeof ${B}.${name}>; export const q${id}: Parameters<typeof ${H}.${name}> = p${id};`);
              checks.push({ p, e, name, test: 'fn-return', line: lines.length });
              lines.push(`declare const r${id}: __PubR<ReturnType<typeof ${H}.${name}>>; export const u${id}: __PubR<ReturnType<typeof ${B}.${name}>> = r${id};`);
            }
          } else if (b.isType && h.isType && !b.isValue && !h.isValue) {
            if (b.typeParams !== h.typeParams) {
              checks.push({ p, e, name, test: 'type-params', line: -1, failed: true });
              continue;
            }
            const args = b.typeParams ? `<${Array(b.typeParams).fill('any').join(', ')}>` : '';
            checks.push({ p, e, name, test: 'type-out', line: lines.length });
            lines.push(`declare const h${id}: ${H}.${name}${args}; export const b${id}: ${B}.${name}${args} = h${id};`);
            const id2 = `${id}r`;
            checks.push({ p, e, name, test: 'type-in', line: lines.length });
            lines.push(`declare const b${id2}: ${B}.${name}${args}; export const h${id2}: ${H}.${name}${args} = b${id2};`);
          } else if (b.isValue !== h.isValue || b.isType !== h.isType) {
            checks.push({ p, e, name, test: 'meaning', line: -1, failed: true });
          }
        }
      });
    });
    writeFileSync(checkFile, lines.join('\n') + '\n');
    program = ts.createProgram({ rootNames: [...new Set(roots), checkFile], options, host, oldProgram: program });
    checker = program.getTypeChecker();
    const checkSf = program.getSourceFile(checkFile);
    const failedLines = new Map();
    for (const d of ts.getPreEmitDiagnostics(program, checkSf)) {
      if (d.file !== checkSf || d.start === undefined) continue;
      const { line } = checkSf.getLineAndCharacterOfPosition(d.start);
      if (!failedLines.has(line)) failedLines.set(line, cleanMessage(ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n').slice(0, 3).join(' ')));
    }
    const failures = new Map();
    for (const c of checks) {
      const key = `${c.p.name}\0${c.e.subpath}\0${c.name}`;
      const why = c.failed ? c.test : failedLines.get(c.line);
      if (why) failures.set(key, [...(failures.get(key) ?? []), `${c.test}: ${why}`]);
    }

    // Diagnostics inside the packages themselves (reported, never fatal: a tree that does not type-check is still diffed).
    const pkgDiagnostics = new Map();
    for (const d of ts.getPreEmitDiagnostics(program)) {
      if (!d.file || d.file === checkSf) continue;
      const rel = toPosix(relative(work, d.file.fileName));
      const m = /^(base|head)\/packages\/([^/]+)\//.exec(rel);
      if (!m) continue;
      const key = `${m[1]}:${m[2]}`;
      const arr = pkgDiagnostics.get(key) ?? [];
      if (arr.length < 5) arr.push(`${rel}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 200)}`);
      pkgDiagnostics.set(key, arr);
    }

    for (const p of listed) {
      const headMaps = p.entries.map((e) => e.headExports).filter(Boolean);
      const anySf = p.entries.map((e) => e.head && program.getSourceFile(e.head)).find(Boolean);
      const inputs = anySf ? inputTypeNames(checker, headMaps, anySf) : new Set();
      const changes = [];
      const exportsView = { base: new Map(), head: new Map() };
      for (const e of p.entries) {
        const prefix = e.subpath === '.' ? '' : `${e.subpath.slice(2)}:`;
        const where = e.subpath === '.' ? p.name : `${p.name}/${e.subpath.slice(2)}`;
        if (!e.headExports && e.baseExports) {
          changes.push({ severity: 'breaking', code: 'entry-removed', where, message: `entry point \`${where}\` removed` });
          continue;
        }
        if (e.headExports && !e.baseExports) {
          changes.push({ severity: 'non-breaking', code: 'entry-added', where, message: `entry point \`${where}\` added` });
        }
        for (const [n, d] of e.baseExports ?? []) exportsView.base.set(prefix + n, d);
        for (const [n, d] of e.headExports ?? []) exportsView.head.set(prefix + n, d);
        if (!e.headExports || !e.baseExports) continue;
        for (const [name, b] of e.baseExports) {
          const h = e.headExports.get(name);
          if (!h) {
            changes.push({ severity: 'breaking', code: 'export-removed', where, message: `export \`${name}\` (${b.kind}) removed` });
            continue;
          }
          let fail = failures.get(`${p.name}\0${e.subpath}\0${name}`);
          if (fail && h.isType && !h.isValue && fail.every((f) => f.startsWith('type-in')) && !inputs.has(name)) {
            changes.push({ severity: 'non-breaking', code: 'export-widened', where, message: `export \`${name}\` (${h.kind}) gained members — only code that builds or implements it by hand is affected (it is not a parameter type of the API)` });
            fail = undefined;
            continue;
          }
          if (fail && h.kind === 'function' && fail.every((f) => f.startsWith('value:'))) {
            changes.push({ severity: 'non-breaking', code: 'export-changed-compatibly', where, message: `export \`${name}\` (${h.kind}) changed compatibly (parameters accept the old arguments; the result differs only in private members)` });
            continue;
          }
          if (fail && (b.generated || h.generated)) {
            changes.push({ severity: 'non-breaking', code: 'generated-type-changed', where, message: `generated type \`${name}\` changed — classified by the spec comparison (${fail[0].slice(0, 160)})` });
            continue;
          }
          if (fail) {
            changes.push({ severity: 'breaking', code: 'export-changed-incompatibly', where, message: `export \`${name}\` (${h.kind}) changed incompatibly — ${fail[0].slice(0, 300)}` });
          } else if (b.text !== h.text || b.kind !== h.kind) {
            changes.push({ severity: 'non-breaking', code: 'export-changed-compatibly', where, message: `export \`${name}\` (${h.kind}) changed compatibly` });
          }
        }
        for (const [name, h] of e.headExports) if (!e.baseExports.has(name)) changes.push({ severity: 'non-breaking', code: 'export-added', where, message: `export \`${name}\` (${h.kind}) added` });
      }
      const dirName = headPkgs.find((x) => x.name === p.name)?.dirName;
      const bDir = basePkgs.find((x) => x.name === p.name)?.dirName;
      result.set(p.name, {
        status: 'compared',
        changes,
        exports: exportsView,
        diagnostics: [...(pkgDiagnostics.get(`base:${bDir}`) ?? []).map((d) => `base ${d}`), ...(pkgDiagnostics.get(`head:${dirName}`) ?? []).map((d) => `head ${d}`)],
      });
    }
    return result;
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

/** Did anything a package publishes change (sources or the dependency/exports fields)? */
export function packageSourcesChanged(baseRoot, headRoot, pkg) {
  const walk = (dir) =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)).map((f) => `${d.name}/${f}`) : [d.name]))
      : [];
  const bdir = join(baseRoot, 'packages', pkg.dirName, 'src');
  const hdir = join(headRoot, 'packages', pkg.dirName, 'src');
  const files = new Set([...walk(bdir), ...walk(hdir)]);
  const changed = [];
  for (const f of [...files].sort()) {
    const b = existsSync(join(bdir, f)) ? readFileSync(join(bdir, f)) : null;
    const h = existsSync(join(hdir, f)) ? readFileSync(join(hdir, f)) : null;
    if (!b || !h || !b.equals(h)) changed.push(`src/${f}`);
  }
  const bj = existsSync(join(baseRoot, 'packages', pkg.dirName, 'package.json')) ? JSON.parse(readFileSync(join(baseRoot, 'packages', pkg.dirName, 'package.json'), 'utf8')) : {};
  for (const field of ['dependencies', 'peerDependencies', 'exports', 'main', 'module', 'types', 'bin', 'files', 'engines']) {
    if (JSON.stringify(bj[field]) !== JSON.stringify(pkg.pkg[field])) changed.push(`package.json#${field}`);
  }
  return changed;
}
