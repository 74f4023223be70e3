// The WebSocket client (@s2sdk/niyantha-ws, public exports only) against a raw `ws` server
// the probe scripts frame by frame: drops, garbage, unknown/duplicate ids, auth refusals,
// silence, close() with requests in flight, queue overflow while disconnected.
import {
  ClientClosedError,
  ConnectError,
  ConnectionLostError,
  createNiyanthaWs,
  QueueFullError,
  ReconnectFailedError,
  RequestTimeoutError,
  WsAuthenticationError,
  type NiyanthaWs,
} from '@s2sdk/niyantha-ws';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from '../../packages/testkit/src/index.ts';
import { describe, expectError, type Area, type ProbeContext } from './harness.ts';

export const AUTH_SUCCESS = { identityId: 'account-1', role: 'account', context: { accountId: '1' } };

export interface Frame {
  type: string;
  requestId: string;
  payload: any;
}
export interface Conn {
  index: number;
  ws: WebSocket;
  frames: Frame[];
  send(type: string, requestId: string, payload: unknown): void;
}
type OnFrame = (f: Frame, c: Conn) => void;

/** A raw `ws` server; `onFrame` sees every parsed client frame. Default: auth.login → auth.success. */
export async function rawWsServer(ctx: ProbeContext, onFrame: OnFrame = () => undefined, { autoAuth = (_c: Conn): boolean => true }: { autoAuth?: (c: Conn) => boolean } = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const conns: Conn[] = [];
  wss.on('connection', (ws) => {
    const c: Conn = {
      index: conns.length,
      ws,
      frames: [],
      send: (type, requestId, payload) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ type, requestId, payload })),
    };
    conns.push(c);
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      let f: Frame;
      try {
        f = JSON.parse(String(data)) as Frame;
      } catch {
        return;
      }
      c.frames.push(f);
      if (f.type === 'auth.login' && autoAuth(c)) return c.send('auth.success', f.requestId, AUTH_SUCCESS);
      onFrame(f, c);
    });
  });
  const close = () =>
    new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    });
  ctx.defer(close);
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
  const framesOf = (type: string) => conns.flatMap((c) => c.frames.filter((f) => f.type === type));
  return { url, conns, close, framesOf };
}

export function wsClient(ctx: ProbeContext, url: string, extra: Record<string, unknown> = {}): NiyanthaWs {
  const client = createNiyanthaWs({
    url,
    credentials: { key: 'pk_probe', secret: 'sk_probe' },
    WebSocket: WebSocket as never,
    heartbeat: false,
    requestTimeoutMs: 10_000,
    connectTimeoutMs: 10_000,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3, stableAfterMs: 60_000 },
    ...extra,
  } as never);
  ctx.defer(() => client.close());
  return client;
}

const req = (c: NiyanthaWs, type: string, payload: unknown, opts?: unknown) => (c.request as (t: string, p: unknown, o?: unknown) => Promise<unknown>)(type, payload, opts);

