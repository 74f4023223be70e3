// Contract test: every request type of specs/niyantha/asyncapi.yaml, sent by the generated
// client (connectNiyanthaWs, validate: true) to @s2sdk/ws-mock. Each request is the spec's own
// example; every frame the client sends and every reply it accepts is checked against the
// generated message schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { loadApiModel, type ApiModel, type OperationModel } from '@s2sdk/asyncapi-codegen';
import { startMockServer, type MockServer } from '@s2sdk/ws-mock';
import { assertNoLeak, canary, memoryLogger, repoRoot } from '@s2sdk/testkit';
import { connectNiyanthaWs, niyanthaOperationTable, Secret, WsAuthenticationError, WsKeyRejectedError, WsRequestError, type NiyanthaWs, type WebSocketConstructor } from '../src/index.js';
import { rejectionOf } from './helpers/server.js';

const SPEC = join(repoRoot, 'specs/niyantha/asyncapi.yaml');
const key = canary('KEY');
const secret = canary('SECRET');
// Keys of the rotation test (the main client keeps using key/secret).
const oldKey = { key: 'pk_rotation_old', secret: canary('OLDSECRET') };
const nextKey = { key: 'pk_rotation_next', secret: canary('NEXTSECRET') };
const logger = memoryLogger();

let model: ApiModel;
let mock: MockServer;
let ws: NiyanthaWs;

const options = () => ({ url: mock.url, credentials: { key, secret }, app: 'contract', WebSocket: WebSocket as unknown as WebSocketConstructor, heartbeat: false as const, logger });

function examplePayload(op: OperationModel): unknown {
  const ex = op.request.examples[0] as { payload?: unknown } | undefined;
  if (!ex || ex.payload === undefined) throw new Error(`${op.type} has no request example`);
  return ex.payload;
}

beforeAll(async () => {
  model = await loadApiModel(SPEC);
  mock = await startMockServer({
    spec: model,
    port: 0,
    keys: [
      { key, secret, accountId: '42' },
      { ...oldKey, accountId: '42' },
      { ...nextKey, accountId: '42' },
    ],
  });
  ws = await connectNiyanthaWs({ ...options(), validate: true, storeId: 301 });
}); // the shared hookTimeout (a safety net) applies: loading the full document takes tens of seconds under load

afterAll(async () => {
  await ws?.close();
  await mock?.close();
});

