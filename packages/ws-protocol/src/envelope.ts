// The frame envelope of the request/reply protocol (docs/ARCHITECTURE.md, conventions 1-2).
// Every frame is one JSON text frame `{ "type": string, "requestId": string, "payload": … }`;
// events (server-initiated, convention 6) carry no `requestId`. This file is the one definition:
// the generator, the client, the mock, the sandbox and the Spectral rules import it.

export { ENVELOPE_FIELDS, CORRELATION_LOCATION } from './constants.js';

/** A request, reply, error or chunk frame. */
export interface Envelope<T extends string = string, P = unknown> {
  type: T;
  requestId: string;
  payload: P;
}

/** A server-initiated event frame (no correlation id). */
export interface EventEnvelope<T extends string = string, P = unknown> {
  type: T;
  requestId?: string;
  payload: P;
}

/** Why a text frame is not an envelope (see {@link envelopeProblem}). */
export type EnvelopeProblem = 'not-json' | 'not-an-object' | 'no-type' | 'no-request-id' | 'payload-not-object';

/** A human-readable sentence per {@link EnvelopeProblem}, for logs, errors and close reasons. */
export const ENVELOPE_PROBLEM_TEXT: Readonly<Record<EnvelopeProblem, string>> = {
  'not-json': 'frame is not JSON',
  'not-an-object': 'frame is not a JSON object',
  'no-type': 'frame has no string "type"',
  'no-request-id': 'frame has no string "requestId"',
  'payload-not-object': 'frame has no object "payload"',
};

/** The close reason (with 4400) and log text for a binary frame: the protocol is JSON text frames only. */
export const BINARY_FRAME_TEXT = 'binary frames are not supported';

/**
 * What is wrong with `value` as an envelope, or `undefined` when it is one. With
 * `requireRequestId: false` (events) a missing `requestId` is allowed, a non-string one is not.
 */
export function envelopeProblem(value: unknown, requireRequestId = true): Exclude<EnvelopeProblem, 'not-json'> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not-an-object';
  const v = value as { type?: unknown; requestId?: unknown; payload?: unknown };
  if (typeof v.type !== 'string' || v.type === '') return 'no-type';
  if (typeof v.requestId !== 'string' && (requireRequestId || v.requestId !== undefined)) return 'no-request-id';
  const p = v.payload;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return 'payload-not-object';
  return undefined;
}

/**
 * True when `value` is a request/reply envelope: an object with a non-empty string `type`, a
 * string `requestId` and an object `payload`. Whether the `requestId` is well formed (1-128
 * characters) and the payload matches its message is schema validation, per message, not this.
 */
export function isEnvelope(value: unknown): value is Envelope {
  return envelopeProblem(value) === undefined;
}

/**
 * Parses one text frame. Returns the envelope, or the problem (a string) when the frame is
 * not JSON or not an envelope. No wrapper object is allocated per frame: callers test
 * `typeof result === 'string'`.
 */
export function decodeEnvelope(text: string, requireRequestId = true): Envelope | EnvelopeProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not-json';
  }
  return envelopeProblem(value, requireRequestId) ?? (value as Envelope);
}

/** How many message types' serialized prefixes encodeEnvelope keeps (a spec has a few dozen). */
const PREFIX_CACHE_LIMIT = 512;
const prefixes = new Map<string, string>();

/** `{"type":<type>,"requestId":` — serialized once per message type. */
function prefixOf(type: string): string {
  let prefix = prefixes.get(type);
  if (prefix === undefined) {
    prefix = `{"type":${JSON.stringify(type)},"requestId":`;
    if (prefixes.size < PREFIX_CACHE_LIMIT) prefixes.set(type, prefix);
  }
  return prefix;
}

/**
 * Serializes an envelope. Field order is fixed (`type`, `requestId`, `payload`), the payload is
 * serialized once and concatenated, with no intermediate envelope object; the `{"type":…` prefix
 * of each message type is serialized once and reused. Throws the `JSON.stringify` error (a
 * `TypeError`) for payloads that cannot be serialized (cycles, BigInt).
 */
export function encodeEnvelope(type: string, requestId: string, payload: unknown): string {
  const body = JSON.stringify(payload);
  return prefixOf(type) + JSON.stringify(requestId) + ',"payload":' + (body === undefined ? 'null' : body) + '}';
}
