#!/usr/bin/env node
// The generators' own code as single JavaScript files, bundled by esbuild and kept under
// node_modules/.cache/s2sdk-generate/, so that `npm run generate` loads one file per tool instead
// of hundreds and (through scripts/lib/code-cache.mjs) does not compile it again:
//
//   asyncapi-cli-light  packages/asyncapi-codegen/src/cli.ts and @s2sdk/ws-protocol, npm
//                       dependencies external (ESM): ~0.1 s to build. A fresh clone has no build
//                       of either package; this replaces `node --import tsx`.
//   asyncapi-cli        the same with its npm dependencies (@asyncapi/parser, Spectral, Ajv…,
//                       ~800 files), CommonJS, run with a V8 code cache: ~0.6 s to build.
//   openapi-typescript  openapi-typescript with @redocly/openapi-core and typescript (~360 files,
//                       11 MB), CommonJS, loaded with a V8 code cache: ~1 s to build.
//
// The full bundles are built by `npm install` (the root `postinstall` runs this file) and, when a
// run finds one out of date (a generator source edited, a dependency upgraded), by that run of
// generate.mjs once its own work is done, for the next run; meanwhile it uses the light CLI and
// plain `require`. Generation never depends on them: the output is the same either way.
//
// Each bundle has a manifest naming what it was built from: esbuild's version, the recipe, the
// tsconfig files (their `paths` decide what `@s2sdk/*` resolves to) and every file esbuild read
// (its metafile), each by SHA-256 (and its size and mtime: an input whose size and mtime are
// unchanged is not hashed again). A bundle is used while all of them are unchanged, without
// loading esbuild at all.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCommonJs } from './code-cache.mjs';

