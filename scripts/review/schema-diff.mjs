// JSON Schema comparison with a direction:
//   'request'  — the schema describes data the client SENDS (an input of our SDK):
//                narrowing what is accepted is breaking, widening is not.
//   'response' — the schema describes data the client RECEIVES (an output):
//                widening what can arrive is breaking, narrowing is not.
// Works on dereferenced schemas (see load.mjs); cycles are guarded.

/** @typedef {'breaking' | 'non-breaking' | 'docs' | 'unclassified'} Severity */
/** @typedef {{ severity: Severity, code: string, where: string, message: string }} Change */

export const SEVERITY_IMPACT = { breaking: 'major', 'non-breaking': 'minor', unclassified: 'minor', docs: 'patch' };

const DOC_KEYS = new Set(['description', 'summary', 'title', 'example', 'examples', 'externalDocs', 'x-codeSamples', 'deprecated', '$comment', 'x-summary']);

export function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Flattens allOf into one schema (properties/required merged); other keys from the first that defines them. */
export function mergeAllOf(schema, seen = new Set()) {
  if (!isObject(schema) || !Array.isArray(schema.allOf) || seen.has(schema)) return schema;
  seen.add(schema);
  const out = { ...schema };
  delete out.allOf;
  const props = { ...(schema.properties ?? {}) };
  const required = new Set(schema.required ?? []);
  for (const part0 of schema.allOf) {
    const part = mergeAllOf(part0, seen);
    if (!isObject(part)) continue;
    for (const [k, v] of Object.entries(part.properties ?? {})) if (!(k in props)) props[k] = v;
    for (const r of part.required ?? []) required.add(r);
    for (const [k, v] of Object.entries(part)) if (!['properties', 'required'].includes(k) && !(k in out)) out[k] = v;
  }
  if (Object.keys(props).length) out.properties = props;
  if (required.size) out.required = [...required];
  return out;
}

function typeSet(s) {
  const t = new Set();
  if (Array.isArray(s.type)) s.type.forEach((x) => t.add(x));
  else if (typeof s.type === 'string') t.add(s.type);
  if (s.nullable === true) t.add('null');
  if (t.size === 0 && 'const' in s) t.add(s.const === null ? 'null' : Array.isArray(s.const) ? 'array' : typeof s.const === 'number' ? 'number' : typeof s.const);
  if (t.size === 0 && s.properties) t.add('object');
  if (t.size === 0 && s.items) t.add('array');
  return t;
}

/** Is every value of type set `a` also allowed by type set `b`? (integer ⊂ number) */
function typesCovered(a, b) {
  for (const x of a) if (!b.has(x) && !(x === 'integer' && b.has('number'))) return false;
  return true;
}

const fmt = (v) => JSON.stringify(v);
const fmtTypes = (t) => [...t].sort().join(' | ');

/**
 * Compares two schemas and appends changes to `out`.
 * @param {any} base @param {any} head @param {'request'|'response'} dir
 * @param {string} where human location, e.g. "POST /keys request body"
 * @param {Change[]} out
 */
export function compareSchema(base, head, dir, where, out, path = '', stack = new PairSet()) {
  if (base === head) return;
  if (!isObject(base) || !isObject(head)) {
    // boolean schemas: true (anything) / false (nothing)
    if (base !== head && (typeof base === 'boolean' || typeof head === 'boolean')) {
      push(out, 'breaking', 'schema-changed', where, path, `schema changed from ${fmt(base)} to ${fmt(head)}`);
    }
    return;
  }
  // Guard recursion on the same pair currently being compared (cycles in recursive schemas).
  if (stack.has(base, head)) return;
  stack.add(base, head);
  try {
    compareSchemaInner(base, head, dir, where, out, path, stack);
  } finally {
    stack.delete(base, head);
  }
}

