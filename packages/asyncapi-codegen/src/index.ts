// @s2sdk/asyncapi-codegen: AsyncAPI 3 request/reply documents → TypeScript operation map
// (operations.gen.ts) and JSON Schemas of every message (schemas.gen.json).
import { relative, sep } from 'node:path';
import { emitSchemasJson, emitTypeScript } from './emit';
import { loadApiModel, type AsyncApiInput } from './model';

export { AsyncApiCodegenError } from './errors';
export { loadApiModel, CORRELATION_LOCATION } from './model';
export type { ApiModel, AsyncApiInput, LoadOptions, MessageModel, MessageRole, OperationModel } from './model';
export { emitTypeScript, emitSchemasJson, buildSchemasFile, headerText, TOOL_NAME } from './emit';
export type { SchemasFile } from './emit';
export { schemaToTs } from './ts';
export { JSON_SCHEMA_DIALECT } from './schema';
export { CREDENTIAL_EXTENSION, CREDENTIAL_ROLES, IDENTITY_EXTENSION, IDENTITY_ROLES } from './marks';
export type { CredentialRole, FieldMark, IdentityRole } from './marks';
export type { JsonSchema, JsonSchemaObject } from './schema';

export interface GenerateOptions {
  /** Path of the AsyncAPI 3 document (relative `$ref`s resolve against it). */
  input: string;
  /** How the header names the spec (default: the input path relative to the working directory). */
  specLabel?: string;
}

export interface GenerateResult {
  /** File name → content: `operations.gen.ts` and `schemas.gen.json`. */
  files: Record<string, string>;
}

/** The label used in headers when none is given: the path relative to cwd, with forward slashes. */
export function defaultLabel(input: string): string {
  const rel = relative(process.cwd(), input) || input;
  return rel.split(sep).join('/');
}

/**
 * Reads and checks the document, then renders the generated files. Throws
 * `AsyncApiCodegenError` (listing every problem) when the document cannot be used.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const label = options.specLabel ?? defaultLabel(options.input);
  const model = await loadApiModel(options.input as AsyncApiInput, { label });
  return {
    files: {
      'operations.gen.ts': emitTypeScript(model, label),
      'schemas.gen.json': emitSchemasJson(model, label),
    },
  };
}
