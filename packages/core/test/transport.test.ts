import { afterEach, describe, expect, it } from 'vitest';
import { looseClient } from './fixtures/loose';
import { startHttpServer, sendJson, type TestHttpServer } from '@s2sdk/testkit';
import {
  AbortedError,
  createApiClient,
  createTransport,
  InternalServerError,
  MalformedResponseError,
  NetworkError,
  parseRetryAfter,
  RateLimitError,
  TimeoutError,
  unwrap,
} from '@s2sdk/core';

let server: TestHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fastRetry = { initialDelayMs: 1, maxDelayMs: 5 };

/** A loopback URL nothing listens on (connections are refused). */
async function refusedUrl(): Promise<string> {
  const s = await startHttpServer((_r, res) => sendJson(res, 200, {}));
  await s.close();
  return s.url;
}

/** The global fetch, counting its calls. */
function countingFetch() {
  const f = Object.assign((req: Request, init?: RequestInit) => {
    f.calls++;
    return globalThis.fetch(req, init);
  }, { calls: 0 });
  return f;
}

describe('createTransport retries', () => {
  it('retries an idempotent GET on 503 and returns the eventual success', async () => {
    let n = 0;
    server = await startHttpServer((_req, res) => (++n < 3 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 200, { ok: true })));
    const t = createTransport({ retry: fastRetry });
    const res = await t(new Request(`${server.url}/x`));
    expect(res.status).toBe(200);
    expect(server.requests).toHaveLength(3);
  });

  it('retries 408, 429 and 5xx but not 409 or other 4xx', async () => {
    for (const [status, expected] of [[408, 2], [429, 2], [500, 2], [502, 2], [409, 1], [400, 1], [401, 1], [404, 1], [422, 1]] as const) {
      let n = 0;
      server = await startHttpServer((_req, res) => (++n === 1 ? sendJson(res, status, {}) : sendJson(res, 200, {})));
      await createTransport({ retry: fastRetry })(new Request(`${server.url}/x`));
      expect(server.requests.length, `status ${status}`).toBe(expected);
      await server.close();
    }
    server = undefined;
  });

  it('never re-sends a POST after it got a response', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 503, {}));
    const res = await createTransport({ retry: fastRetry })(new Request(`${server.url}/token`, { method: 'POST', body: '{"a":1}' }));
    expect(res.status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('re-sends a POST that carries an Idempotency-Key, with the same body each time', async () => {
    let n = 0;
    server = await startHttpServer((_req, res) => (++n < 2 ? sendJson(res, 500, {}) : sendJson(res, 201, {})));
    const res = await createTransport({ retry: fastRetry })(
      new Request(`${server.url}/orders`, { method: 'POST', body: '{"a":1}', headers: { 'idempotency-key': 'k1' } }),
    );
    expect(res.status).toBe(201);
    expect(server.requests.map((r) => r.body)).toEqual(['{"a":1}', '{"a":1}']);
  });

  it('re-sends a POST when the connection was refused (nothing reached the server)', async () => {
    const url = await refusedUrl();
    const counted = countingFetch();
    const t = createTransport({ retry: fastRetry, fetch: counted });
    const err = await t(new Request(`${url}/token`, { method: 'POST', body: '{}' })).catch((e: any) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).errno).toBe('ECONNREFUSED');
    expect(counted.calls).toBe(3);
  });

  it('does not keep a second copy of an upload that is not retry-safe (so a refused multipart POST is not re-sent)', async () => {
    const url = await refusedUrl();
    const counted = countingFetch();
    const t = createTransport({ retry: fastRetry, fetch: counted });
    const form = new FormData();
    form.append('file', new Blob(['x'.repeat(1000)]), 'a.bin');
    const err = await t(new Request(`${url}/files`, { method: 'POST', body: form })).catch((e: any) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(counted.calls).toBe(1);
  });

  it('does not re-send a POST after a connection reset (it may have been processed)', async () => {
    server = await startHttpServer((_req, _res, raw) => {
      raw.socket.destroy();
    });
    const err = await createTransport({ retry: fastRetry })(new Request(`${server.url}/token`, { method: 'POST', body: '{}' })).catch((e: any) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(server.requests).toHaveLength(1);
  });

  it('honours Retry-After within the bound (waits at least that long)', async () => {
    let n = 0;
    const times: number[] = [];
    server = await startHttpServer((_req, res) => {
      times.push(Date.now());
      if (++n === 1) sendJson(res, 429, {}, { 'retry-after-ms': '200' });
      else sendJson(res, 200, {});
    });
    const res = await createTransport({ retry: { ...fastRetry, maxRetryAfterMs: 2000 } })(new Request(`${server.url}/x`));
    expect(res.status).toBe(200);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(190);
  });

  it('parses Retry-After as seconds, an HTTP date, or retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '1.5' }), now)).toBe(1500);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }), now)).toBe(10_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    // Date.parse reads these as dates in 2001 ("retry now"): they are garbage, the backoff applies
    for (const garbage of ['-5', '-1', 'garbage 12', 'Mon 1', '1e3']) expect(parseRetryAfter(new Headers({ 'retry-after': garbage }), now), garbage).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thursday, 01-Jan-26 00:00:05 GMT' }), now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu Jan  1 00:00:07 2026' }), Date.parse('2026-01-01T00:00:00'))).toBe(7000);
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });

  it('does not wait for a Retry-After beyond the bound: the 429 becomes a RateLimitError', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '120' }));
    const client = looseClient({ baseUrl: server.url, retry: { ...fastRetry, maxRetryAfterMs: 1000 } });
    const err: any = await unwrap(client.GET('/x')).catch((e: any) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(120_000);
    expect((err as RateLimitError).message).toContain('slow down');
    expect(server.requests).toHaveLength(1);
  });

  it('retry: false sends exactly once', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 503, {}));
    await createTransport({ retry: false })(new Request(`${server.url}/x`));
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts and abort', () => {
  it('a slow attempt is a TimeoutError (scope attempt), and is retried for GET', async () => {
    let n = 0;
    server = await startHttpServer((_req, res) => {
      // The first attempt is never answered (the server's close() ends it): no race with the clock.
      if (++n === 1) return;
      sendJson(res, 200, { n });
    });
    const res = await createTransport({ timeoutMs: 2000, retry: fastRetry })(new Request(`${server.url}/x`));
    expect(await res.json()).toEqual({ n: 2 });
  });

  it('without retries a slow attempt rejects with TimeoutError (scope attempt)', async () => {
    server = await startHttpServer(() => undefined /* never answers */);
    const err = await createTransport({ timeoutMs: 50, retry: false })(new Request(`${server.url}/x`)).catch((e: any) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.scope).toBe('attempt');
    expect(err.timeoutMs).toBe(50);
  });

  it('the overall deadline bounds retries and backoff', async () => {
    server = await startHttpServer(() => undefined /* never answers */);
    const err = await createTransport({ timeoutMs: 150, deadlineMs: 250, retry: { maxRetries: 10, initialDelayMs: 1 } })(new Request(`${server.url}/x`)).catch((e: any) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(['attempt', 'deadline']).toContain((err as TimeoutError).scope);
    expect(server.requests.length).toBeLessThanOrEqual(3);
  });

  it("the caller's AbortSignal ends the call with AbortedError and stops retries", async () => {
    const ac = new AbortController();
    // Abort once the server holds the request (not after a fixed time: under load the request
    // might not have arrived yet, and the "one request" assertion would race).
    server = await startHttpServer(() => ac.abort());
    const err = await createTransport({ retry: fastRetry })(new Request(`${server.url}/x`, { signal: ac.signal })).catch((e: any) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(server.requests).toHaveLength(1);
  });

  it('a body that stalls after the headers is bounded by the attempt timeout', async () => {
    server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":');
    });
    const client = looseClient({ baseUrl: server.url, timeoutMs: 300, retry: false });
    const err: any = await client.GET('/x').catch((e: any) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.scope).toBe('attempt');
  });

  it("a body that stalls after the headers is ended by the caller's abort", async () => {
    server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":');
    });
    const ac = new AbortController();
    const client = looseClient({ baseUrl: server.url, retry: false });
    const pending = client.GET('/x', { signal: ac.signal }).catch((e: any) => e);
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    expect(await pending).toBeInstanceOf(AbortedError);
  });

  it('a connection reset in the middle of the body is a NetworkError, retried for GET', async () => {
    let n = 0;
    server = await startHttpServer((_req, res, raw) => {
      if (++n === 1) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":');
        setTimeout(() => raw.socket.destroy(), 20);
      } else sendJson(res, 200, { a: 1 });
    });
    const client = looseClient({ baseUrl: server.url, retry: fastRetry });
    expect(await unwrap(client.GET('/x'))).toEqual({ a: 1 });
    expect(server.requests).toHaveLength(2);
  });

  it("the caller's abort during the backoff wait ends the call at once with AbortedError", async () => {
    const ac = new AbortController();
    server = await startHttpServer((_req, res) => {
      sendJson(res, 503, {});
      setTimeout(() => ac.abort(), 50);
    });
    const started = Date.now();
    const err = await createTransport({ retry: { maxRetries: 2, initialDelayMs: 5_000, maxDelayMs: 5_000 } })(new Request(`${server.url}/x`, { signal: ac.signal })).catch((e: any) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(server.requests).toHaveLength(1);
  });

  it('an already aborted signal never sends', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 200, {}));
    const err = await createTransport()(new Request(`${server.url}/x`, { signal: AbortSignal.abort() })).catch((e: any) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('createApiClient typed failures', () => {
  it('maps an HTML 200 to MalformedResponseError', async () => {
    server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy error</html>');
    });
    const client = looseClient({ baseUrl: server.url });
    const err = await client.GET('/x').catch((e: any) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect((err as MalformedResponseError).status).toBe(200);
    expect(String(err)).not.toContain('proxy error');
    expect(JSON.stringify(err)).not.toContain('proxy error');
  });

  it('maps truncated JSON to MalformedResponseError without echoing the body', async () => {
    server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token":"tok_SECRETVALUE","exp');
    });
    const client = looseClient({ baseUrl: server.url });
    const err = await client.GET('/x').catch((e: any) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(JSON.stringify(err)).not.toContain('SECRETVALUE');
    expect(err.message).not.toContain('SECRETVALUE');
  });

  it('unwrap throws the subclass for the status with the parsed body', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 503, { code: 'down', message: 'maintenance' }, { 'x-request-id': 'req-1' }));
    const client = looseClient({ baseUrl: server.url, retry: false });
    const err: any = await unwrap(client.GET('/things/{id}', { params: { path: { id: 7 } } })).catch((e: any) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.status).toBe(503);
    expect(err.body).toEqual({ code: 'down', message: 'maintenance' });
    expect(err.requestId).toBe('req-1');
    expect(err.message).toBe(`503 Service Unavailable from GET ${server.url}/things/7: down — maintenance`);
  });

  it('error messages carry the server text of nested { error: { code, message } } bodies', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 429, { error: { code: 'MAX_SESSIONS_EXCEEDED', message: 'too many sessions' } }));
    const client = looseClient({ baseUrl: server.url, retry: false });
    const err: any = await unwrap(client.POST('/authtokens', { body: {} })).catch((e: any) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toContain('MAX_SESSIONS_EXCEEDED — too many sessions');
  });

  it('operations marked x-idempotent are retried even for POST; others are not', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 503, {}));
    const client = looseClient({
      baseUrl: server.url,
      retry: fastRetry,
      operations: { 'POST /search': { operationId: 'search', security: [], idempotent: true } },
    });
    await client.POST('/search', { body: {} });
    expect(server.requests).toHaveLength(3);
    server.requests.length = 0;
    await client.POST('/create', { body: {} });
    expect(server.requests).toHaveLength(1);
  });

  it('an Idempotency-Key makes even an operation marked not idempotent retry-safe', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 503, {}));
    const client = looseClient({
      baseUrl: server.url,
      retry: fastRetry,
      operations: { 'POST /keys': { operationId: 'createKey', security: [], idempotent: false } },
    });
    await client.POST('/keys', { body: {}, headers: { 'Idempotency-Key': 'k-1' } });
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['k-1']));
  });

  it('auth hook sees the operation and can set headers', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 200, {}));
    const seen: string[] = [];
    const client = looseClient({
      baseUrl: server.url,
      operations: { 'GET /a/{id}': { operationId: 'getA', security: [['key']], idempotent: true } },
      auth: ({ request, operation }) => {
        seen.push(operation?.operationId ?? 'none');
        if (operation?.security.some((s) => s.includes('key'))) request.headers.set('x-api-key', 'pk');
      },
    });
    await client.GET('/a/{id}', { params: { path: { id: 1 } } });
    await client.GET('/b');
    expect(seen).toEqual(['getA', 'none']);
    expect(server.requests[0]!.headers['x-api-key']).toBe('pk');
    expect(server.requests[1]!.headers['x-api-key']).toBeUndefined();
  });

  it('the auth hook and the operation hints run before every middleware: none, client-wide (options, use()), per call', async () => {
    server = await startHttpServer((req, res) => sendJson(res, 503, { key: req.headers['x-api-key'] ?? null }));
    const order: string[] = [];
    const mw = (name: string) => ({
      onRequest({ request }: { request: Request }) {
        order.push(`${name}:${request.headers.get('x-api-key') ?? '-'}`);
        return undefined;
      },
    });
    const make = (middleware?: ReturnType<typeof mw>[]) =>
      looseClient({
        baseUrl: server!.url,
        retry: fastRetry,
        middleware,
        operations: { 'POST /jobs/{id}': { operationId: 'runJob', security: [['key']], idempotent: true } },
        auth: ({ request, schemaPath }) => {
          order.push(`auth:${schemaPath}`);
          request.headers.set('x-api-key', 'pk');
        },
      });
    const post = (client: ReturnType<typeof make>, init: Record<string, unknown> = {}) => client.POST('/jobs/{id}', { params: { path: { id: 7 } }, body: {}, ...init });

    await post(make());
    await post(make([mw('options')]));
    const later = make();
    await post(later);
    later.use(mw('use'));
    await post(later);
    await post(make(), { middleware: [mw('call')] });
    expect(order).toEqual(['auth:/jobs/{id}', 'auth:/jobs/{id}', 'options:pk', 'auth:/jobs/{id}', 'auth:/jobs/{id}', 'use:pk', 'auth:/jobs/{id}', 'call:pk']);
    // Every call was marked idempotent (x-idempotent) and retried twice after its 503, with the key.
    expect(server.requests).toHaveLength(15);
    expect(new Set(server.requests.map((r) => r.headers['x-api-key']))).toEqual(new Set(['pk']));
  });

  it('an async auth hook is awaited before the request is sent, with and without middleware', async () => {
    server = await startHttpServer((req, res) => sendJson(res, 200, { key: req.headers['x-api-key'] ?? null }));
    const auth = async ({ request }: { request: Request }) => {
      await new Promise((r) => setTimeout(r, 5));
      request.headers.set('x-api-key', 'pk-async');
    };
    const plain = looseClient({ baseUrl: server.url, auth });
    const withMw = looseClient({ baseUrl: server.url, auth, middleware: [{ onRequest: () => undefined }] });
    expect(await unwrap(plain.GET('/a'))).toEqual({ key: 'pk-async' });
    expect(await unwrap(withMw.GET('/a'))).toEqual({ key: 'pk-async' });
  });

  it('a request body serializer that throws leaves no schema path behind for the next call', async () => {
    server = await startHttpServer((_req, res) => sendJson(res, 200, {}));
    const seen: string[] = [];
    const client = looseClient({ baseUrl: server.url, auth: ({ schemaPath }) => void seen.push(schemaPath) });
    await expect(
      client.POST('/bad', {
        body: {},
        bodySerializer: () => {
          throw new Error('nope');
        },
      }),
    ).rejects.toThrow('nope');
    await client.GET('/good');
    expect(seen).toEqual(['/good']);
  });
});

describe('error and log targets (built only when needed)', () => {
  it('name the method and the URL without its query in retry logs, network errors and timeouts', async () => {
    const logs: Record<string, unknown>[] = [];
    const logger = { debug: (_m: string, f?: Record<string, unknown>) => void logs.push(f ?? {}) };
    const base = await refusedUrl();
    const t = createTransport({ fetch: globalThis.fetch, retry: { maxRetries: 1, ...fastRetry }, logger });
    const err = await t(new Request(`${base}/x?secret=1`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toMatch(new RegExp(`^GET ${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/x failed: `));
    expect((err as Error).message).not.toContain('secret');
    expect(logs.map((l) => l.target)).toEqual([`GET ${base}/x`]);

    const stall: typeof fetch = (_i, init) => new Promise((_r, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
    const slow = createTransport({ fetch: stall, timeoutMs: 20, retry: { maxRetries: 0 } });
    const te = await slow(new Request('http://h.invalid/slow?k=v', { method: 'DELETE' })).catch((e: unknown) => e);
    expect(te).toBeInstanceOf(TimeoutError);
    expect((te as Error).message).toContain('DELETE http://h.invalid/slow');
    expect((te as Error).message).not.toContain('k=v');
  });
});
