// Compile-time contract: wrong paths, methods, body fields and grant types do not compile.
import { describe, expectTypeOf, it } from 'vitest';
import type { ApiError } from '@s2sdk/core';
import {
  createPlatformAuthClient,
  createTokenManager,
  type AccessToken,
  type OAuthError,
  type OAuthErrorCode,
  type RevokeResponse,
  type VerificationTokenFailure,
  type VerificationTokenSuccess,
} from '@s2sdk/platform-auth';

const client = createPlatformAuthClient({ baseUrl: 'http://localhost:3000', credentials: { clientId: 'id', clientSecret: 'secret' } });

describe('Platform auth client types', () => {
  it('infers the helpers', () => {
    expectTypeOf(client.login({ email: 'a', password: 'b' })).resolves.toEqualTypeOf<VerificationTokenSuccess>();
    expectTypeOf(client.passwordGrant({ verificationToken: 'vt', otp: '100100' })).resolves.toEqualTypeOf<AccessToken>();
    expectTypeOf(client.refresh('rt')).resolves.toEqualTypeOf<AccessToken>();
    expectTypeOf(client.revoke('t')).resolves.toEqualTypeOf<RevokeResponse>();
    expectTypeOf<AccessToken['token_type']>().toEqualTypeOf<'Bearer'>();
    expectTypeOf<VerificationTokenSuccess['data']['error']>().toEqualTypeOf<null>();
    expectTypeOf<VerificationTokenFailure['data']['token']>().toEqualTypeOf<null>();
    expectTypeOf<OAuthErrorCode>().toExtend<string>();
    expectTypeOf(createTokenManager({ client }).getAccessToken()).resolves.toEqualTypeOf<string>();
  });

  it('types the raw client from the spec', async () => {
    const r = await client.raw.POST('/api/platform/v1/token', { body: { grant_type: 'refresh_token', refresh_token: 'rt' } });
    expectTypeOf<NonNullable<typeof r.data>>().toEqualTypeOf<AccessToken>();
    expectTypeOf<NonNullable<typeof r.error>>().toEqualTypeOf<OAuthError>();
    const l = await client.raw.POST('/api/platform/v1/login', { body: { email: 'a', token: 'vt' } });
    // openapi-fetch's Readable<> drops properties typed exactly `null` (data.token) from raw results;
    // the helpers and ApiError bodies use the spec's types directly.
    expectTypeOf<NonNullable<typeof l.error>['status']>().toEqualTypeOf<'failure'>();
    expectTypeOf<NonNullable<typeof l.error>['data']['error']>().toEqualTypeOf<string>();
    expectTypeOf<ApiError<OAuthError>['body']['error']>().toEqualTypeOf<OAuthErrorCode>();
  });

  it('rejects wrong paths, methods, bodies and grant types', () => {
    // @ts-expect-error unknown path
    void client.raw.POST('/api/platform/v1/logout', { body: {} });
    // @ts-expect-error unknown path (v2)
    void client.raw.POST('/api/platform/v2/token', { body: { grant_type: 'refresh_token', refresh_token: 'rt' } });
    // @ts-expect-error wrong method: the token endpoint is POST only
    void client.raw.GET('/api/platform/v1/token');
    // @ts-expect-error wrong method
    void client.raw.PUT('/api/platform/v1/token/revoke', { body: { token: 't' } });
    // @ts-expect-error unsupported grant type
    void client.raw.POST('/api/platform/v1/token', { body: { grant_type: 'client_credentials', refresh_token: 'rt' } });
    // @ts-expect-error the refresh grant does not take username/password
    void client.raw.POST('/api/platform/v1/token', { body: { grant_type: 'refresh_token', username: 'vt', password: 'otp' } });
    // @ts-expect-error the password grant needs the OTP
    void client.raw.POST('/api/platform/v1/token', { body: { grant_type: 'password', username: 'vt' } });
    // @ts-expect-error "password" with a refresh_token (the refresh table's typo) is not a valid body
    void client.raw.POST('/api/platform/v1/token', { body: { grant_type: 'password', refresh_token: 'rt' } });
    // @ts-expect-error unknown body field
    void client.raw.POST('/api/platform/v1/token/revoke', { body: { token: 't', token_type_hint: 'access_token' } });
    // @ts-expect-error the login body needs password (or token)
    void client.raw.POST('/api/platform/v1/login', { body: { email: 'a' } });
    // @ts-expect-error wrong helper field name
    void client.passwordGrant({ username: 'vt', password: 'otp' });
    // @ts-expect-error credentials are required
    void createPlatformAuthClient({ baseUrl: 'http://x' });
  });
});
