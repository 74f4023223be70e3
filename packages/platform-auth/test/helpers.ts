// Test helpers: in-process node:http servers on port 0, a strict Prism fetch, an injectable clock.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prismFetch, PrismRequestViolation } from '@s2sdk/testkit';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: any;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  url: string;
  requests: SeenRequest[];
  /** Requests to one path. */
  to(path: string): SeenRequest[];
  close(): Promise<void>;
}

/** A loopback HTTP server on port 0 that records every request and hands it to `handler`. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const seen: SeenRequest = { method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, headers: req.headers, body, json };
      requests.push(seen);
      Promise.resolve(handler(seen, res)).catch((err) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    to: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString(), ...headers });
  res.end(text);
}

export function sendRaw(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text).toString() });
  res.end(text);
}

/** A settable clock for `now` options. */
export function clock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    set: (v: number) => {
      t = v;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

export interface PrismViolation {
  method: string;
  url: string;
  violations: unknown;
}

/**
 * prismFetch (422 problem+json → PrismRequestViolation) plus a check of Prism's
 * `sl-violations` header: Prism answers some invalid requests with a *declared*
 * 400/401/422 example instead of its problem+json, which would otherwise look like a
 * legitimate error answer. Every request-side violation is recorded and thrown.
 */
export function strictPrismFetch() {
  const violations: PrismViolation[] = [];
  const base = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const res = await fetch(req);
    const header = res.headers.get('sl-violations');
    if (header) {
      const list = JSON.parse(header) as { location?: string[]; severity?: string }[];
      const requestSide = list.filter((v) => v.location?.[0] === 'request' && v.severity === 'Error');
      if (requestSide.length) {
        violations.push({ method: req.method, url: req.url, violations: requestSide });
        throw new PrismRequestViolation(req.method, req.url, requestSide);
      }
    }
    return res;
  };
  const f = prismFetch(base as typeof fetch);
  return Object.assign(f, { violations });
}
