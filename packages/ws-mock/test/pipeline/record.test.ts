import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FrameLog, ReceivedFrame, redactReceived } from '../../src/pipeline/record';
import { needsRedaction } from '../../src/redact';

const entry = (raw: string) => new ReceivedFrame({ connection: 1, raw });

describe('record stage: redaction', () => {
  it('keeps a frame with nothing to redact as it is (no copy)', () => {
    const parsed = { type: 'note.get', requestId: 'r', payload: { id: 'n' } };
    const raw = JSON.stringify(parsed);
    const kept = redactReceived(raw, parsed, true, ['sk_secret'], []);
    expect(kept.raw).toBe(raw);
    expect(kept.frame).toBe(parsed);
  });

  it('copies a frame that goes to user code (isolate), even with nothing to redact', () => {
    const parsed = { type: 'note.get', requestId: 'r', payload: { id: 'n' } };
    const kept = redactReceived(JSON.stringify(parsed), parsed, true, [], [], true);
    expect(kept.frame).toEqual(parsed);
    expect(kept.frame).not.toBe(parsed);
  });

  it("redacts fields named like secrets by core's isSensitiveKey, at any depth", () => {
    const parsed = { type: 't', requestId: 'r', payload: { token: 'pk', nested: [{ password: 'pw' }], accessToken: 'at', title: 'ok' } };
    const kept = redactReceived(JSON.stringify(parsed), parsed, true, [], []);
    expect(kept.frame!.payload).toEqual({ token: '[REDACTED]', nested: [{ password: '[REDACTED]' }], accessToken: '[REDACTED]', title: 'ok' });
    expect(kept.raw).not.toMatch(/"pk"|"pw"|"at"/);
  });

  it('redacts the credential values of a login and the configured secrets wherever they are', () => {
    const parsed = { type: 'session.open', requestId: 'r', payload: { apiKey: 'ak_1', passphrase: 'horse-battery', note: 'x sk_known y' } };
    const raw = JSON.stringify(parsed);
    const kept = redactReceived(raw, parsed, true, ['sk_known'], ['horse-battery', 'ak_1']);
    expect(kept.frame!.payload).toEqual({ apiKey: '[REDACTED]', passphrase: '[REDACTED]', note: 'x [REDACTED] y' });
    for (const s of ['ak_1', 'horse-battery', 'sk_known']) expect(kept.raw).not.toContain(s);
    // Not JSON: the known secrets are cut from the text.
    expect(redactReceived('oops sk_known', undefined, false, ['sk_known'], []).raw).toBe('oops [REDACTED]');
  });

  it('finds what needs redacting without copying: escaped known secrets, __proto__ keys', () => {
    expect(needsRedaction({ a: { b: ['sk_known'] } }, ['sk_known'])).toBe(true);
    expect(needsRedaction({ a: { b: ['fine'] }, n: 3 }, ['sk_known'])).toBe(false);
    expect(needsRedaction(JSON.parse('{"__proto__":{"x":"sk_known"}}'), ['sk_known'])).toBe(true);
    const escaped = '{"type":"t","requestId":"r","payload":{"id":"\\u0073k_known"}}';
    const kept = redactReceived(escaped, JSON.parse(escaped), true, ['sk_known'], []);
    expect(JSON.stringify(kept.frame)).not.toContain('sk_known');
  });

  it('ReceivedFrame never shows credentials in inspect or JSON', () => {
    const frame = new ReceivedFrame({ connection: 2, raw: '{}', frame: { type: 't', requestId: 'r', payload: { secret: 'hidden-value' } } });
    expect(inspect(frame)).not.toContain('hidden-value');
    expect(JSON.stringify(frame)).not.toContain('hidden-value');
  });
});

describe('record stage: bounded log', () => {
  it('keeps at most max entries, oldest dropped first', () => {
    const log = new FrameLog(2, 1000);
    for (const r of ['a', 'b', 'c']) log.add(entry(r));
    expect(log.entries.map((e) => e.raw)).toEqual(['b', 'c']);
  });

  it('keeps at most maxBytes of raw text, the newest always', () => {
    const log = new FrameLog(10, 5);
    for (const r of ['aaa', 'bb', 'cccccccc']) log.add(entry(r));
    expect(log.entries.map((e) => e.raw)).toEqual(['cccccccc']);
    log.add(entry('d'));
    expect(log.entries.map((e) => e.raw)).toEqual(['d']);
    const none = new FrameLog(0, 100);
    none.add(entry('x'));
    expect(none.entries).toEqual([]);
  });
});
