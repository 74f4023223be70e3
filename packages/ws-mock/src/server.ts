// An AsyncAPI 3 driven WebSocket mock for request/reply APIs: the stages of src/pipeline
// (decode → record → route → authenticate → validate → fault → respond) bound to a `ws` server.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { loadApiModel, type ApiModel, type MessageModel, type OperationModel } from '@s2sdk/asyncapi-codegen';
import { CloseCode, ERROR_TYPE } from '@s2sdk/ws-protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { Validators, clone, prng, type Envelope } from './messages';
import { describeCredentialPaths, readCredentials, resolveCredentialPaths } from './credentials';
import { authFailureTypeOf, type Revocation } from './pipeline/authenticate';
import { FaultResolver } from './pipeline/fault';
import { createPipeline, type Connection } from './pipeline/pipeline';
import { FrameLog, ReceivedFrame } from './pipeline/record';
import { Templates, templateProblems } from './pipeline/respond';
import type { CredentialRole, Credentials, FaultConfig, Identity, MockServerOptions } from './types';

export { ReceivedFrame };

/**
 * The protocol's close codes (`CloseCode` of `@s2sdk/ws-protocol`, the one table), under the name
 * ws-mock has always exported: `NOT_AN_ENVELOPE` (4400), `AUTH_FAILED` (4401), `AUTH_TIMEOUT` (4408), ….
 */
export const CloseCodes = CloseCode;

const DEFAULT_MAX_RECEIVED = 1000;
const DEFAULT_MAX_RECEIVED_BYTES = 16 * 1024 * 1024;

/** A live client connection. */
export class MockClient implements Connection {
  /** Connection number (1, 2, … in accept order). */
  readonly id: number;
  readonly socket: WebSocket;
  authenticated = false;
  identity: Identity | undefined;
  /** Client frames received on this connection in total. */
  receivedCount = 0;
  /** Close code and reason once the connection has closed. */
  closed: { code: number; reason: string } | undefined;
  /** @internal The bounded log behind `received`. */
  readonly log: FrameLog;

  constructor(id: number, socket: WebSocket, log: FrameLog = new FrameLog(DEFAULT_MAX_RECEIVED, DEFAULT_MAX_RECEIVED_BYTES)) {
    this.id = id;
    this.socket = socket;
    this.log = log;
  }

  /** The most recent client frames received on this connection (at most `maxReceived`; credentials redacted). */
  get received(): ReceivedFrame[] {
    return this.log.entries;
  }

  isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Sends a frame (an object is JSON-encoded, a string is sent as is). */
  send(frame: unknown): void {
    this.sendText(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends one text frame as it is. */
  sendText(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    // The answers to a burst of frames (read from one TCP chunk) leave in one write: the socket is
    // corked until the end of the current tick.
    if (!this.#corked) {
      const raw = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
      if (raw) {
        this.#corked = true;
        raw.cork();
        process.nextTick(() => this.#uncork());
      }
    }
    this.socket.send(text);
  }

  #corked = false;

  /** Writes out what is corked (now, or at the end of the tick). */
  #uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    (this.socket as unknown as { _socket?: { uncork(): void } })._socket?.uncork();
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  /** Drops the connection without a close frame (the answers already sent are written first). */
  terminate(): void {
    this.#uncork();
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

/** Starts a mock server for the document; resolves once it listens. */
export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  const model = typeof options.spec === 'string' ? await loadApiModel(options.spec) : options.spec;
  const validators = new Validators(model);
  const host = options.host ?? '127.0.0.1';
  const chunkCount = options.chunkCount ?? 3;
  const requireAuth = options.requireAuth ?? model.authType !== null;
  const random = prng(options.seed ?? 1);
  let faults = new FaultResolver(clone(options.faults ?? {}));
  const maxReceived = options.maxReceived ?? DEFAULT_MAX_RECEIVED;
  if (!(maxReceived >= 0)) throw new RangeError('@s2sdk/ws-mock: maxReceived must be >= 0');
  const maxReceivedBytes = options.maxReceivedBytes ?? DEFAULT_MAX_RECEIVED_BYTES;
  if (!(maxReceivedBytes >= 0)) throw new RangeError('@s2sdk/ws-mock: maxReceivedBytes must be >= 0');
  // Secrets the mock knows, scrubbed from kept frames even where they are not in a credential field.
  const knownSecrets = (options.keys ?? []).map((k) => k.secret).filter((v) => typeof v === 'string' && v.length >= 4);
  const revoked = new Map<string, Revocation>();

  const operations = new Map<string, OperationModel>(model.operations.map((o) => [o.type, o]));
  const messages = new Map<string, MessageModel>(model.messages.map((m) => [m.type, m]));
  const templates = new Templates(model);
  const errorType = model.errorType ?? ERROR_TYPE;
  const authOp = model.authType ? operations.get(model.authType) : undefined;
  const authFailureType = authFailureTypeOf(authOp, errorType, model.errorType);
  const credentialOption = options.credentials;
  const credentialPaths = typeof credentialOption === 'function' ? undefined : resolveCredentialPaths(authOp, credentialOption);
  const credentialsOf = (frame: Envelope): Credentials =>
    typeof credentialOption === 'function' ? credentialOption(frame.payload) : readCredentials(frame, credentialPaths!);

  if (options.strict ?? true) {
    const problems = templateProblems(templates, messages, validators);
    if (problems.length) {
      throw new Error(`@s2sdk/ws-mock: ${model.source}: the mock cannot send schema-valid messages:\n${problems.map((p) => `  - ${p}`).join('\n')}\n(pass strict: false to start anyway)`);
    }
  }

  const emitter = new EventEmitter();
  const report = (err: unknown) => {
    if (emitter.listenerCount('error') > 0) emitter.emit('error', err);
    else console.error('@s2sdk/ws-mock:', err);
  };
  const clients = new Set<MockClient>();
  const log = new FrameLog(maxReceived, maxReceivedBytes);
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      try {
        fn();
      } catch (err) {
        report(err);
      }
    }, ms);
    timers.add(t);
  };
  let connectionCount = 0;

  const pipeline = createPipeline({
    model,
    validators,
    templates,
    operations,
    authOp,
    requireAuth,
    errorType,
    authFailureType,
    chunkCount,
    replies: options.replies,
    keys: options.keys,
    authCheck: options.authCheck,
    credentialsOf,
    knownSecrets,
    revoked,
    log,
    faults: () => faults,
    random,
    later,
    emit: (event, ...args) => {
      emitter.emit(event, ...args);
    },
    report,
  });

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

  wss.on('connection', (socket) => {
    const client = new MockClient(++connectionCount, socket, new FrameLog(maxReceived, maxReceivedBytes));
    clients.add(client);
    // Frames of one connection are handled in order: synchronously, unless a frame waits for user
    // code (an async authCheck or reply handler); then the next ones queue behind it. Answers
    // delayed by a fault are timers and do not hold back later frames.
    let waiting = 0;
    let queue: Promise<void> = Promise.resolve();
    const done = () => {
      waiting--;
    };
    socket.on('message', (data, isBinary) => {
      if (waiting === 0) {
        let result: void | Promise<void>;
        try {
          result = pipeline.handle(client, data, isBinary);
        } catch (err) {
          report(err);
          return;
        }
        if (result === undefined) return;
        waiting++;
        queue = result.catch(report).then(done);
        return;
      }
      waiting++;
      queue = queue.then(() => pipeline.handle(client, data, isBinary)).catch(report).then(done);
    });
    let authTimer: NodeJS.Timeout | undefined;
    if (requireAuth && options.authTimeoutMs !== undefined) {
      authTimer = setTimeout(() => {
        timers.delete(authTimer!);
        if (!client.authenticated) client.close(CloseCode.AUTH_TIMEOUT, 'authentication timeout');
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
    receivedCount: { enumerable: true, get: () => pipeline.receivedCount },
    revokedKeys: { enumerable: true, get: () => new Map([...revoked].map(([k, v]) => [k, v.code])) },
    faults: { enumerable: true, get: () => clone(faults.config) },
  });
  const server = Object.assign(emitter, {
    url,
    port,
    host,
    model,
    clients: clients as ReadonlySet<MockClient>,
    received: log.entries,
    setFaults(next: FaultConfig | undefined) {
      faults = new FaultResolver(clone(next ?? {}));
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
      const frame = clone(templates.of(type)!);
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
      return `MockServer { url: '${url}', clients: ${clients.size}, connections: ${connectionCount}, received: ${pipeline.receivedCount} }`;
    },
  });
  return server as unknown as MockServer;
}
