// Key rotation against an in-process node:http stand-in of the API (port 0):
// no request is ever sent with a key after it was expired, concurrent requests during a rotation
// all succeed, a rejected key is a typed error naming the public key, secrets never leak.
import { isKeyRejected } from '@s2sdk/core';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertNoLeak, canary, memoryLogger, waitFor } from '@s2sdk/testkit';
import {
  ApiKeyRejectedError,
  AuthenticationError,
  createKeyManagementClient,
  createKeyRotator,
  createNiyanthaClient,
  type NiyanthaClient,
  type RotationResult,
} from '../src/index.js';
import { startFakeServer, type FakeEvent, type FakeServer } from './fake-server.js';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  server.release();
  await server.close();
});

const getStore = (client: NiyanthaClient, flaky?: string) => client.getStore({ params: { path: { id: 301 } }, headers: flaky ? { 'x-test-flaky': flaky } : undefined });

function keysClient(logger?: ReturnType<typeof memoryLogger>) {
  return createKeyManagementClient({ baseUrl: server.url, sessionToken: server.sessionToken, logger });
}

/** Every S2S request arrived with a key that was usable at that moment. */
function assertNoRequestWithUnusableKey(events: FakeEvent[]) {
  const bad = events.filter((e) => e.type === 's2s-arrive' && !e.usable);
  expect(bad).toEqual([]);
}

