// scripts/lib/cli-bundle.mjs: generate.mjs's bundle of the AsyncAPI generator's CLI is reused while
// its sources are unchanged and built again when one changes. Runs on a copy of the sources.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asyncapiCodegenCliBundle } from '../lib/cli-bundle.mjs';
import { repoRoot } from '../lib/workspace.mjs';

function copyOfTheSources(): string {
  const root = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
  for (const dir of ['packages/asyncapi-codegen/src', 'packages/ws-protocol/src']) cpSync(join(repoRoot, dir), join(root, dir), { recursive: true });
  for (const file of ['tsconfig.json', 'tsconfig.base.json']) cpSync(join(repoRoot, file), join(root, file));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

describe('asyncapiCodegenCliBundle', () => {
  const root = copyOfTheSources();
  const cache = join(root, 'cache');

  it('builds a runnable CLI, then reuses it while nothing changed', async () => {
    const first = await asyncapiCodegenCliBundle(root, cache);
    expect(first.built).toBe(true);
    expect(execFileSync(process.execPath, [first.file, '--help'], { encoding: 'utf8' })).toMatch(/^Usage: s2sdk-asyncapi-codegen/);
    const manifest = JSON.parse(readFileSync(join(cache, 'asyncapi-codegen-cli.json'), 'utf8')) as { inputs: Record<string, string> };
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['packages/asyncapi-codegen/src/cli.ts', 'packages/ws-protocol/src/index.ts', 'tsconfig.json', 'tsconfig.base.json']));
    expect(await asyncapiCodegenCliBundle(root, cache)).toEqual({ file: first.file, built: false });
  });

  it('builds again when a source, a tsconfig or the bundle itself changed', async () => {
    const before = await asyncapiCodegenCliBundle(root, cache);
    const usage = join(root, 'packages/asyncapi-codegen/src/cli.ts');
    writeFileSync(usage, readFileSync(usage, 'utf8').replace('Usage: s2sdk-asyncapi-codegen', 'Usage (edited): s2sdk-asyncapi-codegen'));
    const edited = await asyncapiCodegenCliBundle(root, cache);
    expect(edited.built).toBe(true);
    expect(edited.file).not.toBe(before.file);
    expect(execFileSync(process.execPath, [edited.file, '--help'], { encoding: 'utf8' })).toMatch(/^Usage \(edited\)/);

    writeFileSync(join(root, 'tsconfig.base.json'), readFileSync(join(root, 'tsconfig.base.json'), 'utf8') + '\n');
    expect((await asyncapiCodegenCliBundle(root, cache)).built).toBe(true);

    const current = await asyncapiCodegenCliBundle(root, cache);
    expect(current.built).toBe(false);
    writeFileSync(current.file, '// truncated\n');
    expect((await asyncapiCodegenCliBundle(root, cache)).built).toBe(true);
  });
});
