// Bundles a multi-file AsyncAPI document into one object before it is parsed:
//  - schemas referenced from other files (`$ref: ../schemas/x.yaml#/Store`, and local refs
//    inside those files) are hoisted into `components.schemas` under their own name (`Store`),
//    so they become named types instead of copies inlined at every use;
//  - every other external `$ref` (messages, channels, …) is inlined;
//  - references into the root document stay as they are.
// Besides the naming, this sidesteps reference-resolution gaps of the parser's resolver with
// deeply nested relative references across files.
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS, SUBSCHEMA_KEYWORDS } from './keywords';
import { parseYaml } from './yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export class BundleError extends Error {
  override readonly name = 'BundleError';
}

type Kind = 'doc' | 'schema' | 'payload';

/** Keywords whose value is a single subschema (here `items` too: a schema or, in old drafts, a list walked the same way). */
const SUBSCHEMA = new Set([...SUBSCHEMA_KEYWORDS, 'additionalItems', 'items']);
const SCHEMA_MAP = new Set([...SCHEMA_MAP_KEYWORDS, 'definitions', '$defs']);
const SCHEMA_LIST = new Set(SCHEMA_LIST_KEYWORDS);

const isObject = (v: unknown): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);

/** The segments of a JSON pointer (`/a/b~1c` → `a`, `b/c`); throws on a malformed one. */
export function decodePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  if (!pointer.startsWith('/')) throw new BundleError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((p) => decodeURIComponent(p.replace(/~1/g, '/').replace(/~0/g, '~')));
}

export interface BundleResult {
  document: JsonObject;
  /** Every file read, root first. */
  files: string[];
}

/**
 * Bundles the document at `rootFile` (or `content`, standing for that file: relative references
 * resolve against its directory).
 */
