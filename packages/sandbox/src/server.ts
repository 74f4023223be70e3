// startSandbox(): one node:http server for Niyantha REST, Platform auth, Theodore and the
// /__sandbox control routes, with the Niyantha WebSocket on /ws of the same port.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError } from '@s2sdk/core';
import { WebSocketServer } from 'ws';
import { handleAdmin } from './admin.js';
import { handlePlatformAuth, handleTheodore } from './auth-apis.js';
import { createCore, type CoreOptions, type SandboxCore } from './core.js';
import type { Fixture } from './fixture.js';
import { handleNiyanthaRest, type RestRequest } from './niyantha-rest.js';
import { fail, type Outcome } from './outcome.js';
import { createWsHandler, type Timers } from './niyantha-ws.js';

export const MAX_BODY_BYTES = 12 * 1024 * 1024;

export interface SandboxOptions extends CoreOptions {
  /** Port (default 0: a free one). */
  port?: number;
  /** Interface (default 127.0.0.1). */
  host?: string;
  /**
   * WebSocket sockets that have not logged in successfully within this many milliseconds of
   * connecting are closed with 4408 (`CloseCode.AUTH_TIMEOUT`). Default 30 000 (asyncapi.yaml
   * x-decision `auth-timeout`); 0 turns the timeout off.
   */
  authTimeoutMs?: number;
  /** Timer functions of the auth timeout (tests inject manual ones). */
  timers?: Timers;
}

export interface Sandbox {
  /** Base URL of every REST API, e.g. http://127.0.0.1:54321 */
  url: string;
  /** The Niyantha WebSocket URL (`<url>/ws` with ws:). */
  wsUrl: string;
  /** Resets to the start fixture (or the given one). */
  reset(seed?: Fixture): void;
  /** The state as written to --state files (no secrets: keys and tokens are hashed). */
  snapshot(): Record<string, unknown>;
  /** Internals for tests and embedding. */
  core: SandboxCore;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, out: Outcome): void {
  const headers: Record<string, string> = { ...(out.headers ?? {}) };
  if (out.status === 204 || out.body === undefined) {
    res.writeHead(out.status, headers).end();
    return;
  }
  const text = JSON.stringify(out.body);
  res.writeHead(out.status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const authTimeoutMs = options.authTimeoutMs;
  if (authTimeoutMs !== undefined && !(Number.isInteger(authTimeoutMs) && authTimeoutMs >= 0)) {
    throw new ConfigurationError(`sandbox: authTimeoutMs must be a whole number of milliseconds ≥ 0 (0 = off), not ${String(authTimeoutMs)}`);
  }
  const core = await createCore(options);
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const raw = await readBody(req);
      if (raw === undefined) return send(res, fail(413, 'payload_too_large', `The body exceeds ${MAX_BODY_BYTES} bytes`));
      const r: RestRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, raw };
      const out =
        handleAdmin(core, r) ??
        handleNiyanthaRest({ engine: core.engine, keys: core.keys, routes: core.routes, sessionAccount: core.sessionAccount, changed: core.changed }, r) ??
        handlePlatformAuth(core, r) ??
        handleTheodore(core, r) ??
        fail(404, 'not_found', `No operation of the sandbox's specs matches ${r.method} ${r.path}`);
      send(res, out);
    })().catch((err: unknown) => {
      core.log(`sandbox: internal error: ${err instanceof Error ? err.name : 'error'}`);
      if (!res.headersSent) send(res, fail(500, 'internal_error', 'Something went wrong in the sandbox'));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  const onConnection = createWsHandler({ model: core.wsModel, plans: core.wsPlans, engine: core.engine, keys: core.keys, changed: core.changed, log: core.log, authTimeoutMs, timers: options.timers });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    if (path !== (core.wsModel.channelAddress ?? '/ws')) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}${core.wsModel.channelAddress ?? '/ws'}`,
    core,
    reset: (seed) => core.reset(seed),
    snapshot: () => core.snapshot(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
