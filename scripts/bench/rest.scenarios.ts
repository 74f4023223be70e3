// REST scenarios of `npm run bench`: GET and POST (64 B and 16 KiB JSON bodies), 1 and 100
// in flight, on a loopback node:http server. Goals from issue 9.
import { restContenders, type RestCall } from './rest-contenders.ts';
import { jsonBody, startRestServer } from './rest-server.ts';
import type { Scenario } from './types.ts';

function scenario(label: string, call: RestCall, inFlight: number, count: number, goals: Record<string, number>): Scenario {
  return {
    name: `rest ${label} ${inFlight === 1 ? 'seq' : `c${inFlight}`}`,
    group: 'rest',
    count,
    inFlight,
    async setup() {
      const server = await startRestServer();
      const { contenders, close } = restContenders(server.baseUrl, call, inFlight);
      return {
        contenders,
        async close() {
          close();
          await server.close();
        },
      };
    },
    ratios: [
      ['s2sdk/node', 'axios'],
      ['s2sdk/node', 'node:http'],
      ['s2sdk/fetch', 'fetch'],
      ['s2sdk/fetch', 'openapi-fetch'],
      ['openapi-fetch', 'fetch'],
      ['axios', 'node:http'],
    ],
    goals,
  };
}

const GET: RestCall = { method: 'GET' };
const POST_64: RestCall = { method: 'POST', body: jsonBody(64) };
const POST_16K: RestCall = { method: 'POST', body: jsonBody(16 * 1024) };
const overFetch = { 's2sdk/fetch ÷ fetch': 0.95 };

export const scenarios: Scenario[] = [
  scenario('GET', GET, 1, 1500, { 's2sdk/node ÷ axios': 1.3, ...overFetch }),
  scenario('GET', GET, 100, 4000, { 's2sdk/node ÷ axios': 1.3, 's2sdk/node ÷ node:http': 0.8, ...overFetch }),
  scenario('POST 64 B', POST_64, 1, 1500, { 's2sdk/node ÷ axios': 1.2, ...overFetch }),
  scenario('POST 64 B', POST_64, 100, 4000, { 's2sdk/node ÷ axios': 1.2, 's2sdk/node ÷ node:http': 0.8, ...overFetch }),
  scenario('POST 16 KiB', POST_16K, 1, 1000, overFetch),
  scenario('POST 16 KiB', POST_16K, 100, 2000, overFetch),
];
