// Classifies every S2S REST route of the Niyantha document into a resource operation, from the
// path shape and the name of the response schema only (no hand-kept route table):
//   POST <collection>           201 with an `id` → create   GET <collection> → list ({ items })
//   GET|PUT|PATCH|DELETE <collection>/{id}        → get / update / delete
//   POST <collection>/{id}/<verb>                 → lifecycle action <verb> on the entity
//   anything else                                 → answered from the spec's example (stateless)
// The entity (the store's collection name) is the response schema's name without `List`
// (`StoreProductList` → `StoreProduct`), so `/stores/{store_id}/orders` and `/orders` share `Order`.
// Path parameters before the addressed one are the parent scope (`/stores/{id}/products` →
// field `store_id`), also used to map WebSocket `<name>_id` members to path parameters.
import type { Route } from './openapi.js';

/** `attach`: WebSocket `<…>.<parent>.<entity>.attach` sets the record's parent field (`vehicle.network_id`). */
export type PlanKind = 'list' | 'create' | 'get' | 'update' | 'delete' | 'action' | 'singleton' | 'attach' | 'example';

export interface ScopeParam {
  param: string;
  field: string;
  entity?: string;
}

export interface Plan {
  kind: PlanKind;
  entity?: string;
  /** Path parameter addressing the record (get/update/delete/action). */
  idParam?: string;
  /** Field name of the addressed id in WebSocket payloads (`store_id`, `order_id`, …). */
  idField?: string;
  action?: string;
  scope: ScopeParam[];
  /** Resolved schema of the success response (the entity, or the list envelope). */
  schema?: Record<string, unknown>;
}

const singular = (seg: string) => seg.replace(/-/g, '_').replace(/ies$/, 'y').replace(/s$/, '');
/** `id` after `stores` → `store_id`; `{store_id}` stays `store_id`. */
export const paramField = (prevSegment: string, param: string) => (param === 'id' ? `${singular(prevSegment)}_id` : param);

function schemaName(raw: Record<string, unknown> | undefined, status: number): string | undefined {
  const responses = (raw?.responses ?? {}) as Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  const ref = responses[String(status)]?.content?.['application/json']?.schema?.$ref;
  return ref?.split('/').pop();
}

export function planRoute(route: Route, rawOperation: Record<string, unknown> | undefined, basePath: string, templateHasList = false): Plan {
  const rel = route.template.slice(basePath.length);
  const segs = rel.split('/').filter(Boolean);
  const isParam = (s: string) => /^\{.+\}$/.test(s);
  const name = (s: string) => s.slice(1, -1);
  const responseSchema = (((route.operation.responses as Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>)[String(route.successStatus)]?.content ?? {})['application/json'])?.schema;
  const ref = schemaName(rawOperation, route.successStatus);
  const isList = Boolean(ref?.endsWith('List'));
  const entity = ref?.replace(/List$/, '');
  const scopeOf = (upTo: number): ScopeParam[] => {
    const out: ScopeParam[] = [];
    for (let i = 0; i < upTo; i++) if (isParam(segs[i]!)) out.push({ param: name(segs[i]!), field: paramField(segs[i - 1] ?? '', name(segs[i]!)) });
    return out;
  };
  const last = segs[segs.length - 1] ?? '';
  const base = { entity, schema: responseSchema };
  const hasId = (s: Record<string, unknown> | undefined) => Boolean((s?.properties as Record<string, unknown> | undefined)?.id);

  if (isParam(last)) {
    const idParam = name(last);
    const idField = paramField(segs[segs.length - 2] ?? '', idParam);
    const kind = route.method === 'GET' ? 'get' : route.method === 'DELETE' ? 'delete' : 'update';
    return { ...base, kind, idParam, idField, scope: scopeOf(segs.length - 1) };
  }
  const prev = segs[segs.length - 2];
  if (route.method === 'POST' && route.successStatus !== 201 && prev && isParam(prev) && entity && !isList) {
    return { ...base, kind: 'action', action: last, idParam: name(prev), idField: paramField(segs[segs.length - 3] ?? '', name(prev)), scope: scopeOf(segs.length - 2) };
  }
  if (route.method === 'GET' && isList) return { ...base, kind: 'list', scope: scopeOf(segs.length) };
  // A top-level path without a list is one record per account (profile, wallet, driver profile).
  // Only records with an `id` are singletons (`AfaResponse`, an OTP challenge, is not one).
  if (segs.length <= 1 && entity && !templateHasList && hasId(responseSchema) && (route.method === 'GET' || route.successStatus === 201)) {
    return { ...base, kind: 'singleton', scope: [] };
  }
  if (route.method === 'POST' && route.successStatus === 201 && hasId(responseSchema)) return { ...base, kind: 'create', scope: scopeOf(segs.length) };
  return { ...base, kind: 'example', scope: scopeOf(segs.length) };
}
