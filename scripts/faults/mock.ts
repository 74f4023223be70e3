// The WebSocket mock (@s2sdk/ws-mock) under abuse, driven by raw `ws` clients: load, malformed
// frames, frames before auth, 5 MB frames, rapid connect/disconnect. The mock must stay up, answer
// typed errors (error messages / documented close codes) and keep its memory bounded.
import { loadApiModel } from '@s2sdk/asyncapi-codegen';
import { startMockServer, type MockServer } from '@s2sdk/ws-mock';
import { WebSocket } from 'ws';
import { repoRoot } from '../../packages/testkit/src/index.ts';
import type { Area, ProbeContext } from './harness.ts';

const SPEC = `${repoRoot}/specs/niyantha/asyncapi.yaml`;
export const MOCK_KEY = { key: 'pk_fault_probe', secret: 'sk_fault_probe', accountId: '42' };
const LOGIN = (id: string) => JSON.stringify({ type: 'auth.login', requestId: id, payload: { authType: 's2s', token: MOCK_KEY.key, metadata: { secret: MOCK_KEY.secret, app: 'faults' } } });
const STORE_GET = (id: string) => JSON.stringify({ type: 'store.get', requestId: id, payload: { store_id: 301 } });

let model: Awaited<ReturnType<typeof loadApiModel>> | undefined;
export async function niyanthaModel() {
  model ??= await loadApiModel(SPEC);
  return model;
}

export async function startMock(ctx: ProbeContext, extra: Record<string, unknown> = {}): Promise<MockServer> {
  const server = await startMockServer({ spec: await niyanthaModel(), port: 0, keys: [MOCK_KEY], ...extra } as never);
  ctx.defer(() => server.close());
  return server;
}

interface Sock {
  ws: WebSocket;
  frames: any[];
  closed: Promise<{ code: number; reason: string }>;
  next(pred: (f: any) => boolean): Promise<any>;
}

/** A raw client; resolves once open. Every parsed text frame is kept; `next` waits for a matching one (or the close). */
export async function rawClient(url: string, opts: { maxPayload?: number } = {}): Promise<Sock> {
  const ws = new WebSocket(url, opts);
  const frames: any[] = [];
  const waiters: { pred: (f: any) => boolean; resolve: (f: any) => void; reject: (e: Error) => void }[] = [];
  ws.on('error', () => undefined);
  ws.on('message', (d) => {
    let f: unknown;
    try {
      f = JSON.parse(String(d));
    } catch {
      f = String(d);
    }
    frames.push(f);
    for (const w of [...waiters]) if (w.pred(f)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(f);
  });
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`closed ${code} before the awaited frame`));
      r({ code, reason: String(reason) });
    }),
  );
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('error', rej);
  });
  return {
    ws,
    frames,
    closed,
    next: (pred) => {
      const hit = frames.find(pred);
      if (hit !== undefined) return Promise.resolve(hit);
      if (ws.readyState !== ws.OPEN) return Promise.reject(new Error('socket not open'));
      return new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
    },
  };
}

