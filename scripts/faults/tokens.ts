// Token managers under concurrency and failure: Theodore session, platform-auth token
// manager (both against real loopback servers) and core TokenCache. Time is injected
// (a settable clock), never waited for.
import { AbortedError, AuthenticationError, createApiClient, InternalServerError, S2sdkError, SessionError, TokenCache, unwrap } from '@s2sdk/core';
import { createPlatformAuthClient, createTokenManager } from '@s2sdk/platform-auth';
import { createTheodoreSession } from '@s2sdk/theodore';
import type { ServerResponse } from 'node:http';
import { clock, sendJson, startHttpServer, type RecordedRequest } from '../../packages/testkit/src/index.ts';
import { describe, expectError, type Area, type ProbeContext } from './harness.ts';

const N = 100;
const THEODORE = '/theodore/apis/v1/authtokens';
const PLATFORM_TOKEN = '/api/platform/v1/token';
const PLATFORM_REVOKE = '/api/platform/v1/token/revoke';
const NO_RETRY = { retry: false as const, timeoutMs: 30_000 };

type Handler = (req: RecordedRequest, res: ServerResponse) => void;

/** A server whose behaviour per path is swapped by the probe; `hold(path)` parks requests until released. */
async function authServer(ctx: ProbeContext) {
  const handlers = new Map<string, Handler>();
  const held: (() => void)[] = [];
  const holding = new Set<string>();
  let arrived: (() => void) | undefined;
  const s = await startHttpServer((req, res) => {
    const h = handlers.get(req.path) ?? ((_r, r) => sendJson(r, 404, {}));
    if (holding.has(req.path)) {
      held.push(() => h(req, res));
      arrived?.();
      return;
    }
    h(req, res);
  });
  ctx.defer(() => s.close());
  return {
    ...s,
    on: (path: string, h: Handler) => void handlers.set(path, h),
    hold: (path: string) => {
      holding.add(path);
      return new Promise<void>((r) => (arrived = r));
    },
    release: (path: string) => {
      holding.delete(path);
      for (const f of held.splice(0)) f();
    },
  };
}

