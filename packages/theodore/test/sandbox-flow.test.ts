// Flow tests of the published Theodore client and session manager against the stateful
// @s2sdk/sandbox (manual clock: expiry is driven by advancing it, never by sleeping).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THEODORE_USER, manualClock, startSandbox, type Sandbox } from '@s2sdk/sandbox';
import { RateLimitError } from '@s2sdk/core';
import { createTheodoreClient, createTheodoreSession, HARD_EXPIRY_FACTOR, MAX_ACTIVE_SESSIONS, type TheodoreClient } from '../src/index.js';

const MIN = 60_000;
const clock = manualClock();
const creds = { handle: DEFAULT_THEODORE_USER.handle, password: DEFAULT_THEODORE_USER.password, handleType: 'email' as const };
let sandbox: Sandbox;
let client: TheodoreClient;
const admin = (path: string) => fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
const expiryOf = (r: unknown) => (r as { data: { expiry: number } }).data.expiry;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, clock, log: () => {} });
  client = createTheodoreClient({ environment: { baseUrl: sandbox.url }, retry: false });
}, 120_000);
afterAll(() => sandbox?.close());
beforeEach(async () => {
  expect((await admin('/reset')).status).toBe(200);
});

describe('Theodore flows against @s2sdk/sandbox', () => {
  it('creates a token: default 20 min, durations clamped to 360; health answers', async () => {
    const t0 = clock.now();
    const def = await client.createAuthToken({ ...creds });
    expect(typeof (def as { data: { token: unknown } }).data.token).toBe('string');
    expect(expiryOf(def)).toBe(t0 + 20 * MIN);
    const clamped = await client.createAuthToken({ ...creds, tokenDurationInMins: 1000 });
    expect(expiryOf(clamped)).toBe(t0 + 360 * MIN);
    expect(await client.getHealth()).toBeTruthy();
  });

  it('the 11th active session is refused with a typed 429 MAX_SESSIONS_EXCEEDED until one hard-expires', async () => {
    const first = clock.now();
    await client.createAuthToken({ ...creds, tokenDurationInMins: 1 });
    for (let i = 1; i < MAX_ACTIVE_SESSIONS; i++) await client.createAuthToken({ ...creds, tokenDurationInMins: 60 });
    const err = await client.createAuthToken({ ...creds }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).status).toBe(429);
    expect((err as RateLimitError<{ error: { code: string } }>).body.error.code).toBe('MAX_SESSIONS_EXCEEDED');
    // The 1-minute session stays active until its hard expiry (6 × 1 min), not its token expiry.
    clock.set(first + 1 * MIN + 1000);
    await expect(client.createAuthToken({ ...creds })).rejects.toBeInstanceOf(RateLimitError);
    clock.set(first + HARD_EXPIRY_FACTOR * MIN + 1000);
    const again = await client.createAuthToken({ ...creds });
    expect(expiryOf(again)).toBe(Math.floor(clock.now() / 1000) * 1000 + 20 * MIN);
  });

  it('the session manager reuses its token, logs in again after expiry and after invalidate()', async () => {
    const session = createTheodoreSession({ client, credentials: creds, now: () => clock.now() });
    const a = await session.getToken();
    expect(await session.getToken()).toBe(a);
    const s1 = session.state();
    expect(s1).toMatchObject({ hasToken: true, logins: 1, tokenDurationInMins: 20 });
    expect(s1.expiresAt! - s1.issuedAt!).toBe(20 * MIN);
    expect(s1.hardExpiresAt! - s1.issuedAt!).toBe(HARD_EXPIRY_FACTOR * 20 * MIN);
    clock.advance(20 * MIN);
    const b = await session.getToken();
    expect(b).not.toBe(a);
    expect(session.state().logins).toBe(2);
    session.invalidate();
    const c = await session.getToken();
    expect(c).not.toBe(b);
    expect(session.state()).toMatchObject({ logins: 3, activeSessions: 3 });
  });
});
