// An in-process Niyantha stand-in on node:http (port 0) for key rotation tests: key management
// (Bearer session), one S2S endpoint that checks keys like the real API, and a log of events.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface FakeKey {
  id: number;
  name: string;
  username: string;
  secret: string;
  created_at: number;
  expires_at: number;
  revoked_at: number;
}

export type FakeEvent =
  | { type: 's2s-arrive'; seq: number; key: string | undefined; usable: boolean }
  | { type: 's2s-done'; seq: number; key: string | undefined; status: number }
  | { type: 'expire'; seq: number; key: string; inflightWithKey: number }
  | { type: 'create'; seq: number; key: string };

export interface FakeServer {
  url: string;
  keys: Map<string, FakeKey>;
  events: FakeEvent[];
  sessionToken: string;
  /** Adds a key directly (as if created earlier). */
  addKey(opts?: { ttlSeconds?: number; expiresAt?: number; revoked?: boolean; secret?: string }): FakeKey;
  /** While closed, S2S responses are held (requests are accepted and counted). */
  hold(): void;
  release(): void;
  arrivedWith(key: string): number;
  /** Make the next create fail with this status. */
  failNextCreate(status: number): void;
  /** (Requests with an `x-test-flaky: <id>` header answer 503 on their first attempt; the client retries.) */
  close(): Promise<void>;
}

const nowS = () => Math.floor(Date.now() / 1000);

export async function startFakeServer(): Promise<FakeServer> {
  const keys = new Map<string, FakeKey>();
  const events: FakeEvent[] = [];
  const sessionToken = `session-${randomBytes(6).toString('hex')}`;
  let seq = 0;
  let nextId = 10;
  let held: (() => void)[] | undefined;
  let failCreate: number | undefined;
  const inflight = new Map<string, number>();
  const flakySeen = new Set<string>();

  const addKey: FakeServer['addKey'] = (opts = {}) => {
    const id = nextId++;
    const created = nowS();
    const key: FakeKey = {
      id,
      name: 'primary',
      username: `pk_${id}_${randomBytes(4).toString('hex')}`,
      secret: opts.secret ?? `sk_${randomBytes(12).toString('hex')}`,
      created_at: created,
      expires_at: opts.expiresAt ?? created + (opts.ttlSeconds ?? 86400),
      revoked_at: opts.revoked ? created : 0,
    };
    keys.set(key.username, key);
    return key;
  };
  const summary = ({ secret: _s, ...k }: FakeKey) => ({ ...k, last_used_at: 0 });
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const body = async (req: IncomingMessage) => {
    let s = '';
    for await (const c of req) s += c;
    return s ? JSON.parse(s) : undefined;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    const path = url.pathname;
    if (path.startsWith('/api/v1/session/keys')) {
      if (req.headers.authorization !== `Bearer ${sessionToken}`) return json(res, 401, { code: 'invalid_session', message: 'Session token is missing or expired' });
      if (req.method === 'POST' && path === '/api/v1/session/keys') {
        const b = (await body(req)) as { name: string; ttl_seconds?: number; expires_at?: number };
        if (failCreate) {
          const status = failCreate;
          failCreate = undefined;
          return json(res, status, { code: 'internal_error', message: 'boom' });
        }
        const k = addKey({ ttlSeconds: b.ttl_seconds, expiresAt: b.expires_at });
        k.name = b.name;
        events.push({ type: 'create', seq: seq++, key: k.username });
        return json(res, 201, { id: k.id, name: k.name, username: k.username, secret: k.secret, expires_at: k.expires_at });
      }
      if (req.method === 'GET' && path === '/api/v1/session/keys') return json(res, 200, { items: [...keys.values()].map(summary) });
      const m = /^\/api\/v1\/session\/keys\/(\d+)\/expire$/.exec(path);
      if (req.method === 'POST' && m) {
        const k = [...keys.values()].find((x) => x.id === Number(m[1]));
        if (!k) return json(res, 404, { code: 'not_found', message: 'no such key' });
        events.push({ type: 'expire', seq: seq++, key: k.username, inflightWithKey: inflight.get(k.username) ?? 0 });
        if (!k.revoked_at) k.revoked_at = k.expires_at = nowS();
        return json(res, 200, summary(k));
      }
      return json(res, 404, { code: 'not_found', message: 'no route' });
    }
    if (path.startsWith('/api/v1/s2s/accounts')) {
      let pk = req.headers['x-api-key'] as string | undefined;
      let secret = req.headers['x-api-secret'] as string | undefined;
      const auth = req.headers.authorization;
      if (auth?.startsWith('Basic ')) [pk, secret] = Buffer.from(auth.slice(6), 'base64').toString().split(':') as [string, string];
      const k = pk ? keys.get(pk) : undefined;
      const usable = !!k && k.secret === secret && !k.revoked_at && k.expires_at > nowS();
      events.push({ type: 's2s-arrive', seq: seq++, key: pk, usable });
      const finish = (status: number, b: unknown) => {
        events.push({ type: 's2s-done', seq: seq++, key: pk, status });
        json(res, status, b);
      };
      if (!pk || !secret) return finish(401, { code: 'unauthenticated', message: 'Send X-API-Key and X-API-Secret, or HTTP Basic credentials' });
      if (!k || k.secret !== secret) return finish(401, { code: 'invalid_api_key', message: 'Invalid API key or secret' });
      if (k.revoked_at) return finish(401, { code: 'api_key_revoked', message: `API key ${k.username} was revoked` });
      if (k.expires_at <= nowS()) return finish(401, { code: 'api_key_expired', message: `API key ${k.username} expired at ${k.expires_at}` });
      inflight.set(pk, (inflight.get(pk) ?? 0) + 1);
      if (held) await new Promise<void>((r) => held!.push(r));
      inflight.set(pk, inflight.get(pk)! - 1);
      const flakyId = req.headers['x-test-flaky'] as string | undefined;
      if (flakyId && !flakySeen.has(flakyId)) {
        flakySeen.add(flakyId);
        events.push({ type: 's2s-done', seq: seq++, key: pk, status: 503 });
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
        return res.end(JSON.stringify({ code: 'internal_error', message: 'try again' }));
      }
      return finish(200, { id: 301, account_id: 42, type: 'grocery', name: 'Fresh Mart Hub', location_id: 101, shop_body_type: 'stationary_shop', status: 'active', created_at: 1, updated_at: 1 });
    }
    json(res, 404, { code: 'not_found', message: 'no route' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    keys,
    events,
    sessionToken,
    addKey,
    hold: () => {
      held ??= [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const w of waiting) w();
    },
    arrivedWith: (key) => events.filter((e) => e.type === 's2s-arrive' && e.key === key).length,
    failNextCreate: (status) => {
      failCreate = status;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
