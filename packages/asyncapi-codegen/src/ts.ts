// A small JSON Schema (2020-12, as normalized by schema.ts) → TypeScript type converter.
// Handles const, enum, type (and nullable type arrays), objects (properties, required,
// additionalProperties, patternProperties), arrays (items, prefixItems), allOf (intersection),
// oneOf/anyOf (union), `#/$defs/<Name>` references (named types) and descriptions (JSDoc).
import { tsKey, tsString } from './names';
import type { JsonSchema, JsonSchemaObject } from './schema';

const INDENT = '  ';

interface Rendered {
  text: string;
  /** How the text binds: atoms need no parentheses anywhere. */
  kind: 'atom' | 'union' | 'intersection';
}

const atom = (text: string): Rendered => ({ text, kind: 'atom' });

function paren(r: Rendered, inside: 'union' | 'intersection' | 'array'): string {
  if (r.kind === 'atom') return r.text;
  if (inside === 'union' && r.kind === 'union') return r.text;
  if (inside === 'intersection' && r.kind === 'intersection') return r.text;
  return `(${r.text})`;
}

function unionOf(parts: Rendered[]): Rendered {
  const texts: string[] = [];
  for (const p of parts) {
    const t = paren(p, 'union');
    if (!texts.includes(t)) texts.push(t);
  }
  if (texts.includes('unknown')) return atom('unknown');
  const filtered = texts.length > 1 ? texts.filter((t) => t !== 'never') : texts;
  if (filtered.length === 0) return atom('never');
  if (filtered.length === 1) return parts.find((p) => paren(p, 'union') === filtered[0]) ?? atom(filtered[0]!);
  return { text: filtered.join(' | '), kind: 'union' };
}

function intersectionOf(parts: Rendered[]): Rendered {
  const texts: string[] = [];
  for (const p of parts) {
    const t = paren(p, 'intersection');
    if (t !== 'unknown' && !texts.includes(t)) texts.push(t);
  }
  if (texts.length === 0) return atom('unknown');
  if (texts.length === 1) return parts.find((p) => paren(p, 'intersection') === texts[0]) ?? atom(texts[0]!);
  return { text: texts.join(' & '), kind: 'intersection' };
}

/** A JSDoc block for a schema (description, deprecation), indented; empty when there is nothing to say. */
export function jsDoc(schema: JsonSchema | undefined, indent: string, extra: string[] = []): string {
  const lines: string[] = [];
  if (schema && typeof schema === 'object') {
    if (typeof schema.title === 'string' && schema.title && typeof schema.description !== 'string') lines.push(...schema.title.split(/\r?\n/));
    if (typeof schema.description === 'string' && schema.description) lines.push(...schema.description.trim().split(/\r?\n/));
    if (schema.deprecated === true) lines.push('@deprecated');
  }
  lines.push(...extra);
  return docBlock(lines, indent);
}

export function docBlock(lines: string[], indent: string): string {
  const safe = lines.map((l) => l.replace(/\*\//g, '*\\/').trimEnd());
  if (safe.length === 0) return '';
  if (safe.length === 1) return `${indent}/** ${safe[0]} */\n`;
  return `${indent}/**\n${safe.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)).join('\n')}\n${indent} */\n`;
}

function literal(value: unknown, indent: string): Rendered {
  if (value === null) return atom('null');
  if (typeof value === 'string') return atom(tsString(value));
  if (typeof value === 'number' || typeof value === 'boolean') return atom(String(value));
  if (Array.isArray(value)) return atom(`[${value.map((v) => literal(v, indent).text).join(', ')}]`);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length) return atom('Record<string, never>');
    const inner = indent + INDENT;
    return atom(`{\n${entries.map(([k, v]) => `${inner}${tsKey(k)}: ${literal(v, inner).text};`).join('\n')}\n${indent}}`);
  }
  return atom('unknown');
}

export interface TsContext {
  /** Resolves a `$ref` to a type name; returns undefined for unknown references. */
  refName(ref: string): string | undefined;
  /** Resolves a `$ref` to its schema (used to see `required` across `allOf` parts). */
  resolve?(ref: string): JsonSchema | undefined;
}

/** Names required by a schema, including those required by its `allOf` parts (followed through `$ref`s). */
function requiredAcross(s: JsonSchema | undefined, ctx: TsContext, seen = new Set<unknown>()): Set<string> {
  const out = new Set<string>();
  if (!s || typeof s !== 'object' || seen.has(s)) return out;
  seen.add(s);
  if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string') out.add(r);
  if (typeof s.$ref === 'string' && ctx.resolve) for (const r of requiredAcross(ctx.resolve(s.$ref), ctx, seen)) out.add(r);
  if (Array.isArray(s.allOf)) for (const part of s.allOf) for (const r of requiredAcross(part as JsonSchema, ctx, seen)) out.add(r);
  return out;
}

export function schemaToTs(schema: JsonSchema, ctx: TsContext, indent = ''): string {
  return render(schema, ctx, indent).text;
}