function compareSchemaInner(base, head, dir, where, out, path, seen) {
  const b = mergeAllOf(base);
  const h = mergeAllOf(head);
  const isReq = dir === 'request';
  const label = path ? `\`${path}\`` : 'the schema';

  // 1. types
  const bt = typeSet(b);
  const ht = typeSet(h);
  if (bt.size && ht.size && fmtTypes(bt) !== fmtTypes(ht)) {
    const widened = typesCovered(bt, ht);
    const narrowed = typesCovered(ht, bt);
    const ok = isReq ? widened : narrowed;
    push(out, ok ? 'non-breaking' : 'breaking', 'type-changed', where, path, `${label} type changed from ${fmtTypes(bt)} to ${fmtTypes(ht)}`);
  } else if (bt.size && !ht.size) {
    push(out, isReq ? 'non-breaking' : 'breaking', 'type-removed', where, path, `${label} is no longer constrained to ${fmtTypes(bt)}`);
  } else if (!bt.size && ht.size) {
    push(out, isReq ? 'breaking' : 'non-breaking', 'type-added', where, path, `${label} is now constrained to ${fmtTypes(ht)}`);
  }

  // 2. const
  if ('const' in b || 'const' in h) {
    if (!('const' in h)) push(out, isReq ? 'non-breaking' : 'breaking', 'const-removed', where, path, `${label} is no longer the constant ${fmt(b.const)}`);
    else if (!('const' in b)) push(out, isReq ? 'breaking' : 'non-breaking', 'const-added', where, path, `${label} is now the constant ${fmt(h.const)}`);
    else if (fmt(b.const) !== fmt(h.const)) push(out, 'breaking', 'const-changed', where, path, `${label} constant changed from ${fmt(b.const)} to ${fmt(h.const)}`);
  }

  // 3. enum
  if (Array.isArray(b.enum) || Array.isArray(h.enum)) {
    if (!Array.isArray(h.enum)) {
      push(out, isReq ? 'non-breaking' : 'breaking', 'enum-removed', where, path, `${label} is no longer restricted to ${b.enum.map(fmt).join(', ')}`);
    } else if (!Array.isArray(b.enum)) {
      push(out, isReq ? 'breaking' : 'non-breaking', 'enum-added', where, path, `${label} is now restricted to ${h.enum.map(fmt).join(', ')}`);
    } else {
      const bs = new Set(b.enum.map(fmt));
      const hs = new Set(h.enum.map(fmt));
      const removed = [...bs].filter((x) => !hs.has(x));
      const added = [...hs].filter((x) => !bs.has(x));
      if (removed.length) {
        push(out, isReq ? 'breaking' : 'non-breaking', isReq ? 'request-enum-value-removed' : 'response-enum-value-removed', where, path, `${label}: enum value(s) ${removed.join(', ')} removed`);
      }
      if (added.length) {
        push(out, isReq ? 'non-breaking' : 'breaking', isReq ? 'request-enum-value-added' : 'response-enum-value-added', where, path, `${label}: enum value(s) ${added.join(', ')} added`);
      }
    }
  }

  // 4. format and constraints
  if (b.format !== h.format && b.format !== undefined && h.format !== undefined) {
    push(out, 'breaking', 'format-changed', where, path, `${label} format changed from ${b.format} to ${h.format}`);
  }
  compareConstraints(b, h, isReq, where, path, label, out);

  // 5. object properties
  const bp = isObject(b.properties) ? b.properties : {};
  const hp = isObject(h.properties) ? h.properties : {};
  const breq = new Set(Array.isArray(b.required) ? b.required : []);
  const hreq = new Set(Array.isArray(h.required) ? h.required : []);
  const child = (k) => (path ? `${path}.${k}` : k);
  for (const k of Object.keys(bp)) {
    if (!(k in hp)) {
      push(out, 'breaking', isReq ? 'request-field-removed' : 'response-field-removed', where, child(k), `${isReq ? 'request' : 'response'} field \`${child(k)}\` removed`);
    }
  }
  for (const k of Object.keys(hp)) {
    if (!(k in bp)) {
      if (hreq.has(k)) push(out, isReq ? 'breaking' : 'non-breaking', isReq ? 'request-required-field-added' : 'response-field-added', where, child(k), `${isReq ? 'required request' : 'response'} field \`${child(k)}\` added`);
      else push(out, 'non-breaking', isReq ? 'request-optional-field-added' : 'response-field-added', where, child(k), `optional ${isReq ? 'request' : 'response'} field \`${child(k)}\` added`);
    }
  }
  for (const k of Object.keys(bp)) {
    if (!(k in hp)) continue;
    if (breq.has(k) && !hreq.has(k)) {
      push(out, isReq ? 'non-breaking' : 'breaking', isReq ? 'request-field-made-optional' : 'response-field-made-optional', where, child(k), `${isReq ? 'request' : 'response'} field \`${child(k)}\` is no longer required`);
    } else if (!breq.has(k) && hreq.has(k)) {
      push(out, isReq ? 'breaking' : 'non-breaking', isReq ? 'request-field-made-required' : 'response-field-made-required', where, child(k), `${isReq ? 'request' : 'response'} field \`${child(k)}\` is now required`);
    }
    compareSchema(bp[k], hp[k], dir, where, out, child(k), seen);
  }
  // required entries without a property declaration
  for (const r of hreq) if (!(r in hp) && !breq.has(r) && isReq) push(out, 'breaking', 'request-field-made-required', where, child(r), `request field \`${child(r)}\` is now required`);

  // additionalProperties
  const bap = b.additionalProperties;
  const hap = h.additionalProperties;
  if (isReq && bap !== false && hap === false && !(bap === undefined && !bt.has('object'))) {
    push(out, 'breaking', 'additional-properties-closed', where, path, `${label} no longer accepts additional properties`);
  }
  if (isObject(bap) && isObject(hap)) compareSchema(bap, hap, dir, where, out, `${path}{*}`, seen);

  // 6. arrays
  if (b.items !== undefined && h.items !== undefined && !Array.isArray(b.items) && !Array.isArray(h.items)) {
    compareSchema(b.items, h.items, dir, where, out, `${path}[]`, seen);
  }

  // 7. oneOf / anyOf
  for (const key of ['oneOf', 'anyOf']) {
    const bv = Array.isArray(b[key]) ? b[key] : null;
    const hv = Array.isArray(h[key]) ? h[key] : null;
    if (!bv && !hv) continue;
    if (!bv || !hv) {
      push(out, 'breaking', 'variants-changed', where, path, `${label}: ${key} ${bv ? 'removed' : 'added'}`);
      continue;
    }
    if (bv.length === hv.length) {
      bv.forEach((v, i) => compareSchema(v, hv[i], dir, where, out, `${path}<${key}[${i}]>`, seen));
    } else if (hv.length > bv.length) {
      push(out, isReq ? 'non-breaking' : 'breaking', 'variant-added', where, path, `${label}: ${key} variant(s) added (${bv.length} → ${hv.length})`);
    } else {
      push(out, isReq ? 'breaking' : 'non-breaking', 'variant-removed', where, path, `${label}: ${key} variant(s) removed (${bv.length} → ${hv.length})`);
    }
  }
}

