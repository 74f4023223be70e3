import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const fixture = (...parts: string[]) => join(pkgDir, 'test', 'fixtures', ...parts);
export const NOTES = fixture('notes-api.yaml');
/** A document whose login is `session.open { apiKey, passphrase, workspace }`, with x-s2sdk-credential / x-s2sdk-identity marks. */
export const VAULT = fixture('vault-api.yaml');

/** Writes `file` without its x-s2sdk-credential / x-s2sdk-identity lines to a temporary directory; returns the copy's path and its cleanup. */
export function unmarkedCopy(file: string): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ws-mock-unmarked-'));
  const path = join(dir, basename(file));
  const text = readFileSync(file, 'utf8');
  const stripped = text
    .split('\n')
    .filter((line) => !/^\s*x-s2sdk-(credential|identity):/.test(line))
    .join('\n');
  if (stripped === text) throw new Error(`${file} has no marks to strip`);
  writeFileSync(path, stripped);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Frame {
  type: string;
  requestId: string;
  payload: Record<string, any>;
}

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after the deadline
 * (`what` may be computed then). The default deadline is a safety net for a loaded machine.
 */
export async function waitFor<T>(probe: () => T | undefined | false, what: string | (() => string), timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface TestSocket {
  ws: WebSocket;
  /** Every text frame received, parsed when JSON (raw string otherwise). */
  frames: Array<Frame | string>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  /** Waits for a JSON frame matching `pred`. */
  frame(pred: (f: Frame) => boolean, what?: string): Promise<Frame>;
  /** JSON frames answering `requestId`. */
  answers(requestId: string): Frame[];
  /** Sends a request and waits for the first frame with its requestId. */
  request(type: string, payload: unknown, requestId?: string): Promise<Frame>;
  /** Sends the fixture's auth.login and waits for its answer. */
  login(token?: string, secret?: string, extra?: Record<string, unknown>): Promise<Frame>;
}

let seq = 0;

/** Opens a raw `ws` client connection (resolves when open). */
export async function connect(url: string): Promise<TestSocket> {
  const ws = new WebSocket(url);
  const frames: Array<Frame | string> = [];
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? `<binary ${String((data as Buffer).length)}>` : data.toString();
    try {
      frames.push(JSON.parse(text) as Frame);
    } catch {
      frames.push(text);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const json = () => frames.filter((f): f is Frame => typeof f === 'object');
  const t: TestSocket = {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    frame: (pred, what = 'a matching frame') => waitFor(() => json().find(pred), what),
    answers: (requestId) => json().filter((f) => f.requestId === requestId),
    async request(type, payload, requestId = `req-${++seq}`) {
      t.send({ type, requestId, payload });
      return t.frame((f) => f.requestId === requestId, `an answer to ${type} ${requestId}`);
    },
    login: (token = 'pk_test', secret = 'sk_test', extra = {}) =>
      t.request('auth.login', { authType: 's2s', token, metadata: { secret, ...extra } }),
  };
  return t;
}
