// What the consumer check calls on each mock, derived from the specs (no hand lists).
import { asyncModel } from '../review/asyncapi-diff.mjs';
import { operationsOf } from '../review/openapi-diff.mjs';

const IDEMPOTENT_METHODS = new Set(['get', 'head', 'options', 'put', 'delete', 'trace']);

/** A security requirement list as a comparable key (alternatives and schemes sorted). */
function securityKey(security) {
  if (!Array.isArray(security) || security.length === 0) return '(none)';
  return security
    .map((req) => Object.keys(req ?? {}).sort().join('+') || '(none)')
    .sort()
    .join(' | ');
}
const anonymous = (o) => !Array.isArray(o.security) || o.security.length === 0 || o.security.some((r) => Object.keys(r ?? {}).length === 0);

/** An example value of a parameter (example, examples, schema example/default/enum/const). */
function paramExample(p) {
  if (p.example !== undefined) return { value: p.example };
  const ex = p.examples && typeof p.examples === 'object' ? Object.values(p.examples).find((e) => e && typeof e === 'object' && 'value' in e) : undefined;
  if (ex) return { value: ex.value };
  const s = p.schema ?? {};
  if (s.example !== undefined) return { value: s.example };
  if (Array.isArray(s.examples) && s.examples.length) return { value: s.examples[0] };
  if (s.default !== undefined) return { value: s.default };
  if (s.const !== undefined) return { value: s.const };
  if (Array.isArray(s.enum) && s.enum.length) return { value: s.enum[0] };
  return undefined;
}

/** The JSON request body example of an operation: media `example`, the first of `examples`, the schema's example. */
function bodyExample(op) {
  const media = op.requestBody?.content?.['application/json'];
  if (!media) return undefined;
  if (media.example !== undefined) return { value: media.example };
  const ex = media.examples && typeof media.examples === 'object' ? Object.values(media.examples).find((e) => e && typeof e === 'object' && 'value' in e) : undefined;
  if (ex) return { value: ex.value };
  if (media.schema?.example !== undefined) return { value: media.schema.example };
  if (Array.isArray(media.schema?.examples) && media.schema.examples.length) return { value: media.schema.examples[0] };
  return undefined;
}

/**
 * The operation the REST smoke test calls through the packed client, authenticated with the
 * package's `s2sdk.mockOptions` (Prism only checks that credentials are present):
 *   1. an anonymous GET without required parameters (a health check first);
 *   2. a GET without required parameters secured like most of the document's operations (the
 *      credentials the package's client is made for — an operation secured otherwise, such as
 *      a session-token API next to an API-key one, belongs to another client);
 *   3. a GET whose required parameters all have examples;
 *   4. any other operation whose required parameters and request body have examples, retry-safe
 *      ones first (`x-idempotent: true`, or an idempotent method) — e.g. a token revocation.
 * Returns `{ method, path, op, params: { path?, query?, header? }, body? }` (params/body are the
 * example values to send) or undefined.
 */
export function pickRestOperation(doc) {
  const ops = [...operationsOf(doc).values()];
  const counts = new Map();
  for (const o of ops) if (!anonymous(o)) counts.set(securityKey(o.security), (counts.get(securityKey(o.security)) ?? 0) + 1);
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const usable = (o) => anonymous(o) || securityKey(o.security) === main;
  const withExamples = (o) => {
    const params = {};
    for (const p of o.params.values()) {
      if (!p.required) continue;
      const ex = paramExample(p);
      if (!ex || !['path', 'query', 'header'].includes(p.in)) return undefined;
      (params[p.in] ??= {})[p.name] = ex.value;
    }
    let body;
    if (o.op.requestBody?.required) {
      body = bodyExample(o.op);
      if (!body) return undefined;
    }
    return { method: o.method, path: o.path, op: o.op, security: o.security, params, ...(body ? { body: body.value } : {}) };
  };
  const noParams = (o) => ![...o.params.values()].some((p) => p.required);
  const retrySafe = (o) => (typeof o.op['x-idempotent'] === 'boolean' ? o.op['x-idempotent'] : IDEMPOTENT_METHODS.has(o.method));
  const gets = ops.filter((o) => o.method === 'get' && usable(o));
  const tiers = [
    gets.filter((o) => anonymous(o) && noParams(o)).sort((a, b) => Number(/health/i.test(b.path)) - Number(/health/i.test(a.path))),
    gets.filter((o) => !anonymous(o) && noParams(o)),
    gets.filter((o) => !noParams(o)),
    ops.filter((o) => o.method !== 'get' && usable(o)).sort((a, b) => Number(retrySafe(b)) - Number(retrySafe(a))),
  ];
  for (const tier of tiers) {
    for (const o of tier) {
      const call = withExamples(o);
      if (call) return call;
    }
  }
  return undefined;
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
