// The correlator and the send queue alone (fake clock: time is the subject here).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Correlator, ENDED_MEMORY, type Pending } from '../src/correlator.js';
import { SendQueue } from '../src/send-queue.js';
import { RequestAbortedError, RequestTimeoutError } from '../src/errors.js';

const ENTRY = { reply: 'x.ok', errors: ['error'], chunk: null, streaming: false, auth: false } as const;

function pending(id: string, over: Partial<Pending> = {}) {
  const outcome: { ok?: unknown; err?: unknown; settled: number } = { settled: 0 };
  const p: Pending = {
    id,
    type: 'x',
    entry: ENTRY,
    frame: '',
    internal: false,
    resolve: (v) => {
      outcome.ok = v;
      outcome.settled++;
    },
    reject: (e) => {
      outcome.err = e;
      outcome.settled++;
    },
    onChunk: undefined,
    timer: undefined,
    timeoutMs: 1000,
    signal: undefined,
    onAbort: undefined,
    sent: true,
    sessionKey: undefined,
    replay: false,
    deadline: -1,
    prev: undefined,
    next: undefined,
    ...over,
  };
  return { p, outcome };
}

describe('Correlator', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('matches by id, settles exactly once and forgets the request', () => {
    const forgotten: string[] = [];
    const c = new Correlator((p) => forgotten.push(p.id));
    const { p, outcome } = pending('a');
    c.add(p);
    expect(c.get('a')).toBe(p);
    expect(c.size).toBe(1);
    expect(c.settle(p, 42, true)).toBe(true);
    expect(c.settle(p, 43, true)).toBe(false);
    expect(outcome).toEqual({ ok: 42, settled: 1 });
    expect(c.get('a')).toBeUndefined();
    expect(forgotten).toEqual(['a']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out with RequestTimeoutError and remembers the id for late replies', () => {
    const c = new Correlator(() => {});
    const { p, outcome } = pending('a', { timeoutMs: 500 });
    c.add(p);
    vi.advanceTimersByTime(499);
    expect(outcome.settled).toBe(0);
    vi.advanceTimersByTime(1);
    expect(outcome.err).toBeInstanceOf(RequestTimeoutError);
    expect(c.whyEnded('a')).toBe('timed out');
  });

  it('touch() restarts the inactivity timeout', () => {
    const c = new Correlator(() => {});
    const { p, outcome } = pending('a', { timeoutMs: 500 });
    c.add(p);
    vi.advanceTimersByTime(400);
    c.touch(p);
    vi.advanceTimersByTime(400);
    expect(outcome.settled).toBe(0);
    vi.advanceTimersByTime(100);
    expect(outcome.err).toBeInstanceOf(RequestTimeoutError);
  });

  it('no timer for timeoutMs 0 or Infinity', () => {
    const c = new Correlator(() => {});
    c.add(pending('a', { timeoutMs: 0 }).p);
    c.add(pending('b', { timeoutMs: Infinity }).p);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts through the signal and removes its listener on settle', () => {
    const c = new Correlator(() => {});
    const ac = new AbortController();
    const { p, outcome } = pending('a', { signal: ac.signal });
    c.add(p);
    ac.abort(new Error('stop'));
    expect(outcome.err).toBeInstanceOf(RequestAbortedError);
    expect(c.whyEnded('a')).toBe('aborted');
    const ac2 = new AbortController();
    const spy = vi.spyOn(ac2.signal, 'removeEventListener');
    const q = pending('b', { signal: ac2.signal });
    c.add(q.p);
    c.settle(q.p, 1, true);
    expect(spy).toHaveBeenCalledOnce();
  });

  it('inFlight counts sent requests that are not internal; rejectAll(sentOnly) leaves queued ones', () => {
    const c = new Correlator(() => {});
    const sent = pending('a');
    const queued = pending('b', { sent: false });
    const internal = pending('c', { internal: true });
    for (const x of [sent, queued, internal]) c.add(x.p);
    expect(c.inFlight()).toBe(1);
    c.rejectAll((p) => new Error(`lost ${p.id}`), 'connection lost', true);
    expect((sent.outcome.err as Error).message).toBe('lost a');
    expect((internal.outcome.err as Error).message).toBe('lost c');
    expect(queued.outcome.settled).toBe(0);
    expect(c.whyEnded('b')).toBeUndefined();
    c.rejectAll(() => 'closed', 'client closed', false);
    expect(queued.outcome.err).toBe('closed');
    expect(c.size).toBe(0);
    // a queued request was never sent: no late reply is expected for it
    expect(c.whyEnded('b')).toBeUndefined();
  });

  it('requests on the shared timeout time out in order on one timer; others keep their own', () => {
    const c = new Correlator(() => {}, 1000);
    const a = pending('a');
    const b = pending('b');
    const own = pending('own', { timeoutMs: 300 });
    c.add(a.p);
    vi.advanceTimersByTime(200);
    c.add(b.p);
    c.add(own.p);
    expect(vi.getTimerCount()).toBe(2);
    vi.advanceTimersByTime(300);
    expect(own.outcome.err).toBeInstanceOf(RequestTimeoutError);
    vi.advanceTimersByTime(499);
    expect(a.outcome.settled).toBe(0);
    vi.advanceTimersByTime(1);
    expect(a.outcome.err).toBeInstanceOf(RequestTimeoutError);
    expect((a.outcome.err as RequestTimeoutError).message).toContain('1000');
    expect(b.outcome.settled).toBe(0);
    vi.advanceTimersByTime(200);
    expect(b.outcome.err).toBeInstanceOf(RequestTimeoutError);
    expect(c.whyEnded('b')).toBe('timed out');
    expect(c.size).toBe(0);
  });

  it('a settled request leaves the shared list at once; touch() moves it to the end', () => {
    const c = new Correlator(() => {}, 1000);
    const a = pending('a');
    const b = pending('b');
    c.add(a.p);
    c.add(b.p);
    c.settle(a.p, 1, true);
    expect(a.p.deadline).toBe(-1);
    expect(a.p.next).toBeUndefined();
    vi.advanceTimersByTime(600);
    c.touch(b.p);
    vi.advanceTimersByTime(999);
    expect(b.outcome.settled).toBe(0);
    vi.advanceTimersByTime(1);
    expect(b.outcome.err).toBeInstanceOf(RequestTimeoutError);
    expect(a.outcome).toEqual({ ok: 1, settled: 1 });
  });

  it('dispose() stops the shared timer', () => {
    const c = new Correlator(() => {}, 1000);
    const a = pending('a');
    c.add(a.p);
    c.settle(a.p, 1, true);
    // kept armed (unref'd) while idle, so the next request does not need a new timer
    expect(vi.getTimerCount()).toBe(1);
    c.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('remembers a bounded number of ended ids', () => {
    const c = new Correlator(() => {});
    for (let i = 0; i <= ENDED_MEMORY; i++) {
      const { p } = pending(`r${i}`, { timeoutMs: 0 });
      c.add(p);
      c.settle(p, new Error('x'), false, 'aborted');
    }
    expect(c.whyEnded('r0')).toBeUndefined();
    expect(c.whyEnded(`r${ENDED_MEMORY}`)).toBe('aborted');
  });
});

describe('SendQueue', () => {
  it('is a bounded FIFO', () => {
    const q = new SendQueue<number>(2);
    expect(q.offer(1)).toBe(true);
    expect(q.offer(2)).toBe(true);
    expect(q.offer(3)).toBe(false);
    expect(q.size).toBe(2);
    q.delete(1);
    expect(q.offer(3)).toBe(true);
    expect(q.drain()).toEqual([2, 3]);
    expect(q.size).toBe(0);
  });

  it('flush sends in order while it can and keeps the rest, in order', () => {
    const q = new SendQueue<number>(10);
    for (const n of [1, 2, 3, 4]) q.offer(n);
    const sent: number[] = [];
    q.flush(
      () => sent.length < 2,
      (n) => sent.push(n),
    );
    expect(sent).toEqual([1, 2]);
    expect(q.drain()).toEqual([3, 4]);
  });

  it('a limit of 0 queues nothing; a negative limit is refused', () => {
    expect(new SendQueue(0).offer(1)).toBe(false);
    expect(() => new SendQueue(-1)).toThrow(RangeError);
  });
});
