// Turns the parser's dereferenced (possibly cyclic) schema graph into plain JSON Schema
// 2020-12: named component schemas and cycles become `$defs` entries referenced with
// `{ "$ref": "#/$defs/<Name>" }`, parser annotations are dropped and draft-07 keywords
// are rewritten to their 2020-12 spelling.
import { type NameAllocator, pascalCase } from './names';
import { SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS, SUBSCHEMA_KEYWORDS } from './keywords';

export type JsonSchema = boolean | JsonSchemaObject;
export interface JsonSchemaObject {
  [keyword: string]: unknown;
}

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const SCHEMA_ID = 'x-parser-schema-id';
const DEFS_PREFIX = '#/$defs/';

const SUBSCHEMA = new Set(SUBSCHEMA_KEYWORDS);
const SCHEMA_MAP = new Set(SCHEMA_MAP_KEYWORDS);
const SCHEMA_LIST = new Set(SCHEMA_LIST_KEYWORDS);
/** Keywords dropped from the output: identifiers that would change the base URI, and definition containers (everything they hold is inlined by the parser). */
const DROPPED = new Set(['$id', '$schema', '$anchor', '$dynamicAnchor', '$defs', 'definitions', 'nullable']);

function isAnonymous(id: unknown): boolean {
  return typeof id !== 'string' || id.startsWith('<anonymous');
}

