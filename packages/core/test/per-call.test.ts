// The per-call machinery kept cheap (issue 9): the attempt timers, the retry hint carried
// on the PlainRequest, and the MemoryResponse that shares the headers of the response it read.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiClient, createTransport, isRetrySafe, requestHints, TimeoutError, unwrap } from '@s2sdk/core';
import { MemoryResponse } from '../src/memory-response';
import { PlainRequest } from '../src/plain-request';

afterEach(() => {
  vi.useRealTimers();
});

describe('attempt timeouts', () => {
  const hang = (input: Request, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal ?? input.signal;
      signal.addEventListener('abort', () => reject(signal.reason));
    });
  const ok = async () => new Response('{}', { headers: { 'content-type': 'application/json' } });
  const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('the full attempt timeout and the one the deadline shortens still end a hung attempt', async () => {
    const attempt: any = await createTransport({ fetch: hang, timeoutMs: 30, retry: false })(new Request('http://stub.test/')).catch((e: unknown) => e);
    expect(attempt).toBeInstanceOf(TimeoutError);
    expect([attempt.scope, attempt.timeoutMs]).toEqual(['attempt', 30]);
    const deadline: any = await createTransport({ fetch: hang, timeoutMs: 1000, deadlineMs: 40, retry: false })(new Request('http://stub.test/')).catch((e: unknown) => e);
    expect([deadline.scope, deadline.timeoutMs]).toEqual(['deadline', 40]);
  });

  it('leaves no timer that keeps the process alive once a call is done, and none at all once idle', async () => {
    const before = timeouts();
    const transport = createTransport({ fetch: ok, timeoutMs: 60_000 });
    await transport(new Request('http://stub.test/'));
    await transport(new Request('http://stub.test/'));
    expect(timeouts()).toBe(before);

    vi.useFakeTimers();
    const idle = createTransport({ fetch: ok, timeoutMs: 1000 });
    await idle(new Request('http://stub.test/'));
    // Kept for the period of the last start, then one more (no start in it): then dropped.
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the timer kept while attempts are in flight is renewed for the next ones (fake timers)', async () => {
    vi.useFakeTimers();
    const transport = createTransport({ fetch: hang, timeoutMs: 100, retry: false });
    const first = transport(new Request('http://stub.test/1')).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(60);
    const second = transport(new Request('http://stub.test/2')).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(40);
    expect(await first).toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(60);
    expect(await second).toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(200);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('retry hints', () => {
  it('the typed client marks its PlainRequest (no requestHints entry); the WeakMap still works for other requests', async () => {
    const seen: PlainRequest[] = [];
    let sent = 0;
    const client = createApiClient<any>({
      baseUrl: 'http://stub.test',
      operations: { 'POST /orders': { operationId: 'createOrder', security: [], idempotent: true } },
      retry: { initialDelayMs: 1, maxDelayMs: 1 },
      middleware: [{ onRequest: ({ request }) => void seen.push(request as unknown as PlainRequest) }],
      fetch: async () => new Response('{}', { status: ++sent < 2 ? 503 : 200, headers: { 'content-type': 'application/json' } }),
    });
    await unwrap(client.POST('/orders', { body: {} }));
    expect(sent).toBe(2);
    expect(seen[0]).toBeInstanceOf(PlainRequest);
    expect(seen[0]!.idempotent).toBe(true);
    expect(requestHints.has(seen[0] as unknown as Request)).toBe(false);
    expect(isRetrySafe(seen[0]! as unknown as Request)).toBe(true);

    const plain = new PlainRequest('http://stub.test/orders', { method: 'POST', body: '{}' });
    expect(isRetrySafe(plain as unknown as Request)).toBe(false);
    plain.idempotent = true;
    expect(isRetrySafe(plain as unknown as Request)).toBe(true);
    expect(isRetrySafe(new PlainRequest('http://stub.test/', { method: 'PUT', body: '{}' }) as unknown as Request)).toBe(true);
    const put = new PlainRequest('http://stub.test/', { method: 'PUT', body: '{}' });
    put.idempotent = false;
    expect(isRetrySafe(put as unknown as Request)).toBe(false);

    const standard = new Request('http://stub.test/', { method: 'POST', body: '{}' });
    expect(isRetrySafe(standard)).toBe(false);
    requestHints.set(standard, { idempotent: true });
    expect(isRetrySafe(standard)).toBe(true);
  });
});

describe('MemoryResponse made from the response it read', () => {
  it('shares its headers, reads its URL when asked, and clones to an independent response', async () => {
    const source = new Response('ignored', { status: 201, statusText: 'Created', headers: { 'content-type': 'application/json', 'x-request-id': 'r1' } });
    const r = new MemoryResponse(new TextEncoder().encode('{"a":1}'), source, { status: 201, statusText: 'Created' });
    expect(r.headers).toBe(source.headers);
    expect([r.status, r.statusText, r.ok, r.url, r.headers.get('x-request-id')]).toEqual([201, 'Created', true, '', 'r1']);
    const c = r.clone();
    expect(c.headers).not.toBe(source.headers);
    expect(c.headers.get('content-type')).toBe('application/json');
    expect(await r.json()).toEqual({ a: 1 });
    expect(await c.text()).toBe('{"a":1}');
    expect((await new MemoryResponse(new Uint8Array([1]), source, { status: 201 }).blob()).type).toBe('application/json');
  });

  it('the transport returns one for a custom fetch, with the status, headers and body of the original', async () => {
    const res = await createTransport({ fetch: async () => new Response('{"id":7}', { status: 200, headers: { 'content-type': 'application/json', etag: 'v1' } }) })(new Request('http://stub.test/x'));
    expect(res).toBeInstanceOf(MemoryResponse);
    expect([res.status, res.headers.get('etag'), res.url]).toEqual([200, 'v1', '']);
    expect(await res.json()).toEqual({ id: 7 });
  });
});
