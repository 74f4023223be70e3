// `npm run bench`: REST transport overhead measured side by side in one run on a
// loopback server. Reports ratios against the fastest variant, never bare times
// (these machines are noisy). Bounded: a fixed number of requests per variant.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiClient, unwrap } from '../packages/core/src/index.ts';
import { createNodeFetch } from '../packages/core/src/node.ts';

const N = Number(process.env.BENCH_N ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const body = JSON.stringify({ id: 1, name: 'Fresh Mart Hub', items: Array.from({ length: 10 }, (_, i) => ({ i, v: 'x'.repeat(20) })) });

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 30_000;
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function rawHttp(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}/stores/1`, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      })
      .on('error', reject);
  });
}
const nodeFetch = createNodeFetch();
type Paths = { '/stores/{id}': { get: { parameters: { path: { id: number } }; responses: { 200: { content: { 'application/json': unknown } } } } } };
const viaGlobal = createApiClient<Paths>({ baseUrl: base, retry: false });
const viaNode = createApiClient<Paths>({ baseUrl: base, fetch: nodeFetch, retry: false });

const variants: Record<string, () => Promise<unknown>> = {
  'node:http keep-alive (floor)': rawHttp,
  'global fetch': async () => (await fetch(`${base}/stores/1`)).json(),
  '@s2sdk/core/node createNodeFetch': async () => (await nodeFetch(new Request(`${base}/stores/1`))).json(),
  'typed client + global fetch': () => unwrap(viaGlobal.GET('/stores/{id}', { params: { path: { id: 1 } } })),
  'typed client + createNodeFetch': () => unwrap(viaNode.GET('/stores/{id}', { params: { path: { id: 1 } } })),
};

async function measure(fn: () => Promise<unknown>): Promise<number> {
  const concurrency = 8;
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < N) await fn();
    }),
  );
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const totals: Record<string, number> = Object.fromEntries(Object.keys(variants).map((k) => [k, 0]));
for (const fn of Object.values(variants)) await measure(fn); // warm-up
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(variants)) totals[name]! += await measure(fn);
const floor = totals['node:http keep-alive (floor)']!;
console.log(`REST transport, ${N} GETs × ${ROUNDS} rounds per variant, 8 in flight, loopback (ratio to node:http; lower is better):`);
for (const [name, t] of Object.entries(totals)) console.log(`  ${name.padEnd(36)} ${(t / floor).toFixed(2)}x`);
nodeFetch.close();
agent.destroy();
server.close();
