// An AsyncAPI 3 driven WebSocket mock for request/reply APIs.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { loadApiModel, type ApiModel, type MessageModel, type OperationModel } from '@s2sdk/asyncapi-codegen';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CloseCode, ERROR_TYPE, ProtocolErrorCode, envelopeProblem } from '@s2sdk/ws-protocol';
import { Validators, clone, errorFrame, fillIdentity, frameFrom, prng, templatesFor, type Envelope } from './messages';
import { describeCredentialPaths, readCredentials, resolveCredentialPaths } from './credentials';
import { redactDeep, redactRaw } from './redact';
import type { CredentialRole, Credentials, ErrorSpec, FaultConfig, FaultSwitches, Identity, MockKey, MockServerOptions, ReceivedFrameData } from './types';

/**
 * The protocol's close codes (`CloseCode` of `@s2sdk/ws-protocol`, the one table), under the name
 * ws-mock has always exported: `NOT_AN_ENVELOPE` (4400), `AUTH_FAILED` (4401), `AUTH_TIMEOUT` (4408), ….
 */
export const CloseCodes = CloseCode;

/**
 * A frame received from a client, as the mock keeps it: credentials are already redacted in
 * `frame` and `raw` (the values of `secret`, `token`, `password`, … fields are `[REDACTED]`).
 */
export class ReceivedFrame implements ReceivedFrameData {
  readonly connection: number;
  readonly raw: string;
  readonly frame?: ReceivedFrameData['frame'];

  constructor(data: ReceivedFrameData) {
    this.connection = data.connection;
    this.raw = data.raw;
    if (data.frame) this.frame = data.frame;
  }

  toJSON() {
    return { connection: this.connection, frame: this.frame ? redactDeep(this.frame) : undefined, raw: this.frame ? '[see frame]' : `[${this.raw.length} chars]` };
  }

  [inspect.custom]() {
    return `ReceivedFrame ${inspect(this.toJSON(), { depth: 6, breakLength: Infinity })}`;
  }
}

/** A live client connection. */
export class MockClient {
  /** Connection number (1, 2, … in accept order). */
  readonly id: number;
  readonly socket: WebSocket;
  authenticated = false;
  identity: Identity | undefined;
  /** The most recent client frames received on this connection (at most `maxReceived`; credentials redacted). */
  readonly received: ReceivedFrame[] = [];
  /** Client frames received on this connection in total. */
  receivedCount = 0;
  /** Close code and reason once the connection has closed. */
  closed: { code: number; reason: string } | undefined;

  constructor(id: number, socket: WebSocket) {
    this.id = id;
    this.socket = socket;
  }

  /** Sends a frame (an object is JSON-encoded, a string is sent as is). */
  send(frame: unknown): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  /** Drops the connection without a close frame. */
  terminate(): void {
    this.socket.terminate();
  }

  [inspect.custom]() {
    return `MockClient { id: ${this.id}, authenticated: ${this.authenticated}, frames: ${this.receivedCount}${this.closed ? `, closed: ${this.closed.code}` : ''} }`;
  }
}

