import { describe, expect, it } from 'vitest';
import { FaultResolver, NO_FAULTS, planAnswer, resolveFaults } from '../../src/pipeline/fault';

const input = (frames: string[] = ['{"type":"a.ok","requestId":"r","payload":{}}']) => ({
  requestId: 'r',
  frames,
  errorFrame: (spec: { code: string }) => JSON.stringify({ type: 'error', requestId: 'r', payload: { code: spec.code, message: spec.code } }),
  random: () => 0.25,
});

describe('fault stage: resolving switches', () => {
  it('merges server-wide switches, neverReply and errorFor for the type, then byType', () => {
    const config = { delayMs: 5, neverReply: ['a'], errorFor: { b: { code: 'x' } }, byType: { b: { delayMs: 9 } }, dropAfterFrames: 3 };
    expect(resolveFaults(config, 'a')).toEqual({ delayMs: 5, neverReply: true });
    expect(resolveFaults(config, 'b')).toEqual({ delayMs: 9, error: { code: 'x' } });
    expect(resolveFaults(config, undefined)).toEqual({ delayMs: 5 });
  });

  it('resolves to the shared NO_FAULTS when nothing applies (dropAfterFrames is connection-level)', () => {
    expect(new FaultResolver({}).for('a')).toBe(NO_FAULTS);
    expect(new FaultResolver({ dropAfterFrames: 2 }).for('a')).toBe(NO_FAULTS);
    const r = new FaultResolver({ byType: { b: { replyTwice: true } } });
    expect(r.for('a')).toBe(NO_FAULTS);
    expect(r.for('b')).toEqual({ replyTwice: true });
    expect(r.for('b')).toBe(r.for('b'));
  });
});

describe('fault stage: planning an answer', () => {
  it('closes instead of answering, or stays silent', () => {
    expect(planAnswer({ closeWith: { code: 4999, reason: 'chaos' } }, input())).toEqual({ kind: 'close', code: 4999, reason: 'chaos' });
    expect(planAnswer({ closeWith: { code: 4000 } }, input())).toEqual({ kind: 'close', code: 4000, reason: '' });
    expect(planAnswer({ neverReply: true }, input())).toEqual({ kind: 'silent' });
  });

  it('replaces the answer with an error, delays it, sends it twice, prefixes garbage', () => {
    const plan = planAnswer({ error: { code: 'busy' }, delayMs: 20, replyTwice: true, garbageFrame: true }, input(['c1', 'c2']));
    expect(plan.kind).toBe('send');
    if (plan.kind !== 'send') return;
    expect(plan.delayMs).toBe(20);
    expect(plan.frames).toHaveLength(3);
    expect(() => JSON.parse(plan.frames[0]!)).toThrow();
    expect(JSON.parse(plan.frames[1]!)).toMatchObject({ type: 'error', payload: { code: 'busy' } });
    expect(plan.frames[2]).toBe(plan.frames[1]);
  });

  it('answers with a requestId that matches no request', () => {
    const plan = planAnswer({ wrongRequestId: true }, input());
    if (plan.kind !== 'send') throw new Error('expected send');
    const frame = JSON.parse(plan.frames[0]!);
    expect(frame.requestId).not.toBe('r');
    expect(frame.requestId.startsWith('r~')).toBe(true);
    expect(Object.keys(frame)).toEqual(['type', 'requestId', 'payload']);
  });
});
