// The generic mode: the typed client against AsyncAPI request/reply servers that are not
// Niyantha — one with a different authentication step, one with none.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { waitFor } from '@s2sdk/testkit';
import { RequestReplyClient, type RequestReplyClientOptions } from '../src/client.js';
import { WsAuthenticationError } from '../src/errors.js';
import type { OperationTable, WebSocketConstructor } from '../src/types.js';
import { cleanupList, rejectionOf, startRawServer, type Conn, type Frame } from './helpers/server.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

interface Err {
  code: string;
  message: string;
}

/** A small API with its own login (`session.open` → `session.opened`, refused with `session.denied`). */
interface TodoOps {
  'session.open': {
    request: { apiToken: string };
    reply: { user: string };
    replyType: 'session.opened';
    error: Err;
    errorType: 'session.denied';
    chunk: never;
    streaming: false;
    auth: true;
  };
  'todo.add': {
    request: { title: string };
    reply: { id: number; title: string };
    replyType: 'todo.add.ok';
    error: Err;
    errorType: 'error';
    chunk: never;
    streaming: false;
    auth: false;
  };
}

const todoTable: OperationTable<TodoOps> = {
  'session.open': { reply: 'session.opened', errors: ['session.denied'], chunk: null, streaming: false, auth: true },
  'todo.add': { reply: 'todo.add.ok', errors: ['error'], chunk: null, streaming: false, auth: false },
};

/** The same API without any authentication. */
type OpenOps = Pick<TodoOps, 'todo.add'>;
const openTable: OperationTable<OpenOps> = { 'todo.add': todoTable['todo.add'] };

function client<Ops extends Record<string, any>>(options: Omit<RequestReplyClientOptions<Ops>, 'WebSocket'>) {
  return cleanup.add(
    new RequestReplyClient<Ops>({
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      reconnect: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 5, stableAfterMs: 0 },
      heartbeat: false,
      ...options,
    }),
    (c) => c.close(),
  );
}

/** Answers `todo.add`; `login` decides the answer to anything else. */
function todoServer(login?: (msg: Frame, conn: Conn) => void) {
  let ids = 0;
  return startRawServer({
    onFrame: (msg, conn) => {
      if (msg.type === 'todo.add') {
        const authed = !login || conn.frames.some((f) => f.type === 'session.open' && f.payload.apiToken === 'good');
        if (!authed) conn.fail(msg, 'unauthenticated', 'log in first');
        else conn.reply(msg, 'todo.add.ok', { id: ++ids, title: msg.payload.title });
        return;
      }
      login?.(msg, conn);
    },
  });
}

