import { describe, expectTypeOf, it } from 'vitest';
import { createApiClient, unwrap, type ApiError } from '@s2sdk/core';
import type { paths } from './fixtures/paths';

const client = createApiClient<paths>({ baseUrl: 'http://127.0.0.1:1' });

describe('ApiClient types', () => {
  it('infers the success data through unwrap', () => {
    expectTypeOf(unwrap(client.GET('/things/{id}', { params: { path: { id: 1 } } }))).resolves.toEqualTypeOf<{ id: number; name: string }>();
    expectTypeOf(unwrap(client.POST('/things', { body: { name: 'a' } }))).resolves.toEqualTypeOf<{ id: number; name: string }>();
  });

  it('rejects wrong paths, methods, params and body fields', () => {
    // @ts-expect-error unknown path
    void client.GET('/nope');
    // @ts-expect-error no POST on /things/{id}
    void client.POST('/things/{id}', { params: { path: { id: 1 } } });
    // @ts-expect-error path parameter of the wrong type
    void client.GET('/things/{id}', { params: { path: { id: 'one' } } });
    // @ts-expect-error missing required path parameter
    void client.GET('/things/{id}', { params: { path: {} } });
    // @ts-expect-error missing init with required params
    void client.GET('/things/{id}');
    // @ts-expect-error missing required body field
    void client.POST('/things', { body: { tags: [] } });
    // @ts-expect-error unknown body field (openapi-fetch's own generic init would accept it)
    void client.POST('/things', { body: { name: 'a', colour: 'red' } });
  });

  it('types the error branch', async () => {
    const r = await client.GET('/things/{id}', { params: { path: { id: 1 } } });
    if (r.error) expectTypeOf(r.error).toEqualTypeOf<{ code: string; message: string }>();
    expectTypeOf<ApiError<{ code: string }>['body']>().toEqualTypeOf<{ code: string }>();
  });
});
