// Message templates (from examples or generated from schemas) and validators.
import type { ApiModel, FieldMark, IdentityRole, MessageModel } from '@s2sdk/asyncapi-codegen';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { sample } from 'openapi-sampler';
import type { Envelope as ProtocolEnvelope } from '@s2sdk/ws-protocol';
import type { ErrorSpec, Identity } from './types';

// CommonJS interop: the default export may sit on `.default`.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule;

/** The protocol's envelope (`@s2sdk/ws-protocol`), as the mock handles it: an example may carry more fields. */
export type Envelope = ProtocolEnvelope & { [key: string]: unknown };

export interface ValidationIssue {
  path: string;
  message: string;
}

const NO_ISSUES: readonly ValidationIssue[] = Object.freeze([]);

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function describeError(e: ErrorObject): ValidationIssue {
  const params = e.params as Record<string, unknown>;
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') message += `: "${params.additionalProperty}"`;
  else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) message += `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (e.keyword === 'const' && 'allowedValue' in params) message += `: ${JSON.stringify(params.allowedValue)}`;
  return { path: e.instancePath || '/', message };
}

// A high surrogate, literal or escaped (`\uD83D`): the frame may hold a character outside the BMP.
const HIGH_SURROGATE = /[\uD800-\uDBFF]/;
const ESCAPED_HIGH_SURROGATE = /\\u[dD][89abAB]/;

/**
 * False when the JSON text `raw` has no character outside the Basic Multilingual Plane (the
 * common case, found without walking the value): then every string's length in code points (JSON
 * Schema's `minLength`/`maxLength`) is its `.length`.
 */
export function mayHaveAstral(raw: string): boolean {
  return HIGH_SURROGATE.test(raw) || (raw.includes('\\u') && ESCAPED_HIGH_SURROGATE.test(raw));
}

function ajvFor(unicode: boolean) {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: true,
    // `unicode: false` measures strings by `.length` instead of counting code points one by one
    // (O(n) per string, most of the validation time of a 16 KiB field); it is only used for
    // frames without astral characters, where both agree. Ajv flags the option as deprecated.
    ...(unicode ? {} : { unicode: false, logger: { log: console.log, warn: (...args: unknown[]) => (String(args[0]).startsWith('DEPRECATED: option unicode') ? undefined : console.warn(...args)), error: console.error } }),
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Compiled validators for every message type of a model, compiled once. Two per type: exact ones
 * (lengths in code points, as JSON Schema defines them) and ones measuring lengths in UTF-16 code
 * units, which give the same verdict and issues for frames without astral characters and skip a
 * per-character loop; `check` picks by `astral`.
 */
export class Validators {
  private readonly exact = new Map<string, ValidateFunction>();
  private readonly bmp = new Map<string, ValidateFunction>();
  private readonly schemas = new Map<string, MessageModel['schema']>();
  private bmpAjv: ReturnType<typeof ajvFor> | undefined;

  constructor(model: ApiModel) {
    const exact = ajvFor(true);
    // The exact validators are compiled at start (a schema Ajv cannot compile fails the start);
    // the code-unit ones on the first frame of their type.
    for (const m of model.messages) {
      this.exact.set(m.type, exact.compile(m.schema));
      this.schemas.set(m.type, m.schema);
    }
  }

  private bmpFor(type: string): ValidateFunction | undefined {
    let validate = this.bmp.get(type);
    if (validate === undefined) {
      const schema = this.schemas.get(type);
      if (schema === undefined) return undefined;
      this.bmpAjv ??= ajvFor(false);
      validate = this.bmpAjv.compile(schema);
      this.bmp.set(type, validate);
    }
    return validate;
  }

  /**
   * Issues of `frame` against the schema of `type`; empty (one shared frozen list) when valid.
   * Pass `astral: false` only when the frame has no character outside the BMP ({@link mayHaveAstral} of its text).
   */
  check(type: string, frame: unknown, astral = true): readonly ValidationIssue[] {
    const validate = astral ? this.exact.get(type) : this.bmpFor(type);
    if (!validate) return [{ path: '/type', message: `unknown message type ${JSON.stringify(type)}` }];
    if (validate(frame)) return NO_ISSUES;
    return (validate.errors ?? []).map(describeError);
  }
}

/** The frames the mock sends for one message type: its examples, or one generated from the schema. */
export function templatesFor(message: MessageModel): Envelope[] {
  const fromExamples = message.examples.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object' && !Array.isArray(e));
  if (fromExamples.length) return fromExamples.map((e) => ({ ...(clone(e) as Envelope), type: message.type }));
  return [generated(message)];
}

function generated(message: MessageModel): Envelope {
  const schema = message.schema as Parameters<typeof sample>[0];
  const value = sample(schema, { skipReadOnly: false, skipWriteOnly: true, quiet: true, enablePatterns: true }, message.schema) as Record<string, unknown> | undefined;
  const env = (value && typeof value === 'object' ? value : {}) as Envelope;
  env.type = message.type;
  if (env.payload === undefined) env.payload = {};
  return env;
}

/** An error frame: the template's payload with `code`/`message` (and `details`) replaced. */
export function errorFrame(template: Envelope | undefined, type: string, requestId: string, spec: ErrorSpec): Envelope {
  const base = template ? clone(template) : ({ type, requestId, payload: {} } as Envelope);
  const payload = (base.payload && typeof base.payload === 'object' && !Array.isArray(base.payload) ? base.payload : {}) as Record<string, unknown>;
  payload.code = spec.code;
  payload.message = spec.message ?? spec.code;
  if (spec.details !== undefined) payload.details = clone(spec.details);
  else delete payload.details;
  return { ...base, type, requestId, payload };
}

const ACCOUNT_KEYS = new Set(['accountId', 'account_id']);
const STORE_KEYS = new Set(['storeId', 'store_id']);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type SchemaNode = Record<string, unknown> | undefined;

/** Follows `#/$defs/<Name>` references of a bundled schema. */
function deref(node: unknown, root: Record<string, unknown>, depth = 0): SchemaNode {
  if (!node || typeof node !== 'object' || depth > 32) return undefined;
  const n = node as Record<string, unknown>;
  if (typeof n.$ref === 'string' && n.$ref.startsWith('#/$defs/')) {
    const defs = (root.$defs ?? {}) as Record<string, unknown>;
    return deref(defs[n.$ref.slice('#/$defs/'.length)], root, depth + 1);
  }
  return n;
}

