// The whole pipeline against a fake connection: no sockets, no timers (the delay hook records them).
import { describe, expect, it } from 'vitest';
import { fakeConnection, login, testPipeline } from './stages.helpers';

describe('pipeline (no sockets)', () => {
  it('closes 4400 on a frame that is not an envelope, and logs it', async () => {
    const p = await testPipeline();
    const conn = fakeConnection();
    p.handle(conn, { type: 'note.get', requestId: 'r' }); // no payload object
    expect(conn.closedWith).toEqual({ code: 4400, reason: 'frame is not a JSON envelope' });
    expect(p.config.log.entries).toHaveLength(1);
    expect(conn.log.entries[0]!.frame).toBeUndefined();
  });

  it('refuses, then logs in, then answers from the examples — synchronously, in order', async () => {
    const p = await testPipeline();
    const conn = fakeConnection();
    expect(p.handle(conn, { type: 'note.get', requestId: 'early', payload: { id: 'n' } })).toBeUndefined();
    expect(p.handle(conn, login())).toBeUndefined();
    p.handle(conn, { type: 'note.get', requestId: 'g', payload: { id: 'n' } });
    p.handle(conn, { type: 'note.nope', requestId: 'u', payload: {} });
    p.handle(conn, { type: 'note.create', requestId: 'bad', payload: { title: '' } });
    const frames = conn.frames() as Array<Record<string, any>>;
    expect(frames.map((f) => [f.requestId, f.type, f.payload.code])).toEqual([
      ['early', 'error', 'unauthenticated'],
      ['l-1', 'auth.success', undefined],
      ['g', 'note.get.ok', undefined],
      ['u', 'error', 'validation_failed'],
      ['bad', 'error', 'validation_failed'],
    ]);
    expect(conn.authenticated).toBe(true);
    expect(conn.identity).toEqual({ key: 'pk_test', accountId: '7' });
    expect(p.events.map((e) => e[0])).toEqual(['frame', 'frame', 'authenticated', 'frame', 'frame', 'frame']);
    // The login is kept with its credentials redacted.
    expect(JSON.stringify(conn.log.entries[1]!.frame)).not.toMatch(/pk_test|sk_test/);
    expect(conn.log.entries[1]!.raw).not.toMatch(/pk_test|sk_test/);
  });

  it('refuses a wrong secret with the auth failure message, then closes 4401', async () => {
    const p = await testPipeline();
    const conn = fakeConnection();
    p.handle(conn, login('l', 'pk_test', 'wrong'));
    expect((conn.frames()[0] as Record<string, any>).type).toBe('auth.failure');
    expect(conn.closedWith).toEqual({ code: 4401, reason: 'authentication failed' });
  });

  it('a revoked key fails its later requests; the socket stays open', async () => {
    const p = await testPipeline();
    const conn = fakeConnection();
    p.handle(conn, login());
    p.revoked.set('pk_test', { code: 'api_key_revoked', message: 'The API key has been revoked.' });
    p.handle(conn, { type: 'note.get', requestId: 'g', payload: { id: 'n' } });
    expect(conn.frames().at(-1)).toEqual({ type: 'error', requestId: 'g', payload: { code: 'api_key_revoked', message: 'The API key has been revoked.' } });
    expect(conn.isOpen()).toBe(true);
  });

  it('delays an answer through the timer hook, and terminates after dropAfterFrames', async () => {
    const p = await testPipeline({ requireAuth: false });
    const conn = fakeConnection();
    p.setFaults({ byType: { 'note.get': { delayMs: 50 } } });
    p.handle(conn, { type: 'note.get', requestId: 'slow', payload: { id: 'n' } });
    p.handle(conn, { type: 'note.create', requestId: 'fast', payload: { title: 't' } });
    expect((conn.frames() as Array<Record<string, any>>).map((f) => f.requestId)).toEqual(['fast']);
    expect(p.timers.map((t) => t.ms)).toEqual([50]);
    p.timers[0]!.fn();
    expect((conn.frames() as Array<Record<string, any>>).map((f) => f.requestId)).toEqual(['fast', 'slow']);
    p.setFaults({ dropAfterFrames: 3 });
    p.handle(conn, { type: 'note.get', requestId: 'third', payload: { id: 'n' } });
    expect(conn.terminated).toBe(true);
    expect(conn.frames()).toHaveLength(2);
  });

  it('waits for an async authCheck and async reply handlers (a promise tells the caller to queue)', async () => {
    const p = await testPipeline({
      authCheck: async ({ credentials }) => (credentials.secret === 'sk_test' ? { accountId: '11' } : false),
      replies: { 'note.get': async (req) => ({ id: (req.payload as { id: string }).id, title: 'custom', tags: [] }) },
    });
    const conn = fakeConnection();
    const pending = p.handle(conn, login());
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(conn.identity).toEqual({ accountId: '11' });
    await p.handle(conn, { type: 'note.get', requestId: 'c', payload: { id: 'n_1' } });
    expect(conn.frames().at(-1)).toMatchObject({ type: 'note.get.ok', requestId: 'c', payload: { id: 'n_1', title: 'custom' } });
  });
});
