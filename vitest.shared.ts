// Shared vitest config: workspace packages resolve to their sources, so tests
// never run against a stale build. The alias list is derived from packages/*.
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type UserConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

function workspaceAliases() {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const pj = join(root, 'packages', dir, 'package.json');
    if (!existsSync(pj)) continue;
    const { name } = JSON.parse(readFileSync(pj, 'utf8')) as { name: string };
    const src = join(root, 'packages', dir, 'src');
    aliases.push({ find: new RegExp(`^${name.replace('/', '\\/')}$`), replacement: join(src, 'index.ts') });
    aliases.push({ find: new RegExp(`^${name.replace('/', '\\/')}\\/(?!package\\.json)(.+)$`), replacement: join(src, '$1.ts') });
  }
  return aliases;
}

export const repoRoot = root;

export function packageVitestConfig(overrides: UserConfig = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { alias: workspaceAliases() },
      test: {
        include: ['test/**/*.test.ts'],
        // Safety nets, not expectations: on a loaded 2-core machine parsing the full AsyncAPI
        // document or starting Prism takes tens of seconds. Tests wait for readiness signals and
        // never assert on speed; these only turn a hang into a failure.
        testTimeout: 120_000,
        hookTimeout: 240_000,
        typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
        // `npm test` asks for a JSON report per package (test-results/vitest.json) to print one summary line.
        reporters: process.env.S2SDK_TEST_REPORT ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
      },
    }),
    overrides,
  );
}
