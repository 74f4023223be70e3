// Stage 0 — decode: the bytes of one WebSocket message → its JSON value, and whether that is an
// envelope by the protocol's rule (`isEnvelope` of @s2sdk/ws-protocol: an object with a
// non-empty string `type`, a string `requestId` and an object `payload`).
import { BINARY_FRAME_TEXT, isEnvelope as isProtocolEnvelope } from '@s2sdk/ws-protocol';
import type { Envelope } from '../messages';

/** The text of a message (binary messages are decoded as UTF-8 too, for the log). */
export function frameText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** What `parse` returns for a binary frame or text that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not JSON');

/** The JSON value of a text frame (`NOT_JSON` for binary frames and text that is not JSON). */
export function parse(text: string, isBinary: boolean): unknown {
  if (isBinary) return NOT_JSON;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** True when the parsed frame is an envelope. */
export function isEnvelope(value: unknown): value is Envelope {
  return value !== NOT_JSON && isProtocolEnvelope(value);
}

/** The close reason sent with 4400. */
export function notAnEnvelopeReason(isBinary: boolean): string {
  return isBinary ? BINARY_FRAME_TEXT : 'frame is not a JSON envelope';
}