const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];

function compareConstraints(b, h, isReq, where, path, label, out) {
  const tightened = [];
  const loosened = [];
  for (const k of LOWER) {
    if (typeof h[k] === 'number' && (typeof b[k] !== 'number' || h[k] > b[k])) tightened.push(`${k} ${b[k] ?? '—'} → ${h[k]}`);
    else if (typeof b[k] === 'number' && (typeof h[k] !== 'number' || h[k] < b[k])) loosened.push(`${k} ${b[k]} → ${h[k] ?? '—'}`);
  }
  for (const k of UPPER) {
    if (typeof h[k] === 'number' && (typeof b[k] !== 'number' || h[k] < b[k])) tightened.push(`${k} ${b[k] ?? '—'} → ${h[k]}`);
    else if (typeof b[k] === 'number' && (typeof h[k] !== 'number' || h[k] > b[k])) loosened.push(`${k} ${b[k]} → ${h[k] ?? '—'}`);
  }
  if (b.pattern !== h.pattern) (h.pattern === undefined ? loosened : tightened).push(`pattern ${b.pattern ?? '—'} → ${h.pattern ?? '—'}`);
  // Constraints only matter for what the client sends; a tighter response is narrower (fine),
  // a looser response could carry values the client's validation rejects: report, not breaking.
  if (tightened.length) push(out, isReq ? 'breaking' : 'non-breaking', 'constraint-tightened', where, path, `${label} constraints tightened: ${tightened.join('; ')}`);
  if (loosened.length) push(out, 'non-breaking', 'constraint-loosened', where, path, `${label} constraints loosened: ${loosened.join('; ')}`);
}

export class PairSet {
  #m = new WeakMap();
  has(a, b) {
    return this.#m.get(a)?.has(b) ?? false;
  }
  add(a, b) {
    let s = this.#m.get(a);
    if (!s) this.#m.set(a, (s = new WeakSet()));
    s.add(b);
  }
  delete(a, b) {
    this.#m.get(a)?.delete(b);
  }
}

function push(out, severity, code, where, path, message) {
  out.push({ severity, code, where, message });
}

/**
 * Deep structural comparison of two (dereferenced) documents ignoring documentation-only keys.
 * Returns { structural: string[] (paths that differ), docs: string[] (doc-key paths that differ) }.
 */
export function genericDiff(base, head, limit = 50) {
  const structural = [];
  const docs = [];
  const seen = new PairSet();
  const visit = (b, h, path, inDocs) => {
    if (b === h) return;
    const bucket = inDocs ? docs : structural;
    if (bucket.length >= limit && (inDocs || structural.length >= limit)) return;
    const bo = b !== null && typeof b === 'object';
    const ho = h !== null && typeof h === 'object';
    if (!bo || !ho || Array.isArray(b) !== Array.isArray(h)) {
      if (JSON.stringify(b) !== JSON.stringify(h)) bucket.push(path || '/');
      return;
    }
    if (seen.has(b, h)) return;
    seen.add(b, h);
    const keys = new Set([...Object.keys(b), ...Object.keys(h)]);
    for (const k of keys) visit(b[k], h[k], `${path}/${k}`, inDocs || DOC_KEYS.has(k));
  };
  visit(base, head, '', false);
  return { structural, docs };
}
