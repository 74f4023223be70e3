// Test helpers shared by the workspace's test suites (private package, never published).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A free TCP port on 127.0.0.1 (for tools that cannot listen on port 0 themselves). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => res(port));
    });
  });
}

/**
 * Polls `check` until it returns a truthy value or the deadline passes (then throws with `what`).
 * The default deadline (60 s) is a safety net for a loaded machine, not an expectation of speed.
 */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, { timeoutMs = 60_000, intervalMs = 10 } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`waitFor: timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface PrismServer {
  url: string;
  spec: string;
  stop(): Promise<void>;
}

/**
 * Starts `prism mock <spec>` on a free loopback port and resolves once it listens (its
 * "listening on" line: a readiness signal, not a wait; `timeoutMs` is only a safety net
 * for a machine under heavy load). The process runs in its own process group and `stop()`
 * ends the whole group; it also exits by itself when this process dies.
 */
export async function startPrism(spec: string, { timeoutMs = 240_000 } = {}): Promise<PrismServer> {
  const specPath = resolve(repoRoot, spec);
  const prismBin = join(repoRoot, 'node_modules/@stoplight/prism-cli/dist/index.js');
  const watchdog = join(dirname(fileURLToPath(import.meta.url)), 'parent-watchdog.cjs');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // stdin is a pipe the watchdog watches: Prism exits when this process dies, even by SIGKILL.
    const child = spawn(process.execPath, ['-r', watchdog, prismBin, 'mock', specPath, '-h', '127.0.0.1', '-p', String(port), '--errors'], {
      cwd: repoRoot,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = '';
    try {
      await new Promise<void>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`Prism did not start on ${spec} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (/listening on/i.test(output)) {
            clearTimeout(timer);
            res();
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => {
          clearTimeout(timer);
          rej(new Error(`Prism exited (code ${code}) before listening on ${spec}:\n${output}`));
        });
      });
    } catch (err) {
      killGroup(child);
      // A port taken between freePort() and Prism's listen is the only reason to try again.
      if (attempt < 3 && /EADDRINUSE/.test(output)) continue;
      throw err;
    }
    child.stdout!.resume();
    child.stderr!.resume();
    return {
      url: `http://127.0.0.1:${port}`,
      spec,
      stop: () => stopChild(child),
    };
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * vitest globalSetup factory: starts Prism on each named spec and provides its URL
 * to the tests under the given key (`inject(key)` in a test).
 */
export function prismGlobalSetup(specs: Record<string, string>) {
  return async function setup(project: { provide: (key: never, value: never) => void }) {
    const servers = await Promise.all(Object.entries(specs).map(async ([key, spec]) => [key, await startPrism(spec)] as const));
    for (const [key, server] of servers) project.provide(key as never, server.url as never);
    return async () => {
      await Promise.all(servers.map(([, s]) => s.stop()));
    };
  };
}

/** Thrown by `prismFetch` when Prism says the request does not match the spec. */
export class PrismRequestViolation extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly problem: unknown,
  ) {
    super(`Prism rejected ${method} ${url}: the request does not match the spec: ${JSON.stringify(problem)}`);
    this.name = 'PrismRequestViolation';
  }
}

/** Record of one exchange seen by `prismFetch`. */
export interface PrismExchange {
  method: string;
  url: string;
  status: number;
  prefer: string | null;
}

/**
 * A fetch for contract tests: passes requests to `fetch` and throws
 * PrismRequestViolation when Prism reports a request-side violation (its
 * `sl-violations` header, or its own 422 `application/problem+json`), so a client
 * request that drifts from the spec fails the test instead of looking like a
 * declared 422. Every exchange is recorded in `exchanges`.
 */
export function prismFetch(base: typeof fetch = globalThis.fetch) {
  const exchanges: PrismExchange[] = [];
  const violations: { method: string; url: string; violations: unknown }[] = [];
  const f = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const res = await base(req);
    exchanges.push({ method: req.method, url: req.url, status: res.status, prefer: req.headers.get('prefer') });
    // Prism lists what it found wrong in `sl-violations`; for an operation that declares
    // 400/422 it answers an invalid request with that declared example, so the header is
    // the reliable signal.
    const header = res.headers.get('sl-violations');
    if (header) {
      const list = JSON.parse(header) as { location?: string[]; severity?: string }[];
      const requestSide = list.filter((v) => v.location?.[0] === 'request' && v.severity === 'Error');
      if (requestSide.length) {
        violations.push({ method: req.method, url: req.url, violations: requestSide });
        throw new PrismRequestViolation(req.method, req.url, requestSide);
      }
    }
    const ct = res.headers.get('content-type') ?? '';
    if (res.status === 422 && ct.includes('problem+json')) {
      const problem = (await res.clone().json()) as { type?: string };
      if (String(problem.type ?? '').includes('stoplight.io/prism')) {
        violations.push({ method: req.method, url: req.url, violations: problem });
        throw new PrismRequestViolation(req.method, req.url, problem);
      }
    }
    return res;
  };
  return Object.assign(f, { exchanges, violations });
}

