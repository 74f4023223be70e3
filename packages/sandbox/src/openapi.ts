// Spec-driven routing: every path + method of an OpenAPI document becomes a route with its
// operationId, parameter and body validators, and its success status / example. Nothing here
// knows the Niyantha resources; see resources.ts for how a route is classified.
import { coerce, compileCheck, createAjv, type Check, type ErrorDetail } from './validate.js';

type Obj = Record<string, unknown>;

export interface Route {
  method: string;
  /** Path template as in the document, e.g. `/api/v1/s2s/accounts/stores/{id}`. */
  template: string;
  operationId: string;
  operation: Obj;
  /** Success status (the lowest 2xx the operation declares). */
  successStatus: number;
  /** First example of the success response, if any. */
  successExample: unknown;
  /** Error codes this operation declares (`'404'`, `'409'`, …). */
  declared: Set<string>;
  security: Obj[];
  match(path: string): Record<string, string> | undefined;
  /** Validates and coerces path params, query and body; returns the details of every problem. */
  validate(input: { params: Record<string, string>; query: URLSearchParams; body: unknown; contentType?: string }): { params: Obj; query: Obj; body: unknown; details: ErrorDetail[] };
  /** The JSON body schema (resolved), if the operation takes one. */
  bodySchema?: Obj;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function firstExample(media: Obj | undefined): unknown {
  if (!media) return undefined;
  if ('example' in media) return media.example;
  const examples = media.examples as Record<string, { value?: unknown }> | undefined;
  const first = examples && Object.values(examples)[0];
  if (first && 'value' in first) return first.value;
  const schema = media.schema as Obj | undefined;
  return (schema?.examples as unknown[] | undefined)?.[0] ?? schema?.example;
}

function compileTemplate(template: string): { regex: RegExp; names: string[]; literals: number } {
  const names: string[] = [];
  let literals = 0;
  const source = template
    .split('/')
    .map((seg) => {
      const m = /^\{(.+)\}$/.exec(seg);
      if (m) return (names.push(m[1]!), '([^/]+)');
      if (seg) literals++;
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}/?$`), names, literals };
}

export function buildRoutes(doc: Obj): Route[] {
  const ajv = createAjv();
  const routes: (Route & { literals: number })[] = [];
  const rootSecurity = (doc.security as Obj[] | undefined) ?? [];
  for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Obj>)) {
    const { regex, names, literals } = compileTemplate(template);
    for (const method of METHODS) {
      const operation = item[method] as Obj | undefined;
      if (!operation) continue;
      const params = [...((item.parameters as Obj[]) ?? []), ...((operation.parameters as Obj[]) ?? [])];
      const pathParams = params.filter((p) => p.in === 'path');
      const queryParams = params.filter((p) => p.in === 'query');
      const paramCheck = (list: Obj[]): Check =>
        compileCheck(ajv, {
          type: 'object',
          properties: Object.fromEntries(list.map((p) => [p.name, p.schema ?? {}])),
          required: list.filter((p) => p.required).map((p) => p.name),
        });
      const checkPath = paramCheck(pathParams);
      const checkQuery = paramCheck(queryParams);
      const content = ((operation.requestBody as Obj | undefined)?.content ?? {}) as Record<string, Obj>;
      const jsonMedia = content['application/json'];
      const bodySchema = jsonMedia?.schema as Obj | undefined;
      const checkBody = bodySchema ? compileCheck(ajv, bodySchema) : undefined;
      const bodyRequired = Boolean((operation.requestBody as Obj | undefined)?.required);
      const responses = (operation.responses ?? {}) as Record<string, Obj>;
      const success = Object.keys(responses).filter((s) => /^2\d\d$/.test(s)).sort()[0] ?? '200';
      const successContent = (responses[success]?.content ?? {}) as Record<string, Obj>;
      routes.push({
        method: method.toUpperCase(),
        template,
        literals,
        operationId: String(operation.operationId),
        operation,
        successStatus: Number(success),
        successExample: firstExample(successContent['application/json']),
        declared: new Set(Object.keys(responses)),
        security: (operation.security as Obj[] | undefined) ?? rootSecurity,
        bodySchema,
        match(path) {
          const m = regex.exec(path);
          if (!m) return undefined;
          return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
        },
        validate({ params, query, body, contentType }) {
          const typed = (list: Obj[], get: (n: string) => string | null) => {
            const out: Obj = {};
            for (const p of list) {
              const raw = get(String(p.name));
              if (raw !== null && raw !== undefined) out[String(p.name)] = coerce(raw, p.schema as Obj | undefined);
            }
            return out;
          };
          const pathValues = typed(pathParams, (n) => params[n] ?? null);
          const queryValues = typed(queryParams, (n) => query.get(n));
          const details: ErrorDetail[] = [
            ...checkPath(pathValues).map((d) => ({ path: `path.${d.path.split('/')[1] ?? ''}`, message: d.message })),
            ...checkQuery(queryValues).map((d) => ({ path: `query.${d.path.split('/')[1] ?? ''}`, message: d.message })),
          ];
          if (checkBody && !(contentType ?? '').includes('multipart/')) {
            if (body === undefined) {
              if (bodyRequired) details.push({ path: '/', message: 'a JSON request body is required' });
            } else details.push(...checkBody(body));
          }
          return { params: pathValues, query: queryValues, body, details };
        },
      });
    }
  }
  // Literal segments win over parameters (`/apps/settings` before `/apps/{id}`).
  return routes.sort((a, b) => b.literals - a.literals);
}

/** The route for a method + path, or whether the path exists with another method (405). */
export function findRoute(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of routes) {
    const params = route.match(path);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : undefined;
}