describe('key rotation', () => {
  it('switches new requests to the new key, lets in-flight requests finish with the old one, then expires it', async () => {
    const first = server.addKey({ ttlSeconds: 3600 });
    const client = createNiyanthaClient({ baseUrl: server.url, credentials: { key: first.username, secret: first.secret }, retry: { initialDelayMs: 1, maxDelayMs: 1 } });
    const rotator = createKeyRotator({ client, keys: keysClient(), rotateBeforeMs: 5 * 60_000, ttlSeconds: 3600, current: { id: first.id, expiresAt: first.expires_at } });

    server.hold();
    // 20 requests in flight with the old key (two of them will be answered 503 once and retried).
    const before = Array.from({ length: 20 }, (_, i) => getStore(client, i < 2 ? `old-${i}` : undefined));
    await waitFor(() => server.arrivedWith(first.username) === 20, '20 requests with the first key');
    expect(client.inFlight(first.username)).toBe(20);

    const rotation = rotator.rotateNow();
    await waitFor(() => client.currentKey !== first.username, 'the switch to the new key');
    const second = server.keys.get(client.currentKey)!;
    expect(second.id).not.toBe(first.id);

    // 20 more while the old ones are still held: they use the new key.
    const after = Array.from({ length: 20 }, () => getStore(client));
    await waitFor(() => server.arrivedWith(second.username) === 20, '20 requests with the second key');
    // The old key cannot have been expired yet: its requests are still in flight.
    expect(server.events.some((e) => e.type === 'expire')).toBe(false);
    expect(first.revoked_at).toBe(0);

    server.release();
    const results = await Promise.all([...before, ...after]);
    expect(results).toHaveLength(40);
    for (const store of results) expect(store.id).toBe(301);

    const result: RotationResult = await rotation;
    expect(result).toMatchObject({ previous: { id: first.id, publicKey: first.username }, current: { id: second.id, publicKey: second.username }, previousExpired: true, drained: true });
    expect(first.revoked_at).toBeGreaterThan(0);

    // The expiry came after the last request with the old key had finished (retries included).
    const expire = server.events.find((e) => e.type === 'expire')!;
    expect(expire).toMatchObject({ key: first.username, inflightWithKey: 0 });
    const lastOld = Math.max(...server.events.filter((e) => e.key === first.username && e.type !== 'expire').map((e) => e.seq));
    expect(expire.seq).toBeGreaterThan(lastOld);
    expect(server.events.filter((e) => e.type === 's2s-done' && e.key === first.username && e.status === 503)).toHaveLength(2);
    assertNoRequestWithUnusableKey(server.events);

    // Afterwards every request uses the new key and succeeds.
    await getStore(client);
    expect(server.events.at(-1)).toMatchObject({ type: 's2s-done', key: second.username, status: 200 });
    expect(rotator.current).toMatchObject({ id: second.id, publicKey: second.username, expiresAt: second.expires_at });
  });

  it('many concurrent requests while several rotations happen back to back: all succeed, none uses an expired key', async () => {
    const first = server.addKey({ ttlSeconds: 3600 });
    const client = createNiyanthaClient({ baseUrl: server.url, credentials: { key: first.username, secret: first.secret }, auth: 'basic' });
    const rotator = createKeyRotator({ client, keys: keysClient(), rotateBeforeMs: 60_000, ttlSeconds: 3600 });
    const calls: Promise<unknown>[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 15; i++) calls.push(getStore(client));
      const rotated = rotator.rotateNow();
      // Concurrent rotateNow() calls share one rotation.
      expect(rotator.rotateNow()).toBe(rotated);
      for (let i = 0; i < 15; i++) calls.push(getStore(client));
      await rotated;
    }
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(server.events.filter((e) => e.type === 'create')).toHaveLength(3);
    expect(server.events.filter((e) => e.type === 'expire').every((e) => e.type === 'expire' && e.inflightWithKey === 0)).toBe(true);
    assertNoRequestWithUnusableKey(server.events);
    // Only the latest key is still usable.
    const usable = [...server.keys.values()].filter((k) => !k.revoked_at);
    expect(usable.map((k) => k.username)).toEqual([client.currentKey]);
  });

  it('looks the current key up by public key when not told, and rotates on schedule (start)', async () => {
    // The key expires within rotateBeforeMs: start() rotates at once.
    const first = server.addKey({ ttlSeconds: 120 });
    const firstExpiresAt = first.expires_at; // the server moves it to "now" when the key is expired
    const client = createNiyanthaClient({ baseUrl: server.url, credentials: { key: first.username, secret: first.secret } });
    let resolveRotated!: (r: RotationResult) => void;
    const rotated = new Promise<RotationResult>((r) => (resolveRotated = r));
    const rotator = createKeyRotator({ client, keys: keysClient(), rotateBeforeMs: 5 * 60_000, ttlSeconds: 3600, onRotate: resolveRotated });
    await rotator.start();
    expect(rotator.running).toBe(true);
    const result = await rotated;
    rotator.stop();
    expect(result.previous).toEqual({ id: first.id, publicKey: first.username, expiresAt: firstExpiresAt });
    expect(first.revoked_at).toBeGreaterThan(0);
    expect(client.currentKey).toBe(result.current.publicKey);
    expect(await rotator.check()).toBeUndefined(); // the new key is far from expiry
  });

  it('check() rotates only inside the window, using the injected clock', async () => {
    const first = server.addKey({ ttlSeconds: 3600 });
    const client = createNiyanthaClient({ baseUrl: server.url, credentials: { key: first.username, secret: first.secret } });
    let now = first.created_at * 1000;
    const rotator = createKeyRotator({ client, keys: keysClient(), rotateBeforeMs: 10 * 60_000, now: () => now, current: { id: first.id, expiresAt: first.expires_at } });
    expect(await rotator.check()).toBeUndefined();
    expect(client.currentKey).toBe(first.username);
    now = (first.expires_at - 5 * 60) * 1000;
    const result = await rotator.check();
    expect(result?.previous.publicKey).toBe(first.username);
    expect(client.currentKey).not.toBe(first.username);
  });

  it('a failed create keeps the current key (nothing expired) and reports the error', async () => {
    const first = server.addKey({ ttlSeconds: 3600 });
    const client = createNiyanthaClient({ baseUrl: server.url, credentials: { key: first.username, secret: first.secret } });
    const rotator = createKeyRotator({ client, keys: createKeyManagementClient({ baseUrl: server.url, sessionToken: server.sessionToken, retry: false }), rotateBeforeMs: 60_000, current: { id: first.id, expiresAt: first.expires_at } });
    server.failNextCreate(500);
    await expect(rotator.rotateNow()).rejects.toMatchObject({ status: 500 });
    expect(client.currentKey).toBe(first.username);
    expect(first.revoked_at).toBe(0);
    expect((await getStore(client)).id).toBe(301);
  });

  it('rejects a bad configuration', () => {
    const client = createNiyanthaClient({ credentials: { key: 'pk', secret: 'sk' } });
    const keys = createKeyManagementClient({ sessionToken: 'tok' });
    expect(() => createKeyRotator({ client, keys, rotateBeforeMs: -1 })).toThrow(/rotateBeforeMs/);
    expect(() => createKeyRotator({ client, keys, rotateBeforeMs: 3_600_000, ttlSeconds: 600 })).toThrow(/ttlSeconds/);
  });
});

