// The Niyantha REST surface: spec routes (openapi.ts) + their plans (plans.ts) dispatched onto
// the Engine (S2S resources) or the KeyRegistry (key management). Authentication follows the
// security requirements of each operation: S2S key (headers or Basic) or session Bearer.
import type { Engine } from './engine.js';
import type { KeyRegistry } from './keys.js';
import { KeyInputError } from './keys.js';
import { parseMultipart } from './multipart.js';
import { findRoute, type Route } from './openapi.js';
import { fail, ok, validationFailed, type Outcome } from './outcome.js';
import { OPERATIONS } from './operations.js';
import { planRoute, type Plan } from './plans.js';

type Obj = Record<string, unknown>;

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body bytes (JSON or multipart). */
  raw: Buffer;
}

export interface PlannedRoute {
  route: Route;
  plan: Plan;
}

export const S2S_BASE = '/api/v1/s2s/accounts';
export const SESSION_BASE = '/api/v1/session';

const header = (h: RestRequest['headers'], name: string) => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Plans every route of the Niyantha document (raw = the document before $ref resolution). */
export function planAll(routes: Route[], raw: Obj): PlannedRoute[] {
  const rawPaths = (raw.paths ?? {}) as Record<string, Record<string, Obj>>;
  const listTemplates = new Set<string>();
  const out = routes.map((route) => {
    const base = route.template.startsWith(SESSION_BASE) ? SESSION_BASE : S2S_BASE;
    const rawOp = rawPaths[route.template]?.[route.method.toLowerCase()];
    return { route, rawOp, base };
  });
  for (const { route, rawOp, base } of out) {
    if (route.method === 'GET' && planRoute(route, rawOp, base).kind === 'list') listTemplates.add(route.template);
    // A path with an item route under it (`/files` ← `/files/{id}`) is a collection too, never a singleton.
    const parent = /^(.*)\/\{[^}]+\}$/.exec(route.template)?.[1];
    if (parent) listTemplates.add(parent);
  }
  const planned = out.map(({ route, rawOp, base }) => ({ route, plan: planRoute(route, rawOp, base, listTemplates.has(route.template)) }));
  // Operations without a response body (DELETE → 204) address the entity of their path's other methods.
  for (const p of planned) {
    if (p.plan.entity) continue;
    const sibling = planned.find((q) => q.route.template === p.route.template && q.plan.entity);
    if (sibling) p.plan.entity = sibling.plan.entity;
  }
  return planned;
}

export interface Credentials {
  username?: string;
  secret?: string;
}

/** X-API-Key + X-API-Secret, or HTTP Basic (username = public key, password = secret). */
export function s2sCredentials(h: RestRequest['headers']): Credentials | 'partial' | undefined {
  const key = header(h, 'x-api-key');
  const secret = header(h, 'x-api-secret');
  if (key || secret) return key && secret ? { username: key, secret } : 'partial';
  const auth = header(h, 'authorization');
  const m = auth && /^Basic\s+(.+)$/i.exec(auth);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i > 0 ? { username: decoded.slice(0, i), secret: decoded.slice(i + 1) } : 'partial';
}

const REJECTION_MESSAGES: Record<string, string> = {
  unauthenticated: 'Send X-API-Key and X-API-Secret, or HTTP Basic credentials',
  invalid_api_key: 'Invalid API key or secret',
  api_key_expired: 'API key has expired',
  api_key_revoked: 'API key was revoked',
};

export interface NiyanthaRestDeps {
  engine: Engine;
  keys: KeyRegistry;
  routes: PlannedRoute[];
  /** The account of a session Bearer token, or undefined when the token is not valid. */
  sessionAccount(token: string): number | undefined;
  /** Called after every state change. */
  changed(): void;
}

