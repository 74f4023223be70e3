// OpenAPI 3.x comparator: classifies every change between two documents as
// breaking / non-breaking (additive) / docs-only, from the point of view of a
// client generated from the document (our SDKs). Call it with two documents
// (plain objects; local $refs are resolved here, files via load.mjs).
import { dereference } from './load.mjs';
import { compareSchema, genericDiff, isObject } from './schema-diff.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** @returns {Map<string, { method: string, path: string, op: any, params: Map<string, any>, security: any[] | undefined }>} */
export function operationsOf(doc) {
  const out = new Map();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const params = new Map();
      for (const p of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        if (isObject(p) && p.name && p.in) params.set(`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`, p);
      }
      out.set(`${method.toUpperCase()} ${path}`, { method, path, op, params, security: op.security ?? doc.security });
    }
  }
  return out;
}

function securityAlternatives(sec) {
  if (!Array.isArray(sec) || sec.length === 0) return new Set(['(none)']);
  return new Set(
    sec.map((req) =>
      Object.keys(req ?? {}).length === 0
        ? '(none)'
        : Object.entries(req)
            .map(([k, scopes]) => (Array.isArray(scopes) && scopes.length ? `${k}[${[...scopes].sort().join(',')}]` : k))
            .sort()
            .join(' + '),
    ),
  );
}

function mediaSchema(media) {
  return isObject(media) ? media.schema ?? {} : {};
}

/**
 * @param {any} baseDoc @param {any} headDoc
 * @returns {import('./schema-diff.mjs').Change[]}
 */
