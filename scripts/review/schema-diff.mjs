// JSON Schema comparison with a direction:
//   'request'  — the schema describes data the client SENDS (an input of our SDK):
//                narrowing what is accepted is breaking, widening is not.
//   'response' — the schema describes data the client RECEIVES (an output):
//                widening what can arrive is breaking, narrowing is not.
// Works on dereferenced schemas (see load.mjs); cycles are guarded.
//
// CLAIMS: every rule that reports a change also claims the places of the documents it explains
// (a key of a base/head object pair, see Claims). genericDiff() then lists the structural
// differences no rule claimed, and the comparators report them for review — a change the rules
// do not understand is never dropped, whatever else changed.

/**
 * @typedef {'breaking' | 'behaviour' | 'non-breaking' | 'docs' | 'unclassified'} Severity
 *   behaviour: the types stay the same but what the generated client does changes (e.g. it
 *   retries an operation it did not retry before): minor impact in 1.x terms (patch at 0.x).
 */
/** @typedef {{ severity: Severity, code: string, where: string, message: string }} Change */

export const SEVERITY_IMPACT = { breaking: 'major', behaviour: 'minor', 'non-breaking': 'minor', unclassified: 'minor', docs: 'patch' };

// Documentation-only keys (anywhere but as a field name in `properties`). The x-… ones are this
// repository's decision records and notes: prose about the document, read by people only.
const DOC_KEYS = new Set(['description', 'summary', 'title', 'example', 'examples', 'externalDocs', 'x-codeSamples', 'deprecated', '$comment', 'x-summary', 'x-decision', 'x-decisions', 'x-s2sdk-decisions', 'x-note', 'x-s2sdk-source']);

export function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where the keys of a merged (allOf) schema come from: see mergeAllOf. */
const ORIGIN = Symbol('origin');

/**
 * Flattens allOf into one schema (properties/required merged); other keys from the first that defines them.
 * The result remembers which document objects its keys and properties come from (for claims).
 */
export function mergeAllOf(schema, seen = new Set()) {
  if (!isObject(schema) || !Array.isArray(schema.allOf) || seen.has(schema)) return schema;
  seen.add(schema);
  const out = { ...schema };
  delete out.allOf;
  const props = { ...(schema.properties ?? {}) };
  const required = new Set(schema.required ?? []);
  const owner = new Map(Object.keys(out).map((k) => [k, [schema]]));
  const propContainer = new Map(Object.keys(props).map((k) => [k, [schema.properties]]));
  const addOwner = (k, objs) => owner.set(k, [...(owner.get(k) ?? []), ...objs]);
  for (const part0 of schema.allOf) {
    const part = mergeAllOf(part0, seen);
    if (!isObject(part)) continue;
    const partOwners = (k) => part[ORIGIN]?.owner.get(k) ?? [part0];
    for (const [k, v] of Object.entries(part.properties ?? {})) {
      if (!(k in props)) props[k] = v;
      propContainer.set(k, [...(propContainer.get(k) ?? []), ...(part[ORIGIN]?.propContainer.get(k) ?? [part0.properties])]);
    }
    if (part.properties) addOwner('properties', partOwners('properties'));
    for (const r of part.required ?? []) required.add(r);
    if (part.required) addOwner('required', partOwners('required'));
    for (const [k, v] of Object.entries(part)) {
      if (['properties', 'required'].includes(k)) continue;
      if (!(k in out)) out[k] = v;
      addOwner(k, partOwners(k));
    }
  }
  if (Object.keys(props).length) out.properties = props;
  if (required.size) out.required = [...required];
  Object.defineProperty(out, ORIGIN, { value: { owner, propContainer } });
  return out;
}

/**
 * The places of the documents that rules explained: keys of (base object, head object) pairs,
 * by identity (so a shared `$ref` target is claimed wherever it is used). A claimed key covers
 * everything under it.
 */
export class Claims {
  #m = new WeakMap();
  claim(b, h, key) {
    if (!isObjectLike(b) || !isObjectLike(h)) return;
    let byHead = this.#m.get(b);
    if (!byHead) this.#m.set(b, (byHead = new WeakMap()));
    let keys = byHead.get(h);
    if (!keys) byHead.set(h, (keys = new Set()));
    keys.add(String(key));
  }
  has(b, h, key) {
    return this.#m.get(b)?.get(h)?.has(String(key)) ?? false;
  }
}

