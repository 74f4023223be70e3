// The loopback server of the REST scenarios: GET /stores/{id} answers a ~200 B JSON store;
// POST /stores reads the whole body and answers 201 with a small JSON. Port 0 (a free port).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const STORE = JSON.stringify({ id: 301, name: 'Fresh Mart Hub', type: 'grocery', status: 'active', location_id: 101, tags: ['a', 'b', 'c'], address: { city: 'Pune', pin: '411001' } });
const CREATED = JSON.stringify({ id: 302, status: 'created' });

export async function startRestServer(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      const body = req.method === 'POST' ? CREATED : STORE;
      res.writeHead(req.method === 'POST' ? (bytes > 0 ? 201 : 400) : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON body of about `bytes` bytes. */
export function jsonBody(bytes: number): Record<string, unknown> {
  const base = { type: 'grocery', name: 'Fresh Mart Hub', location_id: 101, note: '' };
  const overhead = JSON.stringify(base).length;
  return { ...base, note: 'x'.repeat(Math.max(0, bytes - overhead)) };
}