export function compareOpenApi(baseDoc, headDoc) {
  const base = dereference({ doc: baseDoc });
  const head = dereference({ doc: headDoc });
  const out = [];
  const add = (severity, code, where, message) => out.push({ severity, code, where, message });

  // servers
  const bs = (base.servers ?? []).map((s) => s?.url);
  const hs = (head.servers ?? []).map((s) => s?.url);
  for (const u of bs) if (!hs.includes(u)) add('breaking', 'server-removed', 'servers', `server \`${u}\` removed`);
  for (const u of hs) if (!bs.includes(u)) add('non-breaking', 'server-added', 'servers', `server \`${u}\` added`);

  // security schemes
  const bss = base.components?.securitySchemes ?? {};
  const hss = head.components?.securitySchemes ?? {};
  for (const [name, s] of Object.entries(bss)) {
    const h = hss[name];
    if (!h) add('breaking', 'security-scheme-removed', 'components.securitySchemes', `security scheme \`${name}\` removed`);
    else {
      const keyOf = (x) => JSON.stringify([x?.type, x?.scheme?.toLowerCase?.(), x?.in, x?.name, x?.bearerFormat]);
      if (keyOf(s) !== keyOf(h)) add('breaking', 'security-scheme-changed', 'components.securitySchemes', `security scheme \`${name}\` changed (${describeScheme(s)} → ${describeScheme(h)})`);
    }
  }
  for (const name of Object.keys(hss)) if (!(name in bss)) add('non-breaking', 'security-scheme-added', 'components.securitySchemes', `security scheme \`${name}\` added`);

  // named component schemas are exported as types by the generated clients
  const bcs = base.components?.schemas ?? {};
  const hcs = head.components?.schemas ?? {};
  for (const name of Object.keys(bcs)) if (!(name in hcs)) add('breaking', 'component-schema-removed', 'components.schemas', `schema \`${name}\` removed (its generated type disappears)`);
  for (const name of Object.keys(hcs)) if (!(name in bcs)) add('non-breaking', 'component-schema-added', 'components.schemas', `schema \`${name}\` added`);

  const bops = operationsOf(base);
  const hops = operationsOf(head);
  for (const [key, b] of bops) {
    if (!hops.has(key)) add('breaking', 'operation-removed', key, `operation \`${key}\`${b.op.operationId ? ` (${b.op.operationId})` : ''} removed`);
  }
  for (const [key, h] of hops) {
    if (!bops.has(key)) add('non-breaking', 'operation-added', key, `operation \`${key}\`${h.op.operationId ? ` (${h.op.operationId})` : ''} added`);
  }
  for (const [key, b] of bops) {
    const h = hops.get(key);
    if (h) compareOperation(key, b, h, out);
  }

  // Anything else that moved: docs-only, or a structural change this comparator does not classify.
  const generic = genericDiff(base, head);
  if (out.length === 0 && generic.structural.length) {
    add('unclassified', 'unclassified-change', 'document', `structural change(s) not classified by the comparator — review by hand: ${generic.structural.slice(0, 8).map((p) => `\`${p}\``).join(', ')}${generic.structural.length > 8 ? ', …' : ''}`);
  }
  if (generic.docs.length) {
    add('docs', 'docs-changed', 'document', `documentation changed (descriptions/summaries/examples): ${generic.docs.slice(0, 6).map((p) => `\`${p}\``).join(', ')}${generic.docs.length > 6 ? ', …' : ''}`);
  }
  return out;
}

function describeScheme(s) {
  return [s?.type, s?.scheme, s?.in, s?.name].filter(Boolean).join(' ');
}

function compareOperation(key, b, h, out) {
  const add = (severity, code, message, where = key) => out.push({ severity, code, where, message });
  if (b.op.operationId !== h.op.operationId) {
    add('breaking', 'operation-id-changed', `operationId changed from \`${b.op.operationId}\` to \`${h.op.operationId}\` (generated \`operations[…]\` type key)`);
  }
  if (!b.op.deprecated && h.op.deprecated) add('non-breaking', 'operation-deprecated', 'operation deprecated');

  // security
  const bsec = securityAlternatives(b.security);
  const hsec = securityAlternatives(h.security);
  const removed = [...bsec].filter((x) => !hsec.has(x));
  const addedSec = [...hsec].filter((x) => !bsec.has(x));
  if (removed.length) add('breaking', 'security-changed', `security changed: ${[...bsec].join(' | ')} → ${[...hsec].join(' | ')} (no longer accepted: ${removed.join(', ')})`);
  else if (addedSec.length) add('non-breaking', 'security-alternative-added', `security alternative(s) added: ${addedSec.join(', ')}`);

  // parameters
  for (const [pk, bp] of b.params) {
    const hp = h.params.get(pk);
    const label = `${bp.in} parameter \`${bp.name}\``;
    if (!hp) {
      add('breaking', 'parameter-removed', `${label} removed`);
      continue;
    }
    if (!bp.required && hp.required) add('breaking', 'parameter-made-required', `${label} is now required`);
    if (bp.required && !hp.required) add('non-breaking', 'parameter-made-optional', `${label} is no longer required`);
    compareSchema(bp.schema ?? {}, hp.schema ?? {}, 'request', `${key} ${label}`, out);
  }
  for (const [pk, hp] of h.params) {
    if (b.params.has(pk)) continue;
    const label = `${hp.in} parameter \`${hp.name}\``;
    if (hp.required) add('breaking', 'required-parameter-added', `required ${label} added`);
    else add('non-breaking', 'optional-parameter-added', `optional ${label} added`);
  }

  // request body
  const brb = b.op.requestBody;
  const hrb = h.op.requestBody;
  if (brb && !hrb) add('breaking', 'request-body-removed', 'request body removed');
  else if (!brb && hrb) add(hrb.required ? 'breaking' : 'non-breaking', hrb.required ? 'required-request-body-added' : 'optional-request-body-added', `${hrb.required ? 'required' : 'optional'} request body added`);
  else if (brb && hrb) {
    if (!brb.required && hrb.required) add('breaking', 'request-body-made-required', 'request body is now required');
    if (brb.required && !hrb.required) add('non-breaking', 'request-body-made-optional', 'request body is no longer required');
    const bc = brb.content ?? {};
    const hc = hrb.content ?? {};
    for (const mt of Object.keys(bc)) {
      if (!(mt in hc)) add('breaking', 'request-media-type-removed', `request media type \`${mt}\` removed`);
      else compareSchema(mediaSchema(bc[mt]), mediaSchema(hc[mt]), 'request', `${key} request body (${mt})`, out);
    }
    for (const mt of Object.keys(hc)) if (!(mt in bc)) add('non-breaking', 'request-media-type-added', `request media type \`${mt}\` added`);
  }

  // responses
  const bres = b.op.responses ?? {};
  const hres = h.op.responses ?? {};
  for (const status of Object.keys(bres)) {
    if (!(status in hres)) {
      add('breaking', 'response-status-removed', `response status ${status} removed`);
      continue;
    }
    const bc = bres[status]?.content ?? {};
    const hc = hres[status]?.content ?? {};
    for (const mt of Object.keys(bc)) {
      if (!(mt in hc)) add('breaking', 'response-media-type-removed', `response ${status} media type \`${mt}\` removed`);
      else compareSchema(mediaSchema(bc[mt]), mediaSchema(hc[mt]), 'response', `${key} response ${status} (${mt})`, out);
    }
    for (const mt of Object.keys(hc)) if (!(mt in bc)) add('non-breaking', 'response-media-type-added', `response ${status} media type \`${mt}\` added`);
    const bh = bres[status]?.headers ?? {};
    const hh = hres[status]?.headers ?? {};
    const lower = (o) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
    const bhl = lower(bh);
    const hhl = lower(hh);
    for (const [n] of bhl) if (!hhl.has(n)) add('breaking', 'response-header-removed', `response ${status} header \`${n}\` removed`);
    for (const [n] of hhl) if (!bhl.has(n)) add('non-breaking', 'response-header-added', `response ${status} header \`${n}\` added`);
  }
  for (const status of Object.keys(hres)) if (!(status in bres)) add('non-breaking', 'response-status-added', `response status ${status} added`);
}
