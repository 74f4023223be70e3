// Public API diff of workspace packages between two trees (base and head).
//
// Both trees' packages/<pkg>/{package.json,src} are copied into one scratch folder
// (under the workspace's node_modules/.cache, so third-party types such as
// openapi-fetch resolve from the workspace), each tree gets its own node_modules
// with symlinks to its own packages (so `@s2sdk/core` means base core for base
// code and head core for head code).
// The PUBLIC SURFACE is what is compared, at every depth: one TypeScript program over
// both source trees emits their declarations (.d.ts), from which private members
// (`#private`, `private x`) are erased and `protected` members made visible (subclasses
// use them). A declaration file that is then identical on both sides (and only imports
// identical files) is shared, and ONE program over both declaration trees compares them.
// So a class that only gained a private field is the same type everywhere it is used
// (as a parameter, a property, a union member…), not a nominally different one.
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

/** `src/x.ts` → `src/x.d.ts` (the declaration file emitted for a source file). */
const dtsOf = (file) => file.replace(/\.(m|c)?tsx?$/, (_m, k) => `.d.${k ?? ''}ts`);

/**
 * Writes `dest/packages/<dir>/package.json` (every entry point resolving to its TypeScript source,
 * or its declaration file with `dts`) and `dest/node_modules/<name>` symlinks; copies src/ when
 * `srcRoot` is given.
 */
function prepareTree(srcRoot, dest, packages, side, { dts = false } = {}) {
  mkdirSync(join(dest, 'node_modules'), { recursive: true });
  for (const p of packages) {
    const to = join(dest, 'packages', p.dirName);
    mkdirSync(to, { recursive: true });
    if (srcRoot) {
      const from = join(srcRoot, 'packages', p.dirName);
      if (existsSync(join(from, 'src'))) cpSync(join(from, 'src'), join(to, 'src'), { recursive: true });
    }
    const exportsMap = {};
    const entry = (f) => (dts ? dtsOf(f) : f);
    for (const e of entryPoints(p.pkg)) exportsMap[e.subpath] = { types: `./${entry(e.file)}`, default: `./${entry(e.file)}` };
    // The version carries the side: TypeScript deduplicates packages with the same name@version.
    writeFileSync(join(to, 'package.json'), JSON.stringify({ name: p.name, version: `${p.version}-${side}`, type: 'module', types: `./${entry('src/index.ts')}`, exports: exportsMap }, null, 2));
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
 * `sides` names the two tree folders under `work` (the declaration trees by default).
 */
function shareUnchangedFiles(work, basePkgs, headPkgs, { base: baseSide = 'base-dts', head: headSide = 'head-dts', dts = true } = {}) {
  const walk = (dir) =>
    existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)])) : [];
  const headToBase = new Map();
  for (const hp of headPkgs) {
    const bp = basePkgs.find((b) => b.name === hp.name);
    if (!bp) continue;
    const hsrc = join(work, headSide, 'packages', hp.dirName, 'src');
    const bsrc = join(work, baseSide, 'packages', bp.dirName, 'src');
    for (const f of walk(hsrc)) {
      const b = join(bsrc, relative(hsrc, f));
      if (existsSync(b) && readFileSync(f).equals(readFileSync(b))) headToBase.set(f, b);
    }
  }
  const entryOf = new Map(); // workspace specifier -> head file
  for (const hp of headPkgs) {
    for (const e of entryPoints(hp.pkg)) entryOf.set(e.subpath === '.' ? hp.name : `${hp.name}/${e.subpath.slice(2)}`, join(work, headSide, 'packages', hp.dirName, dts ? dtsOf(e.file) : e.file));
  }
  const resolveRelative = (from, spec) => {
    const base = join(from, '..', spec);
    const stem = base.replace(/\.(m|c)?js$/, '');
    const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, `${stem}.d.ts`, `${stem}.d.mts`, `${stem}.d.cts`, join(base, 'index.ts'), join(base, 'index.d.ts')];
    for (const c of candidates) if (existsSync(c) && !statSync(c).isDirectory()) return c;
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
      if (fileName.startsWith('.')) {
        const r = resolveRelative(f, fileName);
        // the unique symbol registry is common to both trees
        if (r && r === join(work, SYMBOL_REGISTRY)) continue;
        out.push(r ?? '<unresolved>');
      } else if (entryOf.has(fileName)) out.push(entryOf.get(fileName));
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

