// What the consumer check calls on each mock, derived from the specs (no hand lists).
import { asyncModel } from '../review/asyncapi-diff.mjs';
import { operationsOf } from '../review/openapi-diff.mjs';

/**
 * The operation the REST smoke test calls: a GET without required parameters that needs no
 * credentials (a health check when there is one). Authenticated operations are left out: which
 * credentials a mock accepts is not something the spec says.
 */
export function pickRestOperation(doc) {
  const anonymous = (o) => !Array.isArray(o.security) || o.security.length === 0 || o.security.some((r) => Object.keys(r ?? {}).length === 0);
  const candidates = [...operationsOf(doc).values()].filter((o) => o.method === 'get' && anonymous(o) && ![...o.params.values()].some((p) => p.required));
  return candidates.find((o) => /health/i.test(o.path)) ?? candidates[0];
}

/** The request the WebSocket smoke test sends: not the auth request, not streaming, with an example payload. */
export function pickWsRequest(doc) {
  const model = asyncModel(doc);
  const msgs = new Map([...model.messages].map(([t, m]) => [t, m.msg]));
  for (const r of model.requests.values()) {
    if (r.auth || r.stream) continue;
    const ex = (msgs.get(r.type)?.examples ?? []).find((e) => e?.payload && typeof e.payload === 'object' && 'payload' in e.payload);
    if (ex) return { type: r.type, payload: ex.payload.payload };
  }
  return undefined;
}