const isObjectLike = (v) => v !== null && typeof v === 'object';
const CLAIMS = Symbol('claims');

/** The claims collected with the changes of `out` (a change list). */
export function claimsOf(out) {
  if (!out[CLAIMS]) Object.defineProperty(out, CLAIMS, { value: new Claims() });
  return out[CLAIMS];
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
  const claims = claimsOf(out);
  // the document objects holding `key` on each side (allOf parts for a merged schema)
  const owners = (merged, orig, key) => merged[ORIGIN]?.owner.get(key) ?? [orig];
  const claimKey = (...keys) => {
    for (const key of keys) for (const ob of owners(b, base, key)) for (const oh of owners(h, head, key)) claims.claim(ob, oh, key);
  };
  const claimProp = (k) => {
    const containers = (merged, orig) => merged[ORIGIN]?.propContainer.get(k) ?? (isObject(orig.properties) ? [orig.properties] : []);
    const cb = containers(b, base);
    const ch = containers(h, head);
    const all = (merged, orig) => (merged[ORIGIN] ? [...merged[ORIGIN].propContainer.values()].flat() : isObject(orig.properties) ? [orig.properties] : []);
    for (const x of cb.length ? cb : all(b, base)) for (const y of ch.length ? ch : all(h, head)) claims.claim(x, y, k);
    if (!cb.length || !ch.length) claimKey('properties');
  };

  // 1. types
  const bt = typeSet(b);
  const ht = typeSet(h);
  if (bt.size && ht.size && fmtTypes(bt) !== fmtTypes(ht)) {
    const widened = typesCovered(bt, ht);
    const narrowed = typesCovered(ht, bt);
    const ok = isReq ? widened : narrowed;
    push(out, ok ? 'non-breaking' : 'breaking', 'type-changed', where, path, `${label} type changed from ${fmtTypes(bt)} to ${fmtTypes(ht)}`);
    claimKey('type', 'nullable');
  } else if (bt.size && !ht.size) {
    push(out, isReq ? 'non-breaking' : 'breaking', 'type-removed', where, path, `${label} is no longer constrained to ${fmtTypes(bt)}`);
    claimKey('type', 'nullable');
  } else if (!bt.size && ht.size) {
    push(out, isReq ? 'breaking' : 'non-breaking', 'type-added', where, path, `${label} is now constrained to ${fmtTypes(ht)}`);
    claimKey('type', 'nullable');
  } else if (bt.size && fmtTypes(bt) === fmtTypes(ht)) {
    // the same set written differently (`type: [string, null]` ↔ `nullable: true`, a list reordered)
    claimKey('type', 'nullable');
  }

  // 2. const
  if ('const' in b || 'const' in h) {
    if (!('const' in h)) push(out, isReq ? 'non-breaking' : 'breaking', 'const-removed', where, path, `${label} is no longer the constant ${fmt(b.const)}`);
    else if (!('const' in b)) push(out, isReq ? 'breaking' : 'non-breaking', 'const-added', where, path, `${label} is now the constant ${fmt(h.const)}`);
    else if (fmt(b.const) !== fmt(h.const)) push(out, 'breaking', 'const-changed', where, path, `${label} constant changed from ${fmt(b.const)} to ${fmt(h.const)}`);
    claimKey('const');
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
      // a reordered enum is the same set of values
    }
    claimKey('enum');
  }

  // 4. format and constraints
  if (b.format !== h.format) {
    if (b.format !== undefined && h.format !== undefined) push(out, 'breaking', 'format-changed', where, path, `${label} format changed from ${b.format} to ${h.format}`);
    else if (h.format !== undefined) push(out, isReq ? 'breaking' : 'non-breaking', 'format-added', where, path, `${label} now has format ${h.format}`);
    else push(out, isReq ? 'non-breaking' : 'breaking', 'format-removed', where, path, `${label} no longer has format ${b.format}`);
    claimKey('format');
  }
  claimKey(...compareConstraints(b, h, isReq, where, path, label, out));

  // default: what the server assumes for an omitted request field
  if (fmt(b.default) !== fmt(h.default)) {
    if (!isReq) push(out, 'docs', 'response-default-changed', where, path, `${label} default changed (${fmt(b.default) ?? '—'} → ${fmt(h.default) ?? '—'}): an annotation in a response`);
    else if (b.default === undefined) push(out, 'non-breaking', 'request-default-added', where, path, `${label} defaults to ${fmt(h.default)} when omitted (the field stays optional)`);
    else push(out, 'unclassified', 'request-default-changed', where, path, `${label} default changed from ${fmt(b.default)} to ${fmt(h.default) ?? '(none)'}: requests that omit it now get another value — review by hand`);
    claimKey('default');
  }

  // 5. object properties
  const bp = isObject(b.properties) ? b.properties : {};
  const hp = isObject(h.properties) ? h.properties : {};
  const breq = new Set(Array.isArray(b.required) ? b.required : []);
  const hreq = new Set(Array.isArray(h.required) ? h.required : []);
  const child = (k) => (path ? `${path}.${k}` : k);
  for (const k of Object.keys(bp)) {
    if (!(k in hp)) {
      push(out, 'breaking', isReq ? 'request-field-removed' : 'response-field-removed', where, child(k), `${isReq ? 'request' : 'response'} field \`${child(k)}\` removed`);
      claimProp(k);
    }
  }
  for (const k of Object.keys(hp)) {
    if (!(k in bp)) {
      if (hreq.has(k)) push(out, isReq ? 'breaking' : 'non-breaking', isReq ? 'request-required-field-added' : 'response-field-added', where, child(k), `${isReq ? 'required request' : 'response'} field \`${child(k)}\` added`);
      else push(out, 'non-breaking', isReq ? 'request-optional-field-added' : 'response-field-added', where, child(k), `optional ${isReq ? 'request' : 'response'} field \`${child(k)}\` added`);
      claimProp(k);
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
  // the required lists: every difference is explained above (a field made required/optional,
  // added or removed), or is a reordering of the same names
  claimKey('required');

  // additionalProperties
  const bap = b.additionalProperties;
  const hap = h.additionalProperties;
  const closed = (ap) => ap === false;
  if (closed(bap) !== closed(hap)) {
    if (closed(hap)) push(out, isReq ? 'breaking' : 'non-breaking', 'additional-properties-closed', where, path, `${label} no longer ${isReq ? 'accepts' : 'carries'} additional properties`);
    else push(out, 'non-breaking', 'additional-properties-opened', where, path, `${label} now ${isReq ? 'accepts' : 'may carry'} additional properties`);
    claimKey('additionalProperties');
  } else if (!isObject(bap) && !isObject(hap) && bap !== hap) {
    // true ↔ absent: the same meaning
    claimKey('additionalProperties');
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
      claimKey(key);
      continue;
    }
    if (bv.length === hv.length) {
      bv.forEach((v, i) => compareSchema(v, hv[i], dir, where, out, `${path}<${key}[${i}]>`, seen));
    } else if (hv.length > bv.length) {
      push(out, isReq ? 'non-breaking' : 'breaking', 'variant-added', where, path, `${label}: ${key} variant(s) added (${bv.length} → ${hv.length})`);
      claimKey(key);
    } else {
      push(out, isReq ? 'breaking' : 'non-breaking', 'variant-removed', where, path, `${label}: ${key} variant(s) removed (${bv.length} → ${hv.length})`);
      claimKey(key);
    }
  }
}

