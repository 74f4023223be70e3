// Contract test: every request type of specs/niyantha/asyncapi.yaml against @s2sdk/ws-mock.
// Each request is the spec's own example; with validation on, every frame the client sends
// and every reply it accepts is checked against the message schemas of the document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { buildSchemasFile, loadApiModel, type ApiModel, type OperationModel } from '@s2sdk/asyncapi-codegen';
import { startMockServer, type MockServer } from '@s2sdk/ws-mock';
import { repoRoot } from '@s2sdk/testkit';
import { createNiyanthaWsClient, niyanthaUploadProtocol, type NiyanthaWsClient } from '../src/niyantha-client.js';
import { frameValidator, loadAjv } from '../src/validate.js';
import { WsAuthenticationError, WsRequestError } from '../src/errors.js';
import type { OperationShape, OperationTable, WebSocketConstructor } from '../src/types.js';
import { rejectionOf } from './helpers/server.js';

const SPEC = join(repoRoot, 'specs/niyantha/asyncapi.yaml');
const KEY = 'nk_pub_contract_key';
const SECRET = 'nk_sec_contract_secret';

type LooseOps = Record<string, OperationShape & { request: any; reply: any; chunk: any; streaming: boolean; auth: false }>;

let model: ApiModel;
let mock: MockServer;
let client: NiyanthaWsClient<LooseOps>;
let table: OperationTable<LooseOps>;

function tableFromModel(m: ApiModel): OperationTable<LooseOps> {
  const t: Record<string, unknown> = {};
  for (const op of m.operations) t[op.type] = { reply: op.reply.type, errors: op.errors.map((e) => e.type), chunk: op.chunk?.type ?? null, streaming: op.streaming, auth: op.auth };
  return t as OperationTable<LooseOps>;
}

function examplePayload(op: OperationModel): unknown {
  const ex = op.request.examples[0] as { payload?: unknown } | undefined;
  if (!ex || ex.payload === undefined) throw new Error(`${op.type} has no request example`);
  return ex.payload;
}

beforeAll(async () => {
  model = await loadApiModel(SPEC);
  table = tableFromModel(model);
  mock = await startMockServer({ spec: model, port: 0, keys: [{ key: KEY, secret: SECRET, accountId: '42' }] });
  const validator = frameValidator(buildSchemasFile(model, 'specs/niyantha/asyncapi.yaml'), await loadAjv());
  client = createNiyanthaWsClient<LooseOps>(
    { url: mock.url, credentials: { key: KEY, secret: SECRET }, app: 'contract', WebSocket: WebSocket as unknown as WebSocketConstructor, heartbeat: false },
    table,
    niyanthaUploadProtocol(),
    validator,
  );
  await client.connect();
}, 60_000);

afterAll(async () => {
  await client?.close();
  await mock?.close();
});

describe('contract with @s2sdk/ws-mock (specs/niyantha/asyncapi.yaml)', () => {
  it('covers the 76 seed request types (auth.login included) plus file.stream.chunk', () => {
    const types = model.operations.map((o) => o.type);
    expect(model.authType).toBe('auth.login');
    expect(types).toHaveLength(77);
    expect(types).toContain('file.stream.chunk');
  });

  it('answers every request type with a reply that matches its schema', async () => {
    const ops = model.operations.filter((o) => !o.auth);
    const results = await Promise.allSettled(
      ops.map(async (op) => {
        const payload = examplePayload(op);
        if (op.streaming) {
          const s = (client as any).stream(op.type, payload);
          let chunks = 0;
          for await (const _ of s) chunks++;
          return { type: op.type, chunks, reply: await s.result };
        }
        return { type: op.type, reply: await (client as any).request(op.type, payload) };
      }),
    );
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${ops[i]!.type}: ${String((r.reason as Error)?.message ?? r.reason)}`] : []));
    expect(failures).toEqual([]);
    const streamed = results.flatMap((r) => (r.status === 'fulfilled' && 'chunks' in r.value ? [r.value] : []));
    expect(streamed.map((s) => s.type).sort()).toEqual(model.operations.filter((o) => o.streaming).map((o) => o.type).sort());
    for (const s of streamed) expect(s.chunks).toBeGreaterThan(0);
    // Every request went over the wire after the login, each with its own requestId.
    const frames = mock.received.filter((f) => f.frame && f.frame.type !== 'auth.login');
    expect(new Set(frames.map((f) => f.frame!.requestId)).size).toBe(frames.length);
  });

  it('maps a declared error reply to WsRequestError', async () => {
    mock.setFaults({ errorFor: { 'store.get': { code: 'not_found', message: 'store 301 not found' } } });
    try {
      const op = model.operations.find((o) => o.type === 'store.get')!;
      const err = await rejectionOf((client as any).request('store.get', examplePayload(op)));
      expect(err).toBeInstanceOf(WsRequestError);
      expect(err.code).toBe('not_found');
    } finally {
      mock.setFaults(undefined);
    }
  });

  it('uploads a file through file.stream.* against the mock', async () => {
    const data = new Uint8Array(1000).fill(7);
    const progress: number[] = [];
    const file = await (client as any).uploadFile({ name: 'a.bin', contentType: 'application/octet-stream', data, onProgress: (p: { uploadedBytes: number }) => progress.push(p.uploadedBytes) });
    expect(file).toHaveProperty('id');
    expect(progress.length).toBe(1);
  });

  it('rejects a wrong secret with WsAuthenticationError', async () => {
    const bad = createNiyanthaWsClient<LooseOps>(
      { url: mock.url, credentials: { key: KEY, secret: 'wrong-secret' }, WebSocket: WebSocket as unknown as WebSocketConstructor, heartbeat: false },
      table,
      niyanthaUploadProtocol(),
    );
    const err = await rejectionOf(bad.connect());
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(bad.state).toBe('closed');
  });
});
