import { describe, expect, it } from 'vitest';
import { NOT_JSON, frameText, isEnvelope, notAnEnvelopeReason, parse } from '../../src/pipeline/decode';

describe('decode stage', () => {
  it('parses text frames; binary frames and non-JSON text are NOT_JSON', () => {
    expect(parse('{"a":1}', false)).toEqual({ a: 1 });
    expect(parse('{"a":1}', true)).toBe(NOT_JSON);
    expect(parse('nope', false)).toBe(NOT_JSON);
  });

  it("applies the protocol's envelope rule (object payload, string requestId, non-empty type)", () => {
    expect(isEnvelope({ type: 't', requestId: 'r', payload: {} })).toBe(true);
    expect(isEnvelope({ type: 't', requestId: 'r' })).toBe(false);
    expect(isEnvelope({ type: 't', payload: {} })).toBe(false);
    expect(isEnvelope({ type: '', requestId: 'r', payload: {} })).toBe(false);
    expect(isEnvelope([1, 2])).toBe(false);
    expect(isEnvelope(NOT_JSON)).toBe(false);
  });

  it('decodes every message data shape as UTF-8 and names the close reason', () => {
    expect(frameText(Buffer.from('hé'))).toBe('hé');
    expect(frameText([Buffer.from('a'), Buffer.from('b')])).toBe('ab');
    expect(frameText(new TextEncoder().encode('x').buffer as ArrayBuffer)).toBe('x');
    expect(notAnEnvelopeReason(true)).toBe('binary frames are not supported');
    expect(notAnEnvelopeReason(false)).toBe('frame is not a JSON envelope');
  });
});
