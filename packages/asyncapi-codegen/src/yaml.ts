// Reads YAML (and JSON) documents with js-yaml and a schema that resolves plain scalars exactly as
// the YAML 1.2 core schema of the `yaml` package does (which this package used before; the schema
// is in yaml-schema.js, shared with the repository's scripts). js-yaml parses these documents about four times faster. What still differs from `yaml`: js-yaml rejects
// unknown tags (`!custom`, `!!binary`) where `yaml` warned or built a Buffer, and stringifies
// collection keys differently; neither occurs in an AsyncAPI document.
/// <reference path="./js-yaml.d.ts" />
// (the reference: packages that type-check these sources through their own tsconfig see the declaration too)
import jsYaml from 'js-yaml';
import { YAML_CORE_SCHEMA } from './yaml-schema.js';

export { YAML_CORE_SCHEMA };

/** A YAML syntax error: the reason and where (1-based line and column). */
export class YamlSyntaxError extends Error {
  override readonly name = 'YamlSyntaxError';
}

/** Parses one YAML document (`null` when empty); throws `YamlSyntaxError` with "… at line L, column C". */
export function parseYaml(text: string): unknown {
  try {
    return jsYaml.load(text, { schema: YAML_CORE_SCHEMA }) ?? null;
  } catch (err) {
    const e = err as { reason?: string; mark?: { line: number; column: number }; message: string };
    if (e.reason !== undefined && e.mark) throw new YamlSyntaxError(`${e.reason} at line ${e.mark.line + 1}, column ${e.mark.column + 1}`);
    throw err;
  }
}