/** The file every `unique symbol` declaration of both declaration trees points to (see publicDeclarations). */
const SYMBOL_REGISTRY = '__s2sdk_symbols.d.ts';
const symbolId = (key) => `sym_${key.replace(/[^A-Za-z0-9]/g, '_')}`;

/**
 * The public declaration text of an emitted .d.ts:
 *   - class members that consumers cannot reach (`#private`, `private x`) are erased, and
 *     `protected` members are kept as plain members (subclasses use them; the modifier would
 *     make the class nominal per declaration);
 *   - `declare const X: unique symbol` becomes `typeof <registry symbol>` when `symbolKey` is
 *     given: the same file/name is then the SAME unique symbol in both trees (a unique symbol is
 *     otherwise a new type per declaration, and members keyed by it would never match);
 *   - comments are dropped, relative `.ts` specifiers become `.js` (resolved to the sibling .d.ts).
 * Returns the text, the classes it declares (`nominal`: it had private/protected members, so its
 * values can only come from the class itself) and the registry keys it uses.
 * @param {string} text
 * @param {string} [fileName]
 * @param {{ symbolKey?: string, registry?: string }} [opts] registry: relative specifier of the registry (`../…/__s2sdk_symbols.js`)
 */
export function publicDeclarations(text, fileName = 'file.d.ts', { symbolKey, registry } = {}) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const hidden = (m) => (m.name && ts.isPrivateIdentifier(m.name)) || (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Private) !== 0;
  const isProtected = (m) => (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Protected) !== 0;
  const classes = [];
  const symbols = [];
  const transformer = (ctx) => {
    const f = ctx.factory;
    const unprotect = (m) => {
      if (!ts.canHaveModifiers(m) || !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.ProtectedKeyword)) return m;
      return f.replaceModifiers(m, m.modifiers.filter((x) => x.kind !== ts.SyntaxKind.ProtectedKeyword));
    };
    const visit = (node) => {
      if (ts.isClassDeclaration(node)) {
        const mods = ts.getCombinedModifierFlags(node);
        classes.push({
          name: node.name?.text,
          exported: (mods & ts.ModifierFlags.Export) !== 0 && (mods & ts.ModifierFlags.Default) === 0 && node.parent === sf,
          nominal: node.members.some((m) => hidden(m) || isProtected(m)),
        });
        const members = node.members.filter((m) => !hidden(m)).map(unprotect).map((m) => ts.visitEachChild(m, visit, ctx));
        return f.updateClassDeclaration(node, node.modifiers, node.name, node.typeParameters, node.heritageClauses, members);
      }
      if (
        symbolKey &&
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.parent?.parent?.parent === sf &&
        node.type &&
        ts.isTypeOperatorNode(node.type) &&
        node.type.operator === ts.SyntaxKind.UniqueKeyword
      ) {
        const key = `${symbolKey}#${node.name.text}`;
        symbols.push(key);
        return f.updateVariableDeclaration(node, node.name, node.exclamationToken, f.createTypeQueryNode(f.createIdentifier(`__${symbolId(key)}`)), node.initializer);
      }
      return ts.visitEachChild(node, visit, ctx);
    };
    return (root) => ts.visitNode(root, visit);
  };
  const out = ts.transform(sf, [transformer]);
  let printed = ts.createPrinter({ removeComments: true }).printFile(out.transformed[0]);
  out.dispose();
  printed = printed.replace(/((?:\bfrom|\bimport\()\s*["'])(\.{1,2}\/[^"']*?)\.(m|c)?tsx?(["'])/g, (_m, pre, stem, k, post) => `${pre}${stem}.${k ?? ''}js${post}`);
  if (symbols.length) printed = `import type { ${symbols.map((k) => `${symbolId(k)} as __${symbolId(k)}`).join(', ')} } from '${registry}';\n${printed}`;
  return { text: printed, classes, symbols };
}

