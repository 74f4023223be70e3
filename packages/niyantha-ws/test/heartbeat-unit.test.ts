// The heartbeat alone, over a fake socket and a fake clock (time is the subject here).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, resolveHeartbeat, type HeartbeatHost } from '../src/heartbeat.js';
import { HeartbeatTimeoutError } from '../src/errors.js';
import type { WebSocketLike } from '../src/types.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function host(open = true) {
  const calls = { probes: 0, dead: [] as unknown[] };
  const h: HeartbeatHost = {
    log: quiet,
    isOpen: () => open,
    probe: () => void calls.probes++,
    dead: (_s, e) => void calls.dead.push(e),
  };
  return { h, calls };
}

function plainSocket(): WebSocketLike {
  return { readyState: 1, send() {}, close() {}, onopen: null, onmessage: null, onclose: null, onerror: null };
}

function pingSocket() {
  const listeners = new Set<() => void>();
  const s = Object.assign(plainSocket(), {
    pings: 0,
    ping() {
      s.pings++;
    },
    on: (_: 'pong', l: () => void) => listeners.add(l),
    off: (_: 'pong', l: () => void) => listeners.delete(l),
    pong: () => listeners.forEach((l) => l()),
    listeners,
  });
  return s;
}

describe('Heartbeat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('probes after a silent interval and declares the socket dead after the timeout', () => {
    const { h, calls } = host();
    const hb = new Heartbeat(resolveHeartbeat({ intervalMs: 100, timeoutMs: 50, mode: 'request', probe: { type: 'p', payload: {} } }), h);
    hb.start(plainSocket());
    vi.advanceTimersByTime(100);
    expect(calls.probes).toBe(1);
    vi.advanceTimersByTime(49);
    expect(calls.dead).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls.dead[0]).toBeInstanceOf(HeartbeatTimeoutError);
  });

  it('any frame received cancels the deadline and skips the next probe', () => {
    const { h, calls } = host();
    const hb = new Heartbeat(resolveHeartbeat({ intervalMs: 100, timeoutMs: 50, mode: 'request', probe: { type: 'p', payload: {} } }), h);
    hb.start(plainSocket());
    vi.advanceTimersByTime(100);
    hb.received();
    vi.advanceTimersByTime(150);
    expect(calls.dead).toEqual([]);
    expect(calls.probes).toBe(1);
    hb.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('uses ws pings where the transport has them; pongs count; stop() removes the listener', () => {
    const { h, calls } = host();
    const s = pingSocket();
    const hb = new Heartbeat(resolveHeartbeat({ intervalMs: 100, timeoutMs: 50 }), h);
    hb.start(s);
    vi.advanceTimersByTime(100);
    expect(s.pings).toBe(1);
    s.pong();
    vi.advanceTimersByTime(100);
    expect(calls.dead).toEqual([]);
    expect(calls.probes).toBe(0);
    hb.stop();
    expect(s.listeners.size).toBe(0);
  });

  it('does nothing without ping and probe, when disabled, or while not open', () => {
    for (const [config, open] of [
      [resolveHeartbeat({ intervalMs: 100 }), true],
      [resolveHeartbeat(false), true],
      [resolveHeartbeat({ intervalMs: 100, probe: { type: 'p', payload: {} } }), false],
    ] as const) {
      const { h, calls } = host(open);
      new Heartbeat(config, h).start(plainSocket());
      vi.advanceTimersByTime(1000);
      expect(calls).toEqual({ probes: 0, dead: [] });
      vi.clearAllTimers();
    }
  });

  it('refuses non-positive durations', () => {
    expect(() => resolveHeartbeat({ intervalMs: 0 })).toThrow(RangeError);
  });
});