/** The property schemas of an object schema, including those of its `allOf` parts. */
function propertiesOf(node: SchemaNode, root: Record<string, unknown>, into = new Map<string, SchemaNode>(), depth = 0): Map<string, SchemaNode> {
  const n = deref(node, root);
  if (!n || depth > 8) return into;
  for (const [k, v] of Object.entries((n.properties ?? {}) as Record<string, unknown>)) if (!into.has(k)) into.set(k, deref(v, root));
  if (Array.isArray(n.allOf)) for (const part of n.allOf) propertiesOf(part as SchemaNode, root, into, depth + 1);
  return into;
}

function isNumeric(schema: SchemaNode, current: unknown): boolean {
  if (typeof current === 'number') return true;
  const t = schema?.type;
  const types = Array.isArray(t) ? t : [t];
  return !types.includes('string') && (types.includes('integer') || types.includes('number'));
}

/**
 * Fills identity fields of an authentication reply. With `fields` (the reply's
 * `x-s2sdk-identity` marks, paths from the envelope root) exactly those fields are filled:
 * `account` fields get the key's account id, `scope` fields the attached store (removed when none
 * is attached). Without marks, fields are found by name where the reply (or its schema, when
 * given: the whole envelope schema) has them: `accountId`/`account_id` and `storeId`/`store_id`.
 * Either way, ids derived from the example's account id (like `identityId: account-42`) follow.
 */
