import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(pkgDir, '..', '..');
export const fixture = (...parts: string[]) => join(pkgDir, 'test', 'fixtures', ...parts);
/** Labels used for the committed outputs under test/generated (stable, cwd independent). */
export const label = (name: string) => `test/fixtures/valid/${name}.yaml`;

/** Runs the CLI from source (`npm run generate` runs an esbuild bundle of the same file) and returns its exit code and output. */
export function runCli(args: string[], cwd = pkgDir) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(pkgDir, 'src', 'cli.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
