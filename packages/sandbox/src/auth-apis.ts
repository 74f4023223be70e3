// HTTP adapters of the Platform auth and Theodore documents: spec routing + validation, the
// error envelopes each spec defines, then the stateful PlatformAuth / Theodore modules.
import type { SandboxCore } from './core.js';
import { findRoute } from './openapi.js';
import type { Outcome } from './outcome.js';
import { parseJsonBody, type RestRequest } from './niyantha-rest.js';

type Obj = Record<string, unknown>;

const basic = (h: RestRequest['headers']) => {
  const v = h.authorization;
  const m = typeof v === 'string' ? /^Basic\s+(.+)$/i.exec(v) : null;
  if (!m) return undefined;
  const s = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = s.indexOf(':');
  return i > 0 ? { id: s.slice(0, i), secret: s.slice(i + 1) } : undefined;
};

export function handlePlatformAuth(core: SandboxCore, req: RestRequest): Outcome | undefined {
  const found = findRoute(core.platformRoutes, req.method, req.path);
  if (!found) return undefined;
  if ('allowed' in found) return { status: 405, body: { error: 'invalid_request', error_description: `Use ${found.allowed.join(', ')}` }, headers: { allow: found.allowed.join(', ') } };
  const { route, params } = found;
  const isLogin = route.operationId === 'login' || route.operationId === 'resendOtp';
  const reject = (status: number, error: string, description: string): Outcome =>
    isLogin ? { status, body: { status: 'failure', data: { token: null, error: description } } } : { status, body: { error, error_description: description } };
  const app = basic(req.headers);
  if (!app || !core.appCredentialsOk(app.id, app.secret)) return reject(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.');
  const parsed = parseJsonBody(req.raw);
  if (parsed.error) return reject(400, 'invalid_request', 'The request body is not valid JSON');
  const v = route.validate({ params, query: req.query, body: parsed.body });
  const body = (parsed.body ?? {}) as Obj;
  if (v.details.length) {
    // The token endpoint's grants are told apart by grant_type: an unknown one is its own error.
    if (route.operationId === 'createToken' && typeof body.grant_type === 'string' && !['password', 'refresh_token'].includes(body.grant_type)) {
      return reject(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    }
    return reject(400, 'invalid_request', `The request is invalid: ${v.details.map((d) => `${d.path} ${d.message}`).join('; ')}`);
  }
  let out: Outcome;
  if (route.operationId === 'login') out = core.platform.login(body);
  else if (route.operationId === 'resendOtp') out = core.platform.resend(body);
  else if (route.operationId === 'createToken') out = core.platform.token(body);
  else if (route.operationId === 'revokeToken') out = core.platform.revoke(body);
  else return { status: route.successStatus, body: route.successExample };
  core.changed();
  return out;
}

export function handleTheodore(core: SandboxCore, req: RestRequest): Outcome | undefined {
  const found = findRoute(core.theodoreRoutes, req.method, req.path);
  if (!found) return undefined;
  if ('allowed' in found) return { status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED', message: `Use ${found.allowed.join(', ')}` } }, headers: { allow: found.allowed.join(', ') } };
  const { route, params } = found;
  if (route.operationId !== 'createAuthToken') return { status: route.successStatus, body: route.successExample };
  const parsed = parseJsonBody(req.raw);
  const v = parsed.error ? { details: [{ path: '/', message: 'the body is not valid JSON' }] } : route.validate({ params, query: req.query, body: parsed.body });
  if (v.details.length) {
    return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'The request body is invalid.', details: v.details.map((d) => ({ field: d.path.replace(/^\//, '') || 'body', message: d.message })) } } };
  }
  const out = core.theodore.createAuthToken(parsed.body as Obj);
  if (out.status === 200) core.changed();
  return out;
}