describe('rejected keys', () => {
  it.each([
    ['expired', { expiresAt: Math.floor(Date.now() / 1000) - 10 }],
    ['revoked', { revoked: true }],
  ] as const)('an %s key is an ApiKeyRejectedError naming the public key, never the secret', async (reason, opts) => {
    const secret = canary('niyantha_secret');
    const key = server.addKey({ ...opts, secret });
    const logger = memoryLogger();
    for (const auth of ['headers', 'basic'] as const) {
      const client = createNiyanthaClient({ baseUrl: server.url, credentials: { key: key.username, secret }, auth, logger });
      const err = await getStore(client).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiKeyRejectedError);
      expect(isKeyRejected(err)).toBe(true);
      expect(err).toBeInstanceOf(AuthenticationError);
      const e = err as ApiKeyRejectedError;
      expect(e.status).toBe(401);
      expect(e.publicKey).toBe(key.username);
      expect(e.reason).toBe(reason);
      expect(e.message).toContain(key.username);
      expect(e.toJSON()).toMatchObject({ code: 'API_KEY_REJECTED', publicKey: key.username, reason, status: 401 });
      assertNoLeak([e, client, logger.lines], [secret]);
    }
  });

  it('an unknown key or wrong secret is reason "invalid"', async () => {
    const key = server.addKey();
    const client = createNiyanthaClient({ baseUrl: server.url, credentials: { key: key.username, secret: 'not-the-secret' } });
    const err = (await getStore(client).catch((e: unknown) => e)) as ApiKeyRejectedError;
    expect(err).toBeInstanceOf(ApiKeyRejectedError);
    expect(err.reason).toBe('invalid');
  });

  it('after a rotation, a request that still had the old key would be rejected by name (the old key is really expired)', async () => {
    const first = server.addKey({ ttlSeconds: 3600 });
    const client = createNiyanthaClient({ baseUrl: server.url, credentials: { key: first.username, secret: first.secret } });
    await createKeyRotator({ client, keys: keysClient(), rotateBeforeMs: 0, current: { id: first.id, expiresAt: first.expires_at } }).rotateNow();
    const stale = createNiyanthaClient({ baseUrl: server.url, credentials: { key: first.username, secret: first.secret } });
    await expect(getStore(stale)).rejects.toMatchObject({ name: 'ApiKeyRejectedError', publicKey: first.username, reason: 'revoked' });
    expect((await getStore(client)).id).toBe(301);
  });
});

describe('secrets never leak', () => {
  it('client, key client, rotator, created keys, logs and errors render without secrets', async () => {
    const logger = memoryLogger();
    const first = server.addKey({ ttlSeconds: 3600, secret: canary('first_secret') });
    const client = createNiyanthaClient({ baseUrl: server.url, credentials: { key: first.username, secret: first.secret }, logger });
    const keys = keysClient(logger);
    const created = await keys.create({ name: 'extra', ttl_seconds: 600 });
    const rotator = createKeyRotator({ client, keys, rotateBeforeMs: 0, logger, current: { id: first.id, expiresAt: first.expires_at } });
    const result = await rotator.rotateNow();
    const newSecret = server.keys.get(result.current.publicKey)!.secret;
    const sessionErr = await createKeyManagementClient({ baseUrl: server.url, sessionToken: canary('session') })
      .list()
      .catch((e: unknown) => e);
    expect(sessionErr).toBeInstanceOf(AuthenticationError);
    expect(inspect(client)).toContain(result.current.publicKey);
    assertNoLeak([client, keys, rotator, created, result, logger.lines, sessionErr], [first.secret, newSecret, server.keys.get(created.username)!.secret, server.sessionToken]);
    expect(created.secret.reveal()).toBe(server.keys.get(created.username)!.secret);
  });
});
