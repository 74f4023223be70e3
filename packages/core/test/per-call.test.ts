// The per-call machinery kept cheap (issue 9): the retry hint carried on the PlainRequest, and the MemoryResponse that shares the headers of the response it read.
import { describe, expect, it } from 'vitest';
import { createApiClient, createTransport, isRetrySafe, requestHints, unwrap } from '@s2sdk/core';
import { MemoryResponse } from '../src/memory-response';
import { PlainRequest } from '../src/plain-request';

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
