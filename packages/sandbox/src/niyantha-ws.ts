// The Niyantha WebSocket surface (`/ws`): envelope + AsyncAPI validation, the `auth.login`
// handshake (authType "s2s", S2S keys of the KeyRegistry), `<type>.ok` replies from the same
// Engine as REST (see ws-plans.ts), streaming chunks, and key revocation on open sockets.
import type { ApiModel, OperationModel } from '@s2sdk/asyncapi-codegen';
import { BINARY_FRAME_TEXT, CloseCode, decodeEnvelope, ENVELOPE_PROBLEM_TEXT, ERROR_TYPE, ProtocolErrorCode, type ErrorPayload } from '@s2sdk/ws-protocol';
import type { WebSocket } from 'ws';
import type { Engine } from './engine.js';
import type { KeyRegistry } from './keys.js';
import { dispatchPlan } from './niyantha-rest.js';
import { WS_OPERATIONS } from './operations.js';
import { WS_CODE_BY_STATUS, type Outcome } from './outcome.js';
import { compileCheck, createAjv, type Check } from './validate.js';
import type { WsPlan } from './ws-plans.js';

type Obj = Record<string, unknown>;

/** Timer functions of the auth timeout (tests inject manual ones; default: the global timers). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The asyncapi.yaml x-decision `auth-timeout`: no successful auth.login within 30 s → close 4408. */
export const DEFAULT_AUTH_TIMEOUT_MS = 30_000;

const globalTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface WsDeps {
  model: ApiModel;
  /** Close sockets that have not logged in within this many ms with 4408 (0 = never; default 30 000). */
  authTimeoutMs?: number;
  timers?: Timers;
  plans: Map<string, WsPlan>;
  engine: Engine;
  keys: KeyRegistry;
  changed(): void;
  log(line: string): void;
}

