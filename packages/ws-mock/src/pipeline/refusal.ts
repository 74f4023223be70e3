// The decision a stage returns when the request goes no further: an error reply (of the
// protocol's error type) with this payload.
import type { ErrorSpec } from '../types';

export interface Refusal {
  readonly refuse: ErrorSpec;
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'refuse' in value;
}