describe('contract with @s2sdk/ws-mock (specs/niyantha/asyncapi.yaml)', () => {
  it('the generated table matches the spec: 76 seed request types (auth.login included) plus file.stream.chunk', () => {
    const fromModel = Object.fromEntries(
      model.operations.map((op) => [op.type, { reply: op.reply.type, errors: op.errors.map((e) => e.type), chunk: op.chunk?.type ?? null, streaming: op.streaming, auth: op.auth }]),
    );
    expect(niyanthaOperationTable).toEqual(fromModel);
    expect(model.authType).toBe('auth.login');
    expect(model.operations).toHaveLength(77);
    expect(Object.keys(niyanthaOperationTable)).toContain('file.stream.chunk');
  });

  it('authenticated with the S2S login (auth.login first, storeId attached)', () => {
    expect(ws.state).toBe('open');
    expect(ws.session).toMatchObject({ role: 'account' });
    const first = mock.received.find((f) => f.connection === 1)!;
    expect(first.frame?.type).toBe('auth.login');
    expect((first.frame?.payload as { metadata: { storeId?: string; app: string } }).metadata).toMatchObject({ storeId: '301', app: 'contract' });
  });

  it('answers every request type with a reply that matches its schema', async () => {
    const ops = model.operations.filter((o) => !o.auth);
    const loose = ws as unknown as { request(t: string, p: unknown): Promise<unknown>; stream(t: string, p: unknown): AsyncIterable<unknown> & { result: Promise<unknown> } };
    const results = await Promise.allSettled(
      ops.map(async (op) => {
        const payload = examplePayload(op);
        if (op.streaming) {
          const s = loose.stream(op.type, payload);
          let chunks = 0;
          for await (const _ of s) chunks++;
          return { type: op.type, chunks, reply: await s.result };
        }
        return { type: op.type, reply: await loose.request(op.type, payload) };
      }),
    );
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${ops[i]!.type}: ${String((r.reason as Error)?.message ?? r.reason)}`] : []));
    expect(failures).toEqual([]);
    expect(results).toHaveLength(76);
    const streamed = results.flatMap((r) => (r.status === 'fulfilled' && 'chunks' in r.value ? [r.value] : []));
    expect(streamed.map((s) => s.type).sort()).toEqual(['ai.thread.send.stream', 'nitha.thread.send.stream']);
    for (const s of streamed) expect(s.chunks).toBeGreaterThan(0);
    const frames = mock.received.filter((f) => f.frame && f.frame.type !== 'auth.login');
    expect(new Set(frames.map((f) => f.frame!.requestId)).size).toBe(frames.length);
  });

  it('typed calls: request, stream', async () => {
    const store = await ws.request('store.get', { store_id: 301 });
    expect(typeof store.id).toBe('number');
    const s = ws.stream('ai.thread.send.stream', { thread_id: 7, content: 'hi' });
    const deltas: string[] = [];
    for await (const c of s) deltas.push(c.delta);
    expect(deltas.length).toBeGreaterThan(0);
    await expect(s.result).resolves.toBeTruthy();
  });

  it('maps a declared error reply to WsRequestError', async () => {
    mock.setFaults({ errorFor: { 'store.get': { code: 'not_found', message: 'store 9 not found' } } });
    try {
      const err = await rejectionOf(ws.request('store.get', { store_id: 9 }));
      expect(err).toBeInstanceOf(WsRequestError);
      expect(err.code).toBe('not_found');
    } finally {
      mock.setFaults(undefined);
    }
  });

  it('uploads a file through file.stream.* against the mock', async () => {
    const progress: number[] = [];
    const file = await ws.uploadFile({ name: 'a.bin', contentType: 'application/octet-stream', data: new Uint8Array(1000).fill(7), onProgress: (p) => progress.push(p.uploadedBytes) });
    expect(file).toHaveProperty('id');
    expect(progress).toHaveLength(1);
  });

  it('rejects a wrong secret with WsAuthenticationError; no secret in any rendering or log', async () => {
    const err = await rejectionOf(connectNiyanthaWs({ ...options(), credentials: { key, secret: 'nope-nope' } }));
    expect(err).toBeInstanceOf(WsAuthenticationError);
    // The mock refuses with the code of the spec's auth.failure example.
    expect(err.reason).toBe('invalid_api_key');
    expect(err.transient).toBe(false);
    assertNoLeak([err, ws, logger.lines.join('\n')], [key, secret]);
  });

  it('key rotation: a revoked key gives WsKeyRejectedError on the open socket; setCredentials logs in with the next key on the same socket', async () => {
    const rot = await connectNiyanthaWs({ ...options(), credentials: oldKey, validate: true });
    try {
      const connections = mock.connections;
      await rot.request('store.get', { store_id: 301 });
      mock.revokeKey(oldKey.key);
      const err = await rejectionOf(rot.request('store.get', { store_id: 301 }));
      expect(err).toBeInstanceOf(WsKeyRejectedError);
      expect(err.code).toBe('api_key_revoked');
      expect(err.publicKey).toBe(oldKey.key);
      expect(err.reason).toBe('revoked');
      await rot.setCredentials({ key: nextKey.key, secret: new Secret(nextKey.secret) });
      await expect(rot.request('store.get', { store_id: 301 })).resolves.toHaveProperty('id');
      expect(mock.connections).toBe(connections);
      expect([...mock.clients].find((c) => c.identity?.key === nextKey.key)).toBeDefined();
      assertNoLeak([err, rot, logger.lines.join('\n'), mock.received], [oldKey.secret, nextKey.secret]);
    } finally {
      await rot.close();
    }
  });
});
