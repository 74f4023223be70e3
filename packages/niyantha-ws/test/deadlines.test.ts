// The deadline list alone: one timer for many deadlines of one duration (fake clock).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineList, type DeadlineNode } from '../src/deadlines.js';

interface Entry extends DeadlineNode {
  name: string;
}
const entry = (name: string): Entry => ({ name, deadline: -1, prev: undefined, next: undefined });

function list(ms = 100) {
  const expired: string[] = [];
  const l = new DeadlineList<Entry>(ms, (e) => expired.push(e.name));
  return { l, expired };
}

describe('DeadlineList', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('expires entries in the order they were added, each ms after its start, on one timer', () => {
    const { l, expired } = list();
    const a = entry('a');
    const b = entry('b');
    const c = entry('c');
    l.add(a);
    vi.advanceTimersByTime(30);
    l.add(b);
    l.add(c);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(69);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a']);
    expect(a.deadline).toBe(-1);
    vi.advanceTimersByTime(29);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removes from the head, the middle and the tail; removing twice is a no-op', () => {
    const { l, expired } = list();
    const es = ['a', 'b', 'c', 'd', 'e'].map(entry);
    for (const e of es) l.add(e);
    l.remove(es[2]!);
    l.remove(es[0]!);
    l.remove(es[4]!);
    l.remove(es[4]!);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(['b', 'd']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('touch() restarts a deadline', () => {
    const { l, expired } = list();
    const a = entry('a');
    const b = entry('b');
    l.add(a);
    l.add(b);
    vi.advanceTimersByTime(60);
    l.touch(a);
    vi.advanceTimersByTime(40);
    expect(expired).toEqual(['b']);
    vi.advanceTimersByTime(59);
    expect(expired).toEqual(['b']);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['b', 'a']);
  });

  it('stays armed while idle and re-arms for an entry added later (never early, never twice)', () => {
    const { l, expired } = list();
    const a = entry('a');
    l.add(a);
    l.remove(a);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    const b = entry('b');
    l.add(b);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50); // the first timer fires: b is not due yet
    expect(expired).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(['b']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an entry added from onExpire is kept and expires in its turn', () => {
    const names: string[] = [];
    const l: DeadlineList<Entry> = new DeadlineList<Entry>(100, (e) => {
      names.push(e.name);
      if (e.name === 'a') l.add(entry('a2'));
    });
    l.add(entry('a'));
    vi.advanceTimersByTime(100);
    expect(names).toEqual(['a']);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(names).toEqual(['a', 'a2']);
  });

  it('dispose() stops the timer and drops every entry without expiring it', () => {
    const { l, expired } = list();
    const a = entry('a');
    l.add(a);
    l.add(entry('b'));
    l.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(a.deadline).toBe(-1);
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual([]);
    l.add(entry('c'));
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(['c']);
  });

  it('refuses a duration that is not positive and finite', () => {
    for (const ms of [0, -1, Infinity, Number.NaN]) expect(() => new DeadlineList(ms, () => {})).toThrow(RangeError);
  });
});

describe('DeadlineList on real timers', () => {
  it('unrefs its timer while idle and refs it again when an entry is added', async () => {
    const l = new DeadlineList<Entry>(60_000, () => {});
    const a = entry('a');
    l.add(a);
    const active = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const busy = active();
    l.remove(a);
    expect(active()).toBe(busy - 1);
    l.add(entry('b'));
    expect(active()).toBe(busy);
    l.dispose();
    expect(active()).toBe(busy - 1);
  });
});
