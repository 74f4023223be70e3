import { describe, expect, it } from 'vitest';
import { AbortedError, SessionError, TokenCache, type CachedToken } from '@s2sdk/core';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TokenCache', () => {
  it('50 concurrent callers with no token cause exactly one fetch', async () => {
    const c = clock();
    let fetches = 0;
    const gate = deferred<void>();
    const cache = new TokenCache<string>({
      now: c.now,
      fetch: async () => {
        fetches++;
        await gate.promise;
        return { value: `t${fetches}`, expiresAt: c.now() + 600_000 };
      },
    });
    const all = Promise.all(Array.from({ length: 50 }, () => cache.get()));
    gate.resolve();
    expect(new Set(await all)).toEqual(new Set(['t1']));
    expect(fetches).toBe(1);
  });

  it('reuses the token while fresh and refreshes within the margin', async () => {
    const c = clock();
    let n = 0;
    const cache = new TokenCache<string>({ now: c.now, refreshMarginMs: 60_000, fetch: async () => ({ value: `t${++n}`, expiresAt: c.now() + 600_000 }) });
    expect(await cache.get()).toBe('t1');
    c.advance(539_000);
    expect(await cache.get()).toBe('t1');
    c.advance(2_000); // 59 s left < 60 s margin
    expect(await cache.get()).toBe('t2');
  });

  it('caps the margin at half the lifetime so short tokens are not refreshed on every call', async () => {
    const c = clock();
    let n = 0;
    const cache = new TokenCache<string>({ now: c.now, refreshMarginMs: 60_000, fetch: async () => ({ value: `t${++n}`, expiresAt: c.now() + 30_000 }) });
    await cache.get();
    c.advance(10_000);
    expect(await cache.get()).toBe('t1');
    c.advance(6_000);
    expect(await cache.get()).toBe('t2');
  });

  it('never returns a token at or past its hard expiry', async () => {
    const c = clock();
    let n = 0;
    const cache = new TokenCache<string>({
      now: c.now,
      refreshMarginMs: 0,
      fetch: async () => ({ value: `t${++n}`, expiresAt: c.now() + 1_000_000, hardExpiresAt: c.now() + 100_000 }),
    });
    expect(await cache.get()).toBe('t1');
    c.advance(99_999);
    expect(await cache.get()).toBe('t1');
    c.advance(1);
    expect(await cache.get()).toBe('t2');
  });

  it('a failed refresh is not cached: the next call tries again', async () => {
    const c = clock();
    let n = 0;
    const cache = new TokenCache<string>({
      now: c.now,
      fetch: async () => {
        if (++n === 1) throw new Error('boom');
        return { value: `t${n}`, expiresAt: c.now() + 600_000 };
      },
    });
    await expect(cache.get()).rejects.toThrow('boom');
    expect(await cache.get()).toBe('t2');
  });

  it('keeps serving a still-valid token when the early refresh fails, but not after it expired', async () => {
    const c = clock();
    let fail = false;
    let n = 0;
    const cache = new TokenCache<string>({
      now: c.now,
      refreshMarginMs: 60_000,
      fetch: async () => {
        if (fail) throw new Error('idp down');
        return { value: `t${++n}`, expiresAt: c.now() + 600_000 };
      },
    });
    await cache.get();
    fail = true;
    c.advance(550_000);
    expect(await cache.get()).toBe('t1');
    c.advance(50_000);
    await expect(cache.get()).rejects.toThrow('idp down');
  });

  it('a SessionError from the fetch is never papered over', async () => {
    const c = clock();
    let n = 0;
    const cache = new TokenCache<string>({
      now: c.now,
      fetch: async () => {
        if (++n > 1) throw new SessionError('reauthentication-required', 'login again');
        return { value: 't1', expiresAt: c.now() + 600_000 };
      },
    });
    await cache.get();
    c.advance(590_000);
    await expect(cache.get()).rejects.toBeInstanceOf(SessionError);
  });

  it("a caller's abort ends only its wait; the shared refresh completes for others", async () => {
    const c = clock();
    const gate = deferred<CachedToken<string>>();
    const cache = new TokenCache<string>({ now: c.now, fetch: () => gate.promise });
    const ac = new AbortController();
    const a = cache.get({ signal: ac.signal });
    const b = cache.get();
    ac.abort();
    await expect(a).rejects.toBeInstanceOf(AbortedError);
    gate.resolve({ value: 'shared', expiresAt: c.now() + 1000 });
    expect(await b).toBe('shared');
  });

  it('clear() during a refresh discards its result and aborts it', async () => {
    const c = clock();
    const gate = deferred<CachedToken<string>>();
    let signal: AbortSignal | undefined;
    const cache = new TokenCache<string>({
      now: c.now,
      fetch: (ctx) => {
        signal = ctx.signal;
        return gate.promise;
      },
    });
    const p = cache.get();
    cache.clear();
    expect(signal?.aborted).toBe(true);
    gate.resolve({ value: 'late', expiresAt: c.now() + 1000 });
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    expect(cache.peek()).toBeUndefined();
  });

  it('invalidate(value) drops only that token', async () => {
    const c = clock();
    let n = 0;
    const cache = new TokenCache<string>({ now: c.now, fetch: async () => ({ value: `t${++n}`, expiresAt: c.now() + 600_000 }) });
    await cache.get();
    cache.invalidate('other');
    expect(cache.peek()?.value).toBe('t1');
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
  });

  it('renders only non-secret state', async () => {
    const c = clock();
    const cache = new TokenCache<string>({ now: c.now, fetch: async () => ({ value: 'SECRET-TOKEN-VALUE', expiresAt: c.now() + 1000 }) });
    await cache.get();
    const { inspect } = await import('node:util');
    expect(inspect(cache)).not.toContain('SECRET-TOKEN-VALUE');
    expect(JSON.stringify(cache)).not.toContain('SECRET-TOKEN-VALUE');
    expect(JSON.parse(JSON.stringify(cache))).toMatchObject({ hasToken: true, expiresAt: c.now() + 1000 });
  });
});
