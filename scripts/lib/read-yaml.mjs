// Reads the repository's own YAML spec files for scripts that only read them (generate.mjs's
// operation table): js-yaml with the YAML 1.2 core schema as the `yaml` package resolves it (no
// timestamps or merge keys; the one definition is packages/asyncapi-codegen/src/yaml-schema.js,
// which the AsyncAPI generator reads its documents with too), about four times faster than
// `yaml` on these ~300 KB of specs. The same files are read by openapi-typescript through @redocly/openapi-core, which
// parses them with this js-yaml too. Each file is parsed once per process; callers must not
// mutate what they get.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import jsYaml from 'js-yaml';
import { YAML_CORE_SCHEMA } from '../../packages/asyncapi-codegen/src/yaml-schema.js';

const parsed = new Map();

/** The parsed content of a YAML (or JSON) file, parsed on first use and shared after. */
export function readYamlFile(file) {
  const path = resolve(file);
  let doc = parsed.get(path);
  if (doc === undefined) {
    doc = jsYaml.load(readFileSync(path, 'utf8'), { filename: path, schema: YAML_CORE_SCHEMA }) ?? null;
    parsed.set(path, doc);
  }
  return doc;
}
