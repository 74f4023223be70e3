// scripts/lib/tool-bundles.mjs: generate.mjs's bundles of its tools are reused while their inputs
// are unchanged, built again when one changes, and produce what the unbundled tools produce.
// Runs on a copy of the sources (node_modules linked), with a cache folder of its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { asyncapiGenerator, buildBundle, bundle, cachedBundle, loadOpenapiTypescript, trustedRuleset } from '../lib/tool-bundles.mjs';
import { repoRoot } from '../lib/workspace.mjs';

function copyOfTheSources(): string {
  const root = mkdtempSync(join(tmpdir(), 'tool-bundles-'));
  for (const dir of ['packages/asyncapi-codegen/src', 'packages/ws-protocol/src', 'specs/niyantha']) cpSync(join(repoRoot, dir), join(root, dir), { recursive: true });
  for (const file of ['tsconfig.json', 'tsconfig.base.json', 'package.json']) cpSync(join(repoRoot, file), join(root, file));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

const SPEC = 'specs/niyantha/asyncapi.yaml';
/** Runs the AsyncAPI generator as generate.mjs does (`node <args> <spec> --out <dir>`), validating (no verdict cache). */
function runGenerator(root: string, args: string[], out: string, spec = join(root, SPEC)) {
  return spawnSync(process.execPath, [...args, spec, '--out', out, '--label', SPEC], { cwd: root, encoding: 'utf8', env: { ...process.env, S2SDK_ASYNCAPI_CACHE: 'off' } });
}
const filesOf = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('the light AsyncAPI CLI bundle', () => {
  const root = copyOfTheSources();
  const cache = join(root, 'cache');

  it('builds a runnable CLI, then reuses it while nothing changed', async () => {
    const first = await bundle(root, 'asyncapi-cli-light', cache);
    expect(first.built).toBe(true);
    expect(execFileSync(process.execPath, [first.file, '--help'], { encoding: 'utf8' })).toMatch(/^Usage: s2sdk-asyncapi-codegen/);
    const manifest = JSON.parse(readFileSync(join(cache, 'asyncapi-cli-light.json'), 'utf8')) as { inputs: Record<string, unknown> };
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['packages/asyncapi-codegen/src/cli.ts', 'packages/ws-protocol/src/index.ts', 'tsconfig.json', 'tsconfig.base.json']));
    // npm dependencies stay outside the light bundle
    expect(Object.keys(manifest.inputs).some((f) => f.includes('node_modules/'))).toBe(false);
    expect(await bundle(root, 'asyncapi-cli-light', cache)).toEqual({ file: first.file, built: false });
  });

  it('builds again when a source, a tsconfig or the bundle itself changed', async () => {
    const before = await bundle(root, 'asyncapi-cli-light', cache);
    const usage = join(root, 'packages/asyncapi-codegen/src/cli.ts');
    writeFileSync(usage, readFileSync(usage, 'utf8').replace('Usage: s2sdk-asyncapi-codegen', 'Usage (edited): s2sdk-asyncapi-codegen'));
    const edited = await bundle(root, 'asyncapi-cli-light', cache);
    expect(edited.built).toBe(true);
    expect(edited.file).not.toBe(before.file);
    expect(execFileSync(process.execPath, [edited.file, '--help'], { encoding: 'utf8' })).toMatch(/^Usage \(edited\)/);

    writeFileSync(join(root, 'tsconfig.base.json'), readFileSync(join(root, 'tsconfig.base.json'), 'utf8') + '\n');
    expect((await bundle(root, 'asyncapi-cli-light', cache)).built).toBe(true);

    const current = await bundle(root, 'asyncapi-cli-light', cache);
    expect(current.built).toBe(false);
    writeFileSync(current.file, '// truncated\n');
    expect((await bundle(root, 'asyncapi-cli-light', cache)).built).toBe(true);
  });

  it('notices an edit that keeps the size of a source (its hash differs once its mtime does)', async () => {
    const current = await bundle(root, 'asyncapi-cli-light', cache);
    expect(current.built).toBe(false);
    const usage = join(root, 'packages/asyncapi-codegen/src/cli.ts');
    const text = readFileSync(usage, 'utf8');
    const same = text.replace('Usage (edited)', 'Usage (EDITED)');
    expect(same.length).toBe(text.length);
    writeFileSync(usage, same);
    expect((await bundle(root, 'asyncapi-cli-light', cache)).built).toBe(true);
    // touched, content unchanged: the hash decides, the bundle stays
    writeFileSync(usage, same);
    expect((await bundle(root, 'asyncapi-cli-light', cache)).built).toBe(false);
  });
});

