// Stage 3 — validate: the request frame against its message schema (compiled once, at start).
import { ProtocolErrorCode } from '@s2sdk/ws-protocol';
import type { Envelope, Validators } from '../messages';
import type { Refusal } from './refusal';

/** Undefined when `request` is valid against the schema of `type`, else the validation_failed refusal listing every issue. */
export function validate(validators: Validators, type: string, request: Envelope): Refusal | undefined {
  const issues = validators.check(type, request);
  if (issues.length === 0) return undefined;
  return { refuse: { code: ProtocolErrorCode.VALIDATION_FAILED, message: `Invalid ${type} request.`, details: issues } };
}
