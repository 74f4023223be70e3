// Secret canaries × sinks: unique canary values as every kind of credential, every failure path
// driven against servers that ECHO what they received (headers and body) in their error bodies,
// then every rendering searched: message, stack, String(err), util.inspect(err, { depth: 10 }),
// JSON.stringify(err), util.inspect / JSON of the clients and the objects they return, a
// debug-level logger's records and the WebSocket mock's frame log.
import { AbortedError, NetworkError, S2sdkError, SessionError, TimeoutError } from '@s2sdk/core';
import { createKeyManagementClient, createNiyanthaClient } from '@s2sdk/niyantha';
import { createNiyanthaWs, WsAuthenticationError } from '@s2sdk/niyantha-ws';
import { createPlatformAuthClient, createTokenManager, createMemoryTokenStore } from '@s2sdk/platform-auth';
import { createTheodoreClient, createTheodoreSession } from '@s2sdk/theodore';
import { inspect } from 'node:util';
import { WebSocket } from 'ws';
import { canary, memoryLogger, sendJson, startHttpServer, startPrism, type RecordedRequest } from '../../packages/testkit/src/index.ts';
import { describe, type Area, type ProbeContext } from './harness.ts';
import { startMock } from './mock.ts';

const C = {
  apiKeySecret: canary('API_KEY_SECRET'),
  basicPassword: canary('BASIC_PASSWORD'),
  sessionToken: canary('SESSION_TOKEN'),
  bearerToken: canary('BEARER_TOKEN'),
  accessToken: canary('ACCESS_TOKEN'),
  refreshToken: canary('REFRESH_TOKEN'),
  otp: canary('OTP'),
  clientSecret: canary('CLIENT_SECRET'),
  password: canary('PASSWORD'),
  verificationToken: canary('VERIFICATION_TOKEN'),
  wsSecret: canary('WS_SECRET'),
};
const KEY = 'pk_canary_probe';
const CLIENT_ID = 'client-canary-probe';
/** Every needle: the canaries, their base64, and the Basic credentials built from them. */
const NEEDLES = [
  ...Object.values(C).flatMap((c) => [c, Buffer.from(c).toString('base64')]),
  Buffer.from(`${KEY}:${C.basicPassword}`).toString('base64'),
  Buffer.from(`${KEY}:${C.apiKeySecret}`).toString('base64'),
  Buffer.from(`${CLIENT_ID}:${C.clientSecret}`).toString('base64'),
];

let checked = 0;
const sinkNames = new Set<string>();

function errorSinks(err: unknown): [string, string][] {
  const e = err as Error;
  const out: [string, string][] = [
    ['message', String(e?.message)],
    ['stack', String(e?.stack)],
    ['String(err)', String(err)],
    ['inspect(err, depth 10)', inspect(err, { depth: 10 })],
    ['JSON.stringify(err)', safeJson(err)],
  ];
  if (e?.cause !== undefined) out.push(['inspect(cause)', inspect(e.cause, { depth: 10 })]);
  return out;
}

function objectSinks(label: string, value: unknown): [string, string][] {
  return [
    [`inspect(${label})`, inspect(value, { depth: 10 })],
    [`inspect(${label}, showHidden)`, inspect(value, { depth: 10, showHidden: true })],
    [`JSON.stringify(${label})`, safeJson(value)],
  ];
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch (err) {
    return `unserialisable: ${String(err)}`;
  }
}

/** Searches every sink for every needle; counts canary × sink checks; fails the probe on a hit. */
function assertClean(ctx: ProbeContext, what: string, sinks: [string, string][]): void {
  const leaks: string[] = [];
  for (const [sink, text] of sinks) {
    sinkNames.add(sink);
    for (const n of NEEDLES) {
      checked++;
      if (text.includes(n)) leaks.push(`${sink} contains ${n.slice(0, 18)}…`);
    }
  }
  ctx.check(leaks.length === 0, `${what}: secret leaked: ${leaks.join('; ')}`);
}

/** An HTTP server that answers `status` with everything it received, echoed back. */
async function echoServer(ctx: ProbeContext, status: (r: RecordedRequest) => number | 'hang' | 'reset' | 'ok-token' | 'ok-login') {
  const s = await startHttpServer((r, res, raw) => {
    const st = status(r);
    if (st === 'hang') return;
    if (st === 'reset') return void raw.socket.destroy();
    if (st === 'ok-token') return sendJson(res, 200, { access_token: C.accessToken, token_type: 'Bearer', expires_in: 7200, refresh_token: C.refreshToken, created_at: Math.floor(Date.now() / 1000) });
    if (st === 'ok-login') return sendJson(res, 200, { status: 'success', data: { token: C.verificationToken, error: null } });
    const echo = { error: 'echo', error_description: `got ${r.body} with ${JSON.stringify(r.headers)}`, message: `headers ${JSON.stringify(r.headers)}`, body: r.body, headers: r.headers };
    // 400 on the token endpoint is the OAuth "invalid_grant" (a rejected OTP or refresh token).
    sendJson(res, st, { ...echo, error: st === 400 && r.path.endsWith('/token') ? 'invalid_grant' : { code: 'ECHO', message: echo.message, details: echo } });
  });
  ctx.defer(() => s.close());
  return s;
}

