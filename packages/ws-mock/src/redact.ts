// Redaction of credential-looking fields for util.inspect / JSON.stringify of logged frames.
const SENSITIVE = /secret|token|password|passwd|otp|authorization|api[-_]?key|credential/i;

export const REDACTED = '[REDACTED]';

/** A copy of `value` with the values of credential-looking keys replaced by `[REDACTED]`. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE.test(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactDeep(v, depth + 1);
  return out;
}
