// The auth session: which credentials log in next, the switch to new ones (`setAuth`), the
// login in flight, and how the server's answers are read (success, refusal, transient or not,
// a revoked key). It sends nothing itself: the client builds and sends the frames.
//
// The authentication step is configuration (AuthConfig), not a fixed protocol: which request
// type, how to build its payload, how to recognise success and refusal. Niyantha's
// (`auth.login` → `auth.success` | `auth.failure`) is configured in niyantha-client.ts.
import { redact } from '@s2sdk/core';
import { encodeEnvelope } from '@s2sdk/ws-protocol';
import { KEY_REJECTED_CODES, TRANSIENT_AUTH_CODES, WsAuthenticationError } from './errors.js';
import type { OperationTableEntry, WebSocketLike } from './types.js';

/** How the answer to the authentication request reads: success (with the session) or a refusal. */
export type AuthOutcome = { ok: true; session?: unknown } | { ok: false; code: string; message?: string; details?: unknown };

export interface AuthConfig {
  /** The authentication request type (by default the `auth: true` row of the operation table). */
  type: string;
  /** Builds the authentication payload; called once per login, never stored. */
  payload: () => unknown;
  /** The public (non-secret) identifier of these credentials, e.g. the API key's public key; reported by WsKeyRejectedError. */
  publicKey?: () => string | undefined;
  /** Codes of the authentication error reply after which a reconnect is retried with backoff (default TRANSIENT_AUTH_CODES); every other code is fatal. */
  transientCodes?: readonly string[];
  /** Codes of error replies meaning the session's key was revoked or expired, surfaced as WsKeyRejectedError (default KEY_REJECTED_CODES). */
  keyRejectedCodes?: readonly string[];
  /**
   * Reply type of a successful authentication (default: the reply of `type`'s row in the operation
   * table). Required when `type` is not in the table.
   */
  successType?: string;
  /** Reply types that refuse the authentication (default: the error replies of `type`'s row, else `['error']`). */
  failureTypes?: readonly string[];
  /**
   * Reads a reply to the authentication request (one of `successType` / `failureTypes`), for
   * servers whose answer is not "success type = accepted, error type with `{ code, message }` =
   * refused" (e.g. one reply type with an `ok` flag). Default: exactly that reading.
   */
  outcome?: (reply: { type: string; payload: unknown }) => AuthOutcome;
}

/** New credentials for `setAuth()`: the type and the code lists stay those of the client's `auth`. */
export type AuthCredentials = Pick<AuthConfig, 'payload' | 'publicKey'>;

/** Credentials being switched to: committed when a login with them succeeds. */
export interface Candidate {
  readonly auth: AuthConfig;
  resolve(): void;
  reject(error: unknown): void;
}

/** A built authentication frame (it holds the secret: never kept beyond sending it). */
export interface LoginFrame {
  readonly id: string;
  readonly frame: string;
}

/** The authentication request in flight on a socket. */
export interface Login {
  readonly socket: WebSocketLike;
  readonly candidate: Candidate | undefined;
}

export class AuthSession {
  /** The operation row of the authentication request (its reply and error types), when configured. */
  readonly entry: OperationTableEntry | undefined;
  readonly #transient: ReadonlySet<string>;
  readonly #keyRejected: ReadonlySet<string>;
  #auth: AuthConfig | undefined;
  #candidate: Candidate | undefined;
  #switching: Promise<unknown> = Promise.resolve();
  /** The login in flight, if any. */
  login: Login | undefined;
  /** Public key of the credentials of the current session. */
  publicKey: string | undefined;
  /** Payload of the last successful authentication reply. */
  session: unknown;

  constructor(auth: AuthConfig | undefined, table: Readonly<Record<string, OperationTableEntry>>) {
    this.#auth = auth;
    this.#transient = new Set(auth?.transientCodes ?? TRANSIENT_AUTH_CODES);
    this.#keyRejected = new Set(auth?.keyRejectedCodes ?? KEY_REJECTED_CODES);
    if (!auth) return;
    if (typeof auth.payload !== 'function') throw new TypeError('auth.payload must be a function');
    const row = Object.prototype.hasOwnProperty.call(table, auth.type) ? table[auth.type] : undefined;
    const reply = auth.successType ?? row?.reply;
    if (reply === undefined) throw new TypeError(`auth type ${auth.type} is not in the operation table (or give auth.successType)`);
    this.entry = { reply, errors: auth.failureTypes ?? row?.errors ?? ['error'], chunk: null, streaming: false, auth: true };
  }

  /** Whether an authentication step is configured. */
  get configured(): boolean {
    return this.#auth !== undefined;
  }

  /** The configured authentication request type. */
  get type(): string | undefined {
    return this.#auth?.type;
  }

  /** The custom reading of authentication replies, if any (see AuthConfig.outcome). */
  get outcome(): AuthConfig['outcome'] {
    return this.#auth?.outcome;
  }

  isTransient(code: string): boolean {
    return this.#transient.has(code);
  }

  isKeyRejected(code: string): boolean {
    return this.#keyRejected.has(code);
  }

