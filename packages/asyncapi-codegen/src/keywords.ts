// JSON Schema 2020-12 applicator keywords, shared by the bundler and the schema emitter.

/** Keywords whose value is a single subschema (`items` and `additionalItems` are left to the callers: their form varies by draft). */
export const SUBSCHEMA_KEYWORDS: readonly string[] = [
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contentSchema',
];
/** Keywords whose value maps names to subschemas. */
export const SCHEMA_MAP_KEYWORDS: readonly string[] = ['properties', 'patternProperties', 'dependentSchemas'];
/** Keywords whose value is a list of subschemas. */
export const SCHEMA_LIST_KEYWORDS: readonly string[] = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
