// Loopback servers for the fault probes: a raw TCP HTTP server (for responses node:http
// refuses to write: content-length lies, resets at exact points), counting every hit.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { ProbeContext } from './harness.ts';

export interface RawHit {
  method: string;
  path: string;
  head: string;
  socket: Socket;
}

export interface RawServer {
  url: string;
  hits: RawHit[];
  close(): Promise<void>;
}

/** One request per connection (responses say `connection: close`); `respond` writes raw bytes to the socket. */
export async function startRawHttpServer(ctx: ProbeContext, respond: (hit: RawHit, n: number) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const hits: RawHit[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    let answered = false;
    socket.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1 || answered) return;
      const head = buf.slice(0, end);
      const [method = '', path = ''] = head.split(' ');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length - end - 4 < length) return;
      answered = true;
      const hit = { method, path, head, socket };
      hits.push(hit);
      respond(hit, hits.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  ctx.defer(close);
  return { url, hits, close };
}

/** A raw HTTP/1.1 response head. */
export function head(status: number, headers: Record<string, string | number>): string {
  return `HTTP/1.1 ${status} X\r\n${Object.entries({ connection: 'close', ...headers })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n`;
}
