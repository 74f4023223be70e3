// Field marks of the authentication messages: schema extensions that say where the credentials
// sit in the authentication request (`x-s2sdk-credential: key | secret | scope`) and where the
// identity sits in its success reply (`x-s2sdk-identity: account | scope`). Read from the bundled
// document (before the parser dereferences it), because a mark written next to a `$ref`
// (`token: { $ref: PublicKey, x-s2sdk-credential: key }`) is dropped by dereferencing.

export const CREDENTIAL_EXTENSION = 'x-s2sdk-credential';
export const IDENTITY_EXTENSION = 'x-s2sdk-identity';

/** Roles of `x-s2sdk-credential`: the key's public id, its secret, and an optional scope (e.g. a store) to attach. */
export const CREDENTIAL_ROLES = ['key', 'secret', 'scope'] as const;
export type CredentialRole = (typeof CREDENTIAL_ROLES)[number];

/** Roles of `x-s2sdk-identity`: the account the connection is authenticated as, and the attached scope. */
export const IDENTITY_ROLES = ['account', 'scope'] as const;
export type IdentityRole = (typeof IDENTITY_ROLES)[number];

/** A marked field: its role and its location as property names from the envelope root (e.g. `['payload', 'metadata', 'secret']`). */
export interface FieldMark<Role extends string = string> {
  role: Role;
  path: string[];
}

type Node = Record<string, unknown>;
const isObject = (v: unknown): v is Node => !!v && typeof v === 'object' && !Array.isArray(v);

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Follows an internal `$ref` (`#/…`) chain; undefined for external or dangling references. */
function deref(doc: unknown, node: unknown, depth = 0): unknown {
  if (!isObject(node) || typeof node.$ref !== 'string' || depth > 32) return node;
  if (!node.$ref.startsWith('#')) return undefined;
  return deref(doc, valueAt(doc, decodeURIComponent(node.$ref.slice(1))), depth + 1);
}

/** The value at a JSON pointer of `doc`, following `$ref`s on the way (undefined when missing). */
export function valueAt(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const part of decodePointer(pointer)) {
    node = deref(doc, node);
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)];
    else if (isObject(node) && part in node) node = node[part];
    else return undefined;
  }
  return node;
}

/**
 * The fields of a message payload schema (the envelope schema, at `pointer` in the bundled
 * document) marked with `extension`. A mark may sit on a property schema, next to a `$ref`, or on
 * the referenced schema; `allOf`/`anyOf`/`oneOf` parts are searched too (a field marked in
 * several alternatives is listed once per distinct path). Invalid role values are reported in
 * `problems`.
 */
export function collectMarks<Role extends string>(
  doc: unknown,
  pointer: string,
  extension: string,
  roles: readonly Role[],
  where: string,
  problems: string[],
): FieldMark<Role>[] {
  const out: FieldMark<Role>[] = [];
  const seen = new Set<string>();
  let root = valueAt(doc, pointer);
  // A multi-format schema object { schemaFormat, schema }.
  if (isObject(root) && 'schemaFormat' in root && 'schema' in root) root = root.schema;
  const walk = (node: unknown, path: string[], stack: readonly object[]): void => {
    if (!isObject(node) || stack.length > 32 || stack.includes(node)) return;
    const inner = [...stack, node];
    const mark = node[extension];
    if (mark !== undefined) {
      if (typeof mark === 'string' && (roles as readonly string[]).includes(mark)) {
        const key = `${mark}\u0000${path.join('\u0000')}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ role: mark as Role, path });
        }
      } else {
        problems.push(`${where}: ${extension} at ${path.length ? path.join('.') : '(root)'} must be one of ${roles.join(', ')}, found ${JSON.stringify(mark)}`);
      }
    }
    if (typeof node.$ref === 'string') walk(deref(doc, node), path, inner);
    if (isObject(node.properties)) for (const [k, v] of Object.entries(node.properties)) walk(v, [...path, k], inner);
    for (const kw of ['allOf', 'anyOf', 'oneOf'] as const) {
      const parts = node[kw];
      if (Array.isArray(parts)) for (const part of parts) walk(part, path, inner);
    }
  };
  walk(root, [], []);
  return out;
}
