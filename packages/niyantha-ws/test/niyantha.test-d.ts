import { describe, expectTypeOf, it } from 'vitest';
import { connectNiyanthaWs, type NiyanthaOperations, type NiyanthaWs, type Secret } from '../src/index.js';
import type { RequestType, StreamType } from '../src/types.js';

declare const ws: NiyanthaWs;

describe('the generated Niyantha map', () => {
  it('connectNiyanthaWs resolves to the typed client', () => {
    expectTypeOf(connectNiyanthaWs).returns.resolves.toEqualTypeOf<NiyanthaWs>();
  });

  it('infers reply payloads', () => {
    expectTypeOf(ws.request('store.get', { store_id: 301 })).resolves.toEqualTypeOf<NiyanthaOperations['store.get']['reply']>();
    expectTypeOf(ws.request('account.get', {})).resolves.toEqualTypeOf<NiyanthaOperations['account.get']['reply']>();
    expectTypeOf(ws.uploadFile).returns.resolves.toEqualTypeOf<NiyanthaOperations['file.stream.complete']['reply']>();
  });

  it('delivers the created key\'s secret as a Secret', () => {
    const created = ws.request('account.keys.create', { name: 'next' });
    expectTypeOf(created).resolves.toHaveProperty('secret').toEqualTypeOf<Secret>();
    expectTypeOf(created).resolves.toHaveProperty('username').toBeString();
    expectTypeOf(ws.setCredentials).parameter(0).toHaveProperty('secret').toEqualTypeOf<string | Secret>();
  });

  it('types the session as the auth.success payload', () => {
    expectTypeOf(ws.session).toEqualTypeOf<NiyanthaOperations['auth.login']['reply'] | undefined>();
    expectTypeOf(ws.session!.identityId).toBeString();
  });

  it('rejects misspelt types and wrong payload fields', () => {
    // @ts-expect-error not a request type
    void ws.request('store.gett', { store_id: 301 });
    // @ts-expect-error store_id is a number
    void ws.request('store.get', { store_id: '301' });
    // @ts-expect-error unknown payload field
    void ws.request('store.get', { store_id: 301, id: 1 });
    // @ts-expect-error auth.login is sent by the client itself
    void ws.request('auth.login', {} as NiyanthaOperations['auth.login']['request']);
  });

  it('splits streaming and non-streaming types', () => {
    expectTypeOf<StreamType<NiyanthaOperations>>().toEqualTypeOf<'ai.thread.send.stream' | 'nitha.thread.send.stream'>();
    expectTypeOf<'ai.thread.send.stream'>().not.toMatchTypeOf<RequestType<NiyanthaOperations>>();
    const s = ws.stream('ai.thread.send.stream', { thread_id: 7, content: 'hi' });
    expectTypeOf(s.result).resolves.toEqualTypeOf<NiyanthaOperations['ai.thread.send.stream']['reply']>();
    // @ts-expect-error store.get does not stream
    void ws.stream('store.get', { store_id: 301 });
  });
});
