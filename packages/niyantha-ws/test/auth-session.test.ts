// The auth session alone: no socket is touched (a stub stands in for it).
import { describe, expect, it } from 'vitest';
import { AuthSession } from '../src/auth-session.js';
import { WsAuthenticationError } from '../src/errors.js';
import type { OperationTableEntry, WebSocketLike } from '../src/types.js';

const TABLE: Record<string, OperationTableEntry> = {
  'auth.login': { reply: 'auth.success', errors: ['auth.failure'], chunk: null, streaming: false, auth: true },
  'x.get': { reply: 'x.get.ok', errors: ['error'], chunk: null, streaming: false, auth: false },
};
const socket = {} as WebSocketLike;
let n = 0;
const nextId = () => `id${++n}`;

describe('AuthSession', () => {
  it('takes the success and refusal types from the table row, or from the configuration', () => {
    expect(new AuthSession({ type: 'auth.login', payload: () => ({}) }, TABLE).entry).toMatchObject({ reply: 'auth.success', errors: ['auth.failure'], auth: true });
    expect(new AuthSession({ type: 'hello', payload: () => ({}), successType: 'hi' }, TABLE).entry).toMatchObject({ reply: 'hi', errors: ['error'] });
    expect(() => new AuthSession({ type: 'hello', payload: () => ({}) }, TABLE)).toThrow(TypeError);
    const none = new AuthSession(undefined, TABLE);
    expect(none.configured).toBe(false);
    expect(none.entry).toBeUndefined();
  });

  it('reads replies: success type, error payloads (redacted), anything else is not an answer', () => {
    const a = new AuthSession({ type: 'auth.login', payload: () => ({}) }, TABLE);
    const entry = a.entry!;
    expect(a.read(entry, 'auth.success', { who: 1 })).toEqual({ ok: true, session: { who: 1 } });
    expect(a.read(entry, 'auth.failure', { code: 'rate_limited', message: 'slow down' })).toMatchObject({ ok: false, code: 'rate_limited', message: 'slow down' });
    expect(a.read(entry, 'auth.failure', {})).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(a.read(entry, 'x.get.ok', {})).toBeUndefined();
    const refusal = a.refusal('ws://h/', 'auth.login', 'rate_limited', 'slow down', undefined);
    expect(refusal).toBeInstanceOf(WsAuthenticationError);
    expect(refusal.transient).toBe(true);
    expect(a.refusal('ws://h/', 'auth.login', 'invalid_credentials', undefined, undefined).transient).toBe(false);
  });

  it('a custom outcome decides', () => {
    const a = new AuthSession({ type: 'hello', payload: () => ({}), successType: 'hello.result', outcome: ({ payload }) => ((payload as { ok: boolean }).ok ? { ok: true } : { ok: false, code: 'nope' }) }, TABLE);
    expect(a.read(a.entry!, 'hello.result', { ok: true })).toEqual({ ok: true });
    expect(a.read(a.entry!, 'hello.result', { ok: false })).toEqual({ ok: false, code: 'nope' });
  });

  it('finds a transient code named in a 4401 close reason (word boundaries)', () => {
    const a = new AuthSession({ type: 'auth.login', payload: () => ({}) }, TABLE);
    expect(a.closeRefusal('ws://h/', 'try later: rate_limited', 4401)).toMatchObject({ reason: 'rate_limited', transient: true, closeCode: 4401 });
    expect(a.closeRefusal('ws://h/', 'not_rate_limited_really', 4401)).toMatchObject({ reason: 'unauthenticated', transient: false });
    expect(a.closeRefusal('ws://h/', undefined, 4401).message).toContain('4401');
  });

  it('begin(): candidate credentials first; if their builder throws, the switch rejects and the current ones log in', async () => {
    const a = new AuthSession({ type: 'auth.login', payload: () => ({ key: 'old' }), publicKey: () => 'pk_old' }, TABLE);
    const switching = a.propose(a.withCredentials({ payload: () => { throw new Error('bad builder'); } }));
    const { login, frame } = a.begin(socket, nextId);
    await expect(switching).rejects.toThrow('bad builder');
    expect(login.candidate).toBeUndefined();
    expect(JSON.parse(frame.frame)).toMatchObject({ type: 'auth.login', payload: { key: 'old' } });
    expect(a.login).toBe(login);
  });

  it('a successful login with a candidate commits it; a refused one keeps the previous credentials', async () => {
    const a = new AuthSession({ type: 'auth.login', payload: () => ({ key: 'old' }), publicKey: () => 'pk_old' }, TABLE);
    const ok = a.propose(a.withCredentials({ payload: () => ({ key: 'new' }), publicKey: () => 'pk_new' }));
    const first = a.begin(socket, nextId);
    a.succeeded(first.login, { s: 1 })?.resolve();
    await ok;
    expect(a.publicKey).toBe('pk_new');
    expect(a.session).toEqual({ s: 1 });

    const refused = a.propose(a.withCredentials({ payload: () => ({ key: 'bad' }) }));
    const second = a.begin(socket, nextId);
    const err = a.refusal('ws://h/', 'auth.login', 'invalid_credentials', 'no', undefined);
    expect(a.refused(second.login, err)).toBe(true); // reconnect with the previous credentials
    await expect(refused).rejects.toBe(err);
    expect(JSON.parse(a.begin(socket, nextId).frame.frame).payload).toEqual({ key: 'new' });
    // without a candidate, only a transient code is retryable
    expect(a.refused(undefined, err)).toBe(false);
    expect(a.refused(undefined, a.refusal('ws://h/', 'auth.login', 'unavailable', 'x', undefined))).toBe(true);
  });

  it('serialises switches and rejects a pending one when the client ends', async () => {
    const a = new AuthSession({ type: 'auth.login', payload: () => ({}) }, TABLE);
    const order: number[] = [];
    const p1 = a.serialize(async () => void order.push(1));
    const p2 = a.serialize(async () => void order.push(2));
    await Promise.all([p1, p2]);
    expect(order).toEqual([1, 2]);
    const pending = a.propose(a.withCredentials({ payload: () => ({}) }));
    a.end(new Error('closed'));
    await expect(pending).rejects.toThrow('closed');
  });
});
