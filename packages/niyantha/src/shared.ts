import { ConfigurationError } from '@s2sdk/core';

export const DEFAULT_BASE_URL = 'https://api.niyantha.in';

/** Security scheme names of specs/niyantha/openapi.yaml. */
export const SCHEMES = {
  apiKey: 'S2SApiKey',
  apiSecret: 'S2SApiSecret',
  basic: 'S2SBasic',
  session: 'SessionBearer',
} as const;

export function checkBaseUrl(baseUrl: unknown): string {
  if (baseUrl === undefined) return DEFAULT_BASE_URL;
  if (typeof baseUrl !== 'string' || baseUrl === '') throw new ConfigurationError('`baseUrl` must be a non-empty URL string (default https://api.niyantha.in)');
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new ConfigurationError('`baseUrl` is not a valid URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigurationError('`baseUrl` must be an http(s) URL');
  if (parsed.username || parsed.password) throw new ConfigurationError('`baseUrl` must not contain credentials');
  if (parsed.search || parsed.hash) throw new ConfigurationError('`baseUrl` must not contain a query or fragment');
  return baseUrl.replace(/\/+$/, '');
}

export interface CallOptions {
  signal?: AbortSignal;
}