export const wsClientArea: Area = {
  name: 'ws client',
  probes: [
    {
      name: 'drop mid-request: ConnectionLostError, reconnect, the request is never re-sent',
      run: async (ctx) => {
        const s = await rawWsServer(ctx, (f, c) => {
          if (f.type === 'store.create') c.ws.terminate();
          else c.send(`${f.type}.ok`, f.requestId, { id: 1 });
        });
        const client = wsClient(ctx, s.url);
        await client.connect();
        const e = expectError(await ctx.call('store.create', req(client, 'store.create', { name: 'A', type: 'grocery' })), ConnectionLostError, 'drop');
        await waitFor(() => client.state === 'open' && s.conns.length === 2, 'reconnected', { timeoutMs: 30_000 });
        const after = await ctx.call('store.get after reconnect', req(client, 'store.get', { store_id: 1 }));
        ctx.log(`saw ${describe(e)}; connections ${s.conns.length}; store.create frames ${s.framesOf('store.create').length}; next request ${after.ok ? 'ok' : describe(after.error)}`);
        ctx.check(s.framesOf('store.create').length === 1, 'never re-sent');
        ctx.check(after.ok, 'the client works after reconnecting');
        await client.close();
      },
    },
    {
      name: 'garbage, binary and 5 MB frames from the server are ignored; the real reply settles the request',
      run: async (ctx) => {
        const s = await rawWsServer(ctx, (f, c) => {
          c.ws.send('this is not json {');
          c.ws.send(Buffer.from([0, 1, 2, 3, 255]), { binary: true });
          c.ws.send(JSON.stringify({ type: 'noise', requestId: 'x', payload: { pad: 'x'.repeat(5 * 1024 * 1024) } }));
          c.ws.send('null');
          c.ws.send('[1,2]');
          c.send(`${f.type}.ok`, f.requestId, { id: f.payload.store_id });
        });
        const client = wsClient(ctx, s.url);
        await client.connect();
        const o = await ctx.call('store.get', req(client, 'store.get', { store_id: 7 }));
        ctx.log(`request ${o.ok ? `ok ${JSON.stringify(o.value)}` : describe(o.error)}; state ${client.state}; connections ${s.conns.length}`);
        ctx.check(o.ok && (o.value as { id: number }).id === 7, 'the reply arrived');
        ctx.check(client.state === 'open' && s.conns.length === 1, 'the connection survived');
        await client.close();
      },
    },
    {
      name: 'replies with an unknown requestId and duplicate replies are never delivered to another request',
      run: async (ctx) => {
        const s = await rawWsServer(ctx, (f, c) => {
          c.send(`${f.type}.ok`, 'no-such-request', { id: -1 });
          c.send(`${f.type}.ok`, f.requestId, { id: f.payload.store_id });
          c.send(`${f.type}.ok`, f.requestId, { id: -2 });
        });
        const client = wsClient(ctx, s.url);
        await client.connect();
        const results = [];
        for (let i = 1; i <= 20; i++) results.push(await ctx.call(`store.get ${i}`, req(client, 'store.get', { store_id: i })));
        const ids = results.map((o) => (o.ok ? (o.value as { id: number }).id : -99));
        ctx.log(`20 requests → ids ${ids.join(',')}`);
        ctx.check(ids.every((id, i) => id === i + 1), 'each request got its own reply');
        await client.close();
      },
    },
    ...(
      [
        ['fatal', 'invalid_credentials'],
        ['transient', 'rate_limited'],
      ] as const
    ).map(([kind, code]) => ({
      name: `auth refused (${kind}: ${code}) on every reconnect: no reconnect storm, waiting requests get a typed error`,
      run: async (ctx: ProbeContext) => {
        // Logins after the first are parked until the probe lets them fail, so the probe knows what is queued when.
        const parked: (() => void)[] = [];
        let refuseAtOnce = false;
        const s = await rawWsServer(
          ctx,
          (f, c) => {
            if (f.type !== 'auth.login') return;
            const refuse = () => c.send('auth.failure', f.requestId, { code, message: 'refused' });
            if (refuseAtOnce) refuse();
            else parked.push(refuse);
          },
          { autoAuth: (c) => c.index === 0 },
        );
        const client = wsClient(ctx, s.url);
        await client.connect();
        const reconnects: number[] = [];
        client.on('reconnect', ({ attempt }: { attempt: number }) => reconnects.push(attempt));
        s.conns[0]!.ws.terminate();
        await waitFor(() => parked.length === 1, 'auth.login on the new connection', { timeoutMs: 30_000 });
        const pending = ctx.call('queued request', req(client, 'store.get', { store_id: 1 }, { timeoutMs: 60_000 }));
        // Refuse the parked login and every later one as soon as it arrives.
        refuseAtOnce = true;
        parked.shift()!();
        const o = await pending;
        await waitFor(() => client.state === 'closed', 'closed', { timeoutMs: 30_000 });
        ctx.log(`queued request: ${describe(o.ok ? 'ok' : o.error)}; reconnect attempts [${reconnects.join(',')}]; connections ${s.conns.length}; state ${client.state}`);
        if (kind === 'fatal') {
          expectError(o, WsAuthenticationError, 'queued request after a fatal refusal', (x) => x.transient === false);
          ctx.check(s.conns.length === 2, 'a fatal refusal ends reconnecting: 2 connections in all');
        } else {
          expectError(o, ReconnectFailedError, 'queued request after maxAttempts transient refusals');
          ctx.check(s.conns.length === 1 + 3, '1 + maxAttempts (3) connections, then the client gave up');
        }
        // Closed means no reconnect timer is left (the harness checks no Timeout survives close()).
      },
    })),
    {
      name: 'a server that never replies: RequestTimeoutError, the socket stays usable',
      run: async (ctx) => {
        const s = await rawWsServer(ctx, (f, c) => {
          if (f.payload?.store_id === 2) c.send(`${f.type}.ok`, f.requestId, { id: 2 });
        });
        const client = wsClient(ctx, s.url);
        await client.connect();
        const e = expectError(await ctx.call('store.get silent', req(client, 'store.get', { store_id: 1 }, { timeoutMs: 200 })), RequestTimeoutError, 'silent');
        const ok = await ctx.call('store.get answered', req(client, 'store.get', { store_id: 2 }));
        ctx.log(`silent: ${describe(e)}; next: ${ok.ok ? 'ok' : describe(ok.error)}; connections ${s.conns.length}`);
        ctx.check(ok.ok && s.conns.length === 1, 'the same socket answers the next request');
        await client.close();
      },
    },
    {
      name: 'close() with 50 requests in flight: all reject with ClientClosedError, close() resolves',
      run: async (ctx) => {
        const s = await rawWsServer(ctx);
        const client = wsClient(ctx, s.url);
        await client.connect();
        const inflight = Promise.all(Array.from({ length: 50 }, (_, i) => ctx.call(`in flight ${i}`, req(client, 'store.get', { store_id: i }, { timeoutMs: 60_000 }))));
        await waitFor(() => s.framesOf('store.get').length === 50, 'all 50 sent');
        const closed = await ctx.call('close()', client.close());
        const outcomes = await inflight;
        const typed = outcomes.filter((o) => !o.ok && o.error instanceof ClientClosedError).length;
        const later = await ctx.call('request after close', req(client, 'store.get', { store_id: 1 }));
        ctx.log(`close() ${closed.ok ? 'resolved' : describe(closed.error)}; ${typed}/50 ClientClosedError; request after close: ${describe(later.ok ? 'ok' : later.error)}`);
        ctx.check(closed.ok && typed === 50, 'every in-flight request rejected with ClientClosedError');
        expectError(later, ClientClosedError, 'after close');
      },
    },
    {
      name: 'bounded queue while disconnected: queueLimit waits, the rest QueueFullError at once; close() rejects the queue',
      run: async (ctx) => {
        const s = await rawWsServer(ctx, () => undefined, { autoAuth: (c) => c.index === 0 });
        const client = wsClient(ctx, s.url, { queueLimit: 10 });
        await client.connect();
        s.conns[0]!.ws.terminate();
        await waitFor(() => s.conns.length === 2 && s.conns[1]!.frames.some((f) => f.type === 'auth.login'), 'reconnecting, auth.login unanswered', { timeoutMs: 30_000 });
        const calls = Array.from({ length: 15 }, (_, i) => ctx.call(`queued ${i}`, req(client, 'store.get', { store_id: i }, { timeoutMs: 60_000 })));
        const overflow = await Promise.all(calls.slice(10));
        const full = overflow.filter((o) => !o.ok && o.error instanceof QueueFullError).length;
        await client.close();
        const queued = await Promise.all(calls.slice(0, 10));
        const closed = queued.filter((o) => !o.ok && o.error instanceof ClientClosedError).length;
        ctx.log(`state while queuing: authenticating; ${full}/5 QueueFullError; after close() ${closed}/10 ClientClosedError; store.get frames sent ${s.framesOf('store.get').length}`);
        ctx.check(full === 5 && closed === 10, 'overflow rejected at once, queued ones on close()');
        ctx.check(s.framesOf('store.get').length === 0, 'nothing queued was sent before authentication');
      },
    },
    {
      name: 'connect() to a closed port, and to a server that never answers auth.login: ConnectError, nothing left open',
      run: async (ctx) => {
        const dead = await rawWsServer(ctx);
        await dead.close();
        const a = wsClient(ctx, dead.url);
        const e1 = expectError(await ctx.call('connect refused', a.connect()), ConnectError, 'refused');
        const silent = await rawWsServer(ctx, () => undefined, { autoAuth: () => false });
        const b = wsClient(ctx, silent.url, { connectTimeoutMs: 300 });
        const e2 = expectError(await ctx.call('connect silent', b.connect()), ConnectError, 'silent auth');
        ctx.log(`refused: ${describe(e1)}; silent: ${describe(e2)}; states ${a.state}/${b.state}`);
        ctx.check(a.state === 'closed' && b.state === 'closed', 'both clients closed after a failed first connect');
      },
    },
  ],
};
