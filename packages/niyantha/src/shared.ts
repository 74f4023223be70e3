import { requestHints, validateBaseUrl } from '@s2sdk/core';

export const DEFAULT_BASE_URL = 'https://api.niyantha.in';

/** Security scheme names of specs/niyantha/openapi.yaml. */
export const SCHEMES = {
  apiKey: 'S2SApiKey',
  apiSecret: 'S2SApiSecret',
  basic: 'S2SBasic',
  session: 'SessionBearer',
} as const;

export function checkBaseUrl(baseUrl: unknown): string {
  return baseUrl === undefined ? DEFAULT_BASE_URL : validateBaseUrl(baseUrl);
}

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * A request that carries an `Idempotency-Key` was opted in to retries by its caller: mark it
 * retry-safe even when the operation's row says `idempotent: false` (a POST create). Without the
 * header, the row decides (state transitions and creates are sent once). The core transport gives
 * the row's hint precedence over the header, so the clients restate the header rule here.
 */
export function honourIdempotencyKey(request: Request): void {
  if (request.headers.has('idempotency-key')) requestHints.set(request, { ...requestHints.get(request), idempotent: true });
}