export function fillIdentity(payload: unknown, identity: Identity, envelopeSchema?: Record<string, unknown>, fields: readonly FieldMark<IdentityRole>[] = []): unknown {
  const marked = fields.filter((f) => f.path.length > 1 && f.path[0] === 'payload').map((f) => ({ role: f.role, path: f.path.slice(1) }));
  if (marked.length) return fillMarkedIdentity(payload, identity, envelopeSchema ?? {}, marked);
  const out = clone(payload);
  let exampleAccount: string | undefined;
  const find = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (ACCOUNT_KEYS.has(k) && (typeof v === 'string' || typeof v === 'number') && exampleAccount === undefined) exampleAccount = String(v);
      else find(v);
    }
  };
  find(out);
  const derived = exampleAccount ? new RegExp(`(^|[^0-9A-Za-z])${escapeRegExp(exampleAccount)}$`) : undefined;
  const root = envelopeSchema ?? {};
  const value = (id: string, schema: SchemaNode, current: unknown) => (isNumeric(schema, current) && /^-?\d+$/.test(id) ? Number(id) : id);
  const visit = (node: unknown, schema: SchemaNode): void => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const obj = node as Record<string, unknown>;
    const props = propertiesOf(schema, root);
    const keys = new Set([...Object.keys(obj), ...[...props.keys()].filter((k) => ACCOUNT_KEYS.has(k) || STORE_KEYS.has(k))]);
    for (const k of keys) {
      const v = obj[k];
      const sub = props.get(k);
      if (ACCOUNT_KEYS.has(k)) {
        if (identity.accountId !== undefined) obj[k] = value(identity.accountId, sub, v);
      } else if (STORE_KEYS.has(k)) {
        if (identity.storeId !== undefined) obj[k] = value(identity.storeId, sub, v);
        else delete obj[k];
      } else if (typeof v === 'string' && derived && identity.accountId !== undefined && /id$/i.test(k) && derived.test(v)) {
        obj[k] = v.replace(derived, `$1${identity.accountId}`);
      } else if (v && typeof v === 'object') {
        visit(v, sub);
      }
    }
  };
  visit(out, propertiesOf(root, root).get('payload'));
  return out;
}

/** The schema of the field at `path` under `schema` (following `$defs` references and `allOf` parts). */
function schemaAt(schema: SchemaNode, path: readonly string[], root: Record<string, unknown>): SchemaNode {
  let node = schema;
  for (const p of path) {
    node = propertiesOf(node, root).get(p);
    if (!node) return undefined;
  }
  return node;
}

function fillMarkedIdentity(payload: unknown, identity: Identity, root: Record<string, unknown>, fields: { role: IdentityRole; path: string[] }[]): unknown {
  let out = clone(payload);
  if (!out || typeof out !== 'object' || Array.isArray(out)) out = {};
  const obj = out as Record<string, unknown>;
  const payloadSchema = propertiesOf(root, root).get('payload');
  const get = (path: readonly string[]) => {
    let node: unknown = obj;
    for (const p of path) node = node && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[p] : undefined;
    return node;
  };
  const set = (path: readonly string[], value: unknown) => {
    let node = obj;
    for (const p of path.slice(0, -1)) {
      const next = node[p];
      if (!next || typeof next !== 'object' || Array.isArray(next)) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  };
  const remove = (path: readonly string[]) => {
    const parent = get(path.slice(0, -1));
    if (parent && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[path[path.length - 1]!];
  };
  const value = (id: string, path: readonly string[]) => (isNumeric(schemaAt(payloadSchema, path, root), get(path)) && /^-?\d+$/.test(id) ? Number(id) : id);
  const accountPaths = fields.filter((f) => f.role === 'account').map((f) => f.path);
  const example = accountPaths.map(get).find((v) => typeof v === 'string' || typeof v === 'number');
  const exampleAccount = example === undefined ? undefined : String(example);
  const markedKeys = new Set(fields.map((f) => f.path.join('\u0000')));
  // Ids derived from the example's account id follow (e.g. identityId: account-42 → account-<id>).
  if (exampleAccount !== undefined && identity.accountId !== undefined) {
    const derived = new RegExp(`(^|[^0-9A-Za-z])${escapeRegExp(exampleAccount)}$`);
    const visit = (node: unknown, path: string[]): void => {
      if (!node || typeof node !== 'object' || Array.isArray(node)) return;
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        const at = [...path, k];
        if (markedKeys.has(at.join('\u0000'))) continue;
        if (typeof v === 'string' && /id$/i.test(k) && derived.test(v)) (node as Record<string, unknown>)[k] = v.replace(derived, `$1${identity.accountId}`);
        else visit(v, at);
      }
    };
    visit(obj, []);
  }
  for (const { role, path } of fields) {
    if (role === 'account') {
      if (identity.accountId !== undefined) set(path, value(identity.accountId, path));
    } else if (identity.storeId !== undefined) set(path, value(identity.storeId, path));
    else remove(path);
  }
  return obj;
}

/** Small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
