#!/usr/bin/env node
// npm run spec:review -- --base <git ref> [--no-lint] [--out reports/spec-review.md] [--json reports/spec-review.json]
// Lints every spec, classifies the changes since <base> (specs and public API of the
// packages) and says which bump each public package needs. Prints markdown to stdout and
// writes it to reports/. Exits 0 when the review ran (the findings are in the report),
// 2 on usage/tool errors.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, gitRoot } from './analyze.mjs';
import { renderMarkdown } from './report.mjs';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    root: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'string' },
    'no-lint': { type: 'boolean', default: false },
  },
});

if (!values.base) {
  console.error('usage: spec-review --base <git ref> [--no-lint] [--out file.md] [--json file.json]');
  process.exit(2);
}

try {
  const root = values.root ? resolve(values.root) : gitRoot(process.cwd());
  const result = await analyze({ root, base: values.base, lint: !values['no-lint'] });
  const md = renderMarkdown(result);
  const out = resolve(root, values.out ?? 'reports/spec-review.md');
  const json = resolve(root, values.json ?? 'reports/spec-review.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, md);
  mkdirSync(dirname(json), { recursive: true });
  writeFileSync(
    json,
    JSON.stringify(
      {
        ...result,
        packages: result.packages.map(({ api, ...p }) => ({ ...p, apiChanges: api?.changes ?? [] })),
      },
      null,
      2,
    ) + '\n',
  );
  process.stdout.write(md);
} catch (err) {
  console.error(`spec-review: ${err?.stack ?? err}`);
  process.exit(2);
}