describe('generic mode: a different authentication step', () => {
  it('sends the configured login first on every (re)connect and reads its own success type', async () => {
    const server = cleanup.add(
      await todoServer((msg, conn) => {
        if (msg.type !== 'session.open') return;
        if (msg.payload.apiToken === 'good') conn.reply(msg, 'session.opened', { user: 'ada' });
        else conn.reply(msg, 'session.denied', { code: 'bad_token', message: 'unknown token' });
      }),
      (s) => s.close(),
    );
    const states: string[] = [];
    const c = client<TodoOps>({ url: server.url, operations: todoTable, auth: { type: 'session.open', payload: () => ({ apiToken: 'good' }) } });
    c.on('state', ({ state }) => states.push(state));
    await c.connect();
    expect(c.session).toEqual({ user: 'ada' });
    expect(await c.request('todo.add', { title: 'milk' })).toEqual({ id: 1, title: 'milk' });
    expect(server.conns[0]!.frames.map((f) => f.type)).toEqual(['session.open', 'todo.add']);
    expect(states).toEqual(['connecting', 'authenticating', 'open']);

    // The server drops the socket: the reconnect logs in again before anything else.
    server.conns[0]!.ws.terminate();
    await server.waitForConns(2);
    await waitFor(() => c.state === 'open' && server.conns[1]!.frames.length > 0, 'the second session');
    expect(await c.request('todo.add', { title: 'eggs' })).toEqual({ id: 2, title: 'eggs' });
    expect(server.conns[1]!.frames.map((f) => f.type)).toEqual(['session.open', 'todo.add']);
  });

  it('a refusal of its own type is a WsAuthenticationError with the server code, and the first connect is not retried', async () => {
    const server = cleanup.add(
      await todoServer((msg, conn) => {
        if (msg.type === 'session.open') conn.reply(msg, 'session.denied', { code: 'bad_token', message: 'unknown token' });
      }),
      (s) => s.close(),
    );
    const c = client<TodoOps>({ url: server.url, operations: todoTable, auth: { type: 'session.open', payload: () => ({ apiToken: 'nope' }) } });
    const err = await rejectionOf(c.connect());
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(err.reason).toBe('bad_token');
    expect(err.transient).toBe(false);
    expect(c.state).toBe('closed');
    expect(server.conns).toHaveLength(1);
  });

  it('an auth step outside the operation table, with one reply type read by `outcome`', async () => {
    const server = cleanup.add(
      await todoServer((msg, conn) => {
        if (msg.type !== 'hello') return;
        const ok = msg.payload.apiToken === 'good';
        conn.reply(msg, 'hello.result', ok ? { ok: true, user: 'grace' } : { ok: false, why: 'expired' });
      }),
      (s) => s.close(),
    );
    const auth = (apiToken: string) => ({
      type: 'hello',
      payload: () => ({ apiToken }),
      successType: 'hello.result',
      outcome: ({ payload }: { type: string; payload: unknown }) => {
        const p = payload as { ok: boolean; user?: string; why?: string };
        return p.ok ? { ok: true as const, session: { user: p.user } } : { ok: false as const, code: p.why ?? 'refused', message: 'hello refused' };
      },
    });
    const refused = client<OpenOps>({ url: server.url, operations: openTable, auth: auth('bad') });
    const err = await rejectionOf(refused.connect());
    expect(err).toBeInstanceOf(WsAuthenticationError);
    expect(err.reason).toBe('expired');

    const accepted = client<OpenOps>({ url: server.url, operations: openTable, auth: auth('good') });
    await accepted.connect();
    expect(accepted.session).toEqual({ user: 'grace' });
    expect(server.conns[1]!.frames[0]!.type).toBe('hello');
  });

  it('refuses an auth type that is neither in the table nor given a success type', () => {
    expect(() => new RequestReplyClient<OpenOps>({ url: 'ws://127.0.0.1:9/', operations: openTable, auth: { type: 'hello', payload: () => ({}) } })).toThrow(TypeError);
  });
});

describe('generic mode: no authentication step', () => {
  it('opens without a login, sends requests first, and reconnects without one', async () => {
    const server = cleanup.add(await todoServer(), (s) => s.close());
    const states: string[] = [];
    const c = client<OpenOps>({ url: server.url, operations: openTable });
    c.on('state', ({ state }) => states.push(state));
    const early = c.request('todo.add', { title: 'queued before connect' });
    await c.connect();
    expect(await early).toEqual({ id: 1, title: 'queued before connect' });
    expect(c.session).toBeUndefined();
    expect(server.conns[0]!.frames.map((f) => f.type)).toEqual(['todo.add']);
    expect(states).toEqual(['connecting', 'open']);
    await expect(c.setAuth({ payload: () => ({}) })).rejects.toThrow(TypeError);

    server.conns[0]!.ws.terminate();
    await server.waitForConns(2);
    await waitFor(() => (c.state === 'open' ? true : undefined), 'the reconnect');
    expect(await c.request('todo.add', { title: 'after' })).toEqual({ id: 2, title: 'after' });
    expect(server.conns[1]!.frames.map((f) => f.type)).toEqual(['todo.add']);
    expect(states).not.toContain('authenticating');
  });
});
