#!/usr/bin/env node
// `npm run demo`: the main job on a fresh clone — regenerate the clients from
// specs/, build every package, run every example in examples/ against local mocks
// (each example starts Prism or the WebSocket mock itself when no real URL is given
// in its environment variable), walk through a stateful flow against @s2sdk/sandbox
// (scripts/demo-sandbox.mjs), then build the docs site in site/.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/workspace.mjs';

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const run = (label, cmd, args) => {
  console.log(`\n=== ${label}`);
  const r = spawnSync(cmd, args, { cwd: repoRoot, env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`demo: ${label} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
};

run('generate clients from specs/', join(repoRoot, 'node_modules/.bin/turbo'), ['run', 'generate', '--output-logs=errors-only']);
run('build every package', join(repoRoot, 'node_modules/.bin/turbo'), ['run', 'build', '--output-logs=errors-only']);
const examples = readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.ts')).sort();
for (const file of examples) run(`example ${file}`, process.execPath, ['--import', 'tsx', join('examples', file)]);
run('stateful walkthrough against @s2sdk/sandbox', process.execPath, [join(repoRoot, 'scripts/demo-sandbox.mjs')]);
run('docs site', process.execPath, [join(repoRoot, 'scripts/docs/build.mjs')]);
console.log(`\ndemo: ${examples.length} examples ran against local mocks, the sandbox walkthrough ran; the docs are in site/index.html`);
