// The stages bound together for one frame: decode → record → route → authenticate → validate →
// fault → respond. No sockets here: a connection is anything with `send`/`close`/`terminate`, so
// the whole pipeline runs in unit tests against a fake one. A frame is handled synchronously
// unless a custom `authCheck` or reply handler returns a promise (then the caller queues the
// connection's next frames behind it); a delayed answer is a timer and holds nothing back.
import type { ApiModel, OperationModel } from '@s2sdk/asyncapi-codegen';
import { CloseCode } from '@s2sdk/ws-protocol';
import type { Envelope, Validators } from '../messages';
import type { AuthCheck, Credentials, Identity, MockKey, ReplyHandler } from '../types';
import { checkLogin, gate, loginRefusal, type Revocation } from './authenticate';
import { NOT_JSON, frameText, isEnvelope, notAnEnvelopeReason, parse } from './decode';
import { NO_FAULTS, planAnswer, type AnswerPlan, type FaultResolver } from './fault';
import { FrameLog, ReceivedFrame, redactReceived } from './record';
import { callReplyHandler, customReplyFrames, loginReplyFrames, replyFrames, type Templates } from './respond';
import { isRefusal } from './refusal';
import { route } from './route';
import { validate } from './validate';

/** A client connection as the pipeline sees it. */
export interface Connection {
  readonly id: number;
  authenticated: boolean;
  identity: Identity | undefined;
  receivedCount: number;
  /** The connection's own frame log. */
  readonly log: FrameLog;
  isOpen(): boolean;
  /** Sends one text frame (nothing when the connection is no longer open). */
  sendText(text: string): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

export interface PipelineConfig {
  model: ApiModel;
  validators: Validators;
  templates: Templates;
  operations: ReadonlyMap<string, OperationModel>;
  authOp: OperationModel | undefined;
  requireAuth: boolean;
  errorType: string;
  authFailureType: string;
  chunkCount: number;
  replies: Record<string, ReplyHandler> | undefined;
  keys: readonly MockKey[] | undefined;
  authCheck: AuthCheck | undefined;
  /** The credentials of an authentication request frame. */
  credentialsOf(frame: Envelope): Credentials;
  /** Secrets scrubbed from every kept frame (the configured keys' secrets). */
  knownSecrets: readonly string[];
  revoked: ReadonlyMap<string, Revocation>;
  /** The server-wide frame log. */
  log: FrameLog;
  /** The current fault configuration. */
  faults(): FaultResolver;
  random(): number;
  /** Runs `fn` after `ms` (a timer the server cancels on close). */
  later(ms: number, fn: () => void): void;
  /** Server events: `frame` (entry, connection), `authenticated` (connection). */
  emit(event: 'frame' | 'authenticated', ...args: unknown[]): void;
  /** Errors of user code (credential functions, …) that do not stop the frame. */
  report(err: unknown): void;
}

export interface Pipeline {
  /** Handles one message of `conn`; a promise when it waits for user code (keep the connection's frames in order behind it). */
  handle(conn: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void | Promise<void>;
  /** Client frames received in total. */
  readonly receivedCount: number;
}

const NO_VALUES: readonly unknown[] = Object.freeze([]);

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Sends the frames of a plan (now or after its delay), then runs `after`. */
export function deliver(conn: Connection, plan: AnswerPlan, later: PipelineConfig['later'], after?: () => void): void {
  if (plan.kind === 'close') conn.close(plan.code, plan.reason);
  else if (plan.kind === 'send') {
    const send = () => {
      if (conn.isOpen()) for (const f of plan.frames) conn.sendText(f);
      after?.();
    };
    if (plan.delayMs > 0) later(plan.delayMs, send);
    else send();
    return;
  }
  after?.();
}

export function createPipeline(cfg: PipelineConfig): Pipeline {
  const { templates, errorType, authFailureType, authOp, chunkCount } = cfg;
  const gateCtx = { requireAuth: cfg.requireAuth, authType: cfg.model.authType, revoked: cfg.revoked };
  const loginCtx = { keys: cfg.keys, authCheck: cfg.authCheck };
  let receivedCount = 0;

  /** Sends the answer of a request of `type` through the fault switches. */
  const answer = (conn: Connection, type: string | undefined, requestId: string, frames: readonly string[], after?: () => void): void => {
    const sw = cfg.faults().for(type);
    if (sw === NO_FAULTS) {
      for (let i = 0; i < frames.length; i++) conn.sendText(frames[i]!);
      after?.();
      return;
    }
    // The authentication request fails with its own failure message (e.g. auth.failure).
    const failureType = type !== undefined && type === authOp?.type ? authFailureType : errorType;
    const plan = planAnswer(sw, { requestId, frames, errorFrame: (spec) => templates.error(failureType, requestId, spec), random: cfg.random });
    deliver(conn, plan, cfg.later, after);
  };

  const refuse = (conn: Connection, type: string | undefined, requestId: string, spec: { code: string; message?: string; details?: unknown }) =>
    answer(conn, type, requestId, [templates.error(errorType, requestId, spec)]);

  const loggedIn = (conn: Connection, op: OperationModel, request: Envelope, identity: Identity | undefined): void | Promise<void> => {
    const requestId = request.requestId;
    const closeAfter = () => {
      if (conn.isOpen()) conn.close(CloseCode.AUTH_FAILED, 'authentication failed');
    };
    const revocation = identity?.key !== undefined ? cfg.revoked.get(identity.key) : undefined;
    if (!identity || revocation) {
      // The refusal code and message come from the spec's example of the failure message when it has one.
      const failure = templates.error(authFailureType, requestId, loginRefusal(cfg.model, authFailureType, revocation));
      answer(conn, op.type, requestId, [failure], closeAfter);
      return;
    }
    const sw = cfg.faults().for(op.type);
    // An injected error is a refused login: the failure message, then close 4401.
    if (sw.error) return answer(conn, op.type, requestId, [], closeAfter);
    // A silencing fault replaces the success reply, so the connection's identity does not change.
    if (sw.neverReply || sw.closeWith) return answer(conn, op.type, requestId, []);
    conn.authenticated = true;
    conn.identity = identity;
    cfg.emit('authenticated', conn);
    const custom = cfg.replies?.[op.type];
    if (!custom) return answer(conn, op.type, requestId, loginReplyFrames(templates, op, requestId, chunkCount, identity));
    return replyWith(conn, op, request, custom);
  };

  const replyWith = (conn: Connection, op: OperationModel, request: Envelope, custom: ReplyHandler): void | Promise<void> => {
    const payload = callReplyHandler(custom, request, conn.identity);
    const send = (p: unknown) => answer(conn, op.type, request.requestId, customReplyFrames(templates, op, request.requestId, chunkCount, p));
    if (isThenable(payload)) return Promise.resolve(payload).then(send);
    send(payload);
  };

  const handle = (conn: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void | Promise<void> => {
    const raw = frameText(data);
    const parsed = parse(raw, isBinary);
    const envelope = isEnvelope(parsed);
    // The credentials of an authentication request, read once: for the check, and to redact them
    // wherever they sit (a marked field need not have a credential-looking name).
    let credentials: Credentials | undefined;
    let values = NO_VALUES;
    if (envelope && authOp && parsed.type === authOp.type) {
      try {
        credentials = cfg.credentialsOf(parsed);
      } catch (err) {
        cfg.report(err);
        credentials = {};
      }
      const found: unknown[] = [];
      for (const v of [credentials.secret, credentials.key]) if (v !== undefined && v !== null && v !== '') found.push(v);
      values = found;
    }
    // What is kept (and emitted) has its credentials redacted; `parsed` keeps them for the check.
    // A request that goes to user code (a reply handler, an authCheck) is logged as a copy.
    const isolate = envelope && (cfg.replies?.[parsed.type] !== undefined || (cfg.authCheck !== undefined && parsed.type === authOp?.type));
    const kept = redactReceived(raw, parsed === NOT_JSON ? undefined : parsed, envelope, cfg.knownSecrets, values, isolate);
    const entry = new ReceivedFrame({ connection: conn.id, raw: kept.raw, frame: kept.frame });
    receivedCount++;
    conn.receivedCount++;
    cfg.log.add(entry);
    conn.log.add(entry);
    cfg.emit('frame', entry, conn);

    const drop = cfg.faults().config.dropAfterFrames;
    if (drop !== undefined && conn.receivedCount >= drop) return conn.terminate();
    if (!envelope) return conn.close(CloseCode.NOT_AN_ENVELOPE, notAnEnvelopeReason(isBinary));

    const request = parsed;
    const op = route(cfg.operations, request.type);
    if (isRefusal(op)) return refuse(conn, undefined, request.requestId, op.refuse);
    const refusal = gate(gateCtx, op, conn) ?? validate(cfg.validators, op.type, request, raw);
    if (refusal) return refuse(conn, op.type, request.requestId, refusal.refuse);
    if (op.auth) {
      const identity = checkLogin(loginCtx, request.payload, credentials ?? {});
      if (isThenable(identity)) return Promise.resolve(identity).then((id) => loggedIn(conn, op, request, id));
      return loggedIn(conn, op, request, identity);
    }
    const custom = cfg.replies?.[op.type];
    if (custom) return replyWith(conn, op, request, custom);
    answer(conn, op.type, request.requestId, replyFrames(templates, op, request.requestId, chunkCount));
  };

  return {
    handle,
    get receivedCount() {
      return receivedCount;
    },
  };
}