const CLI_ENTRY = 'packages/asyncapi-codegen/src/cli.ts';
/** What goes into a build besides its inputs; part of the key (bump `id` when the build options change). */
const RECIPES = {
  'asyncapi-cli-light': { id: 'asyncapi-cli-light-2', entry: CLI_ENTRY, format: 'esm', external: 'npm packages but @s2sdk/*' },
  // Every package resolves as Node resolves it (`main`: one copy of each module, as Spectral's
  // ruleset formats, compared by identity, need), but jsonc-parser: its `main` is a UMD build
  // whose `require`s esbuild cannot follow, so its ESM build (the same code) stands in for it.
  // `trustRuleset`: Spectral checks a ruleset's definition against its JSON Schema whenever one is
  // set, compiling an Ajv 2020 validator for it first (about 0.14 s of every run). The generator's
  // rulesets are fixed code (document-checks.ts), checked by that same assertion wherever they run
  // unbundled (the package's tests, the light CLI), so the full bundle skips it.
  'asyncapi-cli': { id: 'asyncapi-cli-5', entry: CLI_ENTRY, format: 'cjs', external: 'none', minifyWhitespace: true, alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' }, trustRuleset: true },
  'openapi-typescript': { id: 'openapi-typescript-3', entry: "module.exports = require('openapi-typescript');", format: 'cjs', external: 'none', minifyWhitespace: true },
};
/** The bundles `npm install` prepares. */
export const FULL_BUNDLES = ['asyncapi-cli', 'openapi-typescript'];
const TSCONFIGS = ['tsconfig.json', 'tsconfig.base.json'];
// A bundle, or the V8 code cache of one (`<bundle>.v8cache`).
const CACHE_FILE = /^[a-z-]+\.[0-9a-f]{16}\.[cm]js(\.v8cache)?$/;

/** The default cache folder of a checkout. */
export const defaultCacheDir = (root) => join(root, 'node_modules/.cache/s2sdk-generate');

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function fileHash(root, file) {
  try {
    return sha256(readFileSync(join(root, file)));
  } catch {
    return null; // gone: never equal to a recorded hash
  }
}

/** What a manifest records of an input: its SHA-256, and its size and mtime to skip hashing it when they are unchanged. */
function fingerprint(root, file) {
  const hash = fileHash(root, file);
  const { size, mtimeMs } = statSync(join(root, file));
  return { hash, size, mtimeMs };
}

/** True when the input still has the recorded content: same size and mtime, or else the same SHA-256. */
function unchanged(root, file, recorded) {
  let stat;
  try {
    stat = statSync(join(root, file));
  } catch {
    return false;
  }
  if (stat.size !== recorded.size) return false;
  return stat.mtimeMs === recorded.mtimeMs || fileHash(root, file) === recorded.hash;
}

function esbuildVersion(root) {
  return JSON.parse(readFileSync(join(root, 'node_modules/esbuild/package.json'), 'utf8')).version;
}

function readManifest(dir, name) {
  try {
    return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The path of the named bundle when its manifest still matches the tree, else undefined. */
export function cachedBundle(root, name, dir = defaultCacheDir(root)) {
  const manifest = readManifest(dir, name);
  if (!manifest || manifest.esbuild !== esbuildVersion(root) || JSON.stringify(manifest.recipe) !== JSON.stringify(RECIPES[name])) return undefined;
  for (const [file, recorded] of Object.entries(manifest.inputs ?? {})) if (!unchanged(root, file, recorded)) return undefined;
  return manifest.bundleFile && unchanged(dir, manifest.bundle, manifest.bundleFile) ? join(dir, manifest.bundle) : undefined;
}

/**
 * Builds the named bundle into `dir` and returns its path. `threads: 1` runs esbuild on one
 * thread (a build next to a running generator leaves it the other core) when this is the
 * process's first esbuild build: the thread count is fixed when esbuild's service starts.
 */
export async function buildBundle(root, name, dir = defaultCacheDir(root), { threads } = {}) {
  const recipe = RECIPES[name];
  const { build } = await import('esbuild');
  const ext = recipe.format === 'cjs' ? 'cjs' : 'mjs';
  const options = {
    absWorkingDir: root,
    outfile: join(dir, `${name}.${ext}`),
    write: false,
    metafile: true,
    bundle: true,
    platform: 'node',
    format: recipe.format,
    target: 'node20',
    tsconfig: join(root, 'tsconfig.json'), // maps @s2sdk/* to packages/*/src
    logLevel: 'silent',
  };
  if (recipe.entry.endsWith('.ts')) options.entryPoints = [join(root, recipe.entry)];
  else options.stdin = { contents: recipe.entry, resolveDir: root, sourcefile: `${name}-entry.cjs`, loader: 'js' };
  if (recipe.alias) options.alias = recipe.alias;
  // Whitespace only (names and code unchanged): a third less to read, hash and parse per run.
  if (recipe.minifyWhitespace) options.minifyWhitespace = true;
  options.plugins = [];
  if (recipe.external !== 'none') {
    options.plugins.push({
      name: 'npm-dependencies-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@s2sdk/') ? undefined : { path: args.path, external: true }));
      },
    });
  }
  if (recipe.trustRuleset) options.plugins.push(trustedRuleset);
  // esbuild's service process starts on the first build and reads GOMAXPROCS then.
  const saved = process.env.GOMAXPROCS;
  if (threads) process.env.GOMAXPROCS = String(threads);
  let running;
  try {
    running = build(options);
  } finally {
    if (saved === undefined) delete process.env.GOMAXPROCS;
    else process.env.GOMAXPROCS = saved;
  }
  const result = await running;
  // Errors a plugin adds at the end (the `trustRuleset` guard) do not make esbuild reject.
  if (result.errors.length) throw new Error(`esbuild: ${result.errors.map((e) => e.text).join('; ')}`);
  const contents = result.outputFiles[0].contents;
  const bundleHash = sha256(contents);
  const file = `${name}.${bundleHash.slice(0, 16)}.${ext}`;
  const inputs = {};
  const read = Object.keys(result.metafile.inputs).filter((f) => f !== options.stdin?.sourcefile); // the entry text is in the recipe
  for (const f of [...TSCONFIGS, ...read].sort()) inputs[f] = fingerprint(root, f);
  mkdirSync(dir, { recursive: true });
  // Written under a temporary name and renamed: a concurrent run never sees half a file.
  const tmp = (f) => join(dir, `${f}.${process.pid}.tmp`);
  writeFileSync(tmp(file), contents);
  renameSync(tmp(file), join(dir, file));
  // The bundle's own record, from the bytes just written (not read and hashed again).
  const bundleFile = { hash: bundleHash, size: contents.length, mtimeMs: statSync(join(dir, file)).mtimeMs };
  const manifest = { esbuild: esbuildVersion(root), recipe, inputs, bundle: file, bundleFile };
  writeFileSync(tmp(`${name}.json`), JSON.stringify(manifest, null, 2) + '\n');
  renameSync(tmp(`${name}.json`), join(dir, `${name}.json`));
  removeStaleBundles(dir);
  return join(dir, file);
}

