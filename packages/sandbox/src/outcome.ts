// What a handler answers: a status and a body. Errors carry the Niyantha ErrorBody
// `{ code, message, details? }` (specs/niyantha/schemas/common.yaml); the other APIs map it to theirs.
import type { ErrorDetail } from './validate.js';

export interface Outcome {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** The state changed although the answer is an error (a counted wrong OTP): persist it too. */
  changed?: boolean;
}

export interface Failure extends Outcome {
  body: { code: string; message: string; details?: ErrorDetail[] };
}

export const ok = (body: unknown, status = 200): Outcome => ({ status, body });

export function fail(status: number, code: string, message: string, details?: ErrorDetail[]): Failure {
  return { status, body: { code, message, ...(details?.length ? { details } : {}) } };
}

export const isFailure = (o: Outcome): o is Failure => o.status >= 400;

export const notFound = (what: string, id: unknown) => fail(404, 'not_found', `${what} ${String(id)} was not found`);
export const validationFailed = (details: ErrorDetail[], message = 'The request is invalid') => fail(422, 'validation_failed', message, details);

/** WebSocket error code ↔ HTTP status (the error message's x-s2sdk-error-codes in asyncapi.yaml). */
export const WS_CODE_BY_STATUS: Record<number, string> = { 400: 'validation_failed', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 422: 'validation_failed', 429: 'rate_limited' };