async function loggedIn(url: string): Promise<Sock> {
  const s = await rawClient(url);
  s.ws.send(LOGIN('login'));
  const reply = await s.next((f) => f?.requestId === 'login');
  if (reply.type !== 'auth.success') throw new Error(`login refused: ${JSON.stringify(reply)}`);
  return s;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Each socket is closed by the probe; this ends it and waits for the close (for the leak check). */
async function end(s: Sock): Promise<void> {
  if (s.ws.readyState === s.ws.OPEN || s.ws.readyState === s.ws.CONNECTING) s.ws.close();
  await s.closed;
}

export const mockArea: Area = {
  name: 'ws-mock robustness',
  probes: [
    {
      name: '200 connections × 20 requests: every request answered with its own store.get.ok',
      timeoutMs: 300_000,
      run: async (ctx) => {
        const server = await startMock(ctx);
        const rssBefore = process.memoryUsage().rss;
        const socks = await Promise.all(Array.from({ length: 200 }, () => loggedIn(server.url)));
        const answers = await Promise.all(
          socks.map(async (s, i) => {
            const ids = Array.from({ length: 20 }, (_, j) => `c${i}-r${j}`);
            for (const id of ids) s.ws.send(STORE_GET(id));
            const replies = await Promise.all(ids.map((id) => s.next((f) => f?.requestId === id)));
            return replies.filter((r, j) => r.type === 'store.get.ok' && r.requestId === ids[j]).length;
          }),
        );
        const ok = answers.reduce((a, b) => a + b, 0);
        const live = server.clients.size ?? (server.clients as unknown as unknown[]).length;
        await Promise.all(socks.map(end));
        const rssAfter = process.memoryUsage().rss;
        ctx.log(`4000 requests on 200 sockets: ${ok} answered correctly; live connections at the peak ${live}; RSS (this process, mock in-process) ${mb(rssBefore)} → ${mb(rssAfter)}`);
        ctx.check(ok === 4000, 'every request answered');
      },
    },
    {
      name: 'malformed frames: each ends its connection with 4400, the mock keeps serving others',
      run: async (ctx) => {
        const server = await startMock(ctx);
        const bad: [string, string | Buffer][] = [
          ['not JSON', '{"type":'],
          ['JSON array', '[1,2,3]'],
          ['JSON null', 'null'],
          ['no requestId', '{"type":"store.get","payload":{}}'],
          ['number type', '{"type":42,"requestId":"x","payload":{}}'],
          ['binary', Buffer.from([0xde, 0xad, 0xbe, 0xef])],
        ];
        const codes: string[] = [];
        for (const [what, frame] of bad) {
          const s = await loggedIn(server.url);
          s.ws.send(frame);
          const { code } = await s.closed;
          codes.push(`${what}→${code}`);
          ctx.check(code === 4400, `${what}: expected close 4400, got ${code}`);
        }
        // Well-formed envelopes with a wrong type or payload: typed error replies, connection stays.
        const s = await loggedIn(server.url);
        s.ws.send(JSON.stringify({ type: 'no.such.request', requestId: 'u1', payload: {} }));
        s.ws.send(JSON.stringify({ type: 'store.get', requestId: 'v1', payload: { store_id: 'not-a-number', extra: true } }));
        const unknown = await s.next((f) => f?.requestId === 'u1');
        const invalid = await s.next((f) => f?.requestId === 'v1');
        s.ws.send(STORE_GET('after'));
        const after = await s.next((f) => f?.requestId === 'after');
        await end(s);
        ctx.log(`${codes.join(', ')}; unknown type → ${unknown.type}/${unknown.payload?.code}; invalid payload → ${invalid.type}/${invalid.payload?.code} (${invalid.payload?.details?.length} detail(s)); then ${after.type}`);
        ctx.check(unknown.type === 'error' && unknown.payload.code === 'validation_failed', 'unknown type → validation_failed');
        ctx.check(invalid.type === 'error' && invalid.payload.code === 'validation_failed' && invalid.payload.details?.length > 0, 'invalid payload → validation_failed with details');
        ctx.check(after.type === 'store.get.ok', 'the connection still works');
      },
    },
    {
      name: 'frames before auth: error unauthenticated for each, nothing executed, login still works',
      run: async (ctx) => {
        const server = await startMock(ctx);
        const s = await rawClient(server.url);
        for (let i = 0; i < 50; i++) s.ws.send(STORE_GET(`early-${i}`));
        const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => s.next((f) => f?.requestId === `early-${i}`)));
        const unauth = replies.filter((r) => r.type === 'error' && r.payload?.code === 'unauthenticated').length;
        s.ws.send(LOGIN('login'));
        const login = await s.next((f) => f?.requestId === 'login');
        s.ws.send(STORE_GET('late'));
        const late = await s.next((f) => f?.requestId === 'late');
        await end(s);
        ctx.log(`50 early requests → ${unauth} unauthenticated errors; login → ${login.type}; then ${late.type}`);
        ctx.check(unauth === 50 && login.type === 'auth.success' && late.type === 'store.get.ok', 'typed refusals, then normal service');
      },
    },
    {
      name: '5 MB frames (before and after auth): typed answer or documented close, the mock stays up and bounded',
      timeoutMs: 300_000,
      run: async (ctx) => {
        const server = await startMock(ctx);
        const rssBefore = process.memoryUsage().rss;
        const big = (id: string) => JSON.stringify({ type: 'store.get', requestId: id, payload: { store_id: 301, pad: 'x'.repeat(5 * 1024 * 1024) } });
        const seen: string[] = [];
        for (let i = 0; i < 10; i++) {
          const s = i % 2 ? await loggedIn(server.url) : await rawClient(server.url);
          s.ws.send(big(`big-${i}`));
          const outcome = await Promise.race([s.next((f) => f?.requestId === `big-${i}`).then((f) => `${f.type}/${f.payload?.code ?? ''}`), s.closed.then((c) => `close ${c.code}`)]);
          seen.push(outcome);
          await end(s);
        }
        // Each outcome must be a typed one: an error reply or a documented close code (1009 too big).
        const typed = seen.filter((o) => /^error\/(unauthenticated|validation_failed)$/.test(o) || /^close (1009|4400)$/.test(o)).length;
        const s = await loggedIn(server.url);
        s.ws.send(STORE_GET('after'));
        const after = await s.next((f) => f?.requestId === 'after');
        await end(s);
        const received = server.received.length;
        const rssAfter = process.memoryUsage().rss;
        ctx.log(`10 × 5 MB frames → ${[...new Set(seen)].join(', ')}; then ${after.type}; frame log holds ${received} frames; RSS ${mb(rssBefore)} → ${mb(rssAfter)}`);
        ctx.check(typed === 10, `every 5 MB frame got a typed answer (got ${seen.join('; ')})`);
        ctx.check(after.type === 'store.get.ok', 'the mock still serves');
      },
    },
    {
      name: "a stream of 5 MB frames: the mock's frame log stays bounded in bytes, not only in count",
      timeoutMs: 300_000,
      run: async (ctx) => {
        const server = await startMock(ctx);
        const s = await loggedIn(server.url);
        const pad = 'x'.repeat(5 * 1024 * 1024);
        for (let i = 0; i < 40; i++) {
          s.ws.send(JSON.stringify({ type: 'store.get', requestId: `b${i}`, payload: { store_id: 301, pad } }));
          await s.next((f) => f?.requestId === `b${i}`);
        }
        const bytes = (log: readonly { raw: string }[]) => log.reduce((n, e) => n + e.raw.length, 0);
        const serverLog = bytes(server.received);
        const clientLog = bytes([...server.clients][0]?.received ?? []);
        await end(s);
        ctx.log(`40 × 5 MB frames: server.received keeps ${server.received.length} frames (${mb(serverLog)}), the connection's log ${mb(clientLog)}; receivedCount ${server.receivedCount}`);
        ctx.check(serverLog <= 32 * 1024 * 1024 && clientLog <= 32 * 1024 * 1024, 'each frame log keeps at most a few tens of MB, whatever the frame count');
        ctx.check(server.receivedCount === 41, 'every frame is still counted');
      },
    },
    {
      name: '500 rapid connect/disconnect cycles (half mid-login): the mock stays up, nothing accumulates',
      timeoutMs: 300_000,
      run: async (ctx) => {
        const server = await startMock(ctx);
        const rssBefore = process.memoryUsage().rss;
        for (let i = 0; i < 500; i++) {
          const s = await rawClient(server.url);
          if (i % 2) s.ws.send(LOGIN(`l${i}`));
          if (i % 3 === 0) s.ws.terminate();
          else s.ws.close();
          await s.closed;
        }
        // The mock sees each disconnect asynchronously: wait until it has no client left.
        const until = Date.now() + 60_000;
        while (server.clients.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        const s = await loggedIn(server.url);
        s.ws.send(STORE_GET('after'));
        const after = await s.next((f) => f?.requestId === 'after');
        await end(s);
        const rssAfter = process.memoryUsage().rss;
        ctx.log(`500 cycles; connections accepted ${server.connections}; live clients before the last one ${server.clients.size}; then ${after.type}; RSS ${mb(rssBefore)} → ${mb(rssAfter)}`);
        ctx.check(after.type === 'store.get.ok', 'the mock still serves');
        ctx.check(server.connections === 501, `every connection was accepted (${server.connections})`);
      },
    },
  ],
};