function render(schema: JsonSchema | undefined, ctx: TsContext, indent: string, inherited?: ReadonlySet<string>): Rendered {
  if (schema === undefined || schema === true) return atom('unknown');
  if (schema === false) return atom('never');
  const s = schema as JsonSchemaObject;
  const parts: Rendered[] = [];
  // In `allOf`, a property declared in one part may be required by another: every part sees
  // the names required anywhere in the composition.
  let req = inherited;
  if (Array.isArray(s.allOf)) {
    const across = requiredAcross(s, ctx);
    if (inherited) for (const r of inherited) across.add(r);
    req = across;
  }

  if (typeof s.$ref === 'string') parts.push(atom(ctx.refName(s.$ref) ?? 'unknown'));

  if ('const' in s) {
    parts.push(literal(s.const, indent));
  } else if (Array.isArray(s.enum)) {
    parts.push(unionOf(s.enum.map((v) => literal(v, indent))));
  } else {
    const base = baseType(s, ctx, indent, req);
    if (base) parts.push(base);
  }
  if (Array.isArray(s.allOf)) for (const part of s.allOf) parts.push(render(part as JsonSchema, ctx, indent, req));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = s[key];
    if (Array.isArray(list) && list.length) parts.push(unionOf(list.map((part) => render(part as JsonSchema, ctx, indent))));
  }
  if (parts.length === 0) return atom('unknown');
  return intersectionOf(parts);
}

function declaredTypes(s: JsonSchemaObject): string[] | undefined {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type.filter((t): t is string => typeof t === 'string');
  if (s.properties !== undefined || s.additionalProperties !== undefined || s.patternProperties !== undefined) return ['object'];
  if (s.items !== undefined || s.prefixItems !== undefined) return ['array'];
  return undefined;
}

function baseType(s: JsonSchemaObject, ctx: TsContext, indent: string, inherited?: ReadonlySet<string>): Rendered | undefined {
  const types = declaredTypes(s);
  if (!types) return undefined;
  const parts = types.map((t): Rendered => {
    switch (t) {
      case 'string':
        return atom('string');
      case 'number':
      case 'integer':
        return atom('number');
      case 'boolean':
        return atom('boolean');
      case 'null':
        return atom('null');
      case 'object':
        return objectType(s, ctx, indent, inherited);
      case 'array':
        return arrayType(s, ctx, indent);
      default:
        return atom('unknown');
    }
  });
  return unionOf(parts);
}

function objectType(s: JsonSchemaObject, ctx: TsContext, indent: string, inherited?: ReadonlySet<string>): Rendered {
  const props = (s.properties && typeof s.properties === 'object' ? s.properties : {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const own = new Set(required);
  if (inherited) for (const r of inherited) required.add(r);
  const inner = indent + INDENT;
  const lines: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    const doc = jsDoc(value, inner);
    lines.push(`${doc}${inner}${tsKey(key)}${required.has(key) ? '' : '?'}: ${render(value, ctx, inner).text};`);
  }
  // Required names without a property schema still exist.
  for (const key of own) if (!(key in props)) lines.push(`${inner}${tsKey(key)}: unknown;`);

  const extra: Rendered[] = [];
  const ap = s.additionalProperties as JsonSchema | undefined;
  const pattern = s.patternProperties as Record<string, JsonSchema> | undefined;
  if (pattern) for (const v of Object.values(pattern)) extra.push(render(v, ctx, inner));
  if (ap === true || (ap === undefined && lines.length === 0 && !pattern)) extra.push(atom('unknown'));
  else if (ap && typeof ap === 'object') extra.push(render(ap, ctx, inner));

  const index = extra.length ? unionOf(extra) : undefined;
  if (lines.length === 0) {
    if (!index) return atom('Record<string, never>');
    return atom(`{\n${inner}[key: string]: ${index.text};\n${indent}}`);
  }
  if (index && index.text === 'unknown') lines.push(`${inner}[key: string]: unknown;`);
  const body = atom(`{\n${lines.join('\n')}\n${indent}}`);
  if (!index || index.text === 'unknown') return body;
  // Typed extra properties next to declared ones: an index signature inside the literal would
  // have to cover the declared properties too, so intersect instead.
  return { text: `${body.text} & {\n${inner}[key: string]: ${index.text};\n${indent}}`, kind: 'intersection' };
}

function arrayType(s: JsonSchemaObject, ctx: TsContext, indent: string): Rendered {
  const items = s.items as JsonSchema | undefined;
  if (Array.isArray(s.prefixItems)) {
    const head = (s.prefixItems as JsonSchema[]).map((p) => render(p, ctx, indent).text);
    const min = typeof s.minItems === 'number' ? s.minItems : 0;
    const elems = head.map((h, i) => (i < min ? h : `${h}?`));
    if (items !== false) elems.push(`...${paren(render(items, ctx, indent), 'array')}[]`);
    return atom(`[${elems.join(', ')}]`);
  }
  return atom(`${paren(render(items, ctx, indent), 'array')}[]`);
}