const FAST = { retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 }, timeoutMs: 300 };

async function failures(ctx: ProbeContext, label: string, calls: [string, () => Promise<unknown>][]): Promise<unknown[]> {
  const errs: unknown[] = [];
  for (const [what, f] of calls) {
    const o = await ctx.call(`${label} ${what}`, f);
    ctx.check(!o.ok && o.error instanceof S2sdkError, `${label} ${what}: expected a typed S2sdkError, got ${o.ok ? 'success' : describe(o.error)}`);
    if (!o.ok) errs.push(o.error);
  }
  ctx.log(`${label}: ${errs.map((e) => describe(e)).join(', ')}`);
  return errs;
}

const statuses = ['401', '403', '404', '422', '429', '500', '502'] as const;

export const secretsArea: Area = {
  name: 'secret canaries',
  summary: () => [`canary × sink checks: ${checked} (${NEEDLES.length} needles from ${Object.keys(C).length} canaries, over ${sinkNames.size} kinds of sink)`],
  probes: [
    ...(['headers', 'basic'] as const).map((auth) => ({
      name: `Niyantha REST (auth: ${auth}): 4xx/5xx with echoed credentials, network error, timeout, abort, bad config`,
      run: async (ctx: ProbeContext) => {
        let mode: number | 'hang' | 'reset' = 401;
        const s = await echoServer(ctx, () => mode);
        const logger = memoryLogger();
        const secret = auth === 'basic' ? C.basicPassword : C.apiKeySecret;
        const client = createNiyanthaClient({ baseUrl: s.url, credentials: { key: KEY, secret }, auth, logger, ...FAST });
        const calls: [string, () => Promise<unknown>][] = statuses.map((st) => [st, () => ((mode = Number(st)), client.getAccountProfile())]);
        calls.push(['timeout', () => ((mode = 'hang'), client.getAccountProfile())]);
        calls.push(['reset', () => ((mode = 'reset'), client.getAccountProfile())]);
        const ac = new AbortController();
        calls.push(['abort', () => ((mode = 'hang'), ac.abort(), client.getAccountProfile({ signal: ac.signal } as never))]);
        const errs = await failures(ctx, 'getAccountProfile', calls);
        ctx.check(errs.some((e) => e instanceof TimeoutError) && errs.some((e) => e instanceof NetworkError) && errs.some((e) => e instanceof AbortedError), 'timeout, network and abort paths were driven');
        const closed = await startHttpServer(() => undefined);
        await closed.close();
        const refused = createNiyanthaClient({ baseUrl: closed.url, credentials: { key: KEY, secret }, auth, logger, ...FAST });
        errs.push(...(await failures(ctx, 'refused', [['connect', () => refused.getAccountProfile()]])));
        const bad = await ctx.call('bad baseUrl', async () => createNiyanthaClient({ baseUrl: `http://${KEY}:${secret}@127.0.0.1:1`, credentials: { key: KEY, secret } }));
        ctx.check(!bad.ok, 'credentials in the base URL are refused');
        if (!bad.ok) errs.push(bad.error);
        const sw = client.setCredentials({ key: `${KEY}-2`, secret });
        for (const e of errs) assertClean(ctx, describe(e), errorSinks(e));
        assertClean(ctx, 'client and returned objects', [...objectSinks('client', client), ...objectSinks('setCredentials() result', sw), ['logger records', logger.lines.join('\n')]]);
        ctx.log(`logger: ${logger.lines.length} records; ${s.requests.length} requests echoed back`);
      },
    })),
    {
      name: 'Niyantha key management (Bearer session token): 4xx/5xx echoing the Authorization header, timeout',
      run: async (ctx) => {
        let mode: number | 'hang' = 401;
        const s = await echoServer(ctx, () => mode);
        const logger = memoryLogger();
        const keys = createKeyManagementClient({ baseUrl: s.url, sessionToken: C.sessionToken, logger, ...FAST });
        const calls: [string, () => Promise<unknown>][] = statuses.map((st) => [st, () => ((mode = Number(st)), keys.list())]);
        calls.push(['create 500', () => ((mode = 500), keys.create({ name: 'probe' } as never))]);
        calls.push(['timeout', () => ((mode = 'hang'), keys.list())]);
        const errs = await failures(ctx, 'keys', calls);
        for (const e of errs) assertClean(ctx, describe(e), errorSinks(e));
        assertClean(ctx, 'key management client', [...objectSinks('keys client', keys), ['logger records', logger.lines.join('\n')]]);
      },
    },
    {
      name: 'Theodore session (password, issued token): login 4xx/5xx echoing the body, timeout, a service 401, Prism validation errors',
      timeoutMs: 300_000,
      run: async (ctx) => {
        let mode: number | 'hang' | 'token' = 401;
        const s = await startHttpServer((r, res) => {
          if (mode === 'hang') return;
          if (r.path === '/service') return sendJson(res, 401, { echoed: r.headers });
          if (mode === 'token') return sendJson(res, 200, { data: { token: C.bearerToken, expiry: 0, userId: 'u1', associatedOrgs: [] } });
          sendJson(res, mode, { error: { code: 'ECHO', message: `got ${r.body}`, details: { body: r.json, headers: r.headers } } });
        });
        ctx.defer(() => s.close());
        const logger = memoryLogger();
        const session = createTheodoreSession({ client: { environment: { baseUrl: s.url }, logger, ...FAST }, credentials: { handle: 'probe@example.com', password: C.password }, logger });
        const calls: [string, () => Promise<unknown>][] = ['400', '401', '429', '500'].map((st) => [st, () => ((mode = Number(st)), session.getToken())]);
        calls.push(['timeout', () => ((mode = 'hang'), session.getToken())]);
        const errs = await failures(ctx, 'getToken', calls);
        mode = 'token';
        const token = await ctx.call('getToken ok', session.getToken());
        ctx.check(token.ok && token.value === C.bearerToken, 'login works');
        const { createApiClient, unwrap } = await import('@s2sdk/core');
        const api = createApiClient<any>({ baseUrl: s.url, middleware: [session.middleware()], logger, retry: false });
        errs.push(...(await failures(ctx, 'service', [['401', () => unwrap(api.GET('/service' as never, {} as never))]])));
        // Prism (a real mock of the spec) answering an invalid login: its validation errors may quote the request.
        const prism = await startPrism('specs/vayana-theodore/openapi.yaml');
        ctx.defer(() => prism.stop());
        const viaPrism = createTheodoreClient({ environment: { baseUrl: prism.url }, logger, retry: false });
        errs.push(
          ...(await failures(ctx, 'Prism', [
            ['invalid body', () => viaPrism.createAuthToken({ handle: C.password, password: C.password, handleType: 'phone' as never, tokenDurationInMins: -5 })],
          ])),
        );
        for (const e of errs) assertClean(ctx, describe(e), errorSinks(e));
        assertClean(ctx, 'session', [...objectSinks('session', session), ...objectSinks('session.state()', session.state()), ...objectSinks('session.profile()', session.profile()), ...objectSinks('session.client', session.client), ['logger records', logger.lines.join('\n')]]);
      },
    },
    {
      name: 'platform-auth (client secret, password, OTP, verification/access/refresh tokens): login, OTP, refresh failures, revoke failure',
      run: async (ctx) => {
        let login: number | 'ok-login' = 401;
        let token: number | 'ok-token' | 'hang' = 400;
        let revoke: number = 500;
        const s = await echoServer(ctx, (r) => (r.path.endsWith('/login') ? login : r.path.endsWith('/revoke') ? revoke : token));
        const logger = memoryLogger();
        const store = createMemoryTokenStore();
        const client = createPlatformAuthClient({ baseUrl: s.url, credentials: { clientId: CLIENT_ID, clientSecret: C.clientSecret }, logger, ...FAST });
        const manager = createTokenManager({ client, store, logger, getOtp: async () => C.otp });
        const creds = { email: 'staff@example.com', password: C.password };
        const calls: [string, () => Promise<unknown>][] = [
          ['login 401', () => ((login = 401), manager.login(creds))],
          ['login 422', () => ((login = 422), manager.login(creds))],
          ['OTP rejected 400', () => ((login = 'ok-login'), (token = 400), manager.login(creds))],
          ['token 500', () => ((token = 500), manager.login(creds))],
          ['token timeout', () => ((token = 'hang'), manager.login(creds))],
        ];
        const errs = await failures(ctx, 'login', calls);
        token = 'ok-token';
        const ok = await ctx.call('login ok', manager.login(creds));
        ctx.check(ok.ok, 'login works');
        token = 500;
        const refresh500 = await failures(ctx, 'refresh', [['500', () => manager.getAccessToken({ forceRefresh: true })]]);
        token = 400;
        const refreshRejected = await failures(ctx, 'refresh', [['invalid_grant', () => manager.getAccessToken({ forceRefresh: true })]]);
        ctx.check(refreshRejected[0] instanceof SessionError, 'a rejected refresh is a SessionError');
        await manager.fromTokens({ access_token: C.accessToken, token_type: 'Bearer', refresh_token: C.refreshToken, expires_in: 7200, created_at: Math.floor(Date.now() / 1000) } as never);
        const revokeErr = await failures(ctx, 'revoke', [['500', () => ((revoke = 500), manager.revoke())]]);
        const direct = await failures(ctx, 'client', [
          ['refresh 401', () => ((token = 401), client.refresh(C.refreshToken))],
          ['revoke 401', () => ((revoke = 401), client.revoke(C.accessToken))],
        ]);
        for (const e of [...errs, ...refresh500, ...refreshRejected, ...revokeErr, ...direct]) assertClean(ctx, describe(e), errorSinks(e));
        await manager.fromTokens({ access_token: C.accessToken, token_type: 'Bearer', refresh_token: C.refreshToken, expires_in: 7200 } as never);
        assertClean(ctx, 'manager, client, store', [
          ...objectSinks('manager', manager),
          ...objectSinks('manager.state()', manager.state()),
          ...objectSinks('client', client),
          ...objectSinks('store', store),
          ['logger records', logger.lines.join('\n')],
        ]);
      },
    },
    {
      name: 'WebSocket client + ws-mock (key secret): auth failure, close, request errors; the mock frame log',
      run: async (ctx) => {
        const mock = await startMock(ctx, { keys: [{ key: KEY, secret: C.wsSecret, accountId: '42' }] });
        const logger = memoryLogger();
        const mk = (secret: string) => {
          const c = createNiyanthaWs({ url: mock.url, credentials: { key: KEY, secret }, WebSocket: WebSocket as never, heartbeat: false, reconnect: false, logger, connectTimeoutMs: 30_000 } as never);
          ctx.defer(() => c.close());
          return c;
        };
        // A wrong secret that contains the right one as a prefix: the mock and the client see both.
        const wrong = mk(`${C.wsSecret}-wrong`);
        const authErr = await ctx.call('connect with a wrong secret', wrong.connect());
        ctx.check(!authErr.ok && authErr.error instanceof WsAuthenticationError, `auth failure is WsAuthenticationError (got ${authErr.ok ? 'success' : describe(authErr.error)})`);
        const good = mk(C.wsSecret);
        await good.connect();
        const req = (good.request as (t: string, p: unknown, o?: unknown) => Promise<unknown>).bind(good);
        const errs: unknown[] = [];
        for (const [what, f] of [
          ['invalid payload', () => req('store.get', { store_id: C.wsSecret })],
          ['unknown type', () => req('no.such.type', { secret: C.wsSecret })],
        ] as const) {
          const o = await ctx.call(what, f());
          // An unknown type from an untyped caller is a programming error: a TypeError by design (package README).
          const expected = what === 'unknown type' ? TypeError : S2sdkError;
          ctx.check(!o.ok && o.error instanceof expected, `${what}: expected ${expected.name}, got ${o.ok ? 'success' : describe(o.error)}`);
          if (!o.ok) errs.push(o.error);
        }
        mock.setFaults({ closeWith: { code: 1011, reason: 'probe' } });
        const lost = await ctx.call('request on a closing socket', req('store.get', { store_id: 301 }));
        if (!lost.ok) errs.push(lost.error);
        const afterClose = await ctx.call('request after close', req('store.get', { store_id: 301 }));
        if (!afterClose.ok) errs.push(afterClose.error);
        ctx.check(!lost.ok && lost.error instanceof S2sdkError && !afterClose.ok && afterClose.error instanceof S2sdkError, 'the close paths fail with typed errors');
        ctx.log(`errors: ${[authErr.ok ? 'none' : describe(authErr.error), ...errs.map(describe)].join(', ')}`);
        for (const e of [authErr.ok ? undefined : authErr.error, ...errs].filter(Boolean)) assertClean(ctx, describe(e), errorSinks(e));
        assertClean(ctx, 'ws client and mock', [
          ...objectSinks('ws client', good),
          ...objectSinks('ws client (failed)', wrong),
          ['logger records', logger.lines.join('\n')],
          ['mock received raw', mock.received.map((f) => f.raw).join('\n')],
          ['inspect(mock.received)', inspect(mock.received, { depth: 10 })],
          ...objectSinks('mock', mock),
        ]);
      },
    },
  ],
};
