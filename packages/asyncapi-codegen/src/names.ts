// Naming helpers: TypeScript identifiers derived from message types and schema ids.

/** `store.create.ok` → `StoreCreateOk`, `account-keys_list` → `AccountKeysList`. */
export function pascalCase(input: string): string {
  const words = input
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  let out = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  if (!out) out = 'Anonymous';
  if (/^[0-9]/.test(out)) out = `T${out}`;
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * Names that must not be declared as exported types of a generated module: global types a
 * reader would expect to keep their usual meaning, TypeScript keywords and the names the
 * generated module itself declares.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'Array',
  'Boolean',
  'Date',
  'Error',
  'Event',
  'Function',
  'Map',
  'Number',
  'Object',
  'Promise',
  'Record',
  'RegExp',
  'Set',
  'String',
  'Symbol',
  'Partial',
  'Required',
  'Readonly',
  'Pick',
  'Omit',
  'Exclude',
  'Extract',
  'NonNullable',
  'Awaited',
  'Any',
  'Unknown',
  'Never',
  'Envelope',
  'Operations',
  'Events',
  'Messages',
  'MessageType',
  'RequestType',
  'EventType',
  'OperationTableEntry',
  'MessageRole',
]);

export function isReserved(name: string): boolean {
  return RESERVED_NAMES.has(name);
}

/** A single-quoted TypeScript string literal. */
export function tsString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

/** A property key: bare when it is an identifier, quoted otherwise. */
export function tsKey(name: string): string {
  return isIdentifier(name) ? name : tsString(name);
}

/** Allocates unique names: the first request for a base name gets it, later ones get a numeric suffix. */
export class NameAllocator {
  private readonly used = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.used.add(r);
  }

  has(name: string): boolean {
    return this.used.has(name);
  }

  allocate(base: string, fallbackSuffix = ''): string {
    let candidate = base;
    if (this.used.has(candidate) && fallbackSuffix && !candidate.endsWith(fallbackSuffix)) candidate = `${base}${fallbackSuffix}`;
    let n = 2;
    const stem = candidate;
    while (this.used.has(candidate)) candidate = `${stem}${n++}`;
    this.used.add(candidate);
    return candidate;
  }
}
