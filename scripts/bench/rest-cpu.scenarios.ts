// CPU a client adds per call over a stubbed fetch (no network): ours (auth hook, retries,
// per-attempt timeout and redaction on — the defaults) next to openapi-fetch alone and the
// raw stub call. Reported as the CPU ours adds ÷ the CPU openapi-fetch adds (goal ≤ 1.1).
import createClient from 'openapi-fetch';
import { createApiClient, unwrap, type OperationTable } from '../../packages/core/src/index.ts';
import type { BenchPaths } from './rest-contenders.ts';
import { jsonBody, STORE } from './rest-server.ts';
import type { Contender, Scenario } from './types.ts';

const BASE = 'http://stub.invalid';
const HEADERS = { 'content-type': 'application/json' };
const stub = async (_input: unknown, _init?: unknown): Promise<Response> => new Response(STORE, { status: 200, headers: HEADERS });
const operations: OperationTable = {
  'GET /stores/{id}': { operationId: 'getStore', security: [['apiKey']], idempotent: true },
  'POST /stores': { operationId: 'createStore', security: [['apiKey']], idempotent: false },
};

function scenario(method: 'GET' | 'POST'): Scenario {
  const body = jsonBody(64);
  const payload = JSON.stringify(body);
  return {
    name: `rest CPU per call, stubbed fetch, ${method === 'GET' ? 'GET' : 'POST 64 B'}`,
    group: 'rest',
    count: 20_000,
    inFlight: 1,
    async setup() {
      const openapi = createClient<BenchPaths>({ baseUrl: BASE, fetch: stub as typeof fetch });
      const ours = createApiClient<BenchPaths>({ baseUrl: BASE, fetch: stub as typeof fetch, operations, auth: ({ request }) => request.headers.set('x-api-key', 'pk_bench') });
      const seq = (op: () => Promise<unknown>) => async (count: number) => {
        for (let i = 0; i < count; i++) await op();
      };
      const contenders: Contender[] = [
        { name: 'stub', run: seq(async () => (await stub(`${BASE}/stores${method === 'GET' ? '/1' : ''}`, method === 'GET' ? undefined : { method, headers: HEADERS, body: payload })).json()) },
        { name: 'openapi-fetch', run: seq(() => (method === 'GET' ? openapi.GET('/stores/{id}', { params: { path: { id: 1 } } }) : openapi.POST('/stores', { body }))) },
        { name: 's2sdk', run: seq(() => (method === 'GET' ? unwrap(ours.GET('/stores/{id}', { params: { path: { id: 1 } } })) : unwrap(ours.POST('/stores', { body })))) },
      ];
      return { contenders, close: async () => undefined };
    },
    ratios: [
      ['s2sdk', 'openapi-fetch'],
      ['s2sdk', 'stub'],
    ],
    addedCost: [{ subject: 's2sdk', reference: 'openapi-fetch', baseline: 'stub', goal: 1.1 }],
  };
}

export const scenarios: Scenario[] = [scenario('GET'), scenario('POST')];
