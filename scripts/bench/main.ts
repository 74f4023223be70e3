// `npm run bench` — every benchmark of the repository in one command.
//   npm run bench [-- --quick] [--filter <substring>]… [--rounds N] [--scale X] [--json FILE]
// Scenarios come from every scripts/bench/*.scenarios.ts (each exports `scenarios`, see
// types.ts). Each scenario runs in its own child process: setup once, a warm-up, then
// interleaved rounds with a rotating contender order and a bounded number of operations.
// The result is a table of ratios with their min–max over rounds and goal marks — never
// bare times (these machines are shared and noisy). Then the browser bundle sizes.
import { fork } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleRows, formatBundles, type BundleRow } from './bundle.ts';
import { runScenario, type RoundResult } from './child.ts';
import { parseBenchArgs, selected, UsageError, USAGE } from './options.ts';
import { formatTable, ratioRows, type RatioRow } from './report.ts';
import type { Scenario, ScenarioModule } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));

async function load(file: string): Promise<Scenario[]> {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as ScenarioModule;
  if (!Array.isArray(mod.scenarios)) throw new Error(`${file} does not export \`scenarios\``);
  return mod.scenarios;
}

// Child mode: `main.ts --child <file> <scenario name> <rounds> <scale>`.
if (process.argv[2] === '--child') {
  const [file, name, rounds, scale] = process.argv.slice(3) as [string, string, string, string];
  const scenario = (await load(file)).find((s) => s.name === name);
  if (!scenario) throw new Error(`${file}: no scenario named ${name}`);
  const results = await runScenario(scenario, Number(rounds), Number(scale));
  process.send!({ results }, () => process.exit(0));
} else {
  await main();
}

function runChild(file: string, scenario: Scenario, rounds: number, scale: number): Promise<RoundResult[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', file, scenario.name, String(rounds), String(scale)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let results: RoundResult[] | undefined;
    child.on('message', (m: { results: RoundResult[] }) => (results = m.results));
    child.once('error', reject);
    child.once('exit', (code, signal) => (results ? resolve(results) : reject(new Error(`exited with ${signal ?? code} before reporting`))));
  });
}

async function main() {
  let options;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const files = readdirSync(here).filter((f) => f.endsWith('.scenarios.ts')).sort();
  const rows: RatioRow[] = [];
  const json: { scenario: string; group: string; inFlight: number; rounds?: RoundResult[]; error?: string }[] = [];
  let failed = 0;
  for (const file of files) {
    for (const scenario of (await load(file)).filter((s) => selected(s.name, options.filter))) {
      process.stderr.write(`bench: ${scenario.name} (${file}) …\n`);
      try {
        const rounds = await runChild(file, scenario, options.rounds, options.scale);
        rows.push(...ratioRows(scenario, rounds));
        json.push({ scenario: scenario.name, group: scenario.group, inFlight: scenario.inFlight, rounds });
      } catch (err) {
        failed++;
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`bench: ${scenario.name} FAILED: ${message}\n`);
        json.push({ scenario: scenario.name, group: scenario.group, inFlight: scenario.inFlight, error: message });
      }
    }
  }
  let bundles: BundleRow[] = [];
  if (selected('bundle', options.filter)) bundles = await bundleRows();

  console.log(`\nnpm run bench — ${options.rounds} rounds per scenario, scale ${options.scale}; ops/s ratios (higher is better) unless marked ≤; goals are met when the median reaches them\n`);
  for (const group of ['rest', 'ws'] as const) {
    const names = new Set(json.filter((j) => j.group === group).map((j) => j.scenario));
    const groupRows = rows.filter((r) => names.has(r.scenario));
    if (groupRows.length) console.log(`${formatTable(groupRows)}\n`);
  }
  if (bundles.length) console.log(`${formatBundles(bundles)}\n`);
  const missed = rows.filter((r) => r.met === false).length + bundles.filter((b) => b.gzip > b.goal).length;
  console.log(`bench: ${json.length} scenario(s), ${failed} failed; ${missed} goal(s) missed`);
  if (options.json) writeFileSync(options.json, JSON.stringify({ options, scenarios: json, ratios: rows, bundles }, null, 2) + '\n');
  if (failed) process.exitCode = 1;
}