export interface MockServer extends EventEmitter {
  /** `ws://host:port<channel address>`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The loaded document model. */
  readonly model: ApiModel;
  /** Live connections. */
  readonly clients: ReadonlySet<MockClient>;
  /** The most recent client frames received by the server, in order (at most `maxReceived`; credentials redacted). */
  readonly received: ReceivedFrame[];
  /** Client frames received in total. */
  readonly receivedCount: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * The fields the authentication request's credentials are read from, per role, as dot paths
   * from the frame root (candidates in order); undefined when a `credentials` function is used.
   */
  readonly credentialPaths: Readonly<Record<CredentialRole, readonly string[]>> | undefined;
  /**
   * Makes `key` unusable, as when an API key is revoked or expires: sockets logged in with it stay
   * open, but every later request on them gets the error reply with `code` (default
   * `api_key_revoked`; use `api_key_expired` for expiry) until the socket logs in again with
   * another accepted key; a login with it fails with that code (then close 4401).
   */
  revokeKey(key: string, options?: { code?: string; message?: string }): void;
  /** Makes a revoked key usable again. */
  restoreKey(key: string): void;
  /** Revoked keys and their error codes. */
  readonly revokedKeys: ReadonlyMap<string, string>;
  /** Replaces the fault configuration (applies to frames received from now on). */
  setFaults(faults: FaultConfig | undefined): void;
  /** The current fault configuration. */
  readonly faults: FaultConfig;
  /**
   * Sends a server-sent event (a message of a receive operation) to every authenticated client (or
   * `to`), built from its example/schema with `payload` replacing the payload when given.
   * Returns how many clients it was sent to.
   */
  sendEvent(type: string, payload?: unknown, options?: { to?: MockClient; requestId?: string }): number;
  /** Closes every connection (code 1001) and stops listening. */
  close(): Promise<void>;
}

function delay(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });
}

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** An envelope as the protocol defines it (`envelopeProblem` of `@s2sdk/ws-protocol`). */
function isEnvelope(value: unknown): value is Envelope {
  return envelopeProblem(value) === undefined;
}

function resolveFaults(config: FaultConfig, type: string | undefined): FaultSwitches {
  const { byType, errorFor, dropAfterFrames: _drop, neverReply, ...global } = config;
  const out: FaultSwitches = { ...global };
  if (neverReply === true || (Array.isArray(neverReply) && type !== undefined && neverReply.includes(type))) out.neverReply = true;
  if (type !== undefined && errorFor?.[type]) out.error = errorFor[type];
  if (type !== undefined && byType?.[type]) Object.assign(out, byType[type]);
  return out;
}

