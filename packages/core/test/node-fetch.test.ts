import { afterEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { looseClient } from './fixtures/loose';
import { startHttpServer, sendJson, type TestHttpServer } from '@s2sdk/testkit';
import { createNodeFetch } from '@s2sdk/core/node';
import { createApiClient, createTransport, NetworkError, TimeoutError, unwrap } from '@s2sdk/core';

const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(...args: Parameters<typeof startHttpServer>) {
  const s = await startHttpServer(...args);
  servers.push(s);
  return s;
}

describe('createNodeFetch', () => {
  it('sends method, headers and body and returns a standard Response', async () => {
    const s = await serve((req, res) => sendJson(res, 201, { method: req.method, body: JSON.parse(req.body), h: req.headers['x-h'] }));
    const f = createNodeFetch();
    const res = await f(new Request(`${s.url}/p?q=1`, { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'x-h': 'v', 'content-type': 'application/json' } }));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ method: 'POST', body: { a: 1 }, h: 'v' });
    expect(s.requests[0]!.url).toBe('/p?q=1');
    f.close();
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const ports = new Set<number>();
    const s = await serve((_req, res, raw) => {
      ports.add(raw.socket.remotePort!);
      sendJson(res, 200, {});
    });
    const f = createNodeFetch();
    for (let i = 0; i < 5; i++) await (await f(new Request(`${s.url}/`))).json();
    expect(ports.size).toBe(1);
    f.close();
  });

  it('decodes gzip bodies', async () => {
    const s = await serve((_req, res) => {
      const body = gzipSync(JSON.stringify({ zipped: true }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) });
      res.end(body);
    });
    const f = createNodeFetch();
    const res = await f(new Request(s.url));
    // The decoded body has neither the encoding nor the encoded length (read through get/has and through iteration).
    expect([res.headers.get('content-encoding'), res.headers.has('content-length')]).toEqual([null, false]);
    expect([...res.headers.keys()]).not.toContain('content-encoding');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ zipped: true });
    f.close();
  });

  it('returns the response headers as a standard Headers: repeated names, set-cookie, iteration, changes, copies', async () => {
    const s = await serve((_req, res) => {
      res.setHeader('X-Multi', ['a', 'b']);
      res.setHeader('Set-Cookie', ['s=1; Path=/', 't=2']);
      res.setHeader('X-Pad', '  padded  ');
      sendJson(res, 200, {});
    });
    const f = createNodeFetch();
    const res = await f(new Request(s.url));
    expect(res.headers).toBeInstanceOf(Headers);
    expect(res.headers.get('x-multi')).toBe('a, b');
    expect(res.headers.get('X-MULTI')).toBe('a, b');
    expect(res.headers.get('x-pad')).toBe('padded');
    expect(res.headers.has('Set-Cookie')).toBe(true);
    expect(res.headers.get('x-missing')).toBeNull();
    expect(res.headers.getSetCookie()).toEqual(['s=1; Path=/', 't=2']);
    expect(Object.fromEntries(new Headers(res.headers))).toMatchObject({ 'x-multi': 'a, b', 'x-pad': 'padded', 'content-type': 'application/json' });
    res.headers.set('x-multi', 'c');
    expect(res.headers.get('x-multi')).toBe('c');
    expect(await res.clone().json()).toEqual({});
    f.close();
  });

  it('follows redirects and drops credentials when the origin changes', async () => {
    const other = await serve((req, res) => sendJson(res, 200, { auth: req.headers.authorization ?? null, key: req.headers['x-api-key'] ?? null }));
    const same = await serve((req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { location: '/same' });
        res.end();
      } else if (req.url === '/same') {
        res.writeHead(307, { location: `${other.url}/final` });
        res.end();
      }
    });
    const f = createNodeFetch();
    const res = await f(new Request(`${same.url}/start`, { headers: { authorization: 'Bearer t', 'x-api-key': 'k' } }));
    expect(await res.json()).toEqual({ auth: null, key: null });
    expect(same.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t', 'Bearer t']);
    f.close();
  });

  it('responses keep fetch semantics: url after redirects, one read, clone before reading', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/a') {
        res.writeHead(301, { location: '/b' });
        res.end();
      } else sendJson(res, 200, { at: req.url });
    });
    const f = createNodeFetch();
    const res = await f(new Request(`${s.url}/a`));
    expect(res.url).toBe(`${s.url}/b`);
    expect(await res.clone().json()).toEqual({ at: '/b' });
    expect(await res.text()).toBe('{"at":"/b"}');
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
    f.close();
  });

  it('has null bodies for 204 and HEAD', async () => {
    const s = await serve((req, res) => {
      res.writeHead(req.method === 'HEAD' ? 200 : 204, { 'x-a': '1' });
      res.end();
    });
    const f = createNodeFetch();
    expect((await f(new Request(s.url, { method: 'DELETE' }))).body).toBeNull();
    expect((await f(new Request(s.url, { method: 'HEAD' }))).body).toBeNull();
    f.close();
  });

  it('plugs into the transport: timeouts and network errors stay typed', async () => {
    const s = await serve(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 300));
      sendJson(res, 200, {});
    });
    const f = createNodeFetch();
    const t = createTransport({ fetch: f, timeoutMs: 50, retry: false });
    await expect(t(new Request(s.url))).rejects.toBeInstanceOf(TimeoutError);
    const closed = await startHttpServer((_r, res) => sendJson(res, 200, {}));
    await closed.close();
    const err = await createTransport({ fetch: f, retry: false })(new Request(closed.url)).catch((e: any) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.errno).toBe('ECONNREFUSED');
    f.close();
  });

  it('works as the fetch of the typed client', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { hello: 'world' }));
    const f = createNodeFetch();
    const client = looseClient({ baseUrl: s.url, fetch: f });
    expect(await unwrap(client.GET('/hi'))).toEqual({ hello: 'world' });
    f.close();
  });
});