/** A readable type name from a schema id: a component key or the last segment of a URL-like `$id`. */
export function nameFromSchemaId(id: string): string {
  let base = id;
  if (/[/:#]/.test(base)) {
    const segments = base.split(/[/#:]/).filter(Boolean);
    base = segments[segments.length - 1] ?? base;
    base = base.replace(/\.(ya?ml|json)$/i, '');
  }
  return pascalCase(base);
}

function cloneData(value: unknown, seen = new Set<unknown>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return null;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => cloneData(v, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('x-parser-')) continue;
      out[k] = cloneData(v, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

export class SchemaBundler {
  /** Normalized named schemas, by def name. */
  readonly defs = new Map<string, JsonSchema>();
  readonly problems: string[] = [];
  private readonly names = new Map<object, string>();
  private readonly componentNames = new Map<string, string>();

  constructor(private readonly allocator: NameAllocator) {}

  /** Reserves the type name of a named (component) schema so that it keeps its name. */
  registerComponent(schemaId: string): string {
    const existing = this.componentNames.get(schemaId);
    if (existing) return existing;
    const base = nameFromSchemaId(schemaId);
    const name = this.allocator.allocate(base, 'Schema');
    this.componentNames.set(schemaId, name);
    return name;
  }

  /** Converts a schema found at `where` (for messages) to normalized JSON Schema. */
  normalize(raw: unknown, where: string): JsonSchema {
    return this.walk(raw, where, []);
  }

  private nameOf(raw: object, stack: readonly object[]): string | undefined {
    const known = this.names.get(raw);
    if (known) return known;
    const id = (raw as Record<string, unknown>)[SCHEMA_ID];
    let name: string | undefined;
    if (!isAnonymous(id)) {
      name = this.componentNames.get(id as string) ?? this.registerComponent(id as string);
    } else if (stack.includes(raw)) {
      // An anonymous recursive schema: it needs a name to be referenced.
      const title = (raw as Record<string, unknown>).title;
      const base = typeof title === 'string' && title ? pascalCase(title) : pascalCase(String(id ?? 'RecursiveSchema'));
      name = this.allocator.allocate(base, 'Schema');
    }
    if (name) this.names.set(raw, name);
    return name;
  }

  private walk(raw: unknown, where: string, stack: readonly object[]): JsonSchema {
    if (typeof raw === 'boolean') return raw;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.problems.push(`${where}: expected a schema (an object or a boolean), found ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw)}`);
      return true;
    }
    const name = this.nameOf(raw, stack);
    if (name) {
      if (!this.defs.has(name)) {
        this.defs.set(name, {}); // placeholder: recursion ends at the reference below
        this.defs.set(name, this.convert(raw, `#/components/schemas/${name}`, [raw]));
      }
      return { $ref: `${DEFS_PREFIX}${name}` };
    }
    return this.convert(raw, where, [...stack, raw]);
  }

  private convert(raw: object, where: string, stack: readonly object[]): JsonSchemaObject {
    const src = raw as Record<string, unknown>;
    const out: JsonSchemaObject = {};
    for (const [key, value] of Object.entries(src)) {
      if (key.startsWith('x-parser-') || DROPPED.has(key)) continue;
      const at = `${where}/${key}`;
      if (key === '$ref') {
        this.problems.push(`${where}: unresolved $ref ${JSON.stringify(value)}`);
        continue;
      }
      if (SUBSCHEMA.has(key)) {
        out[key] = this.walk(value, at, stack);
      } else if (SCHEMA_MAP.has(key) && value && typeof value === 'object') {
        const map: Record<string, JsonSchema> = {};
        for (const [k, v] of Object.entries(value)) map[k] = this.walk(v, `${at}/${k}`, stack);
        out[key] = map;
      } else if (SCHEMA_LIST.has(key) && Array.isArray(value)) {
        out[key] = value.map((v, i) => this.walk(v, `${at}/${i}`, stack));
      } else if (key === 'items') {
        if (Array.isArray(value)) {
          // draft-07 tuple form → prefixItems (+ additionalItems → items)
          out.prefixItems = value.map((v, i) => this.walk(v, `${at}/${i}`, stack));
          if (src.additionalItems !== undefined) out.items = this.walk(src.additionalItems, `${where}/additionalItems`, stack);
        } else {
          out.items = this.walk(value, at, stack);
        }
      } else if (key === 'additionalItems') {
        continue; // only meaningful with tuple `items`, handled above
      } else if (key === 'dependencies' && value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (Array.isArray(v)) {
            const dr = (out.dependentRequired ??= {}) as Record<string, unknown>;
            dr[k] = [...v];
          } else {
            const ds = (out.dependentSchemas ??= {}) as Record<string, unknown>;
            ds[k] = this.walk(v, `${at}/${k}`, stack);
          }
        }
      } else {
        out[key] = cloneData(value);
      }
    }
    // OpenAPI-style `nullable: true` (not AsyncAPI, but common in shared schemas).
    if (src.nullable === true && out.type !== undefined) {
      const types = Array.isArray(out.type) ? [...(out.type as unknown[])] : [out.type];
      if (!types.includes('null')) types.push('null');
      out.type = types;
    }
    return out;
  }
}

/** Names of the `$defs` a schema references directly. */
function directRefs(schema: unknown, into: Set<string>): void {
  if (!schema || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    for (const s of schema) directRefs(s, into);
    return;
  }
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(DEFS_PREFIX)) into.add(v.slice(DEFS_PREFIX.length));
    else if (k !== 'const' && k !== 'enum' && k !== 'examples' && k !== 'default' && k !== 'example') directRefs(v, into);
  }
}

/** The names of every `$defs` entry `schema` needs, transitively, sorted. */
export function refClosure(schema: JsonSchema, defs: ReadonlyMap<string, JsonSchema>): string[] {
  const seen = new Set<string>();
  const queue = new Set<string>();
  directRefs(schema, queue);
  while (queue.size) {
    const [next] = queue;
    queue.delete(next!);
    if (seen.has(next!)) continue;
    seen.add(next!);
    const found = new Set<string>();
    directRefs(defs.get(next!), found);
    for (const f of found) if (!seen.has(f)) queue.add(f);
  }
  return [...seen].sort();
}

/** A self-contained 2020-12 schema: `schema` plus every `$defs` entry it needs. */
export function bundle(schema: JsonSchema, defs: ReadonlyMap<string, JsonSchema>, id?: string): JsonSchemaObject {
  const body: JsonSchemaObject = typeof schema === 'boolean' ? (schema ? {} : { not: {} }) : { ...schema };
  const out: JsonSchemaObject = { $schema: JSON_SCHEMA_DIALECT };
  if (id) out.$id = id;
  Object.assign(out, body);
  const names = refClosure(schema, defs);
  if (names.length) {
    const $defs: Record<string, JsonSchema> = {};
    for (const n of names) $defs[n] = defs.get(n)!;
    out.$defs = $defs;
  }
  return out;
}

/** Deep copy with object keys sorted (arrays keep their order): stable JSON output. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out as T;
  }
  return value;
}
