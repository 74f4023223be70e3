// Stage 4 — fault: the fault switches that apply to one request, and what they make of its
// answer (a plan: close, stay silent, or send these frames after this delay).
import type { FaultConfig, FaultSwitches } from '../types';

/** No switch set: the answer goes out as it is. Shared (frozen), so the common case allocates nothing. */
export const NO_FAULTS: Readonly<FaultSwitches> = Object.freeze({});

/** The switches for a request of `type` (undefined: a type the API does not know): server-wide ones, `neverReply`/`errorFor` for the type, then `byType`. */
export function resolveFaults(config: FaultConfig, type: string | undefined): FaultSwitches {
  const { byType, errorFor, dropAfterFrames: _drop, neverReply, ...global } = config;
  const out: FaultSwitches = { ...global };
  if (neverReply === true || (Array.isArray(neverReply) && type !== undefined && neverReply.includes(type))) out.neverReply = true;
  if (type !== undefined && errorFor?.[type]) out.error = errorFor[type];
  if (type !== undefined && byType?.[type]) Object.assign(out, byType[type]);
  return out;
}

/**
 * `resolveFaults` resolved once per request type for one configuration: `NO_FAULTS` when nothing
 * applies (the configuration is replaced as a whole by `setFaults`, which makes a new resolver).
 */
export class FaultResolver {
  readonly config: FaultConfig;
  readonly #byType = new Map<string | undefined, FaultSwitches>();
  readonly #empty: boolean;

  constructor(config: FaultConfig) {
    this.config = config;
    this.#empty = Object.keys(config).every((k) => k === 'dropAfterFrames' || (config as Record<string, unknown>)[k] === undefined);
  }

  for(type: string | undefined): FaultSwitches {
    if (this.#empty) return NO_FAULTS;
    let sw = this.#byType.get(type);
    if (sw === undefined) {
      const resolved = resolveFaults(this.config, type);
      sw = Object.values(resolved).some((v) => v !== undefined) ? Object.freeze(resolved) : NO_FAULTS;
      // Request types are the API's (bounded); unknown types all resolve as `undefined`.
      this.#byType.set(type, sw);
    }
    return sw;
  }
}

/** What to do with an answer. */
export type AnswerPlan =
  | { readonly kind: 'close'; readonly code: number; readonly reason: string }
  | { readonly kind: 'silent' }
  | { readonly kind: 'send'; readonly delayMs: number; readonly frames: readonly string[] };

export interface FaultInputs {
  /** The requestId the answer correlates to. */
  requestId: string;
  /** The encoded answer frames. */
  frames: readonly string[];
  /** The encoded error frame for an `error` switch. */
  errorFrame(spec: NonNullable<FaultSwitches['error']>): string;
  /** Deterministic randomness (seeded) for wrong ids and garbage. */
  random(): number;
}

/** The plan for an answer under the switches `sw`. */
export function planAnswer(sw: FaultSwitches, input: FaultInputs): AnswerPlan {
  if (sw.closeWith) return { kind: 'close', code: sw.closeWith.code, reason: sw.closeWith.reason ?? '' };
  if (sw.neverReply) return { kind: 'silent' };
  let out: string[] = sw.error ? [input.errorFrame(sw.error)] : [...input.frames];
  const garbage = sw.garbageFrame ? `<<not json ${Math.floor(input.random() * 1e9).toString(36)}>>` : undefined;
  if (sw.wrongRequestId) {
    const wrong = `${input.requestId}~${Math.floor(input.random() * 1e9).toString(36)}`;
    out = out.map((f) => JSON.stringify({ ...(JSON.parse(f) as object), requestId: wrong }));
  }
  if (sw.replyTwice && out.length) out.push(out[out.length - 1]!);
  if (garbage !== undefined) out.unshift(garbage);
  return { kind: 'send', delayMs: sw.delayMs && sw.delayMs > 0 ? sw.delayMs : 0, frames: out };
}
