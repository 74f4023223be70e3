// Stage 3 — validate: the request frame against its message schema (compiled once, at start).
import { ProtocolErrorCode } from '@s2sdk/ws-protocol';
import { mayHaveAstral, type Envelope, type Validators } from '../messages';
import type { Refusal } from './refusal';

/**
 * Undefined when `request` is valid against the schema of `type`, else the validation_failed
 * refusal listing every issue. `raw` (the frame's text), when given, lets string lengths be
 * measured without a per-character loop when the frame has no character outside the BMP.
 */
export function validate(validators: Validators, type: string, request: Envelope, raw?: string): Refusal | undefined {
  const issues = validators.check(type, request, raw === undefined || mayHaveAstral(raw));
  if (issues.length === 0) return undefined;
  return { refuse: { code: ProtocolErrorCode.VALIDATION_FAILED, message: `Invalid ${type} request.`, details: issues } };
}
