// Compile-time contract: the typed client rejects wrong paths, methods and body fields.
import { describe, expectTypeOf, it } from 'vitest';
import type { ApiError } from '@s2sdk/core';
import { createTheodoreClient, createTheodoreSession, type AuthTokenResponse, type HealthStatus, type TheodoreErrorBody } from '@s2sdk/theodore';

const client = createTheodoreClient({ environment: 'sandbox' });
const body = { handle: 'user@example.com', password: 'pw', handleType: 'email' as const };

describe('Theodore client types', () => {
  it('infers responses', () => {
    expectTypeOf(client.createAuthToken(body)).resolves.toEqualTypeOf<AuthTokenResponse>();
    expectTypeOf(client.getHealth()).resolves.toEqualTypeOf<HealthStatus>();
    expectTypeOf<AuthTokenResponse['data']['expiry']>().toEqualTypeOf<number>();
    expectTypeOf(createTheodoreSession({ client, credentials: { handle: 'u', password: 'p' } }).getToken()).resolves.toEqualTypeOf<string>();
  });

  it('types the raw client from the spec', async () => {
    const r = await client.raw.POST('/theodore/apis/v1/authtokens', { body });
    if (r.data) expectTypeOf(r.data).toEqualTypeOf<AuthTokenResponse>();
    if (r.error) expectTypeOf(r.error).toEqualTypeOf<TheodoreErrorBody>();
    expectTypeOf<ApiError<TheodoreErrorBody>['body']['error']['code']>().toEqualTypeOf<string>();
  });

  it('rejects wrong paths, methods and bodies', () => {
    // @ts-expect-error unknown path (the version belongs to the auth-token path only)
    void client.raw.GET('/theodore/apis/v1/health');
    // @ts-expect-error unknown path
    void client.raw.POST('/theodore/apis/v1/authtoken', { body });
    // @ts-expect-error wrong method: the token route is POST only
    void client.raw.GET('/theodore/apis/v1/authtokens');
    // @ts-expect-error wrong method: health is GET only
    void client.raw.POST('/theodore/apis/health');
    // @ts-expect-error unknown body field
    void client.raw.POST('/theodore/apis/v1/authtokens', { body: { ...body, tokenDuration: 20 } });
    // @ts-expect-error handleType "mobile" is not modelled
    void client.raw.POST('/theodore/apis/v1/authtokens', { body: { ...body, handleType: 'mobile' } });
    // @ts-expect-error password is required
    void client.raw.POST('/theodore/apis/v1/authtokens', { body: { handle: 'u', handleType: 'email' } });
    // @ts-expect-error duration is an integer, not a string
    void client.createAuthToken({ ...body, tokenDurationInMins: '20' });
    // @ts-expect-error unknown environment
    void createTheodoreClient({ environment: 'staging' });
    // @ts-expect-error only "email" handles
    void createTheodoreSession({ client, credentials: { handle: 'u', password: 'p', handleType: 'mobile' } });
  });
});
