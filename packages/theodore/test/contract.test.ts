// Contract tests: every operation of specs/vayana-theodore/openapi.yaml called through
// the typed client against Prism (request validated by Prism; a violation fails the test).
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { AuthenticationError, BadRequestError, InternalServerError, RateLimitError, type ApiError } from '@s2sdk/core';
import { createTheodoreClient, createTheodoreSession, operations, type TheodoreErrorBody } from '@s2sdk/theodore';
import { operationCoverageProblems, prismFetch } from '@s2sdk/testkit';

const baseUrl = inject('theodorePrism');
const pf = prismFetch();
const client = (headers?: Record<string, string>) => createTheodoreClient({ environment: { baseUrl }, fetch: pf, retry: false, headers });
const credentials = { handle: 'user@example.com', password: 'user-password', handleType: 'email' as const };

afterEach(() => {
  expect(pf.violations).toEqual([]);
});

afterAll(() => {
  // Every operation of the spec was answered with a 2xx and with at least one declared error status.
  expect(operationCoverageProblems(pf.exchanges, Object.keys(operations))).toEqual([]);
});

describe('POST /theodore/apis/v1/authtokens (createAuthToken)', () => {
  it('returns the documented response for a valid request', async () => {
    const res = await client().createAuthToken({ ...credentials, tokenDurationInMins: 360 });
    expect(res.data.token).toBe('...');
    expect(res.data.userId).toBe('3fa85f64-5717-4562-b3fc-2c963f66afa6');
    expect(res.data.verificationStatus).toBe('None');
    expect(res.data.associatedOrgs?.[0]?.organisation.taxIdentifierType).toBe('PAN');
  });

  it('serves the named realistic example (expiry in epoch milliseconds)', async () => {
    const res = await client({ Prefer: 'example=realistic' }).createAuthToken(credentials);
    expect(res.data.expiry).toBe(1700001200000);
  });

  it('accepts a duration above 360 through the raw client (the server clamps it)', async () => {
    const r = await client().raw.POST('/theodore/apis/v1/authtokens', { body: { ...credentials, tokenDurationInMins: 370 } });
    expect(r.response.status).toBe(200);
    expect(r.data?.data.token).toBe('...');
  });

  it('a session obtains and caches the token (expiry 0 → issue + duration)', async () => {
    const t = 1_700_000_000_000;
    const session = createTheodoreSession({ client: client(), credentials, now: () => t });
    expect(await session.getToken()).toBe('...');
    expect(await session.getToken()).toBe('...');
    expect(session.state()).toMatchObject({ hasToken: true, expiresAt: t + 20 * 60_000, hardExpiresAt: t + 120 * 60_000, logins: 1 });
  });

  it.each([
    [400, BadRequestError, 'VALIDATION_FAILED'],
    [401, AuthenticationError, 'INVALID_CREDENTIALS'],
    [429, RateLimitError, 'MAX_SESSIONS_EXCEEDED'],
    [500, InternalServerError, 'INTERNAL_ERROR'],
    [503, InternalServerError, 'SERVICE_UNAVAILABLE'],
  ] as const)('declared %i → %s with the typed error body', async (status, Ctor, code) => {
    const err = (await client({ Prefer: `code=${status}` })
      .createAuthToken(credentials)
      .catch((e: unknown) => e)) as ApiError<TheodoreErrorBody>;
    expect(err).toBeInstanceOf(Ctor);
    expect(err.status).toBe(status);
    expect(err.body.error.code).toBe(code);
  });

  it('a session surfaces a 401 as AuthenticationError and caches nothing', async () => {
    const session = createTheodoreSession({ client: client({ Prefer: 'code=401' }), credentials });
    await expect(session.getToken()).rejects.toBeInstanceOf(AuthenticationError);
    expect(session.state().hasToken).toBe(false);
  });
});

describe('GET /theodore/apis/health (getHealth)', () => {
  it('returns UP', async () => {
    expect(await client().getHealth()).toEqual({ status: 'UP' });
  });

  it('503 → InternalServerError with { status: "DOWN" }', async () => {
    const err = (await client({ Prefer: 'code=503' })
      .getHealth()
      .catch((e: unknown) => e)) as ApiError<{ status: string }>;
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.body).toEqual({ status: 'DOWN' });
  });

  it('429 → RateLimitError', async () => {
    await expect(client({ Prefer: 'code=429' }).getHealth()).rejects.toBeInstanceOf(RateLimitError);
  });
});
