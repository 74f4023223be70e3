// Which requests the SDK may re-send. A POST is re-sent only when repeating it is harmless by
// construction (the spec's `x-idempotent` operations) or when the caller opted in with an
// Idempotency-Key; key creation and state transitions are sent exactly once. The server is an
// injected fetch that answers with scripted statuses (no network).
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InternalServerError } from '@s2sdk/core';
import { createKeyManagementClient, createNiyanthaClient, operationTable, type OperationArgs, type S2SOperationMethods } from '../src/index.js';
import { specOperations, successStatus } from './spec-helpers.js';

const BASE_URL = 'https://niyantha.test';
const RETRY = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 1 } as const;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fetch answering the scripted statuses in order (the last one repeats), recording every request. */
function scripted(statuses: number[], success: unknown) {
  const seen: Request[] = [];
  const fetch = async (input: Request) => {
    seen.push(input);
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
    if (status === 204) return new Response(null, { status });
    return status < 400 ? json(status, success) : json(status, { code: 'service_unavailable', message: 'Try again later' });
  };
  return { fetch, seen };
}

const NEW_KEY = { id: 11, name: 'primary', username: 'pk_retry_test', secret: 'sk_retry_test_value', expires_at: 1739580000 };
const SUMMARY = { id: 10, name: 'primary', username: 'pk_old', created_at: 1739493600, expires_at: 1739580000, revoked_at: 1739499000, last_used_at: 0 };

function keysClient(statuses: number[], success: unknown) {
  const server = scripted(statuses, success);
  const keys = createKeyManagementClient({ baseUrl: BASE_URL, sessionToken: 'session-token', fetch: server.fetch, retry: RETRY });
  return { keys, seen: server.seen };
}

describe('key creation is never re-sent unless the caller opts in', () => {
  it('sends no Idempotency-Key by default and does not re-send on 503', async () => {
    const { keys, seen } = keysClient([503, 201], NEW_KEY);
    await expect(keys.create({ name: 'primary' })).rejects.toBeInstanceOf(InternalServerError);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.has('idempotency-key')).toBe(false);
  });

  it('does not re-send on a network failure either', async () => {
    const seen: Request[] = [];
    const keys = createKeyManagementClient({
      baseUrl: BASE_URL,
      sessionToken: 'session-token',
      retry: RETRY,
      fetch: async (req: Request) => {
        seen.push(req);
        throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
      },
    });
    await expect(keys.create({ name: 'primary' })).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });

  it('with an idempotencyKey sends that header on every attempt and re-sends on 503', async () => {
    const { keys, seen } = keysClient([503, 201], NEW_KEY);
    const created = await keys.create({ name: 'primary' }, { idempotencyKey: 'rotation-2025-02-14' });
    expect(created.id).toBe(11);
    expect(seen).toHaveLength(2);
    for (const req of seen) expect(req.headers.get('idempotency-key')).toBe('rotation-2025-02-14');
  });

  it.each(['', ' spaced key', 'x'.repeat(256), 'ünïcode'])('rejects the idempotencyKey %j before sending anything', async (bad) => {
    const { keys, seen } = keysClient([201], NEW_KEY);
    await expect(keys.create({ name: 'primary' }, { idempotencyKey: bad })).rejects.toBeInstanceOf(ConfigurationError);
    expect(seen).toHaveLength(0);
  });

  it('expire (x-idempotent) and list (GET) are re-sent on 503', async () => {
    const expire = keysClient([503, 200], SUMMARY);
    expect((await expire.keys.expire(10)).id).toBe(10);
    expect(expire.seen).toHaveLength(2);
    const list = keysClient([503, 503, 200], { items: [SUMMARY] });
    expect((await list.keys.list()).items).toHaveLength(1);
    expect(list.seen).toHaveLength(3);
  });
});

// POST/PATCH operations whose repeat yields the same state by construction (spec: x-idempotent + x-decision).
const RETRY_SAFE_WRITES = ['expireApiKey', 'updateAccountProfile', 'estimateRoute', 'reportDriverLocation', 'updateDriverLicenses', 'patchCharacter'];
// State transitions: a repeat may be a 409 or a second effect.
const TRANSITIONS = ['acceptOrder', 'declineOrder', 'markOrderPaidAndDelivered', 'acceptDriverShipment', 'rejectDriverShipment', 'completeDriverShipment'] as const;

