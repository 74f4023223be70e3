// Where the authentication request carries its credentials: the fields the document marks with
// `x-s2sdk-credential: key | secret | scope`, overridden per role by dot paths (option / CLI), and
// the built-in shape `{ token, metadata: { secret, storeId } }` when the document has no marks.
import type { OperationModel } from '@s2sdk/asyncapi-codegen';
import type { CredentialPaths, CredentialRole, Credentials } from './types';

export const CREDENTIAL_ROLES: readonly CredentialRole[] = ['key', 'secret', 'scope'];

/** The credential fields of documents without `x-s2sdk-credential` marks. */
export const DEFAULT_CREDENTIAL_PATHS: Readonly<Record<CredentialRole, readonly string[]>> = {
  key: ['payload', 'token'],
  secret: ['payload', 'metadata', 'secret'],
  scope: ['payload', 'metadata', 'storeId'],
};

/** Per role, the candidate paths (from the frame root); the first one holding a value wins. */
export type ResolvedCredentialPaths = Record<CredentialRole, string[][]>;

/** `payload.metadata.secret` → `['payload', 'metadata', 'secret']`; throws a usage error for anything else. */
export function parseCredentialPath(role: string, path: string): string[] {
  const parts = path.split('.');
  if (!parts.every((p) => p.length > 0)) throw new Error(`credential path for ${role} must be a dot path such as payload.token, found ${JSON.stringify(path)}`);
  if (parts[0] !== 'payload' || parts.length < 2) {
    throw new Error(`credential path for ${role} must start at the frame root with "payload." (e.g. payload.${parts[parts.length - 1]}), found ${JSON.stringify(path)}`);
  }
  return parts;
}

/** The credential fields to read: the document's marks (else the built-in shape), with `override` replacing whole roles. */
export function resolveCredentialPaths(authOp: OperationModel | undefined, override: CredentialPaths = {}): ResolvedCredentialPaths {
  const out: ResolvedCredentialPaths = { key: [], secret: [], scope: [] };
  const marks = authOp?.credentialFields ?? [];
  if (marks.length) for (const m of marks) out[m.role].push([...m.path]);
  else for (const role of CREDENTIAL_ROLES) out[role].push([...DEFAULT_CREDENTIAL_PATHS[role]]);
  for (const [role, path] of Object.entries(override)) {
    if (path === undefined) continue;
    if (!(CREDENTIAL_ROLES as readonly string[]).includes(role)) throw new Error(`unknown credential role ${JSON.stringify(role)} (expected ${CREDENTIAL_ROLES.join(', ')})`);
    out[role as CredentialRole] = [parseCredentialPath(role, path)];
  }
  return out;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const p of path) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[p];
  }
  return node;
}

/** Reads the credentials of an authentication request frame at `paths`. A numeric scope is read as its decimal string. */
export function readCredentials(frame: unknown, paths: ResolvedCredentialPaths): Credentials {
  const first = (role: CredentialRole) => {
    for (const path of paths[role]) {
      const v = valueAt(frame, path);
      if (v !== undefined && v !== null) return v;
    }
    return undefined;
  };
  const scope = first('scope');
  const out: Credentials = { key: first('key'), secret: first('secret') };
  if (scope !== undefined) out.storeId = typeof scope === 'number' && Number.isFinite(scope) ? String(scope) : scope;
  return out;
}

/** `{ key: ['payload.token'], … }`: the resolved paths as dot strings (for display). */
export function describeCredentialPaths(paths: ResolvedCredentialPaths): Record<CredentialRole, string[]> {
  return { key: paths.key.map((p) => p.join('.')), secret: paths.secret.map((p) => p.join('.')), scope: paths.scope.map((p) => p.join('.')) };
}