/** Starts a mock server for the document; resolves once it listens. */
export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  const model = typeof options.spec === 'string' ? await loadApiModel(options.spec) : options.spec;
  const validators = new Validators(model);
  const host = options.host ?? '127.0.0.1';
  const chunkCount = options.chunkCount ?? 3;
  const requireAuth = options.requireAuth ?? model.authType !== null;
  const random = prng(options.seed ?? 1);
  let faults: FaultConfig = clone(options.faults ?? {});
  const maxReceived = options.maxReceived ?? 1000;
  if (!(maxReceived >= 0)) throw new RangeError('@s2sdk/ws-mock: maxReceived must be >= 0');
  const maxReceivedBytes = options.maxReceivedBytes ?? 16 * 1024 * 1024;
  if (!(maxReceivedBytes >= 0)) throw new RangeError('@s2sdk/ws-mock: maxReceivedBytes must be >= 0');
  // Secrets the mock knows, scrubbed from kept frames even where they are not in a credential field.
  const knownSecrets = (options.keys ?? []).map((k) => k.secret).filter((v) => typeof v === 'string' && v.length >= 4);
  const revoked = new Map<string, { code: string; message: string }>();

  const operations = new Map<string, OperationModel>(model.operations.map((o) => [o.type, o]));
  const messages = new Map<string, MessageModel>(model.messages.map((m) => [m.type, m]));
  const templates = new Map<string, Envelope[]>();
  for (const m of model.messages) if (m.role !== 'request' || m.event) templates.set(m.type, templatesFor(m));
  const errorType = model.errorType ?? ERROR_TYPE;
  const authOp = model.authType ? operations.get(model.authType) : undefined;
  const authFailureType = authOp ? (authOp.errors.find((e) => e.type !== model.errorType) ?? authOp.errors[0])?.type ?? errorType : errorType;
  const credentialOption = options.credentials;
  const credentialPaths = typeof credentialOption === 'function' ? undefined : resolveCredentialPaths(authOp, credentialOption);
  /** The credentials of an authentication request frame. */
  const extract = (frame: Envelope): Credentials =>
    typeof credentialOption === 'function' ? credentialOption(frame.payload) : readCredentials(frame, credentialPaths!);

  if (options.strict ?? true) {
    const problems: string[] = [];
    for (const [type, list] of templates) {
      list.forEach((frame, i) => {
        const withId = { ...frame, requestId: typeof frame.requestId === 'string' ? frame.requestId : 'r-1' };
        const msg = messages.get(type)!;
        const issues = validators.check(type, msg.role === 'event' && frame.requestId === undefined ? frame : withId);
        const origin = msg.examples.length ? `example ${i + 1}` : 'the value generated from its schema (add an example)';
        for (const issue of issues) problems.push(`message "${msg.id}" (${type}): ${origin} is invalid at ${issue.path}: ${issue.message}`);
      });
    }
    if (problems.length) {
      throw new Error(`@s2sdk/ws-mock: ${model.source}: the mock cannot send schema-valid messages:\n${problems.map((p) => `  - ${p}`).join('\n')}\n(pass strict: false to start anyway)`);
    }
  }

  const templateOf = (type: string, index = 0): Envelope | undefined => {
    const list = templates.get(type);
    return list && list.length ? list[index % list.length] : undefined;
  };

  const emitter = new EventEmitter();
  const report = (err: unknown) => {
    if (emitter.listenerCount('error') > 0) emitter.emit('error', err);
    else console.error('@s2sdk/ws-mock:', err);
  };
  const clients = new Set<MockClient>();
  const received: ReceivedFrame[] = [];
  let receivedCount = 0;
  /** Appends to a bounded log (oldest entries dropped first). */
  // Also bounded in bytes (the raw text kept): a count alone lets 1000 frames of 5 MB hold 5 GB.
  const logBytes = new WeakMap<ReceivedFrame[], number>();
  const keep = (log: ReceivedFrame[], entry: ReceivedFrame) => {
    if (maxReceived === 0) return;
    log.push(entry);
    let bytes = (logBytes.get(log) ?? 0) + entry.raw.length;
    let drop = 0;
    // Oldest first, beyond the count or the byte budget; the newest frame is always kept.
    while (drop < log.length - 1 && (log.length - drop > maxReceived || bytes > maxReceivedBytes)) bytes -= log[drop++]!.raw.length;
    if (drop) log.splice(0, drop);
    logBytes.set(log, bytes);
  };
  const timers = new Set<NodeJS.Timeout>();
  let connectionCount = 0;

  const wss = new WebSocketServer({ host, port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('error', (err) => report(err));
  const port = (wss.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const path = model.channelAddress && model.channelAddress.startsWith('/') ? model.channelAddress : '/';
  const url = `ws://${urlHost}:${port}${path}`;

  const sendError = (client: MockClient, requestId: string, spec: ErrorSpec, type = errorType) => {
    client.send(errorFrame(templateOf(type), type, requestId, spec));
  };

  /** Applies the fault switches of a request to its answer frames and sends them. */
  const answer = async (client: MockClient, requestType: string | undefined, requestId: string, frames: Envelope[]) => {
    const sw = resolveFaults(faults, requestType);
    if (sw.closeWith) {
      client.close(sw.closeWith.code, sw.closeWith.reason ?? '');
      return;
    }
    if (sw.neverReply) return;
    let out = frames;
    // The authentication request fails with its own failure message (e.g. auth.failure).
    const failureType = requestType !== undefined && requestType === authOp?.type ? authFailureType : errorType;
    if (sw.error) out = [errorFrame(templateOf(failureType), failureType, requestId, sw.error)];
    if (sw.delayMs && sw.delayMs > 0) await delay(sw.delayMs, timers);
    if (client.socket.readyState !== client.socket.OPEN) return;
    if (sw.garbageFrame) client.send(`<<not json ${Math.floor(random() * 1e9).toString(36)}>>`);
    if (sw.wrongRequestId) {
      const wrong = `${requestId}~${Math.floor(random() * 1e9).toString(36)}`;
      out = out.map((f) => ({ ...f, requestId: wrong }));
    }
    for (const f of out) client.send(f);
    if (sw.replyTwice && out.length) client.send(out[out.length - 1]);
  };

  const authenticate = async (client: MockClient, payload: unknown, credentials: Credentials): Promise<Identity | undefined> => {
    const storeId = typeof credentials.storeId === 'string' && credentials.storeId ? credentials.storeId : undefined;
    const withStore = (identity: Identity): Identity => {
      const out = { ...identity };
      delete out.storeId;
      if (storeId && (!identity.storeIds || identity.storeIds.includes(storeId))) out.storeId = storeId;
      return out;
    };
    if (options.authCheck) {
      const result = await options.authCheck({ payload, credentials, keys: options.keys });
      if (!result) return undefined;
      if (result === true) return withStore({});
      const { key, accountId, storeIds } = result as Identity & Partial<MockKey>;
      return withStore({ ...(key !== undefined ? { key } : {}), ...(accountId !== undefined ? { accountId } : {}), ...(storeIds ? { storeIds } : {}) });
    }
    const key = typeof credentials.key === 'string' ? credentials.key : '';
    const secret = typeof credentials.secret === 'string' ? credentials.secret : '';
    if (!key || !secret) return undefined;
    if (!options.keys) return withStore({ key });
    const match = options.keys.find((k) => k.key === key && sameSecret(k.secret, secret));
    if (!match) return undefined;
    return withStore({ key: match.key, ...(match.accountId !== undefined ? { accountId: match.accountId } : {}), ...(match.storeIds ? { storeIds: [...match.storeIds] } : {}) });
  };

  const replyFrames = async (client: MockClient, op: OperationModel, request: Envelope): Promise<Envelope[]> => {
    const custom = options.replies?.[op.type];
    if (custom) {
      const payload = await custom({ type: request.type, requestId: request.requestId, payload: request.payload }, { identity: client.identity });
      const chunks = op.chunk ? Array.from({ length: chunkCount }, (_, i) => frameFrom(templateOf(op.chunk!.type, i)!, request.requestId)) : [];
      return [...chunks, { ...frameFrom(templateOf(op.reply.type)!, request.requestId), payload }];
    }
    const frames: Envelope[] = [];
    if (op.chunk) for (let i = 0; i < chunkCount; i++) frames.push(frameFrom(templateOf(op.chunk.type, i)!, request.requestId));
    frames.push(frameFrom(templateOf(op.reply.type)!, request.requestId));
    return frames;
  };

  /** Answers run concurrently: a delayed answer does not hold back later frames of the connection. */
  const dispatch = (work: Promise<void>) => {
    work.catch(report);
  };

  const handleFrame = async (client: MockClient, data: RawData, isBinary: boolean) => {
    const raw = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    let parsed: unknown;
    let ok = !isBinary;
    if (ok) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        ok = false;
      }
    }
    // The credentials of an authentication request, read once: for the check, and to redact the
    // secret wherever it sits (a marked field need not have a credential-looking name).
    let credentials: Credentials | undefined;
    if (ok && isEnvelope(parsed) && authOp && parsed.type === authOp.type) {
      try {
        credentials = extract(parsed);
      } catch (err) {
        report(err);
        credentials = {};
      }
    }
    // The values of the credential fields (key and secret), whatever those fields are called.
    const secrets: unknown[] = [];
    if (credentials) for (const v of [credentials.secret, credentials.key]) if (v !== undefined && v !== null && v !== '') secrets.push(v);
    // What is kept (and emitted) has its credentials redacted; `parsed` keeps them for the auth check.
    const entry = new ReceivedFrame({
      connection: client.id,
      raw: redactRaw(raw, ok ? parsed : undefined, knownSecrets, secrets),
      ...(ok && isEnvelope(parsed) ? { frame: redactDeep(parsed, [...secrets, ...knownSecrets]) as ReceivedFrameData['frame'] } : {}),
    });
    receivedCount++;
    client.receivedCount++;
    keep(received, entry);
    keep(client.received, entry);
    emitter.emit('frame', entry, client);

    const drop = faults.dropAfterFrames;
    if (drop !== undefined && client.receivedCount >= drop) {
      client.terminate();
      return;
    }
    if (!ok || !isEnvelope(parsed)) {
      client.close(CloseCodes.NOT_AN_ENVELOPE, isBinary ? 'binary frames are not supported' : 'frame is not a JSON envelope');
      return;
    }
    const request = parsed;
    const op = operations.get(request.type);
    if (!op) {
      dispatch(answer(client, undefined, request.requestId, [
        errorFrame(templateOf(errorType), errorType, request.requestId, {
          code: ProtocolErrorCode.VALIDATION_FAILED,
          message: `Unknown request type ${JSON.stringify(request.type)}.`,
          details: [{ path: '/type', message: 'is not a request type of this API' }],
        }),
      ]));
      return;
    }
    if (requireAuth && !client.authenticated && !op.auth) {
      dispatch(answer(client, op.type, request.requestId, [
        errorFrame(templateOf(errorType), errorType, request.requestId, { code: ProtocolErrorCode.UNAUTHENTICATED, message: `Authenticate with ${model.authType} first.` }),
      ]));
      return;
    }
    const revocation = !op.auth && client.identity?.key !== undefined ? revoked.get(client.identity.key) : undefined;
    if (revocation) {
      // The socket stays open; its requests fail until it logs in again with a usable key.
      dispatch(answer(client, op.type, request.requestId, [errorFrame(templateOf(errorType), errorType, request.requestId, revocation)]));
      return;
    }
    const issues = validators.check(op.type, request);
    if (issues.length) {
      dispatch(answer(client, op.type, request.requestId, [
        errorFrame(templateOf(errorType), errorType, request.requestId, { code: ProtocolErrorCode.VALIDATION_FAILED, message: `Invalid ${op.type} request.`, details: issues }),
      ]));
      return;
    }
    if (op.auth) {
      const closeAfter = () => {
        if (client.socket.readyState === client.socket.OPEN) client.close(CloseCodes.AUTH_FAILED, 'authentication failed');
      };
      const identity = await authenticate(client, request.payload, credentials ?? {});
      const revocation = identity?.key !== undefined ? revoked.get(identity.key) : undefined;
      if (!identity || revocation) {
        // The refusal code and message come from the spec's example of the failure message when it has one.
        const template = templateOf(authFailureType);
        const example = ((model.messages.find((m) => m.type === authFailureType)?.examples[0] as Envelope | undefined)?.payload ?? {}) as { code?: unknown; message?: unknown };
        const refusal = {
          code: typeof example.code === 'string' ? example.code : 'invalid_credentials',
          message: typeof example.message === 'string' ? example.message : 'Invalid API key or secret.',
        };
        const failure = errorFrame(template, authFailureType, request.requestId, revocation ?? refusal);
        dispatch(answer(client, op.type, request.requestId, [failure]).then(closeAfter));
        return;
      }
      const sw = resolveFaults(faults, op.type);
      if (sw.error) {
        // An injected error is a refused login: the failure message, then close 4401.
        dispatch(answer(client, op.type, request.requestId, []).then(closeAfter));
        return;
      }
      if (sw.neverReply || sw.closeWith) {
        // The fault replaces the success reply, so the connection's identity does not change.
        dispatch(answer(client, op.type, request.requestId, []));
        return;
      }
      client.authenticated = true;
      client.identity = identity;
      emitter.emit('authenticated', client);
      const frames = await replyFrames(client, op, request);
      const last = frames[frames.length - 1]!;
      if (!options.replies?.[op.type]) last.payload = fillIdentity(last.payload, identity, op.reply.schema, op.identityFields);
      dispatch(answer(client, op.type, request.requestId, frames));
      return;
    }
    dispatch(answer(client, op.type, request.requestId, await replyFrames(client, op, request)));
  };

  wss.on('connection', (socket) => {
    const client = new MockClient(++connectionCount, socket);
    clients.add(client);
    // Frames of one connection are checked in order; their answers (which may wait for delayMs) run concurrently.
    let queue = Promise.resolve();
    socket.on('message', (data, isBinary) => {
      queue = queue.then(() => handleFrame(client, data, isBinary)).catch(report);
    });
    let authTimer: NodeJS.Timeout | undefined;
    if (requireAuth && options.authTimeoutMs !== undefined) {
      authTimer = setTimeout(() => {
        timers.delete(authTimer!);
        if (!client.authenticated) client.close(CloseCodes.AUTH_TIMEOUT, 'authentication timeout');
      }, options.authTimeoutMs);
      timers.add(authTimer);
    }
    socket.on('close', (code, reason) => {
      if (authTimer) {
        clearTimeout(authTimer);
        timers.delete(authTimer);
      }
      client.closed = { code, reason: reason.toString('utf8') };
      clients.delete(client);
      emitter.emit('disconnect', client, code, client.closed.reason);
    });
    socket.on('error', () => {
      /* the close event follows */
    });
    emitter.emit('connection', client);
  });

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    const gone = [...clients].map((c) => new Promise<void>((resolve) => (c.closed ? resolve() : c.socket.once('close', () => resolve()))));
    for (const c of clients) c.close(CloseCode.GOING_AWAY, 'server closing');
    // Sockets that do not finish the closing handshake promptly are terminated.
    const force = setTimeout(() => {
      for (const c of clients) c.terminate();
    }, 1000);
    await Promise.all(gone);
    clearTimeout(force);
    await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
  };
  Object.defineProperties(emitter, {
    connections: { enumerable: true, get: () => connectionCount },
    credentialPaths: { enumerable: true, get: () => (credentialPaths ? describeCredentialPaths(credentialPaths) : undefined) },
    receivedCount: { enumerable: true, get: () => receivedCount },
    revokedKeys: { enumerable: true, get: () => new Map([...revoked].map(([k, v]) => [k, v.code])) },
    faults: { enumerable: true, get: () => clone(faults) },
  });
  const server = Object.assign(emitter, {
    url,
    port,
    host,
    model,
    clients: clients as ReadonlySet<MockClient>,
    received,
    setFaults(next: FaultConfig | undefined) {
      faults = clone(next ?? {});
    },
    revokeKey(key: string, opts: { code?: string; message?: string } = {}) {
      const code = opts.code ?? 'api_key_revoked';
      revoked.set(key, { code, message: opts.message ?? (code === 'api_key_expired' ? 'The API key has expired.' : 'The API key has been revoked.') });
    },
    restoreKey(key: string) {
      revoked.delete(key);
    },
    sendEvent(type: string, payload?: unknown, opts: { to?: MockClient; requestId?: string } = {}) {
      const message = messages.get(type);
      if (!message || !message.event) throw new Error(`@s2sdk/ws-mock: ${JSON.stringify(type)} is not an event (a message of a receive operation)`);
      const frame = clone(templateOf(type)!);
      if (payload !== undefined) frame.payload = clone(payload);
      if (opts.requestId !== undefined) frame.requestId = opts.requestId;
      const targets = opts.to ? [opts.to] : [...clients].filter((c) => !requireAuth || c.authenticated);
      for (const c of targets) c.send(frame);
      return targets.length;
    },
    close() {
      closing ??= close();
      return closing;
    },
    [inspect.custom]() {
      return `MockServer { url: '${url}', clients: ${clients.size}, connections: ${connectionCount}, received: ${receivedCount} }`;
    },
  });
  return server as unknown as MockServer;
}