const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];

/** Reports constraint changes; returns the keywords it explained. */
function compareConstraints(b, h, isReq, where, path, label, out) {
  const tightened = [];
  const loosened = [];
  const keys = [];
  for (const k of LOWER) {
    if (typeof h[k] === 'number' && (typeof b[k] !== 'number' || h[k] > b[k])) tightened.push(`${k} ${b[k] ?? '—'} → ${h[k]}`);
    else if (typeof b[k] === 'number' && (typeof h[k] !== 'number' || h[k] < b[k])) loosened.push(`${k} ${b[k]} → ${h[k] ?? '—'}`);
    else continue;
    keys.push(k);
  }
  for (const k of UPPER) {
    if (typeof h[k] === 'number' && (typeof b[k] !== 'number' || h[k] < b[k])) tightened.push(`${k} ${b[k] ?? '—'} → ${h[k]}`);
    else if (typeof b[k] === 'number' && (typeof h[k] !== 'number' || h[k] > b[k])) loosened.push(`${k} ${b[k]} → ${h[k] ?? '—'}`);
    else continue;
    keys.push(k);
  }
  if (b.pattern !== h.pattern) {
    (h.pattern === undefined ? loosened : tightened).push(`pattern ${b.pattern ?? '—'} → ${h.pattern ?? '—'}`);
    keys.push('pattern');
  }
  // Constraints only matter for what the client sends; a tighter response is narrower (fine),
  // a looser response could carry values the client's validation rejects: report, not breaking.
  if (tightened.length) push(out, isReq ? 'breaking' : 'non-breaking', 'constraint-tightened', where, path, `${label} constraints tightened: ${tightened.join('; ')}`);
  if (loosened.length) push(out, 'non-breaking', 'constraint-loosened', where, path, `${label} constraints loosened: ${loosened.join('; ')}`);
  return keys;
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

/** JSON pointer escaping of one key. */
const esc = (k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Deep structural comparison of two (dereferenced) documents, documentation-only keys apart.
 * Returns { structural: string[] (JSON pointers of differences no claim covers), claimed: number
 * (differences a rule explained), docs: string[] (doc-key paths that differ) }. Every difference is
 * listed (no cap): show a few and say how many more with `morePaths`.
 * @param {any} base @param {any} head @param {Claims} [claims]
 */
export function genericDiff(base, head, claims) {
  const structural = [];
  const docs = [];
  let claimed = 0;
  const seen = new PairSet();
  // ancestors: [bObj, hObj, key] triples from the root to the current node
  const stack = [];
  const isClaimed = () => claims !== undefined && stack.some(([b, h, k]) => claims.has(b, h, k));
  const visit = (b, h, path, inDocs) => {
    if (b === h) return;
    const bo = b !== null && typeof b === 'object';
    const ho = h !== null && typeof h === 'object';
    if (!bo || !ho || Array.isArray(b) !== Array.isArray(h)) {
      if (JSON.stringify(b) === JSON.stringify(h)) return;
      if (inDocs) docs.push(path || '/');
      else if (isClaimed()) claimed++;
      else structural.push(path || '/');
      return;
    }
    if (seen.has(b, h)) return;
    seen.add(b, h);
    const keys = new Set([...Object.keys(b), ...Object.keys(h)]);
    // the keys of a `properties` map are field names (a field may be called `description`), not keywords
    const names = stack.length > 0 && ['properties', 'patternProperties'].includes(stack[stack.length - 1][2]);
    // the document's info object (title, version, contact, license…) is documentation too
    const root = stack.length === 0;
    for (const k of keys) {
      stack.push([b, h, k]);
      visit(b[k], h[k], `${path}/${esc(k)}`, inDocs || (!names && DOC_KEYS.has(k)) || (root && k === 'info'));
      stack.pop();
    }
  };
  visit(base, head, '', false);
  return { structural, claimed, docs };
}

/** "`a`, `b`, `c` … and 12 more" */
export function morePaths(paths, shown = 8) {
  const list = paths.slice(0, shown).map((p) => `\`${p}\``).join(', ');
  return paths.length > shown ? `${list} … and ${paths.length - shown} more` : list;
}

/**
 * The changes of a comparison completed with what its rules did not claim: structural
 * differences for review (always, whatever else was classified), documentation edits.
 */
export function finishComparison(base, head, out) {
  const generic = genericDiff(base, head, claimsOf(out));
  if (generic.structural.length) {
    out.push({
      severity: 'unclassified',
      code: 'unclassified-change',
      where: 'document',
      message: `${generic.structural.length} structural change(s) no rule classifies — review by hand: ${morePaths(generic.structural)}`,
    });
  }
  if (generic.docs.length) {
    out.push({ severity: 'docs', code: 'docs-changed', where: 'document', message: `documentation changed (descriptions/summaries/examples): ${morePaths(generic.docs, 6)}` });
  }
  return out;
}