let issued = 0;
const theodoreOk: Handler = (_r, res) => sendJson(res, 200, { data: { token: `theo-token-${++issued}`, expiry: 0, userId: 'u1', associatedOrgs: [] } });
const platformOk: Handler = (_r, res) => sendJson(res, 200, { access_token: `access-${++issued}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `refresh-${issued}`, created_at: 0 });

function theodoreSession(ctx: ProbeContext, url: string, now: () => number) {
  void ctx;
  return createTheodoreSession({ client: { environment: { baseUrl: url }, ...NO_RETRY }, credentials: { handle: 'probe@example.com', password: 'pw' }, tokenDurationInMins: 10, now });
}

function platformManager(url: string, now: () => number) {
  const client = createPlatformAuthClient({ baseUrl: url, credentials: { clientId: 'cid', clientSecret: 'csecret' }, ...NO_RETRY });
  return createTokenManager({ client, now });
}

const all = <T>(ctx: ProbeContext, what: string, f: () => Promise<T>) => Promise.all(Array.from({ length: N }, (_, i) => ctx.call(`${what} ${i}`, f)));

export const tokensArea: Area = {
  name: 'token managers',
  probes: [
    {
      name: 'Theodore: 100 concurrent getToken() on a cold, then an expired cache → one login each time',
      run: async (ctx) => {
        const s = await authServer(ctx);
        s.on(THEODORE, theodoreOk);
        const c = clock();
        const session = theodoreSession(ctx, s.url, c.now);
        const cold = await all(ctx, 'getToken cold', () => session.getToken());
        const values = new Set(cold.map((o) => (o.ok ? o.value : 'failed')));
        c.advance(11 * 60_000);
        const expired = await all(ctx, 'getToken expired', () => session.getToken());
        const values2 = new Set(expired.map((o) => (o.ok ? o.value : 'failed')));
        ctx.log(`cold: ${values.size} distinct result(s); expired: ${values2.size}; logins ${s.to(THEODORE).length}`);
        ctx.check(values.size === 1 && !values.has('failed') && values2.size === 1 && !values2.has('failed'), 'every caller got the one token');
        ctx.check(s.to(THEODORE).length === 2, 'exactly one login per cold/expired cache');
      },
    },
    {
      name: 'Theodore: a failed login is not cached; the hard-expiry ceiling is never passed',
      run: async (ctx) => {
        const s = await authServer(ctx);
        s.on(THEODORE, (_r, res) => sendJson(res, 500, { error: { code: 'INTERNAL', message: 'down' } }));
        const c = clock();
        const session = theodoreSession(ctx, s.url, c.now);
        const failed = await all(ctx, 'getToken failing', () => session.getToken());
        const typed = failed.filter((o) => !o.ok && o.error instanceof InternalServerError).length;
        ctx.check(typed === N && s.to(THEODORE).length === 1, `${N} InternalServerError from one login (got ${typed}, ${s.to(THEODORE).length} logins)`);
        s.on(THEODORE, theodoreOk);
        const ok = await ctx.call('getToken after failure', session.getToken());
        ctx.check(ok.ok && s.to(THEODORE).length === 2, 'the failure was not cached: a new login succeeds');
        // The server's expiry is 0 (unknown): expiresAt = issue + duration; hardExpiresAt = issue + 6 × duration.
        const st = session.state();
        ctx.log(`after 1 failed + 1 ok login: expiresAt − issuedAt = ${(st.expiresAt! - st.issuedAt!) / 60_000} min, hardExpiresAt − issuedAt = ${(st.hardExpiresAt! - st.issuedAt!) / 60_000} min`);
        // Logins fail from now on: inside the margin the valid token is still served; at expiry never.
        s.on(THEODORE, (_r, res) => sendJson(res, 503, { error: { code: 'DOWN', message: 'down' } }));
        c.set(st.expiresAt! - 1);
        const inMargin = await ctx.call('getToken in margin', session.getToken());
        ctx.check(inMargin.ok && ok.ok && inMargin.value === ok.value, 'in the refresh margin with a failing login the still-valid token is served');
        c.set(st.expiresAt!);
        const atExpiry = await ctx.call('getToken at expiry', session.getToken());
        expectError(atExpiry, S2sdkError, 'at expiry with a failing login');
        c.set(st.hardExpiresAt! + 1);
        const past = await ctx.call('getToken past hard expiry', session.getToken());
        expectError(past, S2sdkError, 'past the hard expiry');
        ctx.log(`at expiry: ${describe(atExpiry.ok ? 'ok' : atExpiry.error)}; past hard expiry: ${describe(past.ok ? 'ok' : past.error)}`);
      },
    },
    {
      name: 'Theodore: invalidate() during an in-flight login → callers get AbortedError, its token is never cached',
      run: async (ctx) => {
        const s = await authServer(ctx);
        s.on(THEODORE, theodoreOk);
        const arrived = s.hold(THEODORE);
        const session = theodoreSession(ctx, s.url, clock().now);
        const waiting = Promise.all(Array.from({ length: 10 }, (_, i) => ctx.call(`getToken ${i}`, session.getToken())));
        await arrived;
        session.invalidate();
        s.release(THEODORE);
        const outcomes = await waiting;
        const aborted = outcomes.filter((o) => !o.ok && o.error instanceof AbortedError).length;
        ctx.log(`${aborted}/10 AbortedError; state.hasToken=${session.state().hasToken}`);
        ctx.check(aborted === 10, 'every waiting caller is told the login was discarded');
        ctx.check(!session.state().hasToken, 'the discarded login left no token');
      },
    },
    {
      name: 'Theodore: a service answering 401 → one re-login per stale token, never a loop',
      run: async (ctx) => {
        const s = await authServer(ctx);
        s.on(THEODORE, theodoreOk);
        s.on('/service', (_r, res) => sendJson(res, 401, { error: 'unauthorized' }));
        const c = clock();
        const session = theodoreSession(ctx, s.url, c.now);
        const api = createApiClient<any>({ baseUrl: s.url, middleware: [session.middleware()], ...NO_RETRY });
        for (let i = 0; i < 5; i++) expectError(await ctx.call(`service call ${i}`, unwrap(api.GET('/service' as never, {} as never))), AuthenticationError, `call ${i}`);
        const fresh = s.to(THEODORE).length;
        c.advance(60_000); // older than minReloginIntervalMs
        for (let i = 0; i < 5; i++) expectError(await ctx.call(`service call later ${i}`, unwrap(api.GET('/service' as never, {} as never))), AuthenticationError, `later call ${i}`);
        ctx.log(`5 calls on a fresh token: ${fresh} login(s); 5 more a minute later: ${s.to(THEODORE).length} login(s) in total; service hits ${s.to('/service').length}`);
        ctx.check(fresh === 1, 'a 401 to a fresh token does not log in again');
        ctx.check(s.to(THEODORE).length === 2, 'a 401 to a stale token logs in once, then the new (fresh) token is not dropped');
        ctx.check(s.to('/service').length === 10, 'each call is sent once: the 401 is not retried in a loop');
      },
    },
    {
      name: 'platform-auth: 100 concurrent getAccessToken() on an expired token → one refresh',
      run: async (ctx) => {
        const s = await authServer(ctx);
        s.on(PLATFORM_TOKEN, platformOk);
        const c = clock();
        const m = platformManager(s.url, c.now);
        await m.fromTokens({ access_token: 'access-initial', token_type: 'Bearer', refresh_token: 'refresh-initial', expires_in: 3600, created_at: Math.floor(c.now() / 1000) } as never);
        c.advance(3600_000);
        const out = await all(ctx, 'getAccessToken', () => m.getAccessToken());
        const values = new Set(out.map((o) => (o.ok ? o.value : `failed ${describe(o.error)}`)));
        ctx.log(`${values.size} distinct result(s) (${[...values][0]!.slice(0, 9)}…); refreshes ${s.to(PLATFORM_TOKEN).length}`);
        ctx.check(values.size === 1 && [...values][0]!.startsWith('access-') && [...values][0] !== 'access-initial', 'every caller got the refreshed token');
        ctx.check(s.to(PLATFORM_TOKEN).length === 1, 'one refresh');
      },
    },
    {
      name: 'platform-auth: a failed refresh is not cached; a rejected one ends the session (no network after)',
      run: async (ctx) => {
        const s = await authServer(ctx);
        s.on(PLATFORM_TOKEN, (_r, res) => sendJson(res, 503, { error: 'temporarily_unavailable' }));
        const c = clock();
        const m = platformManager(s.url, c.now);
        await m.fromTokens({ access_token: 'access-initial', token_type: 'Bearer', refresh_token: 'refresh-initial', expires_in: 3600, created_at: Math.floor(c.now() / 1000) } as never);
        c.advance(3600_000);
        const failed = await all(ctx, 'getAccessToken failing', () => m.getAccessToken());
        const typed = failed.filter((o) => !o.ok && o.error instanceof InternalServerError).length;
        ctx.check(typed === N && s.to(PLATFORM_TOKEN).length === 1, `${N} InternalServerError from one refresh (got ${typed}, ${s.to(PLATFORM_TOKEN).length})`);
        s.on(PLATFORM_TOKEN, (_r, res) => sendJson(res, 400, { error: 'invalid_grant', error_description: 'The refresh token is invalid.' }));
        const rejected = expectError(await ctx.call('getAccessToken rejected', m.getAccessToken()), SessionError, 'rejected refresh', (e) => e.reason === 'refresh-failed');
        const hits = s.to(PLATFORM_TOKEN).length;
        const after = expectError(await ctx.call('getAccessToken after', m.getAccessToken()), SessionError, 'after the session ended', (e) => e.reason === 'no-session');
        ctx.log(`503 → ${typed}×InternalServerError; then ${describe(rejected)}; then ${describe(after)}; refresh requests ${s.to(PLATFORM_TOKEN).length}`);
        ctx.check(hits === 2 && s.to(PLATFORM_TOKEN).length === 2, 'the failure was retried once by the next call; nothing after the session ended');
      },
    },
    {
      name: 'platform-auth: revoke() during an in-flight refresh → the refreshed token never comes back',
      run: async (ctx) => {
        const s = await authServer(ctx);
        s.on(PLATFORM_TOKEN, platformOk);
        s.on(PLATFORM_REVOKE, (_r, res) => sendJson(res, 200, {}));
        const c = clock();
        const m = platformManager(s.url, c.now);
        await m.fromTokens({ access_token: 'access-initial', token_type: 'Bearer', refresh_token: 'refresh-initial', expires_in: 3600, created_at: Math.floor(c.now() / 1000) } as never);
        c.advance(3600_000);
        const arrived = s.hold(PLATFORM_TOKEN);
        const waiting = Promise.all(Array.from({ length: 10 }, (_, i) => ctx.call(`getAccessToken ${i}`, m.getAccessToken())));
        await arrived;
        const revoked = await ctx.call('revoke', m.revoke());
        s.release(PLATFORM_TOKEN);
        const outcomes = await waiting;
        const typed = outcomes.filter((o) => !o.ok && o.error instanceof S2sdkError).length;
        const after = await ctx.call('getAccessToken after revoke', m.getAccessToken());
        ctx.log(`revoke ${revoked.ok ? 'ok' : describe(revoked.error)}; waiting callers: ${typed}/10 typed errors (${describe(outcomes[0]!.ok ? 'ok' : outcomes[0]!.error)}); after: ${describe(after.ok ? 'a token!' : after.error)}; state ${JSON.stringify(m.state())}`);
        ctx.check(revoked.ok, 'revoke succeeds');
        ctx.check(typed === 10, 'no waiting caller receives a token after revoke()');
        expectError(after, SessionError, 'after revoke');
        ctx.check(!m.state().hasToken, 'no token after revoke');
      },
    },
    {
      name: 'platform-auth: a service answering 401 → one refresh per refused token, never a loop',
      run: async (ctx) => {
        const s = await authServer(ctx);
        s.on(PLATFORM_TOKEN, platformOk);
        s.on('/service', (_r, res) => sendJson(res, 401, { error: 'unauthorized' }));
        const c = clock();
        const m = platformManager(s.url, c.now);
        await m.fromTokens({ access_token: 'access-initial', token_type: 'Bearer', refresh_token: 'refresh-initial', expires_in: 3600, created_at: Math.floor(c.now() / 1000) } as never);
        const api = createApiClient<any>({ baseUrl: s.url, middleware: [m.middleware()], ...NO_RETRY });
        for (let i = 0; i < 3; i++) expectError(await ctx.call(`service call ${i}`, unwrap(api.GET('/service' as never, {} as never))), AuthenticationError, `call ${i}`);
        ctx.log(`3 calls answered 401: ${s.to(PLATFORM_TOKEN).length} refresh(es), ${s.to('/service').length} service hits`);
        ctx.check(s.to('/service').length === 3, 'each call sent once');
        ctx.check(s.to(PLATFORM_TOKEN).length === 2, 'one refresh per refused token (calls 2 and 3), not a loop');
      },
    },
    {
      name: 'core TokenCache: 100 concurrent get() cold → one fetch; failures not cached; hard expiry never passed; clear() discards',
      run: async (ctx) => {
        const c = clock();
        let fetches = 0;
        let mode: 'ok' | 'fail' | 'hold' = 'ok';
        let release: (() => void) | undefined;
        let seenSignal: AbortSignal | undefined;
        const cache = new TokenCache<string>({
          now: c.now,
          fetch: async ({ signal }) => {
            fetches++;
            seenSignal = signal;
            if (mode === 'fail') throw new S2sdkError('probe: token endpoint down');
            if (mode === 'hold') await new Promise<void>((r) => (release = r));
            return { value: `t${fetches}`, expiresAt: c.now() + 3_600_000, hardExpiresAt: c.now() + 1000 };
          },
        });
        const cold = await all(ctx, 'get cold', () => cache.get());
        ctx.check(cold.every((o) => o.ok && o.value === 't1') && fetches === 1, `cold: one fetch for ${N} callers (fetches ${fetches})`);
        mode = 'fail';
        c.advance(999);
        // hardExpiresAt (now+1000) is before the soft refresh point: refresh is due, the token still usable.
        const early = await ctx.call('get early', cache.get());
        ctx.check(early.ok && early.value === 't1', 'before the hard expiry a failed refresh keeps serving the valid token');
        c.advance(1);
        const failed = await all(ctx, 'get at hard expiry', () => cache.get());
        ctx.check(failed.every((o) => !o.ok), 'at the hard expiry the old token is never returned');
        const fetchesAfterFail = fetches;
        mode = 'ok';
        const ok = await ctx.call('get after failure', cache.get());
        ctx.check(ok.ok && fetches === fetchesAfterFail + 1, 'a failure is not cached');
        mode = 'hold';
        c.advance(10_000);
        const waiting = Promise.all(Array.from({ length: 10 }, (_, i) => ctx.call(`get held ${i}`, cache.get())));
        while (!release) await new Promise((r) => setImmediate(r));
        cache.clear();
        const aborted = seenSignal?.aborted;
        release();
        const outcomes = await waiting;
        const discarded = outcomes.filter((o) => !o.ok && o.error instanceof AbortedError).length;
        ctx.log(`fetches ${fetches}; at hard expiry: ${failed.length}× ${describe(failed[0]!.ok ? 'ok' : failed[0]!.error)}; clear() aborted the fetch signal: ${aborted}; ${discarded}/10 AbortedError; hasToken ${cache.state().hasToken}`);
        ctx.check(aborted === true && discarded === 10 && !cache.state().hasToken, 'clear() aborts the in-flight fetch and discards its result');
      },
    },
  ],
};
