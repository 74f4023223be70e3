// Gzip size of an esbuild browser bundle of named exports — what a web app pays for
// `import { createApiClient, unwrap } from '@s2sdk/core'`: minified ESM for the browser,
// dependencies included (openapi-fetch …), tree-shaken, gzip level 9.
// Shared by `npm run size` (scripts/release/size.mjs, against the built dist/) and
// `npm run bench` (scripts/bench/bundle.ts, against src/ so no build is needed).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { repoRoot } from './discover.mjs';

/** An esbuild plugin resolving `@s2sdk/<dir>[/sub]` to `packages/<dir>/src/<sub|index>.ts` (workspace sources). */
function workspaceSources(root) {
  return {
    name: 's2sdk-workspace-src',
    setup(b) {
      b.onResolve({ filter: /^@s2sdk\// }, (args) => {
        const [, dir, sub = 'index'] = /^@s2sdk\/([^/]+)(?:\/(.+))?$/.exec(args.path) ?? [];
        const file = join(root, 'packages', dir, 'src', `${sub}.ts`);
        return existsSync(file) ? { path: file } : undefined;
      });
    },
  };
}

/**
 * @param {{ from: string, names?: string[], source?: 'dist' | 'src', root?: string }} entry
 *   `names` omitted: `export * from`. `source: 'src'` bundles workspace packages from their TypeScript sources.
 * @returns {Promise<{ gzip: number, minified: number }>}
 */
export async function browserBundleSize({ from, names, source = 'dist', root = repoRoot }) {
  const contents = names ? `export { ${names.join(', ')} } from ${JSON.stringify(from)};\n` : `export * from ${JSON.stringify(from)};\n`;
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    legalComments: 'none',
    plugins: source === 'src' ? [workspaceSources(root)] : [],
  });
  const code = result.outputFiles[0].contents;
  return { gzip: gzipSync(code, { level: 9 }).length, minified: code.length };
}

/** The named bundles of size-budgets.json (`bundles`): [{ name, from, names?, budget }]. */
export function bundleBudgets(root = repoRoot) {
  const b = JSON.parse(readFileSync(join(root, 'size-budgets.json'), 'utf8'));
  return Object.entries(b.bundles ?? {}).map(([name, v]) => ({ name, ...v }));
}
