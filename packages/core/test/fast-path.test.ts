// The typed client's plain-request path (plain-request.ts): on the global fetch and on
// createNodeFetch() the serialized body and headers stay plain values and are re-sent
// without a clone. Every behaviour of the standard path must hold on it.
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, sendJson, sendRaw, type TestHttpServer } from '@s2sdk/testkit';
import { createNodeFetch, type NodeFetch } from '@s2sdk/core/node';
import { AbortedError, MalformedResponseError, NetworkError, TimeoutError, unwrap } from '@s2sdk/core';
import { PlainRequest } from '../src/plain-request';
import { looseClient } from './fixtures/loose';

const servers: TestHttpServer[] = [];
const fetches: NodeFetch[] = [];
afterEach(async () => {
  for (const f of fetches.splice(0)) f.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(...args: Parameters<typeof startHttpServer>) {
  const s = await startHttpServer(...args);
  servers.push(s);
  return s;
}
const fast = { initialDelayMs: 1, maxDelayMs: 2 };

const variants = [
  ['global fetch', () => undefined],
  [
    'createNodeFetch',
    () => {
      const f = createNodeFetch();
      fetches.push(f);
      return f;
    },
  ],
  [
    'a custom fetch',
    // Spreads its init (the attempt's signal must survive) and checks it gets standard Requests.
    () => (input: Request, init?: RequestInit) => {
      if (!(input instanceof Request)) throw new TypeError('expected a standard Request');
      return globalThis.fetch(input, { ...init });
    },
  ],
] as const;

describe.each(variants)('typed client on %s', (_name, makeFetch) => {
  it('sends a large JSON body intact', async () => {
    const s = await serve((req, res) => sendJson(res, 200, { length: req.body.length, last: req.json.items.at(-1) }));
    const items = Array.from({ length: 40_000 }, (_, i) => ({ i, v: 'é-x' }));
    const client = looseClient({ baseUrl: s.url, fetch: makeFetch() });
    const out = await unwrap(client.POST('/big', { body: { items } }));
    expect(out).toEqual({ length: JSON.stringify({ items }).length, last: { i: 39_999, v: 'é-x' } });
    expect(Buffer.byteLength(s.requests[0]!.body)).toBe(Number(s.requests[0]!.headers['content-length']));
  });

  it('re-sends a buffered POST with an Idempotency-Key after a 503, with the same body and headers', async () => {
    let n = 0;
    const s = await serve((_req, res) => (++n < 3 ? sendJson(res, 503, { error: 'busy' }) : sendJson(res, 201, { ok: true })));
    const client = looseClient({ baseUrl: s.url, fetch: makeFetch(), retry: fast });
    expect(await unwrap(client.POST('/orders', { body: { a: 1 }, headers: { 'Idempotency-Key': 'k-1' } }))).toEqual({ ok: true });
    expect(s.requests.map((r) => [r.body, r.headers['idempotency-key'], r.headers['content-type']])).toEqual(Array(3).fill(['{"a":1}', 'k-1', 'application/json']));
  });

  it('never re-sends a POST without an Idempotency-Key after a response or a reset', async () => {
    const s = await serve((req, res, raw) => {
      if (req.path === '/reset') raw.socket.destroy();
      else sendJson(res, 503, {});
    });
    const client = looseClient({ baseUrl: s.url, fetch: makeFetch(), retry: fast });
    expect((await client.POST('/orders', { body: { a: 1 } })).response.status).toBe(503);
    await expect(client.POST('/reset', { body: { a: 1 } })).rejects.toBeInstanceOf(NetworkError);
    expect(s.requests.map((r) => r.path)).toEqual(['/orders', '/reset']);
  });

  it('sends a streaming upload once and never re-sends it (a stream cannot be replayed)', async () => {
    const s = await serve((req, res) => sendJson(res, 503, { got: req.body }));
    const client = looseClient({ baseUrl: s.url, fetch: makeFetch(), retry: fast });
    const enc = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('part-1;'));
        c.enqueue(enc.encode('part-2'));
        c.close();
      },
    });
    const r = await client.PUT('/upload', { body: stream, bodySerializer: (b: unknown) => b, headers: { 'content-type': 'application/octet-stream' } });
    expect(r.response.status).toBe(503);
    expect(s.requests.map((x) => x.body)).toEqual(['part-1;part-2']);
  });

  it('sends multipart FormData with its boundary', async () => {
    const s = await serve((req, res) => sendJson(res, 200, { ct: req.headers['content-type'], hasFile: req.body.includes('filename="a.txt"') && req.body.includes('hello') }));
    const client = looseClient({ baseUrl: s.url, fetch: makeFetch() });
    const form = new FormData();
    form.set('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
    const out = (await unwrap(client.POST('/files', { body: form, bodySerializer: (b: unknown) => b }))) as { ct: string; hasFile: boolean };
    expect(out.hasFile).toBe(true);
    expect(out.ct).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('an attempt that gets no answer is a TimeoutError, also for a multipart body', async () => {
    const s = await serve(() => undefined);
    const client = looseClient({ baseUrl: s.url, fetch: makeFetch(), timeoutMs: 100, retry: false });
    await expect(client.GET('/hang')).rejects.toBeInstanceOf(TimeoutError);
    const form = new FormData();
    form.set('a', 'b');
    await expect(client.POST('/hang', { body: form, bodySerializer: (b: unknown) => b })).rejects.toBeInstanceOf(TimeoutError);
  });

  it("the caller's abort in the middle of the response body is an AbortedError", async () => {
    let started!: () => void;
    const headersSent = new Promise<void>((r) => (started = r));
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
      started();
    });
    const client = looseClient({ baseUrl: s.url, fetch: makeFetch() });
    const controller = new AbortController();
    const call = client.GET('/slow', { signal: controller.signal });
    await headersSent;
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortedError);
  });

  it('middleware sees a request with the usual surface; a 2xx that is not JSON is a MalformedResponseError unless parseAs says otherwise', async () => {
    const s = await serve((req, res) => sendRaw(res, 200, 'text/html', `<p>${req.headers['x-mw'] ?? ''}</p>`));
    const seen: unknown[] = [];
    const client = looseClient({
      baseUrl: s.url,
      fetch: makeFetch(),
      middleware: [
        {
          async onRequest({ request }: { request: Request }) {
            request.headers.set('x-mw', 'yes');
            seen.push(request.method, request.url, await request.clone().text(), request.signal === null || request.signal instanceof AbortSignal);
            return undefined;
          },
        },
      ],
    });
    await expect(client.POST('/page', { body: { q: 1 } })).rejects.toBeInstanceOf(MalformedResponseError);
    expect(seen).toEqual(['POST', `${s.url}/page`, '{"q":1}', true]);
    expect((await client.GET('/page', { parseAs: 'text' })).data).toBe('<p>yes</p>');
  });
});

