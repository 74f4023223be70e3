// JSON Schema 2020-12 validation (ajv) with the error `details` shape of the specs:
// `{ path, message }`, `path` a JSON Pointer into the body or `query.<name>` / `path.<name>`.
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * What the sandbox needs of ajv, stated structurally: the published declarations must not name
 * ajv's default-exported class, whose shape differs between ESM and CJS consumers.
 */
export interface SchemaCompiler {
  compile(schema: object): ValidateFunction;
}
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as new (o: object) => SchemaCompiler;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: SchemaCompiler) => void;

export function createAjv(): SchemaCompiler {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

function detailOf(e: ErrorObject): ErrorDetail {
  const params = e.params as Record<string, unknown>;
  let path = e.instancePath || '';
  if (e.keyword === 'required' && typeof params.missingProperty === 'string') path += `/${params.missingProperty}`;
  if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { path: `${path}/${params.additionalProperty}`, message: 'is not a known field' };
  }
  return { path: path || '/', message: e.message ?? 'is invalid' };
}

/** A compiled validator returning the spec's error details (empty when valid). */
export type Check = (value: unknown) => ErrorDetail[];

export function compileCheck(ajv: SchemaCompiler, schema: object): Check {
  let fn: ValidateFunction | undefined;
  return (value) => {
    fn ??= ajv.compile(schema);
    if (fn(value)) return [];
    const seen = new Set<string>();
    const out: ErrorDetail[] = [];
    for (const e of fn.errors ?? []) {
      // oneOf/anyOf branches repeat themselves; keep one line per path + message.
      const d = detailOf(e);
      const key = `${d.path} ${d.message}`;
      if (!seen.has(key)) (seen.add(key), out.push(d));
    }
    return out;
  };
}

/** Turns a query/path string into the type its schema asks for (integer, number, boolean). */
export function coerce(value: string, schema: Record<string, unknown> | undefined): unknown {
  const types = schema ? ([] as unknown[]).concat(schema.type ?? []) : [];
  if ((types.includes('integer') || types.includes('number')) && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
