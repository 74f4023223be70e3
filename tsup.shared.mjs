// Shared tsup config: entries are derived from each package's package.json
// (`exports` subpaths map to src/<name>.ts, `bin` files to src/<name>.ts),
// so no package keeps a hand-written entry list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function packageConfig(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entry = {};
  for (const key of Object.keys(pkg.exports ?? {})) {
    if (key === './package.json') continue;
    const name = key === '.' ? 'index' : key.slice(2);
    entry[name] = `src/${name}.ts`;
  }
  const bins = {};
  for (const file of Object.values(pkg.bin ?? {})) {
    const name = file.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
    bins[name] = `src/${name}.ts`;
  }
  const common = {
    target: 'node20',
    sourcemap: true,
    treeshake: true,
    splitting: false,
    tsconfig: join(dir, 'tsconfig.build.json'),
  };
  const configs = [{ ...common, entry, format: ['esm', 'cjs'], dts: true, clean: true }];
  if (Object.keys(bins).length) configs.push({ ...common, entry: bins, format: ['esm'], dts: false, clean: false });
  return configs;
}
