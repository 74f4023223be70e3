// Tests of the repository scripts and spec documents (scripts/test/**/*.test.ts):
// docs site, spec review, release checks, AsyncAPI spec checks.
//   npx vitest run --config scripts/vitest.config.ts     (`npm test` runs it after the packages)
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    // Building docs, parsing the full AsyncAPI document, running Spectral, TypeScript and
    // Chromium take several seconds each, and minutes on a loaded 2-core machine. These are
    // safety nets that turn a hang into a failure, never expectations: the suites wait for
    // readiness signals (a server's port, Chromium's load events), not for time.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Suites start browsers, git repositories and CLIs: keep them from competing for the 2 cores.
    fileParallelism: false,
    // `npm test` (scripts/test.mjs) sets S2SDK_TEST_REPORT and reads scripts/test-results/vitest.json.
    reporters: process.env.S2SDK_TEST_REPORT ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});
