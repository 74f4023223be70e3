import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CloseCode,
  ENVELOPE_PROBLEM_TEXT,
  chunkTypeOf,
  decodeEnvelope,
  encodeEnvelope,
  envelopeProblem,
  isAuthFailureClose,
  isEnvelope,
  isErrorPayload,
  replyTypeOf,
} from '../src/index.js';

describe('envelope', () => {
  it('round-trips through encode/decode for any JSON payload object', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.dictionary(fc.string(), fc.jsonValue()), (type, requestId, payload) => {
        const text = encodeEnvelope(type, requestId, payload);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify({ type, requestId, payload })));
        const decoded = decodeEnvelope(text);
        expect(typeof decoded).toBe('object');
        expect(Object.keys(decoded as object)).toEqual(['type', 'requestId', 'payload']);
      }),
    );
  });

  it('encodes correctly past the per-type prefix cache (more types than it keeps, odd characters)', () => {
    for (let i = 0; i < 1200; i++) {
      const type = i % 3 === 0 ? `t"${i}\\\u2028` : `type.${i}`;
      for (const requestId of ['r1', 'q"\\x']) {
        expect(JSON.parse(encodeEnvelope(type, requestId, { i }))).toEqual({ type, requestId, payload: { i } });
      }
    }
  });

  it('names what is wrong with a frame that is not an envelope', () => {
    expect(decodeEnvelope('{nope')).toBe('not-json');
    expect(decodeEnvelope('[1]')).toBe('not-an-object');
    expect(decodeEnvelope('null')).toBe('not-an-object');
    expect(decodeEnvelope('{"requestId":"r","payload":{}}')).toBe('no-type');
    expect(decodeEnvelope('{"type":"","requestId":"r","payload":{}}')).toBe('no-type');
    expect(decodeEnvelope('{"type":"a","payload":{}}')).toBe('no-request-id');
    expect(decodeEnvelope('{"type":"a","requestId":1,"payload":{}}')).toBe('no-request-id');
    expect(decodeEnvelope('{"type":"a","requestId":"r"}')).toBe('payload-not-object');
    expect(decodeEnvelope('{"type":"a","requestId":"r","payload":[]}')).toBe('payload-not-object');
    expect(decodeEnvelope('{"type":"a","requestId":"r","payload":null}')).toBe('payload-not-object');
    for (const text of Object.values(ENVELOPE_PROBLEM_TEXT)) expect(text).toMatch(/^frame /);
  });

  it('lets events go without a requestId, but not with a malformed one', () => {
    expect(envelopeProblem({ type: 'store.updated', payload: {} }, false)).toBeUndefined();
    expect(envelopeProblem({ type: 'store.updated', requestId: 7, payload: {} }, false)).toBe('no-request-id');
    expect(isEnvelope({ type: 'store.updated', payload: {} })).toBe(false);
    expect(isEnvelope({ type: 'a', requestId: 'r', payload: {}, extra: 1 })).toBe(true); // the envelope is open
  });

  it('serializes an undefined payload as null and rethrows unserializable payloads', () => {
    expect(encodeEnvelope('a', 'r', undefined)).toBe('{"type":"a","requestId":"r","payload":null}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeEnvelope('a', 'r', cyclic)).toThrow(TypeError);
    expect(() => encodeEnvelope('a', 'r', { n: 1n })).toThrow(TypeError);
  });
});

describe('naming, close codes, error payloads', () => {
  it('derives reply and chunk types', () => {
    expect(replyTypeOf('store.create')).toBe('store.create.ok');
    expect(chunkTypeOf('orders.export')).toBe('orders.export.chunk');
  });
  it('has one close code table', () => {
    expect(CloseCode).toMatchObject({ NOT_AN_ENVELOPE: 4400, AUTH_FAILED: 4401, AUTH_TIMEOUT: 4408 });
    expect(isAuthFailureClose(4401)).toBe(true);
    expect(isAuthFailureClose(4408)).toBe(false);
    expect(isAuthFailureClose(undefined)).toBe(false);
  });
  it('recognises the error payload shape', () => {
    expect(isErrorPayload({ code: 'not_found', message: 'no' })).toBe(true);
    expect(isErrorPayload({ code: 'not_found' })).toBe(false);
    expect(isErrorPayload(null)).toBe(false);
  });
});
