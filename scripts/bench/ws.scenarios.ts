// WebSocket scenarios of `npm run bench` (issue 10), 64 B and 16 KiB request payloads, 1 and
// 100 in flight, loopback:
// - client: our typed client (@s2sdk/niyantha-ws, `createNiyanthaWs` with the generated
//   Niyantha table, `ws` injected) ÷ raw `ws` with Map correlation, both against the same raw
//   reply server (answers `<type>.ok` with the request's payload; `auth.login` → `auth.success`).
// - mock: @s2sdk/ws-mock serving specs/niyantha/asyncapi.yaml (validating every frame) ÷ a raw
//   `ws` echo server, both driven by the same raw client.
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createNiyanthaWs } from '../../packages/niyantha-ws/src/index.ts';
import type { WebSocketConstructor } from '../../packages/niyantha-ws/src/types.ts';
import { startMockServer } from '../../packages/ws-mock/src/index.ts';
import { inParallel } from './load.ts';
import type { Contender, Scenario } from './types.ts';
import { echo, RawClient, startRawServer } from './ws-raw.ts';

const root = join(import.meta.dirname, '..', '..');
const KEY = { key: 'nk_pub_bench', secret: 'nk_sec_bench_secret', accountId: '42' };

interface WsCall {
  label: string;
  type: string;
  payload: Record<string, unknown>;
}
// `store.get` {store_id} is the small request (~60 B frame); `account.files.create` with 16 KiB
// of base64 the large one. Both are valid against the Niyantha schemas (the mock validates them).
const SMALL: WsCall = { label: '64 B', type: 'store.get', payload: { store_id: 301 } };
const LARGE: WsCall = { label: '16 KiB', type: 'account.files.create', payload: { name: 'bench.bin', content_type: 'application/octet-stream', data: 'A'.repeat(16 * 1024) } };

/** The reply server of the client scenarios: `<type>.ok` with the request's payload, built without parsing it twice. */
function replyServer() {
  return startRawServer((text) => {
    const frame = JSON.parse(text) as { type: string; requestId: string; payload: unknown };
    if (frame.type === 'auth.login') return JSON.stringify({ type: 'auth.success', requestId: frame.requestId, payload: { identityId: 'account-42', role: 'account', context: { accountId: '42' } } });
    return JSON.stringify({ type: `${frame.type}.ok`, requestId: frame.requestId, payload: frame.payload });
  });
}

function clientScenario(call: WsCall, inFlight: number, count: number): Scenario {
  return {
    name: `ws client ${call.label} ${inFlight === 1 ? 'seq' : `c${inFlight}`}`,
    group: 'ws',
    count,
    inFlight,
    async setup() {
      const server = await replyServer();
      const raw = await RawClient.open(server.url);
      await raw.request('auth.login', { authType: 's2s', token: KEY.key, metadata: { secret: KEY.secret } }, 'auth.success');
      const typed = createNiyanthaWs({ url: server.url, credentials: { key: KEY.key, secret: KEY.secret }, WebSocket: WebSocket as unknown as WebSocketConstructor, heartbeat: false, validate: false });
      await typed.connect();
      const request = typed.request as unknown as (type: string, payload: unknown) => Promise<unknown>;
      const contenders: Contender[] = [
        { name: 'ws raw', run: (n) => inParallel(n, inFlight, () => raw.request(call.type, call.payload)) },
        { name: 's2sdk-ws', run: (n) => inParallel(n, inFlight, () => request.call(typed, call.type, call.payload)) },
      ];
      return {
        contenders,
        async close() {
          await typed.close();
          await raw.close();
          await server.close();
        },
      };
    },
    ratios: [['s2sdk-ws', 'ws raw']],
    goals: { 's2sdk-ws ÷ ws raw': 0.97 },
  };
}

function mockScenario(call: WsCall, inFlight: number, count: number): Scenario {
  return {
    name: `ws mock ${call.label} ${inFlight === 1 ? 'seq' : `c${inFlight}`}`,
    group: 'ws',
    count,
    inFlight,
    async setup() {
      const mock = await startMockServer({ spec: join(root, 'specs/niyantha/asyncapi.yaml'), port: 0, keys: [KEY], maxReceived: 1000 });
      const echoServer = await startRawServer(echo);
      const toMock = await RawClient.open(mock.url);
      await toMock.request('auth.login', { authType: 's2s', token: KEY.key, metadata: { secret: KEY.secret, app: 'bench' } }, 'auth.success');
      const toEcho = await RawClient.open(echoServer.url);
      const contenders: Contender[] = [
        { name: 'ws echo', run: (n) => inParallel(n, inFlight, () => toEcho.request(call.type, call.payload, call.type)) },
        { name: 'ws-mock', run: (n) => inParallel(n, inFlight, () => toMock.request(call.type, call.payload)) },
      ];
      return {
        contenders,
        async close() {
          await toMock.close();
          await toEcho.close();
          await mock.close();
          await echoServer.close();
        },
      };
    },
    ratios: [['ws-mock', 'ws echo']],
    goals: { 'ws-mock ÷ ws echo': inFlight === 1 ? 0.6 : 0.5 },
  };
}

// The sequential client rounds are latency-bound and noisier (one event-loop turn per request),
// so they run longer than the 100-in-flight ones: about a second per contender per round.
export const scenarios: Scenario[] = [
  clientScenario(SMALL, 1, 12000),
  clientScenario(SMALL, 100, 10000),
  clientScenario(LARGE, 1, 3000),
  clientScenario(LARGE, 100, 3000),
  mockScenario(SMALL, 1, 3000),
  mockScenario(SMALL, 100, 10000),
  mockScenario(LARGE, 1, 1000),
  mockScenario(LARGE, 100, 2000),
];
