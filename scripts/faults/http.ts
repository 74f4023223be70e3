// HTTP faults against real loopback servers (node:http and raw TCP), through the published
// Theodore client (a GET that may be retried, a token POST that must never be re-sent), on
// both the global fetch and createNodeFetch(). Server hits prove the retry policy.
import { AbortedError, InternalServerError, MalformedResponseError, NetworkError, parseRetryAfter, RateLimitError, S2sdkError, TimeoutError } from '@s2sdk/core';
import { createNodeFetch } from '@s2sdk/core/node';
import { createTheodoreClient, type TheodoreClient } from '@s2sdk/theodore';
import { sendJson, sendRaw, startHttpServer } from '../../packages/testkit/src/index.ts';
import { describe, expectError, type Area, type Probe, type ProbeContext } from './harness.ts';
import { head, startRawHttpServer } from './servers.ts';

const FAST_RETRY = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 5 };
const TOKEN_INPUT = { handle: 'probe@example.com', handleType: 'email' as const, password: 'probe-password', tokenDurationInMins: 20 };
const TOKEN_OK = { data: { token: 'tok-probe-1', expiry: 0, userId: 'u1', associatedOrgs: [] } };

type FetchKind = 'global fetch' | 'createNodeFetch';

function client(ctx: ProbeContext, baseUrl: string, kind: FetchKind, extra: { timeoutMs?: number; retry?: typeof FAST_RETRY | false } = {}): TheodoreClient {
  let fetch: typeof globalThis.fetch | undefined;
  if (kind === 'createNodeFetch') {
    const f = createNodeFetch();
    ctx.defer(() => f.close());
    fetch = f as unknown as typeof globalThis.fetch;
  }
  return createTheodoreClient({ environment: { baseUrl }, fetch, timeoutMs: extra.timeoutMs ?? 5_000, retry: extra.retry ?? FAST_RETRY });
}

async function httpServer(ctx: ProbeContext, handler: Parameters<typeof startHttpServer>[0]) {
  const s = await startHttpServer(handler);
  ctx.defer(() => s.close());
  return s;
}

