// Shared test harness of the feature tests: a fresh sandbox per test (free port, ready when
// startSandbox resolves), REST and WebSocket clients, and checks that every answer matches
// the spec (REST: the operation's declared response schema; WS: the reply / chunk / error message).
import { expect } from 'vitest';
import WebSocket from 'ws';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/index.js';
import { findRoute } from '../src/openapi.js';
import { compileCheck, createAjv, type Check } from '../src/validate.js';

export const SESSION = 'test-session-token';
export const STORE = { type: 'grocery', name: 'Fresh Mart Hub', location_id: 101, owner_aadhaar_front_file_id: 12, owner_aadhaar_back_file_id: 13, shop_body_type: 'stationary_shop' };

type Obj = Record<string, any>;
const ajv = createAjv();
const checks = new Map<object, Check>();
function check(schema: object, value: unknown): void {
  let c = checks.get(schema);
  if (!c) checks.set(schema, (c = compileCheck(ajv, schema)));
  expect(c(value)).toEqual([]);
}

export async function harness(options: SandboxOptions = {}) {
  const lines: string[] = [];
  const sandbox: Sandbox = await startSandbox({ sessionTokens: [SESSION], log: (l) => lines.push(l), ...options });
  const { core } = sandbox;

  /** REST call; the answer is checked against the operation's response schema for its status. */
  async function call(method: string, path: string, { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {}) {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    const found = findRoute(core.routes.map((r) => r.route), method, new URL(path, 'http://x').pathname);
    const route = found && 'route' in found ? found.route : undefined;
    if (route) {
      const declared = (route.operation.responses as Obj)[String(res.status)];
      expect(declared, `${method} ${path} answered ${res.status}, which the spec does not declare`).toBeDefined();
      const schema = declared?.content?.['application/json']?.schema;
      if (schema) check(schema, parsed);
      else expect(parsed).toBeUndefined();
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async function newKey() {
    const r = await call('POST', '/api/v1/session/keys', { body: { name: 'k' }, headers: { authorization: `Bearer ${SESSION}` } });
    expect(r.status).toBe(201);
    return r.body as { id: number; username: string; secret: string };
  }
  const s2s = (k: { username: string; secret: string }) => ({ 'x-api-key': k.username, 'x-api-secret': k.secret });

  /** A logged-in WebSocket client; every frame received is checked against its message schema. */
  async function ws(key: { username: string; secret: string }) {
    const socket = new WebSocket(sandbox.wsUrl);
    const frames: Obj[] = [];
    const waiters: (() => void)[] = [];
    const byType = new Map<string, object>();
    for (const op of core.wsModel.operations) {
      byType.set(op.reply.type, op.reply.schema);
      if (op.chunk) byType.set(op.chunk.type, op.chunk.schema);
    }
    socket.on('message', (d) => {
      const f = JSON.parse(String(d));
      frames.push(f);
      waiters.splice(0).forEach((w) => w());
    });
    await new Promise((r) => socket.once('open', r));
    let n = 0;
    async function until(pred: (f: Obj) => boolean) {
      for (;;) {
        const f = frames.find(pred);
        if (f) return f;
        await new Promise<void>((r) => waiters.push(r));
      }
    }
    async function request(type: string, payload: unknown): Promise<Obj> {
      const requestId = `r${++n}`;
      socket.send(JSON.stringify({ type, requestId, payload }));
      const f = await until((x) => x.requestId === requestId && !String(x.type).endsWith('.chunk'));
      if (f.type === 'error') {
        expect(typeof f.payload.code).toBe('string');
        expect(typeof f.payload.message).toBe('string');
      } else {
        const schema = byType.get(f.type);
        expect(schema, `no schema for ${f.type}`).toBeDefined();
        check(schema!, f);
      }
      for (const c of frames.filter((x) => x.requestId === requestId && String(x.type).endsWith('.chunk'))) check(byType.get(c.type)!, c);
      return f;
    }
    const chunks = (requestId: string) => frames.filter((x) => x.requestId === requestId && String(x.type).endsWith('.chunk'));
    const login = await request('auth.login', { authType: 's2s', token: key.username, metadata: { secret: key.secret, app: 'anystore' } });
    expect(login.type).toBe('auth.success');
    return { socket, frames, request, chunks, lastId: () => `r${n}`, close: () => socket.close() };
  }

  return { sandbox, core, lines, call, newKey, s2s, ws, close: () => sandbox.close() };
}

export type Harness = Awaited<ReturnType<typeof harness>>;

/** The OTP the sandbox "sent" (printed to its log) for a recipient. */
export function otpFor(lines: string[], recipient: string): string {
  const line = [...lines].reverse().find((l) => l.includes(`OTP for ${recipient}`));
  expect(line, `no OTP line for ${recipient}`).toBeDefined();
  return /: (\d{6})$/.exec(line!)![1]!;
}