describe('the spec marks only harmless-by-construction writes x-idempotent', () => {
  const ops = specOperations();

  it('x-idempotent is exactly the six set-like writes, each with an x-decision calling it an assumption', () => {
    const marked = ops.filter((o) => o.op['x-idempotent'] === true).map((o) => o.operationId);
    expect(marked.sort()).toEqual([...RETRY_SAFE_WRITES].sort());
    for (const o of ops.filter((op) => op.op['x-idempotent'] === true)) {
      expect(o.op['x-decision'], o.operationId).toMatch(/^Assumption, not a documented server guarantee: repeating the request (with the same measured_at )?yields the same state/);
    }
    expect(ops.filter((o) => o.op['x-idempotent'] !== undefined && o.op['x-idempotent'] !== true)).toEqual([]);
  });

  it('the generated table: POST/PATCH are retry-safe only when marked; state transitions and creates are not', () => {
    for (const o of ops) {
      const row = operationTable[`${o.method} ${o.path}` as keyof typeof operationTable];
      const expected = ['GET', 'PUT', 'DELETE'].includes(o.method) || RETRY_SAFE_WRITES.includes(o.operationId);
      expect(row.idempotent, o.operationId).toBe(expected);
    }
    for (const id of TRANSITIONS) expect(ops.find((o) => o.operationId === id)!.op.description, id).not.toMatch(/safe to retry|returns 200 with the current/);
  });
});

type S2SId = keyof S2SOperationMethods;
const INITS: { [Id in S2SId]?: OperationArgs<Id> } = {
  acceptOrder: [{ params: { path: { id: 7001 } } }],
  declineOrder: [{ params: { path: { id: 7001 } }, body: { reason: 'Out of stock' } }],
  markOrderPaidAndDelivered: [{ params: { path: { id: 7001 } }, body: { payment_method: 'upi' } }],
  acceptDriverShipment: [{ params: { path: { id: 4001 } } }],
  rejectDriverShipment: [{ params: { path: { id: 4001 } }, body: { reason: 'Vehicle under maintenance' } }],
  completeDriverShipment: [{ params: { path: { id: 4001 } } }],
  updateAccountProfile: [{ body: { name: 'Fresh Mart Pvt Ltd' } }],
  estimateRoute: [{ body: { origin: { location_id: 101 }, destination: { latitude: 12.9352, longitude: 77.6245 } } }],
  reportDriverLocation: [{ body: { latitude: 12.9716, longitude: 77.5946, measured_at: 1736768400 } }],
  updateDriverLicenses: [{ body: { licenses: [{ number: 'KA0120190012345', classes: ['LMV'], valid_until: '2031-05-31', front_file_id: 70 }] } }],
  patchCharacter: [{ params: { path: { character_id: 12 } }, body: { greeting: null } }],
  createApp: [{ body: { name: 'AnyStore', slug: 'anystore' } }],
};

function s2sCall(id: S2SId, statuses: number[], headers?: Record<string, string>) {
  const server = scripted(statuses, { id: 1 });
  const client = createNiyanthaClient({ baseUrl: BASE_URL, credentials: { key: 'pk_retry', secret: 'sk_retry_secret' }, fetch: server.fetch, retry: RETRY });
  const init = { ...((INITS[id] as unknown[])[0] as object), ...(headers ? { headers } : {}) };
  const call = (client[id] as (init: unknown) => Promise<unknown>)(init);
  return { call, seen: server.seen };
}

const okStatus = (id: string) => successStatus(specOperations().find((o) => o.operationId === id)!.op);

describe('S2S writes through the client', () => {
  it.each(TRANSITIONS)('%s is sent once: a 503 is reported, not re-sent', async (id) => {
    const { call, seen } = s2sCall(id, [503, 200]);
    await expect(call).rejects.toBeInstanceOf(InternalServerError);
    expect(seen).toHaveLength(1);
  });

  it.each(RETRY_SAFE_WRITES.filter((id) => id !== 'expireApiKey') as S2SId[])('%s (x-idempotent) is re-sent after a 503', async (id) => {
    const { call, seen } = s2sCall(id, [503, okStatus(id)]);
    await call;
    expect(seen).toHaveLength(2);
  });

  it('a create is sent once without an Idempotency-Key, and re-sent with the same key when the caller gives one', async () => {
    const once = s2sCall('createApp', [503, 201]);
    await expect(once.call).rejects.toBeInstanceOf(InternalServerError);
    expect(once.seen).toHaveLength(1);
    const keyed = s2sCall('createApp', [503, 201], { 'Idempotency-Key': 'app-anystore-1' });
    await keyed.call;
    expect(keyed.seen.map((r) => r.headers.get('idempotency-key'))).toEqual(['app-anystore-1', 'app-anystore-1']);
  });
});