function probesFor(kind: FetchKind): Probe[] {
  const p = (name: string, run: Probe['run']): Probe => ({ name: `${name} [${kind}]`, run });
  return [
    p('HTML 502: GET retried to the limit, POST sent once; InternalServerError', async (ctx) => {
      const s = await httpServer(ctx, (_r, res) => sendRaw(res, 502, 'text/html', '<html><body>Bad Gateway</body></html>'));
      const c = client(ctx, s.url, kind);
      const g = expectError(await ctx.call('GET health', c.getHealth()), InternalServerError, 'GET');
      const post = expectError(await ctx.call('POST token', c.createAuthToken(TOKEN_INPUT)), InternalServerError, 'POST');
      ctx.log(`saw ${describe(g)} after ${s.to('/theodore/apis/health').length} GET hits; ${describe(post)} after ${s.to('/theodore/apis/v1/authtokens').length} POST hit(s)`);
      ctx.check(s.to('/theodore/apis/health').length === 3, 'GET: expected 1 + 2 retries');
      ctx.check(s.to('/theodore/apis/v1/authtokens').length === 1, 'POST: must not be re-sent');
      ctx.check(!g.message.includes('<html>'), 'the HTML body is not echoed in the message');
    }),
    p('invalid JSON and truncated JSON on 200: MalformedResponseError, not retried', async (ctx) => {
      let n = 0;
      const s = await httpServer(ctx, (_r, res) => (++n % 2 ? sendRaw(res, 200, 'application/json', '{"status": UP}') : sendRaw(res, 200, 'application/json', '{"status":"U')));
      const c = client(ctx, s.url, kind);
      const a = expectError(await ctx.call('GET invalid', c.getHealth()), MalformedResponseError, 'invalid JSON');
      const b = expectError(await ctx.call('GET truncated', c.getHealth()), MalformedResponseError, 'truncated JSON');
      ctx.log(`saw ${describe(a)}, ${describe(b)}; hits ${s.requests.length}`);
      ctx.check(s.requests.length === 2, 'a 2xx is never retried');
    }),
    p('content-length larger than the body (then close): typed failure; GET retried, POST once', async (ctx) => {
      const s = await startRawHttpServer(ctx, (hit) => {
        hit.socket.end(`${head(200, { 'content-type': 'application/json', 'content-length': 100 })}{"status":"UP"}`);
      });
      const c = client(ctx, s.url, kind);
      const g = await ctx.call('GET', c.getHealth());
      const gets = s.hits.length;
      const post = await ctx.call('POST', c.createAuthToken(TOKEN_INPUT));
      const e1 = expectError(g, S2sdkError, 'GET');
      const e2 = expectError(post, S2sdkError, 'POST');
      ctx.log(`GET: ${describe(e1)} after ${gets} hits; POST: ${describe(e2)} after ${s.hits.length - gets} hit(s)`);
      ctx.check(e1 instanceof NetworkError || e1 instanceof MalformedResponseError, 'GET: NetworkError or MalformedResponseError');
      ctx.check(s.hits.length - gets === 1, 'POST: must not be re-sent after a body that broke off');
    }),
    p('content-length smaller than the body: the declared bytes only → MalformedResponseError', async (ctx) => {
      const s = await startRawHttpServer(ctx, (hit) => {
        hit.socket.end(`${head(200, { 'content-type': 'application/json', 'content-length': 5 })}{"status":"UP"}`);
      });
      const c = client(ctx, s.url, kind);
      const e = expectError(await ctx.call('GET', c.getHealth()), MalformedResponseError, 'GET');
      ctx.log(`saw ${describe(e)}; hits ${s.hits.length}`);
    }),
    p('a 10 MB JSON body is read completely', async (ctx) => {
      const pad = 'x'.repeat(10 * 1024 * 1024);
      const s = await httpServer(ctx, (_r, res) => sendJson(res, 200, { status: 'UP', pad }));
      const c = client(ctx, s.url, kind, { timeoutMs: 60_000 });
      const o = await ctx.call('GET 10 MB', c.getHealth());
      ctx.check(o.ok, `expected success, got ${o.ok ? '' : describe(o.error)}`);
      const v = o.ok ? (o.value as { status: string; pad: string }) : undefined;
      ctx.log(`got status ${v?.status}, pad ${v?.pad.length} chars`);
      ctx.check(v?.pad.length === pad.length, 'the whole body arrived');
    }),
    p('headers never sent: TimeoutError (attempt); GET retried to the limit, POST once', async (ctx) => {
      const s = await httpServer(ctx, () => undefined /* never answers; close() ends the sockets */);
      const c = client(ctx, s.url, kind, { timeoutMs: 200 });
      const g = expectError(await ctx.call('GET', c.getHealth()), TimeoutError, 'GET', (e) => e.scope === 'attempt');
      const gets = s.requests.length;
      const post = expectError(await ctx.call('POST', c.createAuthToken(TOKEN_INPUT)), TimeoutError, 'POST');
      ctx.log(`GET: ${describe(g)} after ${gets} hits; POST: ${describe(post)} after ${s.requests.length - gets} hit(s)`);
      ctx.check(gets === 3, 'GET: 1 + 2 retries');
      ctx.check(s.requests.length - gets === 1, 'POST that may have reached the server is not re-sent');
    }),
    p('headers then a stalled body: TimeoutError, not a hang', async (ctx) => {
      const s = await httpServer(ctx, (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":');
      });
      const c = client(ctx, s.url, kind, { timeoutMs: 200, retry: false });
      const e = expectError(await ctx.call('GET', c.getHealth()), TimeoutError, 'GET');
      ctx.log(`saw ${describe(e)}; hits ${s.requests.length}`);
    }),
    p('reset mid-body: NetworkError; GET retried then succeeds, POST not re-sent', async (ctx) => {
      let n = 0;
      const s = await httpServer(ctx, (r, res, raw) => {
        if (r.method === 'GET' && ++n > 1) return sendJson(res, 200, { status: 'UP' });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data":', () => raw.socket.destroy());
      });
      const c = client(ctx, s.url, kind);
      const g = await ctx.call('GET', c.getHealth());
      ctx.check(g.ok, `GET: expected success after a retry, got ${g.ok ? '' : describe(g.error)}`);
      const post = expectError(await ctx.call('POST', c.createAuthToken(TOKEN_INPUT)), NetworkError, 'POST');
      ctx.log(`GET ok after ${s.to('/theodore/apis/health').length} hits; POST ${describe(post)} after ${s.to('/theodore/apis/v1/authtokens').length} hit(s)`);
      ctx.check(s.to('/theodore/apis/health').length === 2, 'GET: reset then success');
      ctx.check(s.to('/theodore/apis/v1/authtokens').length === 1, 'POST: not re-sent');
    }),
    p('Retry-After huge: not waited for → RateLimitError after one hit', async (ctx) => {
      const s = await httpServer(ctx, (_r, res) => sendJson(res, 429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '86400' }));
      const c = client(ctx, s.url, kind);
      const e = expectError(await ctx.call('GET', c.getHealth()), RateLimitError, 'GET');
      ctx.log(`saw ${describe(e)} retryAfterMs=${e.retryAfterMs}; hits ${s.requests.length}`);
      ctx.check(s.requests.length === 1, 'one hit');
      ctx.check(e.retryAfterMs === 86_400_000, 'retryAfterMs from the header');
    }),
    ...(['-5', '-1', 'garbage 12', 'soon'] as const).map((value) =>
      p(`Retry-After ${JSON.stringify(value)}: ignored (normal backoff, not "retry now"), then success`, async (ctx) => {
        const parsed = parseRetryAfter(new Headers({ 'retry-after': value }));
        let n = 0;
        const s = await httpServer(ctx, (_r, res) => (++n === 1 ? sendJson(res, 429, {}, { 'retry-after': value }) : sendJson(res, 200, { status: 'UP' })));
        const c = client(ctx, s.url, kind);
        const o = await ctx.call('GET', c.getHealth());
        ctx.log(`parseRetryAfter → ${parsed}; GET ${o.ok ? 'ok' : describe(o.error)} after ${s.requests.length} hits`);
        ctx.check(parsed === undefined, `a Retry-After of ${JSON.stringify(value)} is not a delay (got ${parsed} ms)`);
        ctx.check(o.ok && s.requests.length === 2, '429 then 200');
      }),
    ),
    p('Retry-After as an HTTP date 1 s ahead: waited for, then success', async (ctx) => {
      let n = 0;
      const s = await httpServer(ctx, (_r, res) => (++n === 1 ? sendJson(res, 429, {}, { 'retry-after': new Date(Date.now() + 1500).toUTCString() }) : sendJson(res, 200, { status: 'UP' })));
      const c = client(ctx, s.url, kind);
      const o = await ctx.call('GET', c.getHealth());
      ctx.check(o.ok, `expected success, got ${o.ok ? '' : describe(o.error)}`);
      ctx.log(`hits ${s.requests.length}`);
      ctx.check(s.requests.length === 2, '429 then 200');
    }),
    p('429 storm: 50 concurrent GETs, always 429 → each exactly 1 + 2 retries, all RateLimitError', async (ctx) => {
      const s = await httpServer(ctx, (_r, res) => sendJson(res, 429, { error: { code: 'RATE_LIMITED', message: 'x' } }, { 'retry-after-ms': '2' }));
      const c = client(ctx, s.url, kind);
      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => ctx.call(`GET ${i}`, c.getHealth())));
      const typed = outcomes.filter((o) => !o.ok && o.error instanceof RateLimitError).length;
      ctx.log(`${typed}/50 RateLimitError; server hits ${s.requests.length}`);
      ctx.check(typed === 50, 'every call fails with RateLimitError');
      ctx.check(s.requests.length === 150, 'exactly 150 hits');
    }),
    p('503 then success: GET succeeds on the 2nd hit; the token POST is not re-sent', async (ctx) => {
      let gets = 0;
      let posts = 0;
      const s = await httpServer(ctx, (r, res) => {
        const first = r.method === 'GET' ? ++gets === 1 : ++posts === 1;
        if (first) return sendJson(res, 503, { status: 'DOWN' });
        return r.method === 'GET' ? sendJson(res, 200, { status: 'UP' }) : sendJson(res, 200, TOKEN_OK);
      });
      const c = client(ctx, s.url, kind);
      const g = await ctx.call('GET', c.getHealth());
      ctx.check(g.ok, 'GET: success after one retry');
      const post = expectError(await ctx.call('POST', c.createAuthToken(TOKEN_INPUT)), InternalServerError, 'POST');
      ctx.log(`GET ok after ${gets} hits; POST ${describe(post)} after ${posts} hit(s)`);
      ctx.check(gets === 2 && posts === 1, 'hits: GET 2, POST 1');
    }),
    p('abort while the server holds the request: AbortedError, one hit', async (ctx) => {
      const ac = new AbortController();
      const s = await httpServer(ctx, () => ac.abort());
      const c = client(ctx, s.url, kind);
      const e = expectError(await ctx.call('GET', c.getHealth({ signal: ac.signal })), AbortedError, 'GET');
      ctx.log(`saw ${describe(e)}; hits ${s.requests.length}`);
      ctx.check(s.requests.length === 1, 'not retried after an abort');
    }),
  ];
}

export const httpArea: Area = { name: 'http faults', probes: [...probesFor('global fetch'), ...probesFor('createNodeFetch')] };