export function parseJsonBody(raw: Buffer): { body?: unknown; error?: Outcome } {
  if (!raw.length) return {};
  try {
    return { body: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { error: validationFailed([{ path: '/', message: 'the body is not valid JSON' }], 'The request body is not valid JSON') };
  }
}

export function handleNiyanthaRest(deps: NiyanthaRestDeps, req: RestRequest): Outcome | undefined {
  const planned = deps.routes.map((p) => p.route);
  const found = findRoute(planned, req.method, req.path);
  if (!found) return undefined;
  if ('allowed' in found) return { ...fail(405, 'method_not_allowed', `Use ${found.allowed.join(', ')} for ${req.path}`), headers: { allow: found.allowed.join(', ') } };
  const { route, params } = found;
  const plan = deps.routes.find((p) => p.route === route)!.plan;

  // Authentication, from the operation's security requirements.
  const schemes = new Set(route.security.flatMap((s) => Object.keys(s)));
  let accountId: number;
  if (schemes.has('SessionBearer')) {
    const m = /^Bearer\s+(.+)$/i.exec(header(req.headers, 'authorization') ?? '');
    const account = m ? deps.sessionAccount(m[1]!.trim()) : undefined;
    if (account === undefined) return fail(401, 'invalid_session', 'Session token is missing or expired');
    accountId = account;
  } else {
    const creds = s2sCredentials(req.headers);
    const result = creds === undefined || creds === 'partial' ? { rejected: 'unauthenticated' as const } : deps.keys.authenticate(creds.username, creds.secret);
    if ('rejected' in result) return fail(401, result.rejected, REJECTION_MESSAGES[result.rejected]!);
    accountId = result.key.account_id;
  }

  const contentType = header(req.headers, 'content-type') ?? '';
  let body: unknown;
  let form: ReturnType<typeof parseMultipart>;
  if (contentType.includes('multipart/form-data')) {
    form = parseMultipart(req.raw, contentType);
    if (!form || !form.files.file) return validationFailed([{ path: '/file', message: 'a multipart file part named "file" is required' }]);
  } else {
    const parsed = parseJsonBody(req.raw);
    if (parsed.error) return parsed.error;
    body = parsed.body;
  }
  const v = route.validate({ params, query: req.query, body, contentType });
  if (v.details.length) return validationFailed(v.details);
  if (form) {
    const f = form.files.file!;
    body = { name: form.fields.name ?? f.filename, content_type: f.contentType, size: f.size, url: `sandbox://files/${encodeURIComponent(form.fields.name ?? f.filename)}` };
  }
  const out = dispatchPlan(deps, plan, route, { params: v.params, query: v.query, body: (body ?? {}) as Obj }, accountId);
  if ((out.status < 300 && route.method !== 'GET') || out.changed) deps.changed();
  return out;
}

export interface PlanInput {
  params: Obj;
  query: Obj;
  body: Obj;
  /** JSON Pointer of the body in the request (`/data` for WebSocket payloads that wrap it). */
  bodyPointer?: string;
}

/** Plan kinds that take no body (their other members filter or address). */
const READS = new Set(['list', 'get', 'delete']);

/** Runs a planned operation for an account (REST after validation, or the WebSocket adapter). */
export function dispatchPlan(deps: Pick<NiyanthaRestDeps, 'engine' | 'keys'>, plan: Plan, route: Route | undefined, input: PlanInput, accountId: number): Outcome {
  const { engine, keys } = deps;
  const scope = Object.fromEntries(plan.scope.map((s) => [s.field, input.params[s.param]]));
  const id = plan.idParam ? input.params[plan.idParam] : undefined;
  const entity = plan.entity ?? '';
  if (entity.startsWith('ApiKey')) {
    try {
      if (plan.kind === 'create') return ok(keys.create(accountId, input.body as { name: string }), 201);
    } catch (err) {
      if (err instanceof KeyInputError) return validationFailed(err.details, err.message);
      throw err;
    }
    if (plan.kind === 'list') return ok({ items: keys.list(accountId) });
    if (plan.kind === 'action') {
      const s = typeof id === 'number' ? keys.expire(accountId, id) : undefined;
      return s ? ok(s) : fail(404, 'not_found', `API key ${String(id)} was not found`);
    }
  }
  return engine.as(accountId, () => {
    if (!READS.has(plan.kind)) {
      // Path parents first (404/403 as before), then the ids inside the body: one check for REST and WS.
      const status = route && !route.declared.has('422') && route.declared.has('404') ? 404 : 422;
      const denied = engine.parents(scope) ?? engine.references(input.body, input.bodyPointer ?? '', status);
      if (denied) return denied;
    }
    const operation = route && Object.hasOwn(OPERATIONS, route.operationId) ? OPERATIONS[route.operationId] : undefined;
    if (operation) return operation(engine, input.body, input.query);
    switch (plan.kind) {
      case 'list':
        return engine.list(entity, scope, input.query);
      case 'create':
        return engine.create(entity, scope, input.body);
      case 'get':
        return engine.get(entity, id, scope);
      case 'update':
        return engine.update(entity, id, scope, input.body);
      case 'delete':
        return engine.delete(entity, id, scope);
      case 'action':
        return engine.action(entity, id, plan.action!, input.body, scope);
      case 'attach':
        return engine.update(entity, id, {}, scope); // the parents were checked above
      case 'singleton':
        return engine.singleton(entity, route?.method === 'POST' ? 'create' : 'get', input.body);
      default: {
        // Not a resource operation: verify parents, merge into a singleton of the same entity
        // (profile/licence updates), else answer the spec's example (stateless, see README).
        const denied = engine.parents(scope);
        if (denied) return denied;
        if (engine.store.getSingleton(entity) && route?.method !== 'GET') return engine.singleton(entity, 'merge', input.body);
        if (engine.store.getSingleton(entity)) return engine.singleton(entity, 'get');
        if (route?.successStatus === 204) return { status: 204 };
        const example = route?.successExample;
        return ok(example && typeof example === 'object' ? { ...(example as Obj), ...scope } : example, route?.successStatus ?? 200);
      }
    }
  });
}

