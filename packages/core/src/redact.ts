// Redaction: secrets never appear in messages, logs, util.inspect or JSON.stringify.
import { ConfigurationError } from './errors.js';

import { INSPECT } from './inspect.js';

export { INSPECT };
export const REDACTED = '[REDACTED]';

// Text the core emits (error messages from servers that echo a credential, log lines) is
// scrubbed of every secret value it knows:
// - the values of all live Secret objects (and strings derived from them, such as a Basic
//   header), for as long as the Secret is alive — a long-lived credential is never forgotten;
// - loose values registered with registerSecretValue (short-lived tokens), the most recent 512.
const live = new Set<WeakRef<Secret>>();
const collected = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<WeakRef<Secret>>((ref) => live.delete(ref)) : undefined;
const MAX_LOOSE = 512;
const loose = new Set<string>();

function rememberLoose(value: string) {
  if (value.length < 4) return;
  loose.delete(value);
  loose.add(value);
  if (loose.size > MAX_LOOSE) loose.delete(loose.values().next().value as string);
}

function replaceAll(text: string, value: string): string {
  return value.length >= 4 && text.includes(value) ? text.split(value).join(REDACTED) : text;
}

/** Replaces every known secret value in `text`. */
export function scrub(text: string): string {
  if (text.length === 0) return text;
  let out = text;
  for (const ref of live) {
    const secret = ref.deref();
    if (secret === undefined) {
      live.delete(ref);
      continue;
    }
    for (const v of Secret.valuesOf(secret)) out = replaceAll(out, v);
  }
  for (const v of loose) out = replaceAll(out, v);
  return out;
}

/**
 * A secret string: `reveal()` gives the value; every other rendering
 * (`String()`, template literals, `JSON.stringify`, `util.inspect`) gives `[REDACTED]`.
 */
export class Secret {
  readonly #value: string;
  readonly #derived: string[] = [];
  constructor(value: string, label = 'secret') {
    if (typeof value !== 'string' || value.length === 0) throw new ConfigurationError(`${label} must be a non-empty string`);
    this.#value = value;
    const ref = new WeakRef(this);
    live.add(ref);
    collected?.register(this, ref);
  }
  /** @internal The value and the strings derived from it, for scrubbing. */
  static valuesOf(secret: Secret): readonly string[] {
    return secret.#derived.length ? [secret.#value, ...secret.#derived] : [secret.#value];
  }
  /** Registers a string derived from this secret (an encoded header…) to be scrubbed as long as the secret lives. */
  derive(value: string): string {
    if (!this.#derived.includes(value)) this.#derived.push(value);
    return value;
  }
  static from(value: string | Secret, label?: string): Secret {
    return value instanceof Secret ? value : new Secret(value, label);
  }
  reveal(): string {
    return this.#value;
  }
  equals(other: string | Secret): boolean {
    return (other instanceof Secret ? other.reveal() : other) === this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [INSPECT](): string {
    return `Secret(${REDACTED})`;
  }
}

/** Marks a short-lived secret string (a token) for scrubbing; the most recent 512 such values are kept. Prefer a Secret for long-lived credentials. */
export function registerSecretValue(value: string): void {
  rememberLoose(value);
}

// Exact names; `…Token`, `…Secret`, `…Password` suffixes; `secretKey`, `secretAccessKey`,
// `privateKey` and `…Authorization` (x-authorization) forms. Names that only count tokens or name
// a key (`total_tokens`, `key_id`, `token_type`, `otpExpiresIn`) are not secrets.
const SENSITIVE_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-api-secret|x-auth-token|password|passwd|pwd|pass|secrets?|client[-_]?secret|api[-_]?secret|api[-_]?key|otp([-_]?(code|value))?|pin|token|credentials?|signature)$|(access|refresh|id|session|auth|bearer|verification|user|api)[-_]?token$|(secret|password)$|(secret|private)[-_]?(access[-_]?)?key$|authorization$/i;

/** True for header and field names whose values are secrets. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** A deep copy of `value` with the values of sensitive keys and all Secret instances replaced, and known secrets scrubbed from strings. */
export function redact<T>(value: T, depth = 8): T {
  return redactInner(value, depth, new WeakSet()) as T;
}

function redactInner(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Secret) return REDACTED;
  if (seen.has(value)) return '[Circular]';
  if (depth <= 0) return '[Object]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactInner(v, depth - 1, seen));
  if (typeof Headers !== 'undefined' && value instanceof Headers) return redactHeaders(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSensitiveKey(k) && v != null ? REDACTED : redactInner(v, depth - 1, seen);
  return out;
}

/** Headers as a plain object with sensitive values replaced. */
export function redactHeaders(headers: Headers | Record<string, string> | [string, string][] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries = typeof Headers !== 'undefined' && headers instanceof Headers ? headers.entries() : Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [k, v] of entries) out[k.toLowerCase()] = isSensitiveKey(k) ? REDACTED : scrub(String(v));
  return out;
}

/** `Authorization: Basic …` value for user/secret; the encoded value is registered as a secret. */
export function basicAuthorization(user: string | Secret, password: string | Secret): string {
  const u = user instanceof Secret ? user.reveal() : user;
  const p = password instanceof Secret ? password.reveal() : password;
  const bytes = new TextEncoder().encode(`${u}:${p}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  const encoded = btoa(bin);
  if (password instanceof Secret) password.derive(encoded);
  else rememberLoose(encoded);
  return `Basic ${encoded}`;
}
