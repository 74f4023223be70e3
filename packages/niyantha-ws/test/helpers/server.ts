// A raw `ws` server on 127.0.0.1:0 for behaviour tests: fresh per test, scriptable per frame,
// able to play broken peers (silent, half-open, no pongs).
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@s2sdk/testkit';

export interface Frame {
  type: string;
  requestId: string;
  payload: any;
}

export interface Conn {
  readonly index: number;
  readonly ws: WebSocket;
  readonly frames: Frame[];
  /** Sends a raw object (or a string as-is). */
  send(msg: unknown): void;
  /** Sends `{ type, requestId: req.requestId, payload }`. */
  reply(req: Frame, type: string, payload: unknown): void;
  /** Replies with the shared error message. */
  fail(req: Frame, code: string, message: string, details?: unknown): void;
}

export type AuthMode = 'ok' | 'fail' | 'close4401' | 'silent' | 'manual';

export interface RawServerOptions {
  /** How auth.login is answered (default 'ok'). 'manual' passes it to onFrame. */
  auth?: AuthMode | ((conn: Conn) => AuthMode);
  /** Called for every frame that is not handled by the auth mode. */
  onFrame?: (msg: Frame, conn: Conn) => void;
  /** Answer ws pings (default true); a function decides per connection (e.g. only the first one is silent). */
  autoPong?: boolean | ((conn: Conn) => boolean);
}

export interface RawServer {
  readonly url: string;
  readonly conns: Conn[];
  /** Every frame received, in order, with the index of its connection. */
  readonly frames: (Frame & { conn: number })[];
  /** Waits (default deadline 10 s) for the n-th connection. */
  waitForConns(n: number, timeoutMs?: number): Promise<Conn>;
  /** Waits (default deadline 10 s) for a received frame matching `pred`. */
  waitForFrame(pred: (f: Frame & { conn: number }) => boolean, what: string, timeoutMs?: number): Promise<Frame & { conn: number }>;
  close(): Promise<void>;
}

export const AUTH_SUCCESS = { identityId: 'account-42', role: 'account', context: { accountId: '42' } };

export async function startRawServer(options: RawServerOptions = {}): Promise<RawServer> {
  // Pongs are sent by hand so that `autoPong` can differ per connection.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
  await new Promise<void>((res) => wss.once('listening', () => res()));
  const { port } = wss.address() as AddressInfo;
  const conns: Conn[] = [];
  const frames: (Frame & { conn: number })[] = [];
  wss.on('connection', (ws) => {
    const conn: Conn = {
      index: conns.length,
      ws,
      frames: [],
      send: (msg) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
      },
      reply: (req, type, payload) => conn.send({ type, requestId: req.requestId, payload }),
      fail: (req, code, message, details) => conn.send({ type: 'error', requestId: req.requestId, payload: { code, message, ...(details ? { details } : {}) } }),
    };
    conns.push(conn);
    ws.on('error', () => {});
    ws.on('ping', (data) => {
      const pong = typeof options.autoPong === 'function' ? options.autoPong(conn) : (options.autoPong ?? true);
      if (pong && ws.readyState === WebSocket.OPEN) ws.pong(data);
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Frame;
      conn.frames.push(msg);
      frames.push({ ...msg, conn: conn.index });
      const mode = typeof options.auth === 'function' ? options.auth(conn) : (options.auth ?? 'ok');
      if (msg.type === 'auth.login' && mode !== 'manual') {
        if (mode === 'ok') conn.reply(msg, 'auth.success', AUTH_SUCCESS);
        else if (mode === 'fail') conn.reply(msg, 'auth.failure', { code: 'invalid_credentials', message: 'invalid key or secret' });
        else if (mode === 'close4401') ws.close(4401, 'authentication failed');
        return;
      }
      options.onFrame?.(msg, conn);
    });
  });
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    conns,
    frames,
    waitForConns: (n, timeoutMs = 60_000) => waitFor(() => (conns.length >= n ? conns[n - 1] : undefined), `${n} connection(s)`, { timeoutMs }),
    waitForFrame: (pred, what, timeoutMs = 60_000) => waitFor(() => frames.find(pred), what, { timeoutMs }),
    close: async () => {
      for (const c of conns) c.ws.terminate();
      await new Promise<void>((res) => wss.close(() => res()));
    },
  };
}

/** Collects resources to release after each test. */
export function cleanupList() {
  const fns: (() => unknown)[] = [];
  return {
    add<T>(v: T, fn: (v: T) => unknown): T {
      fns.push(() => fn(v));
      return v;
    },
    async run() {
      for (const fn of fns.splice(0).reverse()) await fn();
    },
  };
}

/** Resolves with the rejection of `p` (fails if it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