/** The public declaration text of an emitted .d.ts (see publicDeclarations). */
export function publicDeclarationText(text, fileName = 'file.d.ts') {
  return publicDeclarations(text, fileName).text;
}

/**
 * Emits the declarations of every source file of `program` under `work/<side>/` into
 * `work/<side>-dts/` as their public declaration text; non-TypeScript files of src/ (JSON
 * imported by the sources) are copied along. Writes the unique symbol registry.
 * Returns the classes declared per emitted file.
 */
function emitPublicDeclarations(program, work, sides, packagesBySide) {
  const classes = new Map(); // dest file -> classes
  const symbols = new Set();
  const result = program.emit(
    undefined,
    (fileName, text) => {
      const rel = toPosix(relative(work, fileName));
      const side = sides.find((s) => rel.startsWith(`${s}/`));
      if (!side || !/\.d\.[cm]?ts$/.test(fileName)) return;
      const inTree = rel.slice(side.length + 1);
      const dest = join(work, `${side}-dts`, inTree);
      const registry = toPosix(relative(join(dest, '..'), join(work, SYMBOL_REGISTRY))).replace(/\.d\.ts$/, '.js');
      const d = publicDeclarations(text, fileName, { symbolKey: inTree, registry: registry.startsWith('.') ? registry : `./${registry}` });
      mkdirSync(join(dest, '..'), { recursive: true });
      writeFileSync(dest, d.text);
      classes.set(dest, d.classes);
      for (const k of d.symbols) symbols.add(k);
    },
    undefined,
    true,
  );
  writeFileSync(join(work, SYMBOL_REGISTRY), [...symbols].sort().map((k) => `export declare const ${symbolId(k)}: unique symbol;\n`).join(''));
  const walk = (dir) =>
    existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)])) : [];
  for (const side of sides) {
    for (const p of packagesBySide[side]) {
      const src = join(work, side, 'packages', p.dirName, 'src');
      for (const f of walk(src)) {
        if (/\.[cm]?tsx?$/.test(f)) continue;
        const dest = join(work, `${side}-dts`, relative(join(work, side), f));
        mkdirSync(join(dest, '..'), { recursive: true });
        cpSync(f, dest);
      }
    }
  }
  return { classes, diagnostics: result.diagnostics };
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

const CHECK_HELPERS = [
  'type __Inst<T> = T extends abstract new (...args: any) => infer R ? R : never;',
  'type __Args<T> = T extends abstract new (...args: infer A) => any ? A : never;',
  // public string/number-keyed members (symbol keys such as a module's own `unique symbol` for
  // util.inspect are nominal per declaration and not part of what a consumer calls)
  'type __Pub<T> = { [K in keyof T as K extends string | number ? K : never]: T[K] };',
  "type __Static<T> = __Pub<Omit<T, 'prototype'>>;",
  'type __PubR<T> = T extends (...args: any) => any ? T : T extends PromiseLike<infer U> ? Promise<__PubR<U>> : T extends object ? __Pub<T> : T;',
];