describe('the full AsyncAPI CLI bundle (npm dependencies included, run with a code cache)', () => {
  const root = copyOfTheSources();
  const cache = join(root, 'cache');

  it('is used once built, and generates exactly what the light CLI generates, validation included', async () => {
    const before = await asyncapiGenerator(root, cache);
    expect(before.stale).toBe('asyncapi-cli');
    const light = join(root, 'out-light');
    expect(runGenerator(root, before.args, light).status).toBe(0);

    const full = await buildBundle(root, 'asyncapi-cli', cache);
    const manifest = JSON.parse(readFileSync(join(cache, 'asyncapi-cli.json'), 'utf8')) as { inputs: Record<string, unknown> };
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['packages/asyncapi-codegen/src/cli.ts', expect.stringMatching(/node_modules\/@asyncapi\/parser\//)]));
    // Spectral's check of the (fixed) ruleset definition is the one thing the bundle leaves out.
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining([expect.stringMatching(/node_modules\/@stoplight\/spectral-core\/dist\/ruleset\/validation\/assertions\.js$/)]));
    expect(readFileSync(full, 'utf8')).toMatch(/exports\d*\.assertValidRuleset\s*=\s*function assertValidRuleset\d*\(\)\s*\{\s*\}/);
    const after = await asyncapiGenerator(root, cache);
    expect(after.stale).toBeUndefined();
    expect(after.args).toEqual([join(repoRoot, 'scripts/lib/code-cache.mjs'), full]);

    const out = join(root, 'out-full');
    const run = runGenerator(root, after.args, out);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(filesOf(out)).toEqual(filesOf(light));
    expect(existsSync(`${full}.v8cache`)).toBe(true); // written by that run
    const again = join(root, 'out-cached');
    expect(runGenerator(root, after.args, again).status).toBe(0);
    expect(filesOf(again)).toEqual(filesOf(light));
  });

  it('reports a document the AsyncAPI 3.0 schema rejects as the light CLI does', async () => {
    const { args, stale } = await asyncapiGenerator(root, cache);
    expect(stale).toBeUndefined();
    const broken = join(root, 'specs/niyantha/broken.yaml');
    writeFileSync(broken, readFileSync(join(root, SPEC), 'utf8').replace(/^info:\n {2}title: .*\n/m, 'info:\n'));
    const light = await bundle(root, 'asyncapi-cli-light', cache);
    const viaFull = runGenerator(root, args, join(root, 'out-broken'), broken);
    const viaLight = runGenerator(root, [light.file], join(root, 'out-broken-light'), broken);
    expect(viaFull.status).toBe(1);
    expect(viaFull.stderr).toMatch(/"info" property must have required property "title"/);
    expect(viaFull.stderr).toBe(viaLight.stderr);
  });

  it("makes a build fail when Spectral's ruleset assertions are not among its inputs (the skip cannot silently vanish)", async () => {
    const { build } = await import('esbuild');
    const result = await build({ stdin: { contents: "require('node:path');", loader: 'js' }, bundle: true, platform: 'node', write: false, logLevel: 'silent', plugins: [trustedRuleset] });
    expect(result.errors.map((e) => e.text)).toEqual([expect.stringMatching(/^trustRuleset: .*assertions\.js is not among the inputs$/)]);
  });

  it('is out of date once a dependency it bundles changes', async () => {
    expect(cachedBundle(root, 'asyncapi-cli', cache)).toBeDefined();
    const manifestFile = join(cache, 'asyncapi-cli.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { inputs: Record<string, { hash: string; size: number; mtimeMs: number }> };
    // (esbuild records the copy's linked node_modules by its real path, relative to the copy)
    const dep = Object.keys(manifest.inputs).find((f) => f.includes('node_modules/@asyncapi/parser/'))!;
    // As if another version were installed (the file itself is the repository's: only its record changes).
    manifest.inputs[dep] = { ...manifest.inputs[dep]!, size: manifest.inputs[dep]!.size + 1 };
    writeFileSync(manifestFile, JSON.stringify(manifest));
    expect(cachedBundle(root, 'asyncapi-cli', cache)).toBeUndefined();
    expect((await asyncapiGenerator(root, cache)).stale).toBe('asyncapi-cli');
  });
});

describe('the openapi-typescript bundle', () => {
  const root = copyOfTheSources();
  const cache = join(root, 'cache');
  type OpenapiTs = { default: (doc: URL, o: object) => Promise<unknown>; astToString: (ast: unknown) => string };
  const generateWith = async (mod: unknown) => {
    const { default: openapiTS, astToString } = mod as OpenapiTs;
    return astToString(await openapiTS(pathToFileURL(join(repoRoot, 'specs/niyantha/openapi.yaml')), { silent: true, alphabetize: false, defaultNonNullable: false }));
  };

  it('is `require` until built, then the bundle, and both give the same types', async () => {
    const plain = loadOpenapiTypescript(root, cache);
    expect(plain.stale).toBe('openapi-typescript');
    const file = await buildBundle(root, 'openapi-typescript', cache);
    expect(statSync(file).size).toBeGreaterThan(1_000_000); // typescript is in it
    const bundled = loadOpenapiTypescript(root, cache);
    expect(bundled.stale).toBeUndefined();
    expect(bundled.module).not.toBe(plain.module);
    const [a, b] = [await generateWith(plain.module), await generateWith(bundled.module)];
    expect(a.length).toBeGreaterThan(10_000);
    expect(b).toBe(a);
  }, 60_000);
});
