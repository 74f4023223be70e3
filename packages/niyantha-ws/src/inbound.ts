// Inbound frames: parse, correlate by requestId, and deliver — a chunk to its stream, the final
// reply (validated, transformed) or a typed error to its request — or hand the frame on as a
// server event. The hot path: one decode, one Map lookup, no per-frame closures.
import { redact, type Logger } from '@s2sdk/core';
import { ENVELOPE_PROBLEM_TEXT, decodeEnvelope } from '@s2sdk/ws-protocol';
import type { AuthSession } from './auth-session.js';
import type { Correlator, Pending } from './correlator.js';
import { WsKeyRejectedError, WsProtocolError, WsRequestError, WsValidationError } from './errors.js';
import type { FrameValidator } from './options.js';
import type { Envelope, OperationTableEntry } from './types.js';

export interface RouterOptions {
  /** Every reply, error and chunk type of the operations: a stray one is dropped, not an event. */
  readonly replyTypes: ReadonlySet<string>;
  readonly requests: Correlator;
  readonly auth: AuthSession;
  readonly validator: FrameValidator | undefined;
  readonly replyTransforms: Readonly<Record<string, (payload: unknown) => unknown>>;
  readonly log: Required<Logger>;
  /** The URL as errors may show it (no credentials). */
  readonly url: string;
  /** A frame that answers no request: a server event. */
  readonly onEvent: (msg: Envelope) => void;
}

/** Collects every reply, error and chunk type of a table (and of the auth step). */
export function replyTypesOf(table: Readonly<Record<string, OperationTableEntry>>, extra?: OperationTableEntry): Set<string> {
  const types = new Set<string>();
  const add = (e: OperationTableEntry) => {
    types.add(e.reply);
    for (const t of e.errors) types.add(t);
    if (e.chunk) types.add(e.chunk);
  };
  for (const k of Object.keys(table)) add(table[k] as OperationTableEntry);
  if (extra) add(extra);
  return types;
}

export class Router {
  readonly #o: RouterOptions;
  readonly #requests: Correlator;
  readonly #log: Required<Logger>;

  constructor(options: RouterOptions) {
    this.#o = options;
    this.#requests = options.requests;
    this.#log = options.log;
  }

  /** One inbound frame (a text frame's data, or anything else the transport delivered). */
  receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.#log.warn('ignoring a non-text frame');
      return;
    }
    const msg = decodeEnvelope(data, false);
    if (typeof msg === 'string') {
      if (msg === 'not-json') this.#log.warn('ignoring a frame that is not JSON', { length: data.length });
      else this.#log.warn('ignoring a frame that is not an envelope', { problem: ENVELOPE_PROBLEM_TEXT[msg] });
      return;
    }
    const id = msg.requestId;
    if (typeof id === 'string') {
      const p = this.#requests.get(id);
      if (p !== undefined) {
        this.#dispatch(p, msg);
        return;
      }
      const why = this.#requests.whyEnded(id);
      if (why !== undefined) {
        this.#log.debug('dropping a reply for a request that already ended', { type: msg.type, requestId: id, reason: why });
        return;
      }
      if (this.#o.replyTypes.has(msg.type)) {
        this.#log.debug('dropping a reply that matches no pending request', { type: msg.type, requestId: id });
        return;
      }
    }
    const validator = this.#o.validator;
    if (validator) {
      const problems = validator('incoming', msg);
      if (problems && problems.length) this.#log.warn('event does not match its schema', { type: msg.type, problems });
    }
    this.#o.onEvent(msg);
  }

  #dispatch(p: Pending, msg: Envelope): void {
    const t = msg.type;
    const e = p.entry;
    if (e.auth) {
      this.#dispatchAuth(p, msg);
      return;
    }
    if (t === e.chunk) {
      if (!this.#checkIncoming(p, msg)) return;
      this.#requests.touch(p);
      // request() on a streaming type (untyped callers) just waits for the final reply.
      p.onChunk?.(msg.payload);
      return;
    }
    if (t === e.reply) {
      if (!this.#checkIncoming(p, msg)) return;
      const transform = this.#o.replyTransforms[p.type];
      if (!transform) {
        this.#requests.settle(p, msg.payload, true);
        return;
      }
      let out: unknown;
      try {
        out = transform(msg.payload);
      } catch (err) {
        this.#requests.settle(p, err, false, 'reply transform failed');
        return;
      }
      this.#requests.settle(p, out, true);
      return;
    }
    if (e.errors.includes(t)) {
      this.#requests.settle(p, this.#errorFor(p, msg), false);
      return;
    }
    this.#unexpected(p, t);
  }

  #checkIncoming(p: Pending, msg: Envelope): boolean {
    const validator = this.#o.validator;
    if (!validator) return true;
    const problems = validator('incoming', msg);
    if (!problems || problems.length === 0) return true;
    this.#requests.settle(p, new WsValidationError('incoming', msg.type, problems), false, 'invalid reply');
    return false;
  }

  #errorFor(p: Pending, msg: Envelope): Error {
    const payload = redact(msg.payload) as { code?: unknown } | undefined;
    const code = typeof payload?.code === 'string' ? payload.code : undefined;
    const init = { requestType: p.type, requestId: p.id, replyType: msg.type, payload: payload as never };
    if (code !== undefined && this.#o.auth.isKeyRejected(code)) return new WsKeyRejectedError({ ...init, publicKey: p.sessionKey });
    return new WsRequestError(init);
  }

  /** A reply to the authentication request: read it as the configured auth step says. */
  #dispatchAuth(p: Pending, msg: Envelope): void {
    const auth = this.#o.auth;
    const outcome = auth.read(p.entry, msg.type, msg.payload);
    if (outcome === undefined) {
      this.#unexpected(p, msg.type);
      return;
    }
    if (!outcome.ok) {
      this.#requests.settle(p, auth.refusal(this.#o.url, p.type, outcome.code, outcome.message, outcome.details), false);
      return;
    }
    if (!this.#checkIncoming(p, msg)) return;
    this.#requests.settle(p, outcome.session === undefined ? msg.payload : outcome.session, true);
  }

  #unexpected(p: Pending, t: string): void {
    this.#log.warn('unexpected reply type for request', { requestType: p.type, type: t, requestId: p.id });
    this.#requests.settle(p, new WsProtocolError(`${p.type} got an unexpected reply of type ${JSON.stringify(t)} [requestId ${p.id}]`), false, 'protocol error');
  }
}
