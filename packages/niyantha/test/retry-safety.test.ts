// Which requests the SDK may re-send. A POST is re-sent only when repeating it is harmless by
// construction (the spec's `x-idempotent` operations) or when the caller opted in with an
// Idempotency-Key; key creation and state transitions are sent exactly once. The server is an
// injected fetch that answers with scripted statuses (no network).
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InternalServerError } from '@s2sdk/core';
import { createKeyManagementClient } from '../src/index.js';

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