describe('MemoryResponse (what the transport returns)', () => {
  it('behaves like a Response: one read, clone before reading, body as a stream, blob and bytes', async () => {
    const { MemoryResponse } = await import('../src/memory-response');
    const make = () => new MemoryResponse(new TextEncoder().encode('{"a":1}'), 'http://x/y', { status: 201, statusText: 'Created', headers: { 'content-type': 'application/json' } });
    const r = make();
    expect([r.status, r.statusText, r.url, r.ok, r.bodyUsed]).toEqual([201, 'Created', 'http://x/y', true, false]);
    const c = r.clone();
    expect(await r.json()).toEqual({ a: 1 });
    expect(r.bodyUsed).toBe(true);
    await expect(r.text()).rejects.toThrow(TypeError);
    expect(() => r.clone()).toThrow(TypeError);
    expect(await new Response(c.body).text()).toBe('{"a":1}');
    expect(c.bodyUsed).toBe(true);
    expect((await make().blob()).type).toBe('application/json');
    expect(Array.from(await make().bytes())).toEqual(Array.from(new TextEncoder().encode('{"a":1}')));
    expect(new MemoryResponse(null, '', { status: 204 }).body).toBeNull();
  });
});

describe('createNodeFetch under the transport', () => {
  it('the attempt timeout still ends a request after a redirect, and a caller abort still ends the next one', async () => {
    const s = await serve((req, res) => {
      if (req.path === '/from') {
        res.writeHead(302, { location: '/to' });
        res.end();
      }
      // '/to' never answers
    });
    const f = createNodeFetch();
    try {
      const client = looseClient({ baseUrl: s.url, fetch: f, timeoutMs: 150, retry: false });
      const err: any = await client.GET('/from').catch((e: any) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      const ac = new AbortController();
      const call = client.GET('/to', { signal: ac.signal }).catch((e: any) => e);
      setTimeout(() => ac.abort(), 30);
      expect((await call).code).toBe('ABORTED');
      expect(s.requests.map((r) => r.path)).toEqual(['/from', '/to', '/to']);
    } finally {
      f.close();
    }
  });
});
