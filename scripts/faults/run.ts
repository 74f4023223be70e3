// `npm run test:faults`: the adversarial suite. Areas run one after another (probes one at a
// time, so a leak is attributed to the probe that caused it); the run ends with the table
// `area | tried | passed | failed` and exits non-zero when any probe failed.
//   node --import tsx scripts/faults/run.ts [area-name-substring…]
import { printTable, runArea, type Area, type AreaResult } from './harness.ts';
import { httpArea } from './http.ts';
import { tokensArea } from './tokens.ts';
import { wsClientArea } from './ws-client.ts';
import { mockArea } from './mock.ts';
import { secretsArea } from './secrets.ts';

const areas: Area[] = [secretsArea, httpArea, tokensArea, wsClientArea, mockArea];
const only = process.argv.slice(2);
const results: AreaResult[] = [];
for (const area of areas) {
  if (only.length && !only.some((o) => area.name.includes(o))) continue;
  results.push(await runArea(area));
}
printTable(results);
const failed = results.reduce((n, r) => n + r.failed, 0);
if (failed) {
  console.log(`\nfaults: ${failed} probe(s) failed:`);
  for (const r of results) for (const f of r.failures) console.log(`  ${r.area}: ${f.split('\n')[0]}`);
}
process.exitCode = failed ? 1 : 0;
