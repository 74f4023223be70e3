// The account's interactive-login password (openapi.yaml updateAccountPassword). The sandbox
// keeps one per account as a SHA-256 (`AccountCredential` records, persisted with --state like
// the key secrets); an account without a record has the default password. A wrong
// `current_password` is the spec's 422 with a detail at `/current_password`; the password is
// never echoed in errors or logs.
import type { Engine } from '../engine.js';
import { validationFailed, type Outcome } from '../outcome.js';
import { tokenHash } from '../tokens.js';

type Obj = Record<string, unknown>;

export const CREDENTIAL_COLLECTION = 'AccountCredential';
/**
 * The default password of every account: the `current_password` of the spec's own example
 * request, so that example is valid against a fresh sandbox (fixture `accountPassword` changes it).
 */
export const DEFAULT_ACCOUNT_PASSWORD = 'old-Passw0rd!';

/** The hashed password record of the start state (core.ts apply). */
export const credentialRecord = (accountId: number, password: string) => ({ account_id: accountId, password_sha256: tokenHash(password) });

export function updateAccountPassword(engine: Engine, body: Obj): Outcome {
  const account = engine.accountId();
  const rec = engine.store.all(CREDENTIAL_COLLECTION, (r) => r.account_id === account)[0];
  const current = rec ? String(rec.password_sha256) : tokenHash(DEFAULT_ACCOUNT_PASSWORD);
  if (tokenHash(String(body.current_password)) !== current) return validationFailed([{ path: '/current_password', message: 'is not the current password' }], 'The current password is wrong');
  const next = tokenHash(String(body.new_password));
  if (next === current) return validationFailed([{ path: '/new_password', message: 'must differ from the current password' }]);
  if (rec) engine.store.update(CREDENTIAL_COLLECTION, rec.id, { password_sha256: next, updated_at: engine.now() });
  else engine.store.insert(CREDENTIAL_COLLECTION, { account_id: account, password_sha256: next, updated_at: engine.now() });
  return { status: 204 };
}
