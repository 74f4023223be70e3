// The REST contenders: the same request (GET a store, or POST a JSON body) made by raw
// node:http keep-alive (the floor), global fetch, axios, openapi-fetch on global fetch, and
// our typed client on global fetch and on createNodeFetch (the Node fast path).
import http from 'node:http';
import axios from 'axios';
import createClient from 'openapi-fetch';
import { createApiClient, unwrap } from '../../packages/core/src/index.ts';
import { createNodeFetch } from '../../packages/core/src/node.ts';
import { inParallel } from './load.ts';
import type { Contender } from './types.ts';

export type BenchPaths = {
  '/stores/{id}': { get: { parameters: { path: { id: number } }; responses: { 200: { content: { 'application/json': { id: number } } } } } };
  '/stores': { post: { requestBody: { content: { 'application/json': Record<string, unknown> } }; responses: { 201: { content: { 'application/json': { id: number } } } } } };
};

export interface RestCall {
  method: 'GET' | 'POST';
  /** Parsed JSON body for POST. */
  body?: Record<string, unknown>;
}

export function restContenders(baseUrl: string, call: RestCall, inFlight: number): { contenders: Contender[]; close(): void } {
  const post = call.method === 'POST';
  const payload = post ? JSON.stringify(call.body) : undefined;
  const path = post ? '/stores' : '/stores/1';
  const url = baseUrl + path;
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const nodeFetch = createNodeFetch();
  const ax = axios.create({ baseURL: baseUrl, httpAgent: agent });
  const openapi = createClient<BenchPaths>({ baseUrl });
  const viaFetch = createApiClient<BenchPaths>({ baseUrl });
  const viaNode = createApiClient<BenchPaths>({ baseUrl, fetch: nodeFetch });
  const check = (id: unknown) => {
    if (typeof id !== 'number') throw new Error('unexpected response body');
  };

  const raw = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(url, { method: call.method, agent, headers: post ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload!) } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            if ((res.statusCode ?? 0) >= 300) throw new Error(`status ${res.statusCode}`);
            check(JSON.parse(Buffer.concat(chunks).toString()).id);
            resolve();
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  const globalFetch = async () => {
    const res = await fetch(url, post ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload } : undefined);
    if (!res.ok) throw new Error(`status ${res.status}`);
    check(((await res.json()) as { id: number }).id);
  };
  const axiosCall = async () => check((post ? await ax.post(path, call.body) : await ax.get(path)).data.id);
  const openapiFetch = async () => {
    const r = post ? await openapi.POST('/stores', { body: call.body! }) : await openapi.GET('/stores/{id}', { params: { path: { id: 1 } } });
    if (!r.data) throw new Error(`status ${r.response.status}`);
    check(r.data.id);
  };
  const typed = (client: typeof viaFetch) => async () =>
    check((post ? await unwrap(client.POST('/stores', { body: call.body! })) : await unwrap(client.GET('/stores/{id}', { params: { path: { id: 1 } } }))).id);

  const contender = (name: string, op: () => Promise<void>): Contender => ({ name, run: (count) => inParallel(count, inFlight, op) });
  return {
    contenders: [
      contender('node:http', raw),
      contender('fetch', globalFetch),
      contender('axios', axiosCall),
      contender('openapi-fetch', openapiFetch),
      contender('s2sdk/fetch', typed(viaFetch)),
      contender('s2sdk/node', typed(viaNode)),
    ],
    close() {
      nodeFetch.close();
      agent.destroy();
    },
  };
}