describe('createNodeFetch sockets', () => {
  it('has no socket cap by default: 100 requests in flight at once are all sent', async () => {
    const pending: (() => void)[] = [];
    const s = await serve((_req, res) => {
      pending.push(() => sendJson(res, 200, {}));
      if (pending.length === 100) for (const p of pending.splice(0)) p();
    });
    const f = createNodeFetch();
    fetches.push(f);
    const client = looseClient({ baseUrl: s.url, fetch: f });
    await Promise.all(Array.from({ length: 100 }, () => unwrap(client.GET('/x'))));
    expect(s.requests).toHaveLength(100);
  });

  it('maxSockets caps the connections per origin', async () => {
    const ports = new Set<number>();
    const s = await serve((_req, res, raw) => {
      ports.add(raw.socket.remotePort!);
      sendJson(res, 200, {});
    });
    const f = createNodeFetch({ maxSockets: 2 });
    fetches.push(f);
    const client = looseClient({ baseUrl: s.url, fetch: f });
    await Promise.all(Array.from({ length: 20 }, () => unwrap(client.GET('/x'))));
    expect(ports.size).toBeLessThanOrEqual(2);
    expect(() => createNodeFetch({ maxSockets: 0 })).toThrow(RangeError);
  });
});

describe('typed client on a custom fetch', () => {
  it('gets a fresh standard Request per attempt with the same body, and times out through a spread init', async () => {
    let n = 0;
    const s = await serve((_req, res) => (++n === 1 ? undefined : sendJson(res, 201, { ok: true })));
    const seen: Request[] = [];
    const bodies: string[] = [];
    const client = looseClient({
      baseUrl: s.url,
      timeoutMs: 400,
      retry: fast,
      fetch: async (input: Request, init?: RequestInit) => {
        seen.push(input);
        bodies.push(await input.clone().text());
        return globalThis.fetch(input, { ...init });
      },
    });
    expect(await unwrap(client.POST('/orders', { body: { a: 1 }, headers: { 'Idempotency-Key': 'k-2' } }))).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(bodies).toEqual(['{"a":1}', '{"a":1}']);
    expect(s.requests.map((r) => r.body)).toEqual(['{"a":1}', '{"a":1}']);
  });

  it('per-call RequestInit fields (credentials, cache) reach the fetch', async () => {
    const seen: Request[] = [];
    const client = looseClient({
      baseUrl: 'http://stub.test',
      fetch: async (input: Request) => {
        seen.push(input);
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      },
    });
    await unwrap(client.GET('/x', { credentials: 'omit', cache: 'no-store' }));
    expect([seen[0]!.credentials, seen[0]!.cache, seen[0]!.redirect]).toEqual(['omit', 'no-store', 'follow']);
    const plain = new PlainRequest('http://x.test/', { method: 'post', body: '{}', credentials: 'omit', redirect: 'manual' });
    expect(plain.toRequest().credentials).toBe('omit');
    expect(plain.toRequest().redirect).toBe('manual');
    expect(plain.clone().toRequest().redirect).toBe('manual');
  });

  it('works with a test double that never reads the signal', async () => {
    const client = looseClient({ baseUrl: 'http://stub.test', fetch: async () => new Response('{"id":1}', { headers: { 'content-type': 'application/json' } }) });
    expect(await unwrap(client.GET('/x'))).toEqual({ id: 1 });
  });
});

describe('PlainRequest', () => {
  it('reads like a Request and clones without consuming the original', async () => {
    const r = new PlainRequest('http://x.test/a?b=1', { method: 'post', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect([r.method, r.url, r.headers.get('content-type'), r.signal, String(r)]).toEqual(['POST', 'http://x.test/a?b=1', 'application/json', null, 'http://x.test/a?b=1']);
    expect(await r.clone().json()).toEqual({ a: 1 });
    expect(await r.text()).toBe('{"a":1}');
    expect(r.bodyUsed).toBe(true);
    expect(() => r.text()).toThrow(TypeError);
    expect(r.toRequest()).toBeInstanceOf(Request);
    expect(() => new PlainRequest('http://x.test/', { method: 'GET', body: 'x' })).toThrow(TypeError);
  });
});
