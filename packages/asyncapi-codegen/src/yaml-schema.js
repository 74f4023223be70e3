// The YAML 1.2 core schema exactly as the `yaml` package resolves plain scalars, for js-yaml:
// js-yaml's own CORE_SCHEMA is looser about numbers (`0b101`, `-0x1f`, `1_0.5` and `-.5` differ).
// Plain JavaScript, so that both this package (yaml.ts) and the repository's scripts
// (scripts/lib/read-yaml.mjs, run by plain node) read YAML through this one definition.
import jsYaml from 'js-yaml';

const { Type, FAILSAFE_SCHEMA, types } = jsYaml;

const DECIMAL = /^[-+]?[0-9]+$/;
const OCTAL = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const coreInt = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s) => DECIMAL.test(s) || OCTAL.test(s) || HEX.test(s),
  construct: (s) => (OCTAL.test(s) ? parseInt(s.slice(2), 8) : HEX.test(s) ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
});

const SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$|^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const coreFloat = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s) => SPECIAL.test(s) || FLOAT.test(s),
  construct: (s) =>
    SPECIAL.test(s) ? (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity) : parseFloat(s),
});

/** The YAML 1.2 core schema as the `yaml` package resolves it. */
export const YAML_CORE_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [types.null, types.bool, coreInt, coreFloat] });