export function bundleDocument(rootFile: string, content?: string | object): BundleResult {
  const root = resolve(rootFile);
  const cache = new Map<string, Json>();
  if (content !== undefined) {
    try {
      cache.set(root, (typeof content === 'string' ? parseYaml(content) : structuredClone(content)) as Json);
    } catch (err) {
      throw new BundleError(`cannot parse ${root}: ${(err as Error).message}`);
    }
  }
  const load = (file: string, from: string, ref: string): Json => {
    const hit = cache.get(file);
    if (hit !== undefined) return hit;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const where = file === root ? '' : ` ($ref "${ref}" in ${from})`;
      throw new BundleError(`cannot read ${file}${where}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let value: Json;
    try {
      value = parseYaml(text) as Json;
    } catch (err) {
      throw new BundleError(`cannot parse ${file}: ${(err as Error).message}`);
    }
    cache.set(file, value);
    return value;
  };

  const rootDoc = load(root, root, '');
  if (!isObject(rootDoc)) return { document: rootDoc as unknown as JsonObject, files: [root] };

  const resolveTarget = (ref: string, base: string): { file: string; pointer: string } => {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : ref.slice(hash + 1);
    return { file: filePart ? resolve(dirname(base), decodeURIComponent(filePart)) : base, pointer };
  };
  const valueAt = (file: string, pointer: string, from: string, ref: string): Json => {
    let node = load(file, from, ref);
    for (const part of decodePointer(pointer)) {
      if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)] as Json;
      else if (isObject(node) && part in node) node = node[part] as Json;
      else throw new BundleError(`$ref "${ref}" in ${from}: ${pointer} does not exist in ${file}`);
    }
    return node;
  };
  const isExternal = (ref: string) => !/^[a-z][a-z0-9+.-]*:/i.test(ref); // http:, urn:, … are left alone

  // ---- hoisted schemas ----
  const out = structuredClone(rootDoc) as JsonObject;
  const components = (isObject(out.components) ? out.components : (out.components = {})) as JsonObject;
  const schemas = (isObject(components.schemas) ? components.schemas : {}) as JsonObject;
  const hoisted = new Map<string, string>(); // "file#pointer" → component name
  const usedNames = new Set(Object.keys(schemas));
  const newSchemas: JsonObject = {};

  // Components that are just an external reference keep their name for that target.
  for (const [name, value] of Object.entries(schemas)) {
    if (isObject(value) && typeof value.$ref === 'string' && Object.keys(value).length === 1 && isExternal(value.$ref)) {
      const t = resolveTarget(value.$ref, root);
      if (t.file !== root) {
        const key = `${t.file}#${t.pointer}`;
        if (!hoisted.has(key)) hoisted.set(key, name);
      }
    }
  }

  const nameFor = (file: string, pointer: string): string => {
    const parts = decodePointer(pointer);
    let base = parts.length ? parts[parts.length - 1]! : basename(file, extname(file));
    base = base.replace(/[^A-Za-z0-9_.-]/g, '_') || 'Schema';
    let name = base;
    for (let n = 2; usedNames.has(name); n++) name = `${base}${n}`;
    usedNames.add(name);
    return name;
  };

  const inlining: string[] = [];
  const walk = (node: Json, kind: Kind, base: string, path: string[]): Json => {
    if (Array.isArray(node)) return node.map((v, i) => walk(v, kind === 'schema' ? 'schema' : 'doc', base, [...path, String(i)]));
    if (!isObject(node)) return node;

    if (typeof node.$ref === 'string' && isExternal(node.$ref)) {
      const ref = node.$ref;
      const target = resolveTarget(ref, base);
      const siblings: JsonObject = {};
      for (const [k, v] of Object.entries(node)) if (k !== '$ref') siblings[k] = v;
      if (target.file === root) {
        // A reference into the root document: keep it as an internal reference.
        return { $ref: `#${target.pointer}`, ...(walk(siblings, kind, base, path) as JsonObject) };
      }
      if (kind === 'schema' || kind === 'payload') {
        const key = `${target.file}#${target.pointer}`;
        let name = hoisted.get(key);
        if (!name || !(name in newSchemas)) {
          name ??= nameFor(target.file, target.pointer);
          hoisted.set(key, name);
          newSchemas[name] = {}; // placeholder: a cycle ends at the reference below
          newSchemas[name] = walk(valueAt(target.file, target.pointer, base, ref), 'schema', target.file, ['components', 'schemas', name]);
        }
        return { $ref: `#/components/schemas/${name}`, ...(walk(siblings, 'schema', base, path) as JsonObject) };
      }
      // Anything else is inlined, then walked relative to its own file.
      const key = `${target.file}#${target.pointer}`;
      if (inlining.includes(key)) throw new BundleError(`$ref "${ref}" in ${base}: circular reference outside schemas`);
      inlining.push(key);
      const inlined = walk(valueAt(target.file, target.pointer, base, ref), kind, target.file, path);
      inlining.pop();
      return isObject(inlined) ? { ...inlined, ...(walk(siblings, kind, base, path) as JsonObject) } : inlined;
    }

    const result: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      const childPath = [...path, key];
      let child: Kind = 'doc';
      if (kind === 'payload') {
        // A message payload: a schema, or a multi-format schema object { schemaFormat, schema }.
        if ('schemaFormat' in node && 'schema' in node) child = key === 'schema' ? 'schema' : 'doc';
        else child = 'schema';
        if (child === 'schema') {
          result[key] = walkSchemaKeyword(key, value, base, childPath);
          continue;
        }
      } else if (kind === 'schema') {
        result[key] = walkSchemaKeyword(key, value, base, childPath);
        continue;
      } else if (key === 'payload' || key === 'headers') {
        child = 'payload';
      } else if (path.length === 2 && path[0] === 'components' && path[1] === 'schemas') {
        child = 'schema';
      }
      result[key] = walk(value, child, base, childPath);
    }
    return result;
  };

  /** A keyword of a schema object: subschemas are walked as schemas, data keywords are copied. */
  const walkSchemaKeyword = (key: string, value: Json, base: string, path: string[]): Json => {
    if (SUBSCHEMA.has(key)) return walk(value, 'schema', base, path);
    if (SCHEMA_LIST.has(key) && Array.isArray(value)) return value.map((v, i) => walk(v, 'schema', base, [...path, String(i)]));
    if ((SCHEMA_MAP.has(key) || key === 'dependencies') && isObject(value)) {
      const m: JsonObject = {};
      for (const [k, v] of Object.entries(value)) m[k] = Array.isArray(v) ? v : walk(v, 'schema', base, [...path, k]);
      return m;
    }
    return value; // const, enum, examples, default, descriptions, extensions: data
  };

  // Walk everything but components.schemas first, then the components in document order.
  const walked = walk({ ...out, components: { ...components, schemas: {} } }, 'doc', root, []) as JsonObject;
  for (const [name, value] of Object.entries(schemas)) {
    if (isObject(value) && typeof value.$ref === 'string' && Object.keys(value).length === 1 && isExternal(value.$ref)) {
      const t = resolveTarget(value.$ref, root);
      if (t.file !== root && hoisted.get(`${t.file}#${t.pointer}`) === name) {
        if (!(name in newSchemas)) {
          newSchemas[name] = {};
          newSchemas[name] = walk(valueAt(t.file, t.pointer, root, value.$ref), 'schema', t.file, ['components', 'schemas', name]);
        }
        continue;
      }
    }
    newSchemas[name] = walk(value, 'schema', root, ['components', 'schemas', name]);
  }
  // Keep the document's own components first (in their order), then the hoisted ones.
  const finalSchemas: JsonObject = {};
  for (const name of Object.keys(schemas)) finalSchemas[name] = newSchemas[name]!;
  for (const [name, value] of Object.entries(newSchemas)) if (!(name in finalSchemas)) finalSchemas[name] = value;
  const walkedComponents = (walked.components as JsonObject) ?? {};
  if (Object.keys(finalSchemas).length) walkedComponents.schemas = finalSchemas;
  else delete walkedComponents.schemas;
  if (Object.keys(walkedComponents).length) walked.components = walkedComponents;
  else delete walked.components;
  return { document: walked, files: [...cache.keys()] };
}
