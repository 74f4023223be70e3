// Reads the repository's own YAML spec files for scripts that only read them (generate.mjs's
// operation table): js-yaml with its core schema (the YAML 1.2 core schema the `yaml` package
// uses, no timestamps or merge keys), about four times faster than `yaml` on these ~300 KB of
// specs. The same files are read by openapi-typescript through @redocly/openapi-core, which
// parses them with this js-yaml too. Each file is parsed once per process; callers must not
// mutate what they get.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import jsYaml from 'js-yaml';

const parsed = new Map();

/** The parsed content of a YAML (or JSON) file, parsed on first use and shared after. */
export function readYamlFile(file) {
  const path = resolve(file);
  let doc = parsed.get(path);
  if (doc === undefined) {
    doc = jsYaml.load(readFileSync(path, 'utf8'), { filename: path, schema: jsYaml.CORE_SCHEMA }) ?? null;
    parsed.set(path, doc);
  }
  return doc;
}
