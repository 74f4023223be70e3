import { validateBaseUrl } from '@s2sdk/core';

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

