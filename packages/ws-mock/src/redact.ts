// Redaction of logged frames for util.inspect / JSON.stringify: fields whose name is a secret's
// (`isSensitiveKey` of @s2sdk/core, the one rule) and the values the mock knows are credentials
// (the marked credential fields of the authentication request, the configured secrets).
import { isSensitiveKey } from '@s2sdk/core';

export const REDACTED = '[REDACTED]';

// Field names repeat from frame to frame: the rule's answer is remembered (bounded).
const sensitiveNames = new Map<string, boolean>();
function sensitive(key: string): boolean {
  let yes = sensitiveNames.get(key);
  if (yes === undefined) {
    yes = isSensitiveKey(key);
    if (sensitiveNames.size >= 4096) sensitiveNames.clear();
    sensitiveNames.set(key, yes);
  }
  return yes;
}

function holdsSecret(text: string, secrets: readonly unknown[]): boolean {
  for (const v of secrets) if (v === text || (typeof v === 'string' && v.length >= 4 && text.includes(v))) return true;
  return false;
}

/**
 * True when {@link redactDeep}`(value, values)` would change something: a non-empty value under a
 * credential-looking key, or a value equal to (a string containing) one of `values`. Walks
 * without copying, so a frame with nothing to redact costs no allocation.
 */
export function needsRedaction(value: unknown, values: readonly unknown[] = [], depth = 0): boolean {
  if (typeof value === 'string') return values.length > 0 && value !== '' && holdsSecret(value, values);
  if (value === null || typeof value !== 'object') return values.length > 0 && value !== undefined && values.includes(value);
  if (depth > 20) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (needsRedaction(value[i], values, depth + 1)) return true;
    return false;
  }
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    // `__proto__` (an own key of JSON.parse's result) is not read back by indexing: take the slow path.
    if (k === '__proto__') return true;
    if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
    const v = obj[k];
    if (v !== null && v !== undefined && v !== '' && sensitive(k)) return true;
    if (needsRedaction(v, values, depth + 1)) return true;
  }
  return false;
}

/**
 * A copy of `value` with the values of credential-looking keys replaced by `[REDACTED]`, and so is
 * every value equal to one of `values` (e.g. the secret read from a marked credential field,
 * whatever its field is called).
 */
export function redactDeep(value: unknown, values: readonly unknown[] = [], depth = 0): unknown {
  if (values.length && value !== '' && values.includes(value)) return REDACTED;
  // A secret inside a longer string (a field that is not credential-looking) is cut out too.
  if (typeof value === 'string' && values.length) {
    let text = value;
    for (const v of values) if (typeof v === 'string' && v.length >= 4 && text.includes(v)) text = text.split(v).join(REDACTED);
    return text;
  }
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, values, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = sensitive(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactDeep(v, values, depth + 1);
  return out;
}

/** The string values held under credential-looking keys (at any depth). `complete` is false when such a key holds something else (a number, an object…). */
function sensitiveStrings(value: unknown, out: { values: Set<string>; complete: boolean }, under = false, depth = 0): void {
  if (depth > 20 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    if (under && value !== '') out.values.add(value);
    return;
  }
  if (typeof value !== 'object') {
    if (under) out.complete = false;
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) sensitiveStrings(v, out, under, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value)) sensitiveStrings(v, out, under || sensitive(k), depth + 1);
}

/**
 * What the mock keeps of a received frame's text: `raw` with the values of credential-looking
 * fields of `parsed` (and every string in `known`, e.g. the configured secrets) replaced by
 * `[REDACTED]` (so are `values`). When a value cannot be found verbatim (unusual escaping), the redacted JSON of
 * `parsed` is kept instead, so a secret is never kept.
 */
export function redactRaw(raw: string, parsed: unknown, known: readonly string[] = [], values: readonly unknown[] = []): string {
  const found = { values: new Set<string>(), complete: true };
  if (parsed !== undefined) sensitiveStrings(parsed, found);
  // `values` (e.g. the secret of a marked credential field) are replaced wherever they are a whole JSON value.
  for (const v of values) {
    if (typeof v === 'string') {
      if (v !== '') found.values.add(v);
    } else if (v !== undefined && v !== null) found.complete = false;
  }
  let text: string | undefined = found.complete ? raw : undefined;
  for (const v of found.values) {
    if (text === undefined) break;
    const encoded = JSON.stringify(v);
    text = text.includes(encoded) ? text.split(encoded).join(JSON.stringify(REDACTED)) : undefined;
  }
  text ??= JSON.stringify(redactDeep(parsed, values));
  for (const k of known) if (k.length > 0 && text.includes(k)) text = text.split(k).join(REDACTED);
  return text;
}
