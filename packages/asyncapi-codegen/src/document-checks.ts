// The two checks of @asyncapi/parser's core ruleset that the generator does not run through the
// parser, done instead on the bundled (unresolved) document, where each object is visited once.
//
// Why: Spectral runs those two rules over the *resolved* document, in which every operation's
// `channel` (and its reply's) is a full copy of the channel with all its messages. For the
// Niyantha document that tree is ~77 MB of JSON, and the two rules cost 7–8 s of the ~10 s a full
// validation takes, while the other core rules together take well under a second. The rules:
//   - `asyncapi-document-resolved`: the AsyncAPI JSON Schema over the resolved tree. Here the
//     same JSON Schema (the parser's own copy, `getSchema`) runs over the unresolved document
//     (`s2sdk-document-schema` below), which holds every channel, operation, message and schema
//     at its own position, so each is checked once; what only the resolved pass adds is that a
//     `$ref` lands on the right kind of object, and `refKindProblems` checks exactly that, from a
//     table of positions. (The parser's `asyncapi-document-unresolved` rule, kept, reports only
//     the `$ref`s placed where none is allowed.)
//   - `asyncapi3-channel-parameters`: `channelParameterProblems` is the same rule (every `{name}`
//     of a channel's address is a parameter, and no parameter is redundant).
// `npm run lint` still validates every AsyncAPI document with Spectral's own asyncapi ruleset
// (resolved document included), so nothing here replaces the authoritative check: it keeps
// `generate` (and every load by the mock and the sandbox) fast and still rejects such documents.