  /** The first transient code named in a close reason (a 4401 close carries no error payload). */
  transientCodeIn(reason: string | undefined): string | undefined {
    if (!reason) return undefined;
    for (const c of this.#transient) if (new RegExp(`\\b${escapeRegExp(c)}\\b`).test(reason)) return c;
    return undefined;
  }

  /** The authentication frame for `auth` (calls its payload builder; throws what it throws). */
  build(auth: AuthConfig, id: string): LoginFrame {
    return { id, frame: encodeEnvelope(auth.type, id, auth.payload()) };
  }

  /**
   * Builds the next login on `socket` and records it as in flight: with the candidate credentials
   * when a switch is pending (if their builder throws — nothing was sent — the switch rejects and
   * the current credentials are used), else the current ones. `built` is the frame when the
   * caller built it already. Throws when no frame can be built.
   */
  begin(socket: WebSocketLike, nextId: () => string, built?: LoginFrame): { login: Login; type: string; frame: LoginFrame } {
    let { auth, candidate } = this.next();
    if (!built) {
      try {
        built = this.build(auth, nextId());
      } catch (err) {
        if (!candidate) throw err;
        this.reject(candidate, err);
        candidate = undefined;
        auth = this.current;
        built = this.build(auth, nextId());
      }
    }
    const login: Login = { socket, candidate };
    this.login = login;
    return { login, type: auth.type, frame: built };
  }

  /** The credentials of the next login: the candidate's when a switch is pending, else the current ones. */
  next(): { auth: AuthConfig; candidate: Candidate | undefined } {
    const candidate = this.#candidate;
    return { auth: candidate?.auth ?? (this.#auth as AuthConfig), candidate };
  }

  /** The current credentials (the ones of the last successful login, or the configured ones). */
  get current(): AuthConfig {
    return this.#auth as AuthConfig;
  }

  /** Rejects the switch to `candidate` (it stays pending no longer); the current credentials remain. */
  reject(candidate: Candidate, error: unknown): void {
    if (this.#candidate === candidate) this.#candidate = undefined;
    candidate.reject(error);
  }

  /** A login succeeded: its credentials become the current ones. Returns the switch to resolve, if any. */
  succeeded(login: Login, session: unknown): Candidate | undefined {
    const candidate = login.candidate;
    if (candidate) {
      this.#auth = candidate.auth;
      if (this.#candidate === candidate) this.#candidate = undefined;
    }
    this.publicKey = safeCall(this.#auth?.publicKey);
    this.session = session;
    return candidate;
  }

  /**
   * The server refused a login: whether reconnecting may help. Refused new credentials reject
   * their switch and the previous ones stay (so a reconnect with them may help); a transient code
   * may pass; anything else is fatal.
   */
  refused(login: Login | undefined, err: WsAuthenticationError): boolean {
    const candidate = login?.candidate;
    if (candidate && !err.transient) {
      this.reject(candidate, err);
      return true;
    }
    return err.transient;
  }

  refusal(url: string, authType: string, code: string | undefined, message: string | undefined, details: unknown): WsAuthenticationError {
    return new WsAuthenticationError({
      url,
      authType,
      code: code ?? 'unauthenticated',
      message: message ?? 'authentication failed',
      details,
      transient: code !== undefined && this.#transient.has(code),
    });
  }

  /** The refusal of a 4401 close (no error payload: a transient code may be named in the reason). */
  closeRefusal(url: string, reason: string | undefined, closeCode: number): WsAuthenticationError {
    const transientCode = this.transientCodeIn(reason);
    return new WsAuthenticationError({
      url,
      authType: this.#auth?.type ?? 'auth',
      code: transientCode ?? 'unauthenticated',
      message: reason || `the server closed the connection (${closeCode})`,
      closeCode,
      transient: transientCode !== undefined,
    });
  }

  /** Reads an authentication reply with the configured `outcome` (default: success type, or error payload). */
  read(entry: OperationTableEntry, type: string, payload: unknown): AuthOutcome | undefined {
    const custom = this.#auth?.outcome;
    if (custom) return custom({ type, payload });
    if (type === entry.reply) return { ok: true, session: payload };
    if (!entry.errors.includes(type)) return undefined;
    const p = redact(payload) as { code?: unknown; message?: unknown; details?: unknown } | undefined;
    const refusal: AuthOutcome = { ok: false, code: typeof p?.code === 'string' ? p.code : 'unauthenticated', details: p?.details };
    if (typeof p?.message === 'string') refusal.message = p.message;
    return refusal;
  }

  /** `setAuth()` input on top of the current configuration (type, code lists, readings stay). */
  withCredentials(credentials: AuthCredentials): AuthConfig {
    const auth: AuthConfig = { ...(this.#auth as AuthConfig), payload: credentials.payload };
    if (credentials.publicKey) auth.publicKey = credentials.publicKey;
    else delete auth.publicKey;
    return auth;
  }

  /** Before any connection: the new credentials simply replace the current ones. */
  replace(auth: AuthConfig): void {
    this.#auth = auth;
  }

  /** Proposes `auth` for the next login; settles when a login with it has an outcome. */
  propose(auth: AuthConfig): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#candidate = { auth, resolve, reject };
    });
  }

  /** Like propose, for a login the caller sends at once (re-authentication on the open socket). */
  proposeNow(auth: AuthConfig, resolve: () => void, reject: (e: unknown) => void): void {
    this.#candidate = { auth, resolve, reject };
  }

  /** Runs `fn` after every earlier switch settled (switches are serialised). */
  serialize(fn: () => Promise<void>): Promise<void> {
    const p = this.#switching.then(fn, fn);
    this.#switching = p.catch(() => {});
    return p;
  }

  /** The client closes: a pending switch rejects with `error`. */
  end(error: unknown): void {
    const candidate = this.#candidate;
    this.#candidate = undefined;
    this.login = undefined;
    candidate?.reject(error);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeCall(fn: (() => string | undefined) | undefined): string | undefined {
  try {
    return fn?.();
  } catch {
    return undefined;
  }
}