/** Unique, recognisable secret values for leak tests. */
export function canary(label: string): string {
  return `CANARY_${label}_${randomBytes(6).toString('hex')}`;
}

/** Every textual rendering of a value that could leak a secret: message, stack, inspect, JSON, String. */
export function renderings(value: unknown): string[] {
  const out: string[] = [inspect(value, { depth: 10, showHidden: false }), inspect(value, { depth: 10, showHidden: true })];
  try {
    out.push(JSON.stringify(value) ?? '');
  } catch (err) {
    out.push(String(err));
  }
  try {
    out.push(String(value));
  } catch {
    /* objects without toString */
  }
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? '');
    if (value.cause !== undefined) out.push(...renderings(value.cause));
  }
  return out;
}

/** Throws when any of the canaries (or their base64 forms) appears in any rendering of any of the values. */
export function assertNoLeak(values: unknown[], canaries: string[]): void {
  const needles = canaries.flatMap((c) => [c, Buffer.from(c).toString('base64')]);
  for (const v of values) {
    for (const text of renderings(v)) {
      for (const n of needles) {
        if (text.includes(n)) throw new Error(`secret leaked: ${n.slice(0, 12)}… found in a rendering of ${typeof v}:\n${text.slice(0, 500)}`);
      }
    }
  }
}

/** A logger that keeps every line it is given (rendered with inspect), for leak tests. */
export function memoryLogger() {
  const lines: string[] = [];
  const log = (level: string) => (msg: string, fields?: unknown) => {
    lines.push(`${level} ${msg} ${fields === undefined ? '' : inspect(fields, { depth: 10 })}`);
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  /** Path without the query. */
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: any;
}

export interface TestHttpServer {
  url: string;
  server: Server;
  requests: RecordedRequest[];
  /** The recorded requests to one path. */
  to(path: string): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * An in-process node:http server on a free loopback port. The handler gets the
 * request (with its body read) and the response; every request is recorded.
 */
export async function startHttpServer(
  handler: (req: RecordedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>,
): Promise<TestHttpServer> {
  const requests: RecordedRequest[] = [];
  const server = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const url = req.url ?? '';
    const rec: RecordedRequest = { method: req.method ?? '', url, path: url.split('?')[0]!, headers: req.headers, body, json };
    requests.push(rec);
    try {
      await handler(rec, res, req);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    to: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Writes a response with a given content type (HTML error pages, truncated JSON…). */
export function sendRaw(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** A settable clock for `now` options. */
export function clock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    set: (v: number) => {
      t = v;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/**
 * For contract tests: every operation ("METHOD /path/{param}") was answered at least
 * once with a 2xx and at least once with a declared error status (>= 400).
 * Returns the list of problems (empty when covered).
 */
export function operationCoverageProblems(exchanges: PrismExchange[], operationKeys: string[]): string[] {
  const matchers = operationKeys.map((key) => {
    const [method, path] = key.split(' ') as [string, string];
    const re = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);
    return { key, method, re, statuses: new Set<number>() };
  });
  for (const x of exchanges) {
    const path = new URL(x.url).pathname;
    const m = matchers.find((o) => o.method === x.method && o.re.test(path));
    m?.statuses.add(x.status);
  }
  const problems: string[] = [];
  for (const m of matchers) {
    const s = [...m.statuses];
    if (!s.some((v) => v >= 200 && v < 300)) problems.push(`${m.key}: never answered with a 2xx`);
    if (!s.some((v) => v >= 400)) problems.push(`${m.key}: never answered with a declared error status`);
  }
  return problems;
}

/**
 * For error-name tests: the exported subclasses of `base` (and `base` itself) in `exports`, and
 * for each one that does not declare its own static `errorName` equal to its export name, a
 * problem line. Minifiers rename classes, so `err.name` must come from that literal.
 */
export function errorNameProblems(exports: Record<string, unknown>, base: abstract new (...args: never[]) => Error): { classes: string[]; problems: string[] } {
  const classes: string[] = [];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== 'function' || !(value === base || value.prototype instanceof base)) continue;
    classes.push(name);
    const own = Object.hasOwn(value, 'errorName') ? (value as { errorName?: unknown }).errorName : undefined;
    if (own !== name) problems.push(`${name}: static errorName is ${own === undefined ? 'not declared' : JSON.stringify(own)}`);
  }
  return { classes, problems };
}
