// OpenAPI 3.x comparator: classifies every change between two documents as
// breaking / non-breaking (additive) / docs-only, from the point of view of a
// client generated from the document (our SDKs). Call it with two documents
// (plain objects; local $refs are resolved here, files via load.mjs).
import { dereference } from './load.mjs';
import { claimsOf, compareSchema, finishComparison, isObject } from './schema-diff.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// Methods the generated clients retry without an `x-idempotent` mark (as @s2sdk/core's transport).
const IDEMPOTENT_METHODS = new Set(['get', 'head', 'options', 'put', 'delete', 'trace']);

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
      out.set(`${method.toUpperCase()} ${path}`, { method, path, item, op, params, security: op.security ?? doc.security });
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
  const claims = claimsOf(out);
  const add = (severity, code, where, message) => out.push({ severity, code, where, message });

  // servers
  const bs = (base.servers ?? []).map((s) => s?.url);
  const hs = (head.servers ?? []).map((s) => s?.url);
  for (const u of bs) if (!hs.includes(u)) add('breaking', 'server-removed', 'servers', `server \`${u}\` removed`);
  for (const u of hs) if (!bs.includes(u)) add('non-breaking', 'server-added', 'servers', `server \`${u}\` added`);
  if (bs.some((u) => !hs.includes(u)) || hs.some((u) => !bs.includes(u))) claims.claim(base, head, 'servers');

  // security schemes
  const bss = base.components?.securitySchemes ?? {};
  const hss = head.components?.securitySchemes ?? {};
  for (const [name, s] of Object.entries(bss)) {
    const h = hss[name];
    if (!h) add('breaking', 'security-scheme-removed', 'components.securitySchemes', `security scheme \`${name}\` removed`);
    else {
      const keyOf = (x) => JSON.stringify([x?.type, x?.scheme?.toLowerCase?.(), x?.in, x?.name, x?.bearerFormat]);
      if (keyOf(s) === keyOf(h)) continue;
      add('breaking', 'security-scheme-changed', 'components.securitySchemes', `security scheme \`${name}\` changed (${describeScheme(s)} → ${describeScheme(h)})`);
    }
    claims.claim(bss, hss, name);
  }
  for (const name of Object.keys(hss)) {
    if (name in bss) continue;
    add('non-breaking', 'security-scheme-added', 'components.securitySchemes', `security scheme \`${name}\` added`);
    claims.claim(bss, hss, name);
  }
  if (!base.components?.securitySchemes !== !head.components?.securitySchemes) claims.claim(base.components, head.components, 'securitySchemes');

  // named components are exported as types by the generated clients (`components['schemas'][…]`, …);
  // what a changed one means is found where operations use it
  for (const kind of ['schemas', 'responses', 'parameters', 'requestBodies', 'headers', 'pathItems']) {
    const bcs = base.components?.[kind] ?? {};
    const hcs = head.components?.[kind] ?? {};
    const one = kind === 'schemas' ? 'schema' : kind === 'requestBodies' ? 'request body' : kind === 'pathItems' ? 'path item' : kind.slice(0, -1);
    const code = kind === 'schemas' ? 'component-schema' : 'component';
    for (const name of Object.keys(bcs)) {
      if (name in hcs) continue;
      add('breaking', `${code}-removed`, `components.${kind}`, `${one} \`${name}\` removed (its generated type disappears)`);
      claims.claim(bcs, hcs, name);
    }
    for (const name of Object.keys(hcs)) {
      if (name in bcs) continue;
      add('non-breaking', `${code}-added`, `components.${kind}`, `${one} \`${name}\` added`);
      claims.claim(bcs, hcs, name);
    }
    if (!base.components?.[kind] !== !head.components?.[kind]) claims.claim(base.components, head.components, kind);
  }
  if (!base.components !== !head.components) claims.claim(base, head, 'components');

  const bops = operationsOf(base);
  const hops = operationsOf(head);
  const claimOperation = (b, h) => {
    // the whole operation (or its path item when that is gone on one side)
    const bi = base.paths?.[b?.path ?? h.path];
    const hi = head.paths?.[b?.path ?? h.path];
    if (isObject(bi) && isObject(hi)) claims.claim(bi, hi, (b ?? h).method);
    else claims.claim(base.paths, head.paths, (b ?? h).path);
    if (!base.paths !== !head.paths) claims.claim(base, head, 'paths');
  };
  for (const [key, b] of bops) {
    if (hops.has(key)) continue;
    add('breaking', 'operation-removed', key, `operation \`${key}\`${b.op.operationId ? ` (${b.op.operationId})` : ''} removed`);
    claimOperation(b, undefined);
  }
  for (const [key, h] of hops) {
    if (bops.has(key)) continue;
    add('non-breaking', 'operation-added', key, `operation \`${key}\`${h.op.operationId ? ` (${h.op.operationId})` : ''} added`);
    claimOperation(undefined, h);
  }
  for (const [key, b] of bops) {
    const h = hops.get(key);
    if (h) compareOperation(key, b, h, out, { base, head });
  }

  // Anything else that moved: documentation, or a structural change no rule claimed (for review).
  return finishComparison(base, head, out);
}

