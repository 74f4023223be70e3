// Types of conventions.js (JavaScript so that Spectral can load it; see there).

/** The rules of the request/reply conventions, each with its severity. */
export declare const CONVENTION_RULES: {
  readonly envelope: 'error';
  readonly 'type-const': 'error';
  readonly correlation: 'error';
  readonly reply: 'error';
  readonly 'reply-roles': 'error';
  readonly 'error-reply': 'warning';
  readonly operations: 'error';
};

export type ConventionRule = keyof typeof CONVENTION_RULES;

/** One broken convention: which rule, how bad, where (a JSON path into the document) and what. */
export interface ConventionFinding {
  rule: ConventionRule;
  severity: 'error' | 'warning';
  path: (string | number)[];
  message: string;
}

/** The message type: the string const of a payload schema's `type` property (possibly inside `allOf`), if any. */
export declare function typeConstOf(payload: unknown): string | undefined;

/**
 * Every convention finding of an AsyncAPI 3 document given as plain JSON with its `$ref`s
 * resolved (Spectral's resolved document, or @asyncapi/parser's `document.json()`), in document order.
 */
export declare function checkConventions(document: unknown): ConventionFinding[];

/** A property schema at the top level of an object schema or inside its `allOf` parts. */
export declare function propertyOf(schema: unknown, name: string, accept?: (property: Record<string, unknown> | true) => boolean): Record<string, unknown> | true | undefined;

/** The names an object schema requires, its `allOf` parts included. */
export declare function requiredOf(schema: unknown): Set<string>;
