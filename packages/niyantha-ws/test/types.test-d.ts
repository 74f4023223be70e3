import { describe, expectTypeOf, it } from 'vitest';
import type { WsStream } from '../src/stream.js';
import type { RequestType, StreamType } from '../src/types.js';
import type { FixtureFile, FixtureOps } from './fixtures/operations.js';
import { fixtureClient } from './helpers/client.js';

const client = fixtureClient('ws://127.0.0.1:1/ws');

describe('typed requests over an operation map', () => {
  it('infers the reply payload from the request type', () => {
    expectTypeOf(client.request('store.get', { id: 1 })).toEqualTypeOf<Promise<{ id: number; name: string }>>();
    expectTypeOf(client.request('store.create', { name: 'A', type: 'grocery' })).resolves.toHaveProperty('type').toEqualTypeOf<string>();
    expectTypeOf(client.uploadFile).returns.resolves.toEqualTypeOf<FixtureFile>();
  });

  it('rejects a misspelt request type', () => {
    // @ts-expect-error 'store.gett' is not a request type
    void client.request('store.gett', { id: 1 });
  });

  it('rejects a wrong, missing or extra payload field', () => {
    // @ts-expect-error id must be a number
    void client.request('store.get', { id: '1' });
    // @ts-expect-error id is required
    void client.request('store.get', {});
    // @ts-expect-error unknown field
    void client.request('store.get', { id: 1, idd: 2 });
    // @ts-expect-error payload belongs to another request type
    void client.request('store.create', { id: 1 });
  });

  it('keeps streaming and auth types out of request(), and non-streaming types out of stream()', () => {
    expectTypeOf<RequestType<FixtureOps>>().toEqualTypeOf<'account.get' | 'store.get' | 'store.create' | 'file.stream.start' | 'file.stream.chunk' | 'file.stream.complete'>();
    expectTypeOf<StreamType<FixtureOps>>().toEqualTypeOf<'ai.thread.send.stream'>();
    // @ts-expect-error streaming requests go through stream()
    void client.request('ai.thread.send.stream', { thread_id: 1, message: 'x' });
    // @ts-expect-error the client sends auth.login itself
    void client.request('auth.login', { authType: 's2s', token: 't', metadata: { secret: 's', app: 'a' } });
    // @ts-expect-error store.get does not stream
    void client.stream('store.get', { id: 1 });
  });

  it('types stream chunks and the final reply', () => {
    const s = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'hi' });
    expectTypeOf(s).toEqualTypeOf<WsStream<{ delta: string; index: number }, { message_id: number; text: string }>>();
    expectTypeOf(s.result).toEqualTypeOf<Promise<{ message_id: number; text: string }>>();
  });

  it('types events', () => {
    client.on('state', (s) => expectTypeOf(s.state).toEqualTypeOf<'idle' | 'connecting' | 'authenticating' | 'open' | 'reconnecting' | 'closed'>());
    client.on('reconnect', (r) => expectTypeOf(r.attempt).toBeNumber());
    // @ts-expect-error unknown event
    client.on('nope', () => {});
  });
});
