// WebSocket hot path (send, correlate, parse): request/reply round trips through
// @s2sdk/niyantha-ws against a minimal loopback server, next to a raw `ws` loop
// that does the least possible work (one JSON.stringify, one JSON.parse, a Map lookup).
// Reports ratios measured side by side in one run, never bare times.
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { createNiyanthaWs } from '../packages/niyantha-ws/src/index.ts';

const N = Number(process.env.BENCH_N ?? 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = 32;

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise((r) => wss.once('listening', r));
const store = { id: 301, name: 'Fresh Mart Hub', type: 'grocery', status: 'active', location_id: 101 };
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { type: string; requestId: string };
    if (msg.type === 'auth.login') socket.send(JSON.stringify({ type: 'auth.success', requestId: msg.requestId, payload: { identityId: 'account-1', role: 'account', context: { accountId: '1' } } }));
    else socket.send(JSON.stringify({ type: `${msg.type}.ok`, requestId: msg.requestId, payload: store }));
  });
});
const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;

// Raw baseline.
const raw = new WebSocket(url);
await new Promise((r) => raw.once('open', r));
const waiting = new Map<string, (v: unknown) => void>();
raw.on('message', (data) => {
  const msg = JSON.parse(String(data)) as { requestId: string; payload: unknown };
  const done = waiting.get(msg.requestId);
  waiting.delete(msg.requestId);
  done?.(msg.payload);
});
let seq = 0;
const rawRequest = () =>
  new Promise((resolve) => {
    const requestId = `r${++seq}`;
    waiting.set(requestId, resolve);
    raw.send(JSON.stringify({ type: 'store.get', requestId, payload: { store_id: 301 } }));
  });

const client = createNiyanthaWs({ url, credentials: { key: 'pk_bench', secret: 'sk_bench' }, WebSocket: WebSocket as never, heartbeat: false, reconnect: false });
await client.connect();
const sdkRequest = () => client.request('store.get', { store_id: 301 });

async function measure(fn: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => { while (next++ < N) await fn(); }));
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const variants = { 'raw ws (floor)': rawRequest, '@s2sdk/niyantha-ws request()': sdkRequest };
const totals: Record<string, number> = { 'raw ws (floor)': 0, '@s2sdk/niyantha-ws request()': 0 };
for (const fn of Object.values(variants)) await measure(fn);
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(variants)) totals[name]! += await measure(fn);
const floor = totals['raw ws (floor)']!;
console.log(`WebSocket request/reply, ${N} round trips × ${ROUNDS} rounds per variant, ${IN_FLIGHT} in flight, loopback (ratio to raw ws; lower is better):`);
for (const [name, t] of Object.entries(totals)) console.log(`  ${name.padEnd(36)} ${(t / floor).toFixed(2)}x`);
await client.close();
raw.close();
wss.close();
