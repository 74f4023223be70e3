// Stage 2 — authenticate: may this connection send this request (gate), and, for the
// authentication request, who do its credentials identify (checkLogin).
import { timingSafeEqual } from 'node:crypto';
import type { ApiModel, OperationModel } from '@s2sdk/asyncapi-codegen';
import { ProtocolErrorCode } from '@s2sdk/ws-protocol';
import type { Envelope } from '../messages';
import type { AuthCheck, Credentials, ErrorSpec, Identity, MockKey } from '../types';
import type { Refusal } from './refusal';

/** A revoked key's error (`revokeKey`). */
export type Revocation = { code: string; message: string };

export interface GateContext {
  /** Requests other than the authentication request need an authenticated connection. */
  requireAuth: boolean;
  /** The authentication request type (for the refusal message). */
  authType: string | null;
  revoked: ReadonlyMap<string, Revocation>;
}

/** What the gate knows of a connection. */
export interface ConnectionAuth {
  authenticated: boolean;
  identity: Identity | undefined;
}

/**
 * Undefined when `op` may be served on the connection; else the refusal: `unauthenticated` before
 * the login, the key's revocation error once its key is revoked (the login itself always passes).
 */
export function gate(ctx: GateContext, op: OperationModel, conn: ConnectionAuth): Refusal | undefined {
  if (op.auth) return undefined;
  if (ctx.requireAuth && !conn.authenticated) return { refuse: { code: ProtocolErrorCode.UNAUTHENTICATED, message: `Authenticate with ${ctx.authType} first.` } };
  const key = conn.identity?.key;
  if (key !== undefined && ctx.revoked.size > 0) {
    const revocation = ctx.revoked.get(key);
    if (revocation) return { refuse: revocation };
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface LoginContext {
  keys: readonly MockKey[] | undefined;
  authCheck: AuthCheck | undefined;
}

/**
 * Who the credentials of a login identify, or undefined when they are refused. Synchronous unless
 * a custom `authCheck` returns a promise. The scope (`storeId`) is attached when the key may use it.
 */
export function checkLogin(ctx: LoginContext, payload: unknown, credentials: Credentials): Identity | undefined | Promise<Identity | undefined> {
  const storeId = typeof credentials.storeId === 'string' && credentials.storeId ? credentials.storeId : undefined;
  const withStore = (identity: Identity): Identity => {
    const out = { ...identity };
    delete out.storeId;
    if (storeId && (!identity.storeIds || identity.storeIds.includes(storeId))) out.storeId = storeId;
    return out;
  };
  if (ctx.authCheck) {
    const fromResult = (result: boolean | Identity | undefined): Identity | undefined => {
      if (!result) return undefined;
      if (result === true) return withStore({});
      const { key, accountId, storeIds } = result as Identity & Partial<MockKey>;
      return withStore({ ...(key !== undefined ? { key } : {}), ...(accountId !== undefined ? { accountId } : {}), ...(storeIds ? { storeIds } : {}) });
    };
    const result = ctx.authCheck({ payload, credentials, keys: ctx.keys });
    return result instanceof Promise || (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function')
      ? Promise.resolve(result).then(fromResult)
      : fromResult(result as boolean | Identity | undefined);
  }
  const key = typeof credentials.key === 'string' ? credentials.key : '';
  const secret = typeof credentials.secret === 'string' ? credentials.secret : '';
  if (!key || !secret) return undefined;
  if (!ctx.keys) return withStore({ key });
  const match = ctx.keys.find((k) => k.key === key && sameSecret(k.secret, secret));
  if (!match) return undefined;
  return withStore({ key: match.key, ...(match.accountId !== undefined ? { accountId: match.accountId } : {}), ...(match.storeIds ? { storeIds: [...match.storeIds] } : {}) });
}

/** The error of a refused login: the key's revocation, else the code and message of the spec's failure example (else `invalid_credentials`). */
export function loginRefusal(model: ApiModel, failureType: string, revocation: Revocation | undefined): ErrorSpec {
  if (revocation) return revocation;
  const example = ((model.messages.find((m) => m.type === failureType)?.examples[0] as Envelope | undefined)?.payload ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof example.code === 'string' ? example.code : 'invalid_credentials',
    message: typeof example.message === 'string' ? example.message : 'Invalid API key or secret.',
  };
}

/** The message type a refused login is answered with: the auth operation's own failure message (e.g. `auth.failure`), else the error type. */
export function authFailureTypeOf(authOp: OperationModel | undefined, errorType: string, modelErrorType: string | null | undefined): string {
  if (!authOp) return errorType;
  return (authOp.errors.find((e) => e.type !== modelErrorType) ?? authOp.errors[0])?.type ?? errorType;
}
