// The AsyncAPI generator's CLI as one plain JavaScript file, bundled from its TypeScript sources
// (and those of @s2sdk/ws-protocol) by esbuild; npm dependencies stay external. A fresh clone has
// no build of either package, and bundling costs tens of milliseconds where `node --import tsx`
// transformed every file and hooked every module load of the parser on each run.
//
// The bundle is kept under node_modules/.cache/s2sdk-generate/ with a manifest naming what it was
// built from: esbuild's version, the build options, the tsconfig files (their `paths` decide what
// `@s2sdk/*` resolves to) and every source file esbuild read (its metafile), each by SHA-256. The
// next run reuses it when all of them are unchanged, without loading esbuild at all; any change
// (a source edited, added to the imports or removed, another esbuild) builds it again.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What goes into the build besides the sources; part of the key (bump `id` when the plugin changes). */
const RECIPE = { id: 'cli-bundle-1', bundle: true, platform: 'node', format: 'esm', target: 'node20', external: 'npm packages but @s2sdk/*' };
const TSCONFIGS = ['tsconfig.json', 'tsconfig.base.json'];
const MANIFEST = 'asyncapi-codegen-cli.json';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function fileHash(root, file) {
  try {
    return sha256(readFileSync(join(root, file)));
  } catch {
    return null; // gone: never equal to a recorded hash
  }
}

function esbuildVersion(root) {
  return JSON.parse(readFileSync(join(root, 'node_modules/esbuild/package.json'), 'utf8')).version;
}

/** The cached bundle's path when its manifest still matches the tree, else undefined. */
function cachedBundle(root, dir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.esbuild !== esbuildVersion(root) || JSON.stringify(manifest.recipe) !== JSON.stringify(RECIPE)) return undefined;
  for (const [file, hash] of Object.entries(manifest.inputs ?? {})) if (fileHash(root, file) !== hash) return undefined;
  const bundle = join(dir, manifest.bundle);
  return fileHash(dir, manifest.bundle) === manifest.bundleHash ? bundle : undefined;
}

/**
 * The path of the bundled CLI of packages/asyncapi-codegen under `root` (a checkout), built when
 * the cache under `cacheDir` (default `<root>/node_modules/.cache/s2sdk-generate`) has none for
 * these sources. `built` tells whether this call ran esbuild.
 */
export async function asyncapiCodegenCliBundle(root, cacheDir = join(root, 'node_modules/.cache/s2sdk-generate')) {
  const hit = cachedBundle(root, cacheDir);
  if (hit) return { file: hit, built: false };
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'packages/asyncapi-codegen/src/cli.ts')],
    outfile: join(cacheDir, 'asyncapi-codegen-cli.mjs'),
    write: false,
    metafile: true,
    bundle: RECIPE.bundle,
    platform: RECIPE.platform,
    format: RECIPE.format,
    target: RECIPE.target,
    tsconfig: join(root, 'tsconfig.json'), // maps @s2sdk/* to packages/*/src
    logLevel: 'silent',
    plugins: [
      {
        name: 'npm-dependencies-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@s2sdk/') ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  const contents = result.outputFiles[0].contents;
  const bundleHash = sha256(contents);
  const name = `asyncapi-codegen-cli.${bundleHash.slice(0, 16)}.mjs`;
  const inputs = {};
  for (const file of [...TSCONFIGS, ...Object.keys(result.metafile.inputs)].sort()) inputs[file] = fileHash(root, file);
  mkdirSync(cacheDir, { recursive: true });
  // Written under a temporary name and renamed: a concurrent run never sees half a file.
  const tmp = (file) => join(cacheDir, `${file}.${process.pid}.tmp`);
  writeFileSync(tmp(name), contents);
  renameSync(tmp(name), join(cacheDir, name));
  writeFileSync(tmp(MANIFEST), JSON.stringify({ esbuild: esbuildVersion(root), recipe: RECIPE, inputs, bundle: name, bundleHash }, null, 2) + '\n');
  renameSync(tmp(MANIFEST), join(cacheDir, MANIFEST));
  // Bundles of other sources go once they are ten minutes old (a run started just before may still
  // be about to start the one it found).
  for (const old of readdirSync(cacheDir)) {
    if (!/^asyncapi-codegen-cli\.[0-9a-f]{16}\.mjs$/.test(old) || old === name) continue;
    try {
      if (Date.now() - statSync(join(cacheDir, old)).mtimeMs > 10 * 60_000) rmSync(join(cacheDir, old), { force: true });
    } catch {
      // removed by a concurrent run
    }
  }
  return { file: join(cacheDir, name), built: true };
}