function describeScheme(s) {
  return [s?.type, s?.scheme, s?.in, s?.name].filter(Boolean).join(' ');
}

function compareOperation(key, b, h, out, docs) {
  const claims = claimsOf(out);
  const add = (severity, code, message, where = key) => out.push({ severity, code, where, message });
  if (b.op.operationId !== h.op.operationId) {
    add('breaking', 'operation-id-changed', `operationId changed from \`${b.op.operationId}\` to \`${h.op.operationId}\` (generated \`operations[…]\` type key)`);
    claims.claim(b.op, h.op, 'operationId');
  }
  if (!b.op.deprecated && h.op.deprecated) add('non-breaking', 'operation-deprecated', 'operation deprecated');

  // retry safety: `x-idempotent` (else the method) decides whether the generated client retries the
  // operation after a timeout, a 408/429/5xx or a connection error. The types do not change; what the
  // client does does: a behaviour change (minor impact in 1.x terms, a patch at 0.x).
  const bIdem = b.op['x-idempotent'];
  const hIdem = h.op['x-idempotent'];
  if (bIdem !== hIdem) {
    const effective = (mark, method) => (typeof mark === 'boolean' ? mark : IDEMPOTENT_METHODS.has(method));
    const was = effective(bIdem, b.method);
    const now = effective(hIdem, h.method);
    const mark = (v) => (v === undefined ? '(none)' : JSON.stringify(v));
    if (was && !now) {
      add('behaviour', 'retry-safety-removed', `x-idempotent ${mark(bIdem)} → ${mark(hIdem)}: the client no longer retries this operation after a timeout, 408/429/5xx or connection error — callers that relied on the automatic retries now see those failures`);
    } else if (!was && now) {
      add('behaviour', 'retry-safety-added', `x-idempotent ${mark(bIdem)} → ${mark(hIdem)}: the client now retries this operation after a timeout, 408/429/5xx or connection error (a request may reach the server more than once)`);
    } else {
      add('docs', 'retry-safety-restated', `x-idempotent ${mark(bIdem)} → ${mark(hIdem)}: the same retry behaviour as the method's default (${was ? 'retried' : 'not retried'})`);
    }
    claims.claim(b.op, h.op, 'x-idempotent');
  }

  // security
  const bsec = securityAlternatives(b.security);
  const hsec = securityAlternatives(h.security);
  const removed = [...bsec].filter((x) => !hsec.has(x));
  const addedSec = [...hsec].filter((x) => !bsec.has(x));
  if (removed.length) add('breaking', 'security-changed', `security changed: ${[...bsec].join(' | ')} → ${[...hsec].join(' | ')} (no longer accepted: ${removed.join(', ')})`);
  else if (addedSec.length) add('non-breaking', 'security-alternative-added', `security alternative(s) added: ${addedSec.join(', ')}`);
  // the requirement lists (of the operation or, inherited, of the document): explained above, or the same alternatives reordered
  claims.claim(b.op, h.op, 'security');
  if (b.op.security === undefined || h.op.security === undefined) claims.claim(docs.base, docs.head, 'security');

  // parameters
  let paramsAddedOrRemoved = false;
  for (const [pk, bp] of b.params) {
    const hp = h.params.get(pk);
    const label = `${bp.in} parameter \`${bp.name}\``;
    if (!hp) {
      add('breaking', 'parameter-removed', `${label} removed`);
      paramsAddedOrRemoved = true;
      continue;
    }
    if (!bp.required && hp.required) add('breaking', 'parameter-made-required', `${label} is now required`);
    if (bp.required && !hp.required) add('non-breaking', 'parameter-made-optional', `${label} is no longer required`);
    if (!bp.required !== !hp.required) claims.claim(bp, hp, 'required');
    compareSchema(bp.schema ?? {}, hp.schema ?? {}, 'request', `${key} ${label}`, out);
    if (!bp.schema !== !hp.schema) claims.claim(bp, hp, 'schema');
  }
  for (const [pk, hp] of h.params) {
    if (b.params.has(pk)) continue;
    const label = `${hp.in} parameter \`${hp.name}\``;
    if (hp.required) add('breaking', 'required-parameter-added', `required ${label} added`);
    else add('non-breaking', 'optional-parameter-added', `optional ${label} added`);
    paramsAddedOrRemoved = true;
  }
  if (paramsAddedOrRemoved) {
    // parameter lists are compared by name, the documents by position: the lists are explained
    claims.claim(b.op, h.op, 'parameters');
    claims.claim(b.item, h.item, 'parameters');
  }

  // request body
  const brb = b.op.requestBody;
  const hrb = h.op.requestBody;
  if (brb && !hrb) add('breaking', 'request-body-removed', 'request body removed');
  else if (!brb && hrb) add(hrb.required ? 'breaking' : 'non-breaking', hrb.required ? 'required-request-body-added' : 'optional-request-body-added', `${hrb.required ? 'required' : 'optional'} request body added`);
  if (!brb !== !hrb) claims.claim(b.op, h.op, 'requestBody');
  else if (brb && hrb) {
    if (!brb.required && hrb.required) add('breaking', 'request-body-made-required', 'request body is now required');
    if (brb.required && !hrb.required) add('non-breaking', 'request-body-made-optional', 'request body is no longer required');
    if (!brb.required !== !hrb.required) claims.claim(brb, hrb, 'required');
    const bc = brb.content ?? {};
    const hc = hrb.content ?? {};
    if (!brb.content !== !hrb.content) claims.claim(brb, hrb, 'content');
    for (const mt of Object.keys(bc)) {
      if (!(mt in hc)) {
        add('breaking', 'request-media-type-removed', `request media type \`${mt}\` removed`);
        claims.claim(bc, hc, mt);
      } else {
        compareSchema(mediaSchema(bc[mt]), mediaSchema(hc[mt]), 'request', `${key} request body (${mt})`, out);
        if (!bc[mt]?.schema !== !hc[mt]?.schema) claims.claim(bc[mt], hc[mt], 'schema');
      }
    }
    for (const mt of Object.keys(hc)) {
      if (mt in bc) continue;
      add('non-breaking', 'request-media-type-added', `request media type \`${mt}\` added`);
      claims.claim(bc, hc, mt);
    }
  }

  // responses
  const bres = b.op.responses ?? {};
  const hres = h.op.responses ?? {};
  if (!b.op.responses !== !h.op.responses) claims.claim(b.op, h.op, 'responses');
  for (const status of Object.keys(bres)) {
    if (!(status in hres)) {
      add('breaking', 'response-status-removed', `response status ${status} removed`);
      claims.claim(bres, hres, status);
      continue;
    }
    const bc = bres[status]?.content ?? {};
    const hc = hres[status]?.content ?? {};
    if (!bres[status]?.content !== !hres[status]?.content) claims.claim(bres[status], hres[status], 'content');
    for (const mt of Object.keys(bc)) {
      if (!(mt in hc)) {
        add('breaking', 'response-media-type-removed', `response ${status} media type \`${mt}\` removed`);
        claims.claim(bc, hc, mt);
      } else {
        compareSchema(mediaSchema(bc[mt]), mediaSchema(hc[mt]), 'response', `${key} response ${status} (${mt})`, out);
        if (!bc[mt]?.schema !== !hc[mt]?.schema) claims.claim(bc[mt], hc[mt], 'schema');
      }
    }
    for (const mt of Object.keys(hc)) {
      if (mt in bc) continue;
      add('non-breaking', 'response-media-type-added', `response ${status} media type \`${mt}\` added`);
      claims.claim(bc, hc, mt);
    }
    const bh = bres[status]?.headers ?? {};
    const hh = hres[status]?.headers ?? {};
    if (!bres[status]?.headers !== !hres[status]?.headers) claims.claim(bres[status], hres[status], 'headers');
    const lower = (o) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), { key: k, v }]));
    const bhl = lower(bh);
    const hhl = lower(hh);
    for (const [n, { key: k }] of bhl) {
      if (hhl.has(n)) continue;
      add('breaking', 'response-header-removed', `response ${status} header \`${n}\` removed`);
      claims.claim(bh, hh, k);
    }
    for (const [n, { key: k }] of hhl) {
      if (bhl.has(n)) continue;
      add('non-breaking', 'response-header-added', `response ${status} header \`${n}\` added`);
      claims.claim(bh, hh, k);
    }
  }
  for (const status of Object.keys(hres)) {
    if (status in bres) continue;
    add('non-breaking', 'response-status-added', `response status ${status} added`);
    claims.claim(bres, hres, status);
  }
}
