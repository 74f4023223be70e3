// Contract tests: every operation of specs/platform-auth/openapi.yaml called through the
// typed client against Prism. Prism checks the request body and the HTTP Basic security
// of every call; any request-side violation fails the test.
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { AuthenticationError, BadRequestError, UnprocessableEntityError, type ApiError } from '@s2sdk/core';
import {
  createPlatformAuthClient,
  createTokenManager,
  operations,
  type OAuthError,
  type PlatformAuthClientOptions,
  type VerificationTokenFailure,
} from '@s2sdk/platform-auth';
import { operationCoverageProblems, prismFetch } from '@s2sdk/testkit';

const baseUrl = inject('platformAuthPrism');
const pf = prismFetch();
const credentials = { clientId: 'a9f7ef20', clientSecret: 'AooObAtdB5CLQp9lOiDsFloP25KpgTbrbdhBE_CXLpk' };
const client = (headers?: Record<string, string>, extra: Partial<PlatformAuthClientOptions> = {}) =>
  createPlatformAuthClient({ baseUrl, credentials, fetch: pf, retry: false, headers, ...extra });

const DOC_VERIFICATION_TOKEN =
  'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE2ODA2Njc3MzMsImlkIjoiYzU5YWFmZWYtNzJjMC00OGVkLWJjOGQtNzY0YmJjMjg1YjU4IiwianRpIjoiZTA5ZTlmNzctYjc2NS00NzdkLTk0YzctODdjNmRjNjc4YzU2IiwiaWF0IjoxNjgwNjY3MTMzLCJzdWIiOiJzdGFmZiJ9.DIh5DD9kb7A3zulSo3Wmuxp0Q6C6awHp8LX0DlgNQ7E';
const DOC_ACCESS_TOKEN = {
  access_token: 'bgcELuHgoVxBqrdiVNne0WxBLsV9Fk45Y1ZsTRW_L1s',
  token_type: 'Bearer',
  expires_in: 7200,
  refresh_token: '1DY2Lds8KU97IJF63PpaN_A8ucuDDSHaDOT6Y7b_lrQ',
  created_at: 1680667245,
};

afterEach(() => {
  expect(pf.violations).toEqual([]);
});

afterAll(() => {
  // Every operation of the spec was answered with a 2xx and with at least one declared error status.
  expect(operationCoverageProblems(pf.exchanges, Object.keys(operations))).toEqual([]);
});

async function failure<B>(p: Promise<unknown>): Promise<ApiError<B>> {
  return (await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  )) as ApiError<B>;
}

describe('POST /api/platform/v1/login (login)', () => {
  it('returns the verification token', async () => {
    const res = await client().login({ email: 'staff@apexcommerce.com', password: 'password' });
    expect(res).toEqual({ status: 'success', data: { token: DOC_VERIFICATION_TOKEN, error: null } });
  });

  it('accepts the resend-OTP body on the same route (oneOf)', async () => {
    const res = await client({}, { resendOtpRoute: 'login' }).resendOtp({ email: 'staff@apexcommerce.com', token: DOC_VERIFICATION_TOKEN });
    expect(res.status).toBe('success');
  });

  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [422, UnprocessableEntityError],
  ] as const)('declared %i → %s with the failure envelope', async (status, Ctor) => {
    const err = await failure<VerificationTokenFailure>(client({ Prefer: `code=${status}` }).login({ email: 'staff@apexcommerce.com', password: 'password' }));
    expect(err).toBeInstanceOf(Ctor);
    expect(err.body.status).toBe('failure');
    expect(err.body.data.token).toBeNull();
    expect(typeof err.body.data.error).toBe('string');
  });
});

describe('POST /api/platform/v1/login/resend_otp (resendOtp)', () => {
  it('returns a verification token', async () => {
    const res = await client({}, { resendOtpRoute: 'resend_otp' }).resendOtp({ email: 'staff@apexcommerce.com', token: DOC_VERIFICATION_TOKEN });
    expect(res.data.token).toBe(DOC_VERIFICATION_TOKEN);
  });

  it('declared 401 → AuthenticationError', async () => {
    const err = await failure<VerificationTokenFailure>(client({ Prefer: 'code=401' }, { resendOtpRoute: 'resend_otp' }).resendOtp({ email: 'a@b.c', token: 'vt' }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.body.status).toBe('failure');
  });
});

describe('POST /api/platform/v1/token (createToken)', () => {
  it('password grant: verification token + OTP → access token', async () => {
    expect(await client().passwordGrant({ verificationToken: DOC_VERIFICATION_TOKEN, otp: '100100' })).toEqual(DOC_ACCESS_TOKEN);
  });

  it('refresh_token grant → access token', async () => {
    expect(await client().refresh('iWaTHakJEB18WtrS1h9Q0wmVw1FLFA1S4LBiVywtlHg')).toEqual(DOC_ACCESS_TOKEN);
  });

  it('declared 400 → BadRequestError with the documented invalid_grant body', async () => {
    const err = await failure<OAuthError>(client({ Prefer: 'code=400' }).passwordGrant({ verificationToken: 'vt', otp: '000000' }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.body.error).toBe('invalid_grant');
  });

  it('declared 401 on refresh → AuthenticationError (invalid_client / invalid_grant)', async () => {
    const err = await failure<OAuthError>(client({ Prefer: 'code=401' }).refresh('rt'));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(['invalid_client', 'invalid_grant']).toContain(err.body.error);
  });

  it('a token manager runs login → OTP → token, then revokes', async () => {
    const otps: string[] = [];
    const manager = createTokenManager({
      client: client(),
      getOtp: async ({ email, resend }) => {
        await resend();
        otps.push(email);
        return '100100';
      },
    });
    await manager.login({ email: 'staff@apexcommerce.com', password: 'password' });
    expect(otps).toEqual(['staff@apexcommerce.com']);
    expect(await manager.getAccessToken()).toBe(DOC_ACCESS_TOKEN.access_token);
    await manager.revoke();
    expect(manager.state().hasToken).toBe(false);
  });
});

describe('POST /api/platform/v1/token/revoke (revokeToken)', () => {
  it('always answers {}', async () => {
    expect(await client().revoke('iDJYbofANxyB5w4iwDW1nrmlTdiKsNAkLHpBHQkUlX4')).toEqual({});
  });

  it('declared 401 → AuthenticationError (invalid_client)', async () => {
    const err = await failure<OAuthError>(client({ Prefer: 'code=401' }).revoke('t'));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.body.error).toBe('invalid_client');
  });
});

describe('security', () => {
  it('Prism refuses a request without the Basic credentials (so the client must be sending them)', async () => {
    const res = await fetch(`${baseUrl}/api/platform/v1/token/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"t"}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('sl-violations') ?? '').toMatch(/security/i);
  });
});
