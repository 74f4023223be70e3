// Loads specs/niyantha (OpenAPI document + shared schema files) and compiles JSON Schema validators.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { repoRoot } from '@s2sdk/testkit';

export const specDir = join(repoRoot, 'specs/niyantha');
const BASE = 'https://niyantha.test/';

export const openapi = parse(readFileSync(join(specDir, 'openapi.yaml'), 'utf8')) as {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, { $ref: string }>; responses: Record<string, any> };
};

export const schemaFiles = readdirSync(join(specDir, 'schemas')).filter((f) => f.endsWith('.yaml'));

export function createAjv() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of schemaFiles) ajv.addSchema(parse(readFileSync(join(specDir, 'schemas', f), 'utf8')), `${BASE}schemas/${f}`);
  return ajv;
}

const ajv = createAjv();

/** Validator of a shared schema, e.g. schema('stores.yaml', 'StoreCreateRequest'). */
export function schema(file: string, name: string): ValidateFunction {
  const v = ajv.getSchema(`${BASE}schemas/${file}#/${name}`);
  if (!v) throw new Error(`no schema ${file}#/${name}`);
  return v;
}

/** Validator for an OpenAPI schema object that is a `#/components/schemas/X` ref. */
export function componentSchema(ref: string): ValidateFunction {
  const name = ref.replace('#/components/schemas/', '');
  const target = openapi.components.schemas[name]?.$ref;
  if (!target) throw new Error(`unknown component ${ref}`);
  const [file, pointer] = target.replace('./schemas/', '').split('#/');
  return schema(file!, pointer!);
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface SpecOperation {
  method: string;
  path: string;
  operationId: string;
  op: any;
}

export function specOperations(): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [path, item] of Object.entries(openapi.paths)) {
    for (const m of HTTP_METHODS) if (item[m]) out.push({ method: m.toUpperCase(), path, operationId: item[m].operationId, op: item[m] });
  }
  return out;
}

/** The response object of a status (following `#/components/responses/X`). */
export function responseOf(op: any, status: string): any {
  const r = op.responses[status];
  if (r?.$ref) return openapi.components.responses[r.$ref.replace('#/components/responses/', '')];
  return r;
}

export function errorStatuses(op: any): number[] {
  return Object.keys(op.responses)
    .filter((s) => /^[45]\d\d$/.test(s))
    .map(Number);
}

export function successStatus(op: any): number {
  const s = Object.keys(op.responses).find((k) => /^2\d\d$/.test(k));
  if (!s) throw new Error(`no 2xx for ${op.operationId}`);
  return Number(s);
}

export function describeErrors(v: ValidateFunction): string {
  return JSON.stringify(v.errors ?? [], null, 1);
}
