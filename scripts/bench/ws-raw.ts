// Raw `ws` request/reply, the floor of the WS scenarios: a socket, `JSON.stringify` of the
// envelope, a `Map` from requestId to its resolver, `JSON.parse` of the reply. Also the load
// generator of the mock scenarios (the same client against the mock and against an echo server).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

interface Pending {
  expect: string;
  resolve(payload: unknown): void;
  reject(err: Error): void;
}

export class RawClient {
  readonly #pending = new Map<string, Pending>();
  #next = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; requestId: string; payload: unknown };
      const p = this.#pending.get(frame.requestId);
      if (!p) return;
      this.#pending.delete(frame.requestId);
      if (frame.type === p.expect) p.resolve(frame.payload);
      else p.reject(new Error(`expected ${p.expect}, got ${frame.type}: ${JSON.stringify(frame.payload).slice(0, 200)}`));
    });
    socket.on('close', () => {
      for (const p of this.#pending.values()) p.reject(new Error('socket closed'));
      this.#pending.clear();
    });
  }

  static async open(url: string): Promise<RawClient> {
    const socket = new WebSocket(url);
    await once(socket, 'open');
    return new RawClient(socket);
  }

  /** Sends `{ type, requestId, payload }` and resolves with the payload of the reply typed `expect` (default `<type>.ok`). */
  request(type: string, payload: unknown, expect = `${type}.ok`): Promise<unknown> {
    const requestId = `r${++this.#next}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { expect, resolve, reject });
      this.socket.send(JSON.stringify({ type, requestId, payload }));
    });
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, 'close');
    this.socket.close();
    await closed;
  }
}

/** A loopback `ws` server on a free port; `handle` turns each text frame into the reply text (or undefined for none). */
export async function startRawServer(handle: (text: string) => string | undefined): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  server.on('connection', (socket) =>
    socket.on('message', (data) => {
      const reply = handle(String(data));
      if (reply !== undefined) socket.send(reply);
    }),
  );
  await once(server, 'listening');
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
    async close() {
      for (const c of server.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The echo server: every frame comes back as it is (so a request `t` is answered as type `t`). */
export const echo = (text: string) => text;
