#!/usr/bin/env node
// npm run spec:check-changesets -- --base <git ref>
// Fails (exit 1) when a public package needs a bigger bump than the changesets of this change
// declare (.changeset/*.md added or modified since the base: committed, staged, unstaged or
// untracked; one already on the base branch does not count), and prints the changeset to add.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, gitRoot } from './analyze.mjs';
import { suggestedChangeset } from './report.mjs';

const { values } = parseArgs({ options: { base: { type: 'string' }, root: { type: 'string' } } });
if (!values.base) {
  console.error('usage: check-changesets --base <git ref>');
  process.exit(2);
}

let result;
try {
  const root = values.root ? resolve(values.root) : gitRoot(process.cwd());
  result = await analyze({ root, base: values.base, lint: false });
} catch (err) {
  console.error(`check-changesets: ${err?.stack ?? err}`);
  process.exit(2);
}

console.log(`changesets of this change: ${result.changesets.map((c) => c.file).join(', ') || 'none'}`);
const onBase = result.changesetsOnBase ?? [];
if (onBase.length) console.log(`already on the base (not counted): ${onBase.slice(0, 5).join(', ')}${onBase.length > 5 ? ` … and ${onBase.length - 5} more` : ''}`);
const rows = result.packages.filter((p) => p.required !== 'none' || p.declared !== 'none');
for (const p of rows) {
  console.log(`${p.ok ? 'ok     ' : 'MISSING'} ${p.name}: needs ${p.required}, changesets declare ${p.declared}${p.reasons.length ? ` (${p.reasons.map((r) => r.text).join('; ')})` : ''}`);
}
const missing = result.packages.filter((p) => !p.ok);
if (missing.length) {
  console.error(`\ncheck-changesets: ${missing.length} package(s) need a bigger bump than the pending changesets declare:`);
  for (const p of missing) console.error(`  - ${p.name}: add a changeset with "${p.name}": ${p.required} (declared: ${p.declared})`);
  console.error(`\nRun \`npm run changeset\`, or add .changeset/<name>.md:\n\n${suggestedChangeset(missing)}\n`);
  process.exit(1);
}
console.log(`check-changesets: pending changesets cover every required bump (base ${values.base}).`);