/** The failing line numbers of a check file (first diagnostic message per line). */
function failingLines(program, file) {
  const sf = program.getSourceFile(file);
  const failed = new Map();
  for (const d of ts.getPreEmitDiagnostics(program, sf)) {
    if (d.file !== sf || d.start === undefined) continue;
    const { line } = sf.getLineAndCharacterOfPosition(d.start);
    if (!failed.has(line)) failed.set(line, cleanMessage(ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n').slice(0, 3).join(' ')));
  }
  return failed;
}

const importSpec = (work, f) => `./${toPosix(relative(work, f)).replace(/\.d\.(m|c)?ts$/, (_m, k) => `.${k ?? ''}js`)}`;

/**
 * A NOMINAL class (one with private or protected members) has no hand-built values: every value of
 * it comes from the class itself, so at the new version it is an instance of the NEW class. Where
 * such a class only gained public members (or changed them compatibly: the new instance, static
 * side and constructor are assignable to the old ones), the base tree's declaration is replaced
 * by an import of the head class — the old type, wherever it is used (a parameter, an option
 * property, a union member), then accepts exactly the values the new API gets. Returns the
 * aliased classes with the public members they gained; rewrites the base declaration files.
 */
function aliasCompatibleNominalClasses(work, classesByFile, shared, options) {
  const candidates = [];
  for (const [baseFile, classes] of classesByFile) {
    const rel = toPosix(relative(work, baseFile));
    if (!rel.startsWith('base-dts/')) continue;
    const headFile = join(work, 'head-dts', rel.slice('base-dts/'.length));
    if (!existsSync(headFile) || shared.get(headFile) === baseFile) continue;
    const headClasses = classesByFile.get(headFile) ?? [];
    for (const c of classes) {
      if (!c.name || !c.nominal || !c.exported) continue;
      if (classes.filter((x) => x.name === c.name).length !== 1) continue;
      if (!headClasses.some((h) => h.name === c.name && h.exported)) continue;
      candidates.push({ baseFile, headFile, name: c.name, inTree: rel.slice('base-dts/'.length) });
    }
  }
  if (!candidates.length) return [];
  const checkFile = join(work, 'nominal-check.ts');
  const lines = [...CHECK_HELPERS];
  const ns = new Map();
  const nsOf = (f) => {
    if (!ns.has(f)) {
      ns.set(f, `N${ns.size}`);
      lines.push(`import type * as ${ns.get(f)} from '${importSpec(work, f)}';`);
    }
    return ns.get(f);
  };
  candidates.forEach((c, i) => {
    const B = `${nsOf(c.baseFile)}.${c.name}`;
    const H = `${nsOf(c.headFile)}.${c.name}`;
    c.lines = [lines.length, lines.length + 1, lines.length + 2];
    lines.push(`declare const hi${i}: __Pub<__Inst<typeof ${H}>>; export const bi${i}: __Pub<__Inst<typeof ${B}>> = hi${i};`);
    lines.push(`declare const hs${i}: __Static<typeof ${H}>; export const bs${i}: __Static<typeof ${B}> = hs${i};`);
    lines.push(`declare const ba${i}: __Args<typeof ${B}>; export const ha${i}: __Args<typeof ${H}> = ba${i};`);
  });
  writeFileSync(checkFile, lines.join('\n') + '\n');
  const program = ts.createProgram({ rootNames: [checkFile], options, host: sharingHost(options, shared) });
  const checker = program.getTypeChecker();
  const failed = failingLines(program, checkFile);
  const aliased = [];
  const members = (file, name) => {
    const sf = program.getSourceFile(file);
    const mod = sf && checker.getSymbolAtLocation(sf);
    const sym = mod && checker.getExportsOfModule(mod).find((x) => x.name === name);
    if (!sym) return new Map();
    const out = new Map();
    const add = (prefix, type) => {
      for (const p of checker.getPropertiesOfType(type)) {
        if (p.name === 'prototype' || p.name.startsWith('__@')) continue;
        out.set(`${prefix}${p.name}`, checker.typeToString(checker.getTypeOfSymbolAtLocation(p, sf), undefined, FLAGS));
      }
    };
    add('', checker.getDeclaredTypeOfSymbol(sym));
    add('static ', checker.getTypeOfSymbolAtLocation(sym, sf));
    return out;
  };
  for (const c of candidates) {
    if (c.lines.some((l) => failed.has(l))) continue;
    const b = members(c.baseFile, c.name);
    const h = members(c.headFile, c.name);
    aliased.push({ ...c, added: [...h.keys()].filter((k) => !b.has(k)), changed: [...h.keys()].filter((k) => b.has(k) && b.get(k) !== h.get(k)) });
  }
  // rewrite the base files: `export declare class X {…}` → `import { X } from '<head file>'; export { X };`
  const byFile = new Map();
  for (const a of aliased) byFile.set(a.baseFile, [...(byFile.get(a.baseFile) ?? []), a]);
  for (const [file, list] of byFile) {
    let text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const ranges = sf.statements.filter((st) => ts.isClassDeclaration(st) && list.some((a) => a.name === st.name?.text)).map((st) => [st.getFullStart(), st.end]);
    for (const [from, to] of ranges.sort((x, y) => y[0] - x[0])) text = text.slice(0, from) + text.slice(to);
    const head = toPosix(relative(join(file, '..'), list[0].headFile)).replace(/\.d\.(m|c)?ts$/, (_m, k) => `.${k ?? ''}js`);
    const names = list.map((a) => a.name).join(', ');
    writeFileSync(file, `import { ${names} } from '${head.startsWith('.') ? head : `./${head}`}';\nexport { ${names} };\n${text}`);
  }
  return aliased;
}

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
    if (kind === 'class') {
      // a class prints as `typeof X`: its public members make the text
      const list = (t, prefix) =>
        checker
          .getPropertiesOfType(t)
          .filter((p) => p.name !== 'prototype')
          .map((p) => `${prefix}${p.name}${p.flags & ts.SymbolFlags.Optional ? '?' : ''}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, decl ?? sf), undefined, FLAGS)}`);
      const ctor = vt.getConstructSignatures().map((sig) => `new ${checker.signatureToString(sig, undefined, FLAGS)}`);
      text = `${text} { ${[...ctor, ...list(vt, 'static '), ...list(checker.getDeclaredTypeOfSymbol(target), '')].sort().join('; ')} }`;
    }
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

    // Pass 0: one program over both source trees emits their public declarations.
    // Every source file is a root: the scratch folder is under node_modules, and TypeScript emits
    // nothing for files it only reaches through imports from there ("external library" files).
    const walk = (dir) =>
      existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)])) : [];
    const sourceEntries = [
      ...basePkgs.flatMap((p) => walk(join(work, 'base', 'packages', p.dirName, 'src'))),
      ...headPkgs.flatMap((p) => walk(join(work, 'head', 'packages', p.dirName, 'src'))),
    ].filter((f) => /\.[cm]?tsx?$/.test(f) && !/\.d\.[cm]?ts$/.test(f));
    const emitOptions = { ...options, noEmit: false, declaration: true, emitDeclarationOnly: true, noEmitOnError: false };
    const sourceProgram = ts.createProgram({ rootNames: sourceEntries, options: emitOptions });
    const emitted = emitPublicDeclarations(sourceProgram, work, ['base', 'head'], { base: basePkgs, head: headPkgs });
    // Diagnostics inside the packages themselves (reported, never fatal: a tree that does not type-check is still diffed).
    const pkgDiagnostics = new Map();
    for (const d of ts.getPreEmitDiagnostics(sourceProgram)) {
      if (!d.file) continue;
      const rel = toPosix(relative(work, d.file.fileName));
      const m = /^(base|head)\/packages\/([^/]+)\//.exec(rel);
      if (!m) continue;
      const key = `${m[1]}:${m[2]}`;
      const arr = pkgDiagnostics.get(key) ?? [];
      if (arr.length < 5) arr.push(`${rel}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 200)}`);
      pkgDiagnostics.set(key, arr);
    }
    prepareTree(undefined, join(work, 'base-dts'), basePkgs, 'base', { dts: true });
    prepareTree(undefined, join(work, 'head-dts'), headPkgs, 'head', { dts: true });
    let shared = shareUnchangedFiles(work, basePkgs, headPkgs);
    const aliasedClasses = aliasCompatibleNominalClasses(work, emitted.classes, shared, options);
    if (aliasedClasses.length) shared = shareUnchangedFiles(work, basePkgs, headPkgs);

    const pairs = [];
    for (const hp of headPkgs) {
      const bp = basePkgs.find((b) => b.name === hp.name);
      if (!bp) {
        result.set(hp.name, { status: 'new', changes: [{ severity: 'non-breaking', code: 'package-added', where: hp.name, message: 'new package (initial release)' }], exports: {}, diagnostics: [] });
        continue;
      }
      const entries = new Map();
      const real = (f) => shared.get(f) ?? f;
      for (const e of entryPoints(hp.pkg)) entries.set(e.subpath, { subpath: e.subpath, head: real(join(work, 'head-dts', 'packages', hp.dirName, dtsOf(e.file))) });
      for (const e of entryPoints(bp.pkg)) {
        const cur = entries.get(e.subpath) ?? { subpath: e.subpath };
        cur.base = real(join(work, 'base-dts', 'packages', bp.dirName, dtsOf(e.file)));
        entries.set(e.subpath, cur);
      }
      pairs.push({ name: hp.name, entries: [...entries.values()] });
    }
    for (const bp of basePkgs) {
      if (!headPkgs.some((h) => h.name === bp.name)) result.set(bp.name, { status: 'removed', changes: [{ severity: 'breaking', code: 'package-removed', where: bp.name, message: 'package removed' }], exports: {}, diagnostics: [] });
    }

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
    const lines = [...CHECK_HELPERS];
    const checks = [];
    listed.forEach((p, pi) => {
      p.entries.forEach((e, ei) => {
        if (!e.baseExports || !e.headExports) return;
        const B = `B${pi}_${ei}`;
        const H = `H${pi}_${ei}`;
        lines.push(`import type * as ${B} from '${importSpec(work, e.base)}';`);
        lines.push(`import type * as ${H} from '${importSpec(work, e.head)}';`);
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
    const failedLines = failingLines(program, checkFile);
    // The generated types (src/generated/) are the spec's: their changes are classified by the spec
    // comparison. A check that only fails through them (it passes once the base tree uses the head's
    // generated declarations, e.g. a client's `raw` typed from `paths`) is reported as such.
    const generatedSwap = new Map();
    for (const hp of headPkgs) {
      const bp = basePkgs.find((b) => b.name === hp.name);
      if (!bp) continue;
      const hgen = join(work, 'head-dts', 'packages', hp.dirName, 'src', 'generated');
      const walkGen = (dir) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walkGen(join(dir, d.name)) : [join(dir, d.name)])) : []);
      for (const f of walkGen(hgen)) {
        const b = join(work, 'base-dts', 'packages', bp.dirName, 'src', 'generated', relative(hgen, f));
        if (/\.d\.[cm]?ts$/.test(f) && existsSync(b) && shared.get(f) !== b) generatedSwap.set(b, f);
      }
    }
    let failedWithSameGenerated = failedLines;
    if (generatedSwap.size && failedLines.size) {
      const same = ts.createProgram({ rootNames: [...new Set(roots), checkFile], options, host: sharingHost(options, new Map([...shared, ...generatedSwap])) });
      failedWithSameGenerated = failingLines(same, checkFile);
    }
    const failures = new Map();
    const throughGenerated = new Map(); // key -> every failing check passes with the same generated types
    for (const c of checks) {
      const key = `${c.p.name}\0${c.e.subpath}\0${c.name}`;
      const why = c.failed ? c.test : failedLines.get(c.line);
      if (!why) continue;
      failures.set(key, [...(failures.get(key) ?? []), `${c.test}: ${why}`]);
      throughGenerated.set(key, (throughGenerated.get(key) ?? true) && !c.failed && !failedWithSameGenerated.has(c.line));
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
          if (fail && throughGenerated.get(`${p.name}\0${e.subpath}\0${name}`)) {
            changes.push({ severity: 'non-breaking', code: 'generated-type-changed', where, message: `export \`${name}\` (${h.kind}) changed only through the generated types (src/generated/) — classified by the spec comparison (${fail[0].slice(0, 160)})` });
            continue;
          }
          const alias = !fail && h.kind === 'class' && aliasedClasses.find((a) => a.name === h.symbol.name && h.symbol.declarations?.some((d) => d.getSourceFile().fileName === a.headFile));
          if (alias) {
            if (alias.added.length || alias.changed.length) {
              const list = (xs) => xs.map((x) => `\`${x}\``).join(', ');
              const what = [alias.added.length ? `gained public members ${list(alias.added)}` : '', alias.changed.length ? `changed ${list(alias.changed)} compatibly` : ''].filter(Boolean).join(' and ');
              changes.push({ severity: 'non-breaking', code: 'class-changed-compatibly', where, message: `export \`${name}\` (class) ${what} — it has private/protected members, so its values only come from the class itself (none can be built by hand): signatures using it are unchanged` });
            }
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