interface SocketState {
  keyId?: number;
  accountId?: number;
  storeId?: number;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const example = (op: OperationModel['reply'] | null | undefined) => ((op?.examples[0] as Obj | undefined)?.payload ?? {}) as Obj;

export function createWsHandler(deps: WsDeps) {
  const ajv = createAjv();
  const checks = new Map<string, Check>();
  const checkFor = (op: OperationModel) => {
    let c = checks.get(op.type);
    if (!c) checks.set(op.type, (c = compileCheck(ajv, op.request.schema)));
    return c;
  };
  const errorType = deps.model.errorType ?? ERROR_TYPE;

  const timers = deps.timers ?? globalTimers;
  const authTimeoutMs = deps.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;

  return function onConnection(socket: WebSocket): void {
    const state: SocketState = {};
    // Armed at connect, cleared by the first successful auth.login (or the close).
    let authTimer: unknown =
      authTimeoutMs > 0
        ? timers.setTimeout(() => {
            authTimer = undefined;
            if (state.keyId === undefined) socket.close(CloseCode.AUTH_TIMEOUT, 'no successful auth.login in time');
          }, authTimeoutMs)
        : undefined;
    const clearAuthTimer = () => {
      if (authTimer !== undefined) timers.clearTimeout(authTimer);
      authTimer = undefined;
    };
    socket.once('close', clearAuthTimer);
    const send = (frame: Obj) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(frame));
    const sendError = (requestId: string, code: string, message: string, details?: unknown, type = errorType) => {
      const payload: ErrorPayload = { code, message, ...(Array.isArray(details) && details.length ? { details } : {}) };
      send({ type, requestId, payload });
    };

    const sendFailure = (requestId: string, outcome: Outcome) => {
      if (outcome.changed) deps.changed();
      const b = outcome.body as { code?: string; message?: string; details?: unknown };
      sendError(requestId, b.code ?? WS_CODE_BY_STATUS[outcome.status] ?? 'internal_error', b.message ?? 'Request failed', b.details);
    };

    socket.on('message', (data, isBinary) => {
      // The envelope is @s2sdk/ws-protocol's: binary, non-JSON and non-envelope frames close with 4400.
      if (isBinary) return socket.close(CloseCode.NOT_AN_ENVELOPE, BINARY_FRAME_TEXT);
      const frame = decodeEnvelope(String(data));
      if (typeof frame === 'string') return socket.close(CloseCode.NOT_AN_ENVELOPE, ENVELOPE_PROBLEM_TEXT[frame]);
      const { type, requestId } = frame;
      const plan = deps.plans.get(type);
      if (!plan) return sendError(requestId, 'unsupported_message_type', `${type} is not a request of this API`);
      const details = checkFor(plan.op)(frame);
      if (details.length) {
        const failType = plan.op.auth ? plan.op.errors[0]?.type ?? errorType : errorType;
        sendError(requestId, ProtocolErrorCode.VALIDATION_FAILED, `${type} payload is invalid`, details.map((d) => ({ ...d, path: d.path.replace(/^\/payload/, '') || '/' })), failType);
        if (plan.op.auth) socket.close(CloseCode.AUTH_FAILED, 'authentication failed');
        return;
      }
      const payload = frame.payload as Obj;
      if (plan.op.auth) return login(plan.op, requestId, payload);
      if (state.keyId === undefined) return sendError(requestId, ProtocolErrorCode.UNAUTHENTICATED, 'Log in with auth.login first');
      const key = deps.keys.byId(state.keyId);
      const rejected = key && deps.keys.rejection(key);
      if (!key || rejected) return sendError(requestId, rejected ?? 'api_key_revoked', `The socket's API key is no longer valid (${rejected ?? 'removed'}); log in again`);
      if (type === 'account.logout') {
        delete state.keyId, delete state.accountId, delete state.storeId;
        return send({ type: plan.op.reply.type, requestId, payload: example(plan.op.reply) });
      }
      if (plan.op.streaming) return stream(plan.op, requestId, payload);
      const outcome = run(plan, type, payload);
      if (outcome.status >= 400) return sendFailure(requestId, outcome);
      if (outcome.status < 300 && !/\.(get|list|fetch)$/.test(type)) deps.changed();
      send({ type: plan.op.reply.type, requestId, payload: outcome.body && typeof outcome.body === 'object' ? outcome.body : example(plan.op.reply) });
    });

    function run(plan: WsPlan, type: string, payload: Obj): Outcome {
      const accountId = state.accountId!;
      if (type === 'store.attach') {
        const out = deps.engine.as(accountId, () => deps.engine.get('Store', payload.store_id));
        if (out.status === 200) state.storeId = Number(payload.store_id);
        return out;
      }
      if (plan.rest) {
        const params: Obj = {};
        const rest: Obj = {};
        for (const [k, v] of Object.entries(payload)) {
          const p = plan.paramFields?.[k];
          if (p) params[p] = v;
          else rest[k] = v;
        }
        const hasBody = Boolean(plan.rest.route.bodySchema) || plan.rest.route.method !== 'GET';
        const body = (isObj(rest.data) ? rest.data : rest) as Obj;
        const bodyPointer = isObj(rest.data) ? '/data' : '';
        return dispatchPlan(deps, plan.rest.plan, plan.rest.route, { params, query: hasBody ? {} : rest, body: hasBody ? body : {}, bodyPointer }, accountId);
      }
      const p = plan.plan!;
      if (Object.hasOwn(WS_OPERATIONS, type)) return deps.engine.as(accountId, () => WS_OPERATIONS[type]!(deps.engine, payload));
      if (p.kind === 'example') return { status: 200, body: example(plan.op.reply) };
      const params: Obj = {};
      const rest: Obj = {};
      const idFields = new Set([p.idParam, ...p.scope.map((s) => s.param)]);
      for (const [k, v] of Object.entries(payload)) (idFields.has(k) ? params : rest)[k] = v;
      const body = (isObj(rest.data) ? rest.data : rest) as Obj;
      const bodyPointer = isObj(rest.data) ? '/data' : '';
      // store.fetch is scoped to the attached store (asyncapi.yaml x-decision).
      if (type === 'store.fetch' && state.storeId !== undefined) {
        const out = deps.engine.as(accountId, () => deps.engine.list('Store', { id: state.storeId }, rest));
        return out;
      }
      if (p.entity && !deps.engine.entities.has(p.entity)) deps.engine.entities.set(p.entity, { schema: p.schema, example: isObj(example(plan.op.reply)) ? example(plan.op.reply) : undefined });
      return dispatchPlan(deps, p, undefined, { params, query: rest, body, bodyPointer }, accountId);
    }

    function login(op: OperationModel, requestId: string, payload: Obj): void {
      const metadata = isObj(payload.metadata) ? payload.metadata : {};
      const result = deps.keys.authenticate(payload.token, metadata.secret);
      const failureType = op.errors[0]?.type ?? 'auth.failure';
      if ('rejected' in result) {
        sendError(requestId, result.rejected === 'unauthenticated' ? 'invalid_api_key' : result.rejected, 'Authentication failed', undefined, failureType);
        socket.close(CloseCode.AUTH_FAILED, 'authentication failed');
        return;
      }
      const accountId = result.key.account_id;
      clearAuthTimer();
      state.keyId = result.key.id;
      state.accountId = accountId;
      delete state.storeId;
      const wanted = Number(metadata.storeId);
      if (metadata.storeId !== undefined && Number.isInteger(wanted)) {
        const store = deps.engine.as(accountId, () => deps.engine.get('Store', wanted));
        if (store.status === 200) state.storeId = wanted;
      }
      send({
        type: op.reply.type,
        requestId,
        payload: { identityId: `account-${accountId}`, role: 'account', context: { accountId: String(accountId), ...(state.storeId !== undefined ? { storeId: String(state.storeId) } : {}) } },
      });
    }

    function stream(op: OperationModel, requestId: string, payload: Obj): void {
      // A stateful type (WS_OPERATIONS) stores the exchange first; its result is the final `.ok`.
      let result: Obj | undefined;
      if (Object.hasOwn(WS_OPERATIONS, op.type)) {
        const out = deps.engine.as(state.accountId!, () => WS_OPERATIONS[op.type]!(deps.engine, payload));
        if (out.status >= 400) return sendFailure(requestId, out);
        deps.changed();
        result = out.body as Obj;
      }
      const reply = (result?.message as Obj | undefined)?.content;
      const text = typeof reply === 'string' ? reply : `Sandbox reply to: ${String(payload.content ?? payload.message ?? '')}`.trim();
      const parts = text.split(/(?<= )/);
      const chunkTemplate = example(op.chunk);
      const threadId = result?.thread_id ?? payload.thread_id ?? chunkTemplate.thread_id;
      let index = 0;
      const next = () => {
        if (socket.readyState !== socket.OPEN) return;
        if (index < parts.length) {
          send({ type: op.chunk!.type, requestId, payload: { ...chunkTemplate, thread_id: threadId, index, delta: parts[index] } });
          index++;
          setImmediate(next);
          return;
        }
        if (result) return void send({ type: op.reply.type, requestId, payload: result });
        const final = example(op.reply);
        send({ type: op.reply.type, requestId, payload: { ...final, ...(threadId !== undefined && 'thread_id' in final ? { thread_id: threadId } : {}) } });
      };
      setImmediate(next);
    }
  };
}
