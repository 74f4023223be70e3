#!/usr/bin/env node
// `npm run test:stress`: the whole `npm test` three times in a row while two CPU-bound
// burner processes run beside it — the suite must hold on a loaded machine.
// Prints `stress: N/3 passed` and exits non-zero unless every run passed.
// The burners are always killed: on success, failure, SIGINT and SIGTERM.
// turbo's cache is bypassed (`--force`): a replayed cached result proves nothing.
//   node scripts/stress.mjs [--runs 3] [--burners 2] [-- <args for npm test, instead of --force>]
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/workspace.mjs';

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, burners: { type: 'string', default: '2' } },
  allowPositionals: true,
});
const runs = Number(values.runs);
const burnerCount = Number(values.burners);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(burnerCount) || burnerCount < 0) {
  console.error('stress: --runs must be a positive integer and --burners a non-negative integer');
  process.exit(2);
}

const burners = [];
function startBurners() {
  for (let i = 0; i < burnerCount; i++) {
    const b = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
    burners.push(b);
  }
  console.log(`stress: ${burners.length} CPU burner(s) started (pids ${burners.map((b) => b.pid).join(', ')})`);
}
function stopBurners() {
  for (const b of burners) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
}
process.on('exit', stopBurners);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopBurners();
    process.exit(130);
  });
}

function npmTest() {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['scripts/test.mjs', ...(positionals.length ? positionals : ['--force'])], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code, signal) => {
      const summary = tail.trim().split('\n').findLast((l) => /\d+ passed, \d+ failed/.test(l)) ?? `no summary (exit ${code ?? signal})`;
      res({ ok: code === 0, summary });
    });
  });
}

startBurners();
const results = [];
for (let i = 1; i <= runs; i++) {
  console.log(`\nstress: run ${i}/${runs} (npm test beside ${burnerCount} burner(s))`);
  const r = await npmTest();
  results.push(r);
  console.log(`stress: run ${i}/${runs} ${r.ok ? 'passed' : 'FAILED'}: ${r.summary}`);
}
stopBurners();
const passed = results.filter((r) => r.ok).length;
console.log('');
results.forEach((r, i) => console.log(`stress: run ${i + 1}: ${r.ok ? 'pass' : 'FAIL'}  ${r.summary}`));
console.log(`stress: ${passed}/${runs} passed`);
process.exit(passed === runs ? 0 : 1);