/** Spectral's module that checks a ruleset's definition (`assertValidRuleset`). */
const RULESET_ASSERTIONS = /[\\/]@stoplight[\\/]spectral-core[\\/]dist[\\/]ruleset[\\/]validation[\\/]assertions\.js$/;

/**
 * The recipes' `trustRuleset`: Spectral's `assertValidRuleset` becomes a no-op in the bundle (the
 * module's other exports are unchanged; its callers read the export at call time). The build
 * fails when the module is not among the bundle's inputs, so a Spectral that moved it cannot
 * silently bring the cost back.
 */
export const trustedRuleset = {
  name: 'trusted-ruleset',
  setup(b) {
    let found = false;
    b.onLoad({ filter: RULESET_ASSERTIONS }, (args) => {
      found = true;
      const source = readFileSync(args.path, 'utf8');
      return { contents: `${source}\n;exports.assertValidRuleset = function assertValidRuleset() {};\n`, loader: 'js' };
    });
    b.onEnd((result) => {
      if (!found && !result.errors.length) result.errors.push({ text: "trustRuleset: @stoplight/spectral-core's ruleset/validation/assertions.js is not among the inputs" });
    });
  },
};

/**
 * Bundles no manifest names, and their code caches, go once they are ten minutes old (a run
 * started just before may still be about to start the one it found).
 */
function removeStaleBundles(dir) {
  const current = new Set(Object.keys(RECIPES).map((name) => readManifest(dir, name)?.bundle));
  for (const old of readdirSync(dir)) {
    if (!CACHE_FILE.test(old) || current.has(old.replace(/\.v8cache$/, ''))) continue;
    try {
      if (Date.now() - statSync(join(dir, old)).mtimeMs > 10 * 60_000) rmSync(join(dir, old), { force: true });
    } catch {
      // removed by a concurrent run
    }
  }
}

/** The named bundle, built when the cache has none for these inputs; `built` tells whether this call ran esbuild. */
export async function bundle(root, name, dir = defaultCacheDir(root)) {
  const hit = cachedBundle(root, name, dir);
  if (hit) return { file: hit, built: false };
  return { file: await buildBundle(root, name, dir), built: true };
}

const CODE_CACHE_RUNNER = fileURLToPath(new URL('./code-cache.mjs', import.meta.url));

/**
 * How to run the AsyncAPI generator now: `args` to give `node` before the generator's own
 * arguments. The full bundle through scripts/lib/code-cache.mjs when it is current (`stale:
 * undefined`), else the light one (built if needed) with `stale: 'asyncapi-cli'`.
 */
export async function asyncapiGenerator(root, dir = defaultCacheDir(root)) {
  const full = cachedBundle(root, 'asyncapi-cli', dir);
  if (full) return { args: [CODE_CACHE_RUNNER, full], stale: undefined };
  return { args: [(await bundle(root, 'asyncapi-cli-light', dir)).file], stale: 'asyncapi-cli' };
}

/**
 * openapi-typescript: its bundle with a code cache when it is current, else through `require`
 * with `stale: 'openapi-typescript'`. `require`, not `import`: its CommonJS build loads
 * `typescript` (9 MB of CommonJS) with `require`, where its ESM build's `import` sends it through
 * the ESM loader's format detection and CommonJS export lexing (1.3 s to import, 0.6 s to require).
 * Both builds are the same code, and so is the bundle (the generated files are byte for byte the same).
 */
export function loadOpenapiTypescript(root, dir = defaultCacheDir(root)) {
  const file = cachedBundle(root, 'openapi-typescript', dir);
  if (file) return { module: runCommonJs(file), stale: undefined };
  return { module: createRequire(join(root, 'package.json'))('openapi-typescript'), stale: 'openapi-typescript' };
}

// `node scripts/lib/tool-bundles.mjs` (the root `postinstall`): builds the full bundles that are
// not current. It never fails an install: a bundle it could not build is only a slower generate.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  for (const name of FULL_BUNDLES) {
    try {
      if (!cachedBundle(root, name)) await buildBundle(root, name);
    } catch (err) {
      console.warn(`s2sdk: the ${name} bundle for npm run generate was not built (generation is slower, not different): ${err.message}`);
    }
  }
}