import { getSchema } from '@asyncapi/parser/cjs/ruleset/functions/documentStructure.js';
import { schema as jsonSchema } from '@stoplight/spectral-functions';
import { decodePointer } from './bundle';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a `$ref` may point, by the position it sits at (path segments; `*` is any key or index). */
const REF_TARGETS: ReadonlyArray<{ at: readonly string[]; kind: string; target: RegExp }> = [
  { at: ['operations', '*', 'channel'], kind: 'a channel', target: /^#\/(components\/)?channels\/[^/]+$/ },
  { at: ['operations', '*', 'reply', 'channel'], kind: 'a channel', target: /^#\/(components\/)?channels\/[^/]+$/ },
  { at: ['components', 'operations', '*', 'channel'], kind: 'a channel', target: /^#\/(components\/)?channels\/[^/]+$/ },
  { at: ['components', 'operations', '*', 'reply', 'channel'], kind: 'a channel', target: /^#\/(components\/)?channels\/[^/]+$/ },
  { at: ['operations', '*', 'messages', '*'], kind: "a channel's message", target: /^#\/(components\/)?channels\/[^/]+\/messages\/[^/]+$/ },
  { at: ['operations', '*', 'reply', 'messages', '*'], kind: "a channel's message", target: /^#\/(components\/)?channels\/[^/]+\/messages\/[^/]+$/ },
  { at: ['channels', '*', 'messages', '*'], kind: 'a message', target: /^#\/components\/messages\/[^/]+$/ },
  { at: ['components', 'channels', '*', 'messages', '*'], kind: 'a message', target: /^#\/components\/messages\/[^/]+$/ },
  { at: ['channels', '*', 'servers', '*'], kind: 'a server', target: /^#\/(components\/)?servers\/[^/]+$/ },
  { at: ['components', 'messages', '*', 'payload'], kind: 'a schema', target: /^#\/components\/schemas\/[^/]+/ },
  { at: ['components', 'messages', '*', 'headers'], kind: 'a schema', target: /^#\/components\/schemas\/[^/]+/ },
  { at: ['operations', '*', 'security', '*'], kind: 'a security scheme', target: /^#\/components\/securitySchemes\/[^/]+$/ },
  { at: ['servers', '*', 'security', '*'], kind: 'a security scheme', target: /^#\/components\/securitySchemes\/[^/]+$/ },
];

const matches = (pattern: readonly string[], path: readonly string[]) => pattern.length === path.length && pattern.every((p, i) => p === '*' || p === path[i]);

/** The node at a JSON pointer of the document (`/channels/ws`), or undefined when there is none or the pointer is malformed. */
function nodeAt(document: JsonObject, pointer: string): Json | undefined {
  let parts: string[];
  try {
    parts = decodePointer(pointer);
  } catch {
    return undefined;
  }
  let node: Json = document;
  for (const part of parts) {
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)] as Json;
    else if (isObject(node) && Object.prototype.hasOwnProperty.call(node, part)) node = node[part] as Json;
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Every `$ref` at a known position must be local, exist and point to the kind of object that position takes. */
export function refKindProblems(document: unknown): string[] {
  if (!isObject(document)) return [];
  const problems: string[] = [];
  for (const rule of REF_TARGETS) {
    const visit = (node: Json | undefined, depth: number, path: string[]): void => {
      if (node === undefined) return;
      if (depth === rule.at.length) {
        if (!isObject(node) || typeof node.$ref !== 'string') return;
        const ref = node.$ref;
        const where = path.join('.');
        if (!ref.startsWith('#/')) problems.push(`${where}: $ref "${ref}" is not local after bundling [s2sdk-ref-kind]`);
        else if (!rule.target.test(ref)) problems.push(`${where}: $ref "${ref}" must point to ${rule.kind} [s2sdk-ref-kind]`);
        else if (nodeAt(document, ref.slice(1)) === undefined) problems.push(`${where}: $ref "${ref}" does not exist [s2sdk-ref-kind]`);
        return;
      }
      const segment = rule.at[depth]!;
      if (segment !== '*') {
        if (isObject(node)) visit(node[segment], depth + 1, [...path, segment]);
        return;
      }
      if (Array.isArray(node)) node.forEach((child, i) => visit(child, depth + 1, [...path, String(i)]));
      else if (isObject(node)) for (const [key, child] of Object.entries(node)) visit(child, depth + 1, [...path, key]);
    };
    visit(document, 0, []);
  }
  return problems;
}

/**
 * Whether resolving the document's local `$ref`s can reach a place inside the object being
 * resolved (a circular structure: Spectral leaves such refs in place, and the parser's
 * `asyncapi-internal` rule plus its circular-ref pass mend them). That pass walks every path of
 * the resolved document, about a second on the Niyantha one; a document without cycles does not
 * need it. Conservative: any ref the check cannot follow counts as circular.
 */
export function hasCircularRefs(document: unknown): boolean {
  if (!isObject(document)) return false;
  const refsUnder = new Map<string, string[] | null>(); // target pointer → the refs in its subtree (null: cannot follow)
  const collect = (node: Json, out: string[]): boolean => {
    if (Array.isArray(node)) return node.every((child) => collect(child, out));
    if (!isObject(node)) return true;
    if (typeof node.$ref === 'string') {
      if (!node.$ref.startsWith('#')) return false;
      out.push(node.$ref === '#' ? '' : node.$ref.slice(1));
    }
    return Object.entries(node).every(([key, child]) => key === '$ref' || collect(child, out));
  };
  const subtreeRefs = (pointer: string): string[] | null => {
    let hit = refsUnder.get(pointer);
    if (hit !== undefined) return hit;
    const node = nodeAt(document, pointer);
    const out: string[] = [];
    hit = node !== undefined && collect(node, out) ? out : null;
    refsUnder.set(pointer, hit);
    return hit;
  };
  const contains = (outer: string, inner: string) => inner === outer || inner.startsWith(`${outer}/`);
  const done = new Set<string>();
  const visit = (pointer: string, stack: string[]): boolean => {
    if (stack.some((open) => contains(pointer, open))) return true; // resolving `pointer` needs itself
    if (done.has(pointer)) return false;
    const refs = subtreeRefs(pointer);
    if (refs === null) return true;
    stack.push(pointer);
    for (const ref of refs) if (visit(ref, stack)) return true;
    stack.pop();
    done.add(pointer);
    return false;
  };
  const top: string[] = [];
  if (!collect(document, top)) return true;
  return top.some((ref) => visit(ref, []));
}

/** `asyncapi3-channel-parameters`: the `{name}`s of each channel's address and its `parameters` agree. */
export function channelParameterProblems(document: unknown): string[] {
  if (!isObject(document)) return [];
  const problems: string[] = [];
  const groups: Array<[string, Json | undefined]> = [
    ['channels', document.channels],
    ['components.channels', isObject(document.components) ? document.components.channels : undefined],
  ];
  for (const [prefix, channels] of groups) {
    if (!isObject(channels)) continue;
    for (const [name, channel] of Object.entries(channels)) {
      if (!isObject(channel) || !isObject(channel.parameters)) continue; // the parser's rule, too, needs `parameters`
      const address = typeof channel.address === 'string' ? channel.address : '';
      const variables = [...address.matchAll(/{([^}]+)}/g)].map((m) => m[1]!);
      const declared = Object.keys(channel.parameters);
      const missing = variables.filter((v) => !declared.includes(v));
      if (missing.length) {
        problems.push(`${prefix}.${name}.parameters: Not all channel's parameters are described with "parameters" object. Missed: ${missing.join(', ')}. [asyncapi3-channel-parameters]`);
      }
      for (const extra of declared.filter((d) => !variables.includes(d))) {
        problems.push(`${prefix}.${name}.parameters.${extra}: Channel's "parameters" object has redundant defined "${extra}" parameter. [asyncapi3-channel-parameters]`);
      }
    }
  }
  return problems;
}

type SchemaError = { keyword: string; instancePath: string; params: Record<string, unknown> };
type RuleContext = { document?: { formats?: Set<unknown> | null } };

/** `$ref`-placement errors: the kept `asyncapi-document-unresolved` rule reports them already. */
const REF_NOT_EXPECTED = 'Property "$ref" is not expected to be here';

/**
 * Ajv's raw errors trimmed the way the parser trims them for its resolved pass: a missing `$ref`
 * only says the other `oneOf` branch did not match, and of several errors at one place the first
 * is the useful one.
 */
function prepareResults(errors: SchemaError[]): void {
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    if (e.keyword === 'additionalProperties') e.instancePath = `${e.instancePath}/${String(e.params.additionalProperty)}`;
    else if (e.keyword === 'required' && e.params.missingProperty === '$ref') errors.splice(i--, 1);
  }
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    if (i + 1 < errors.length && errors[i + 1]!.instancePath === e.instancePath) errors.splice(i-- + 1, 1);
    else if (i > 0 && e.keyword === 'oneOf' && errors[i - 1]!.instancePath.startsWith(e.instancePath)) errors.splice(i--, 1);
  }
}

/** Every key of every object in a JSON value, at any depth. */
function keysIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysIn(item, out);
  else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      out.add(key);
      keysIn(value[key], out);
    }
  }
  return out;
}

/** The draft-07 keywords whose value is a subschema or a list of them; and those whose value maps names to subschemas. */
const SUBSCHEMA_KEYWORDS = new Set(['items', 'additionalItems', 'contains', 'additionalProperties', 'propertyNames', 'if', 'then', 'else', 'not', 'allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAP_KEYWORDS = new Set(['patternProperties', 'dependencies', 'definitions']);

/**
 * The JSON Schema with every `properties` entry named by a key that occurs nowhere in `keys`
 * replaced by `{}`. A `properties` entry applies only to an object that has that key, so for a
 * document whose keys are `keys` the pruned schema gives exactly the verdict and the errors of the
 * whole one; it only spares Ajv compiling what the document cannot reach: the AsyncAPI 3.0 schema
 * is half protocol bindings (`bindings`, `channelBindings`, …), plus the Avro, OpenAPI and RAML
 * schema formats, and compiling all of it was about a third of a validating load. The entries stay
 * (as `{}`), so a misspelt key still gets its "did you mean" from the names of the others. Only
 * the draft-07 applicators are walked; any other keyword (data, `errorMessage`) is kept as it is.
 */
export function pruneSchema(schema: unknown, keys: ReadonlySet<string>): unknown {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'properties' && isObject(value)) {
      const properties: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) properties[name] = keys.has(name) ? (pruneSchema(sub, keys) as Json) : {};
      out[keyword] = properties;
    } else if (SUBSCHEMA_KEYWORDS.has(keyword)) {
      out[keyword] = Array.isArray(value) ? value.map((sub) => pruneSchema(sub, keys) as Json) : (pruneSchema(value, keys) as Json);
    } else if (SCHEMA_MAP_KEYWORDS.has(keyword) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) map[name] = pruneSchema(sub, keys) as Json;
      out[keyword] = map;
    } else out[keyword] = value;
  }
  return out;
}

/**
 * The AsyncAPI JSON Schema (the parser's copy for unresolved documents) pruned for this document,
 * one object per document: the two rules that run it share it, and Spectral compiles it once (its
 * Ajv instances live as long as one load, and find a compiled schema again by its `$id`).
 */
const schemaFor = new WeakMap<object, unknown>();
function documentSchema(target: unknown, context: RuleContext): unknown {
  const formats = context.document?.formats;
  const schema = formats ? getSchema(formats as never, false) : undefined;
  if (!schema || !isObject(target)) return schema;
  let pruned = schemaFor.get(target);
  if (pruned === undefined) schemaFor.set(target, (pruned = pruneSchema(schema, keysIn(target))));
  return pruned;
}

function unresolvedDocumentSchema(target: unknown, _options: unknown, context: RuleContext) {
  const schema = documentSchema(target, context);
  if (!schema) return [];
  const results = jsonSchema(target, { allErrors: true, schema: schema as never, prepareResults: prepareResults as never }, context as never);
  return Array.isArray(results) ? results.filter((r) => r.message !== REF_NOT_EXPECTED) : [];
}

/** The parser's `asyncapi-document-unresolved` (only the `$ref`s placed where none is allowed), over the same pruned schema. */
function misplacedRefs(target: unknown, _options: unknown, context: RuleContext) {
  const schema = documentSchema(target, context);
  if (!schema) return [];
  const results = jsonSchema(target, { allErrors: true, schema: schema as never }, context as never);
  if (!Array.isArray(results)) return [];
  return results.filter((r) => r.message === REF_NOT_EXPECTED).map((r) => ({ ...r, message: 'Referencing in this place is not allowed' }));
}

/**
 * The parser ruleset the generator validates with: the core ruleset with its two rules that walk
 * the resolved document replaced by `s2sdk-document-schema` (the same JSON Schema, over the
 * unresolved document), and without the recommended ruleset, whose findings are warnings the
 * generator never reported, or the info-level `asyncapi-latest-version`. `refKindProblems` and `channelParameterProblems` complete it.
 */
const VALIDATING_RULES = {
  'asyncapi-document-resolved': 'off',
  // The parser's rule as it is (same name, so the same findings), but over the pruned schema.
  'asyncapi-document-unresolved': {
    description: 'Checking if the AsyncAPI document has valid unresolved structure.',
    message: '{{error}}',
    severity: 'error',
    recommended: true,
    resolved: false,
    given: '$',
    then: { function: misplacedRefs },
  },
  'asyncapi3-channel-parameters': 'off',
  // An info-level finding ("not the latest AsyncAPI version") the generator never reports; it is
  // the one finding on a valid document, and placing it made Spectral build the YAML AST of the
  // whole document (parser-input.ts).
  'asyncapi-latest-version': 'off',
  's2sdk-document-schema': {
    description: 'The AsyncAPI JSON Schema over the unresolved document (each object checked once, at its own position).',
    message: '{{error}}',
    severity: 'error',
    resolved: false,
    given: '$',
    then: { function: unresolvedDocumentSchema },
  },
} as const;

/**
 * The one rule the parser itself relies on after validation, for circular `$ref`s only: its
 * `asyncapi-internal` rule hands Spectral's document inventory to the parser's circular-ref pass.
 * Tied to @asyncapi/parser's internals, which is why the parser's version is part of every
 * validation-cache key.
 */
const HAND_OVER_INVENTORY = {
  description: 'Hands the resolved document inventory to the parser (no validation).',
  given: '$',
  severity: 'hint',
  then: {
    function: (_input: unknown, _options: unknown, context: { document: { __documentInventory?: unknown }; documentInventory: unknown }) => {
      context.document.__documentInventory = context.documentInventory;
    },
  },
} as const;

/**
 * The parser ruleset for a load: `validate` (else the verdict is known: no validation rule runs)
 * and `circular` (`hasCircularRefs`; without cycles the parser's circular-ref pass is skipped).
 */
export function parserRuleset({ validate, circular }: { validate: boolean; circular: boolean }): object {
  if (validate) return { recommended: false, rules: circular ? VALIDATING_RULES : { ...VALIDATING_RULES, 'asyncapi-internal': 'off' } };
  return { core: false, recommended: false, rules: circular ? { 's2sdk-resolve-only': HAND_OVER_INVENTORY } : {} };
}
