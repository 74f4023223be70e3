import { describe, expect, it } from 'vitest';
import { looseClient } from './fixtures/loose';
import { assertNoLeak, canary, memoryLogger, startHttpServer, sendJson } from '@s2sdk/testkit';
import {
  ApiError,
  AuthenticationError,
  basicAuthorization,
  createApiClient,
  isSensitiveKey,
  redact,
  redactHeaders,
  safeLogger,
  Secret,
  unwrap,
} from '@s2sdk/core';

describe('Secret', () => {
  it('reveals only through reveal()', async () => {
    const value = canary('secret');
    const s = new Secret(value);
    expect(s.reveal()).toBe(value);
    expect(`${s}`).toBe('[REDACTED]');
    assertNoLeak([s, { s }, [s]], [value]);
  });

  it('rejects empty values with a ConfigurationError', () => {
    expect(() => new Secret('', 'apiSecret')).toThrow('apiSecret must be a non-empty string');
  });
});

describe('redact', () => {
  it('replaces sensitive keys at any depth and keeps the rest', () => {
    const out = redact({
      token_type: 'Bearer',
      access_token: 'a',
      data: { token: 't', error: null, nested: [{ refresh_token: 'r', password: 'p', otp: '1', keep: 1 }] },
      headers: { Authorization: 'Basic x', 'X-API-Key': 'k', 'X-API-Secret': 's', accept: 'json' },
      tokenDurationInMins: 20,
      clientSecret: 'cs',
    });
    expect(out).toEqual({
      token_type: 'Bearer',
      access_token: '[REDACTED]',
      data: { token: '[REDACTED]', error: null, nested: [{ refresh_token: '[REDACTED]', password: '[REDACTED]', otp: '[REDACTED]', keep: 1 }] },
      headers: { Authorization: '[REDACTED]', 'X-API-Key': '[REDACTED]', 'X-API-Secret': '[REDACTED]', accept: 'json' },
      tokenDurationInMins: 20,
      clientSecret: '[REDACTED]',
    });
  });

  it('handles cycles', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(redact(a)).toEqual({ x: 1, self: '[Circular]' });
  });

  it('knows the sensitive header names', () => {
    for (const k of ['authorization', 'Cookie', 'set-cookie', 'X-API-Key', 'x-api-secret', 'password', 'accessToken', 'verification_token', 'api_key']) expect(isSensitiveKey(k), k).toBe(true);
    for (const k of ['secretKey', 'secret_access_key', 'secretAccessKey', 'privateKey', 'private_key', 'secrets', 'api-key', 'apiKey', 'otpCode', 'otp_value', 'OTP', 'x-authorization', 'clientSecret', 'client-secret', 'new_password', 'current_password', 'refresh_token']) expect(isSensitiveKey(k), k).toBe(true);
    for (const k of ['token_type', 'expires_in', 'tokenDurationInMins', 'content-type', 'username', 'email', 'total_tokens', 'key_id', 'keyId', 'secretKeyId', 'otpExpiresIn', 'passwordLastModified', 'apiKeyName']) expect(isSensitiveKey(k), k).toBe(false);
    expect(redactHeaders(new Headers({ authorization: 'Bearer x', accept: 'a' }))).toEqual({ authorization: '[REDACTED]', accept: 'a' });
  });

  it('never forgets a live long-lived credential, however many short-lived tokens follow', async () => {
    const { registerSecretValue, scrub } = await import('@s2sdk/core');
    const credential = new Secret(canary('client-secret'));
    const header = basicAuthorization('client-id', credential);
    for (let i = 0; i < 2000; i++) registerSecretValue(`token-${i}-${'x'.repeat(20)}`);
    const others = Array.from({ length: 2000 }, (_, i) => new Secret(`other-secret-${i}`));
    expect(scrub(`echo ${credential.reveal()} and ${header.slice(6)}`)).toBe('echo [REDACTED] and [REDACTED]');
    // the most recent loose tokens are still scrubbed; the oldest have rolled off
    expect(scrub('token-1999-xxxxxxxxxxxxxxxxxxxx')).toBe('[REDACTED]');
    expect(others.length).toBe(2000);
  });

  it('scrubs known secret values (and Basic credentials) from free text', () => {
    const key = canary('key');
    const secret = new Secret(canary('secret'));
    const header = basicAuthorization(key, secret);
    const encoded = header.slice('Basic '.length);
    const text = `server said: bad credentials ${secret.reveal()} / ${encoded}`;
    const err = new ApiError({ status: 401, body: { message: text }, method: 'GET', url: 'http://x/y?key=1' });
    assertNoLeak([err], [secret.reveal(), encoded]);
    expect(err.url).toBe('http://x/y');
  });
});

describe('no secret reaches errors, logs, inspect or JSON', () => {
  it('through a failing authenticated call', async () => {
    const apiKey = canary('apikey');
    const apiSecret = new Secret(canary('apisecret'));
    const echoed = canary('echoed-token');
    const server = await startHttpServer((req, res) =>
      sendJson(res, 401, { message: `invalid key ${req.headers['x-api-secret']}`, access_token: echoed }, { 'set-cookie': 'sid=abc' }),
    );
    const logger = memoryLogger();
    const client = looseClient({
      baseUrl: server.url,
      logger,
      retry: { initialDelayMs: 1 },
      auth: ({ request }) => {
        request.headers.set('x-api-key', apiKey);
        request.headers.set('x-api-secret', apiSecret.reveal());
      },
    });
    const err: any = await unwrap(client.GET('/x')).catch((e: any) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.headers['set-cookie']).toBe('[REDACTED]');
    assertNoLeak([err, client, logger.lines], [apiSecret.reveal(), echoed]);
    await server.close();
  });

  it('safeLogger redacts fields and scrubs messages, and survives a throwing logger', () => {
    const s = new Secret(canary('s'));
    const logger = memoryLogger();
    safeLogger(logger).info(`login with ${s.reveal()}`, { password: 'p', nested: { secret: s } });
    assertNoLeak([logger.lines], [s.reveal()]);
    expect(logger.lines[0]).toContain('[REDACTED]');
    expect(() => safeLogger({ info: () => { throw new Error('x'); } }).info('m')).not.toThrow();
  });
});

describe('validateBaseUrl and pickClientOptions', async () => {
  const { validateBaseUrl, pickClientOptions, ConfigurationError } = await import('@s2sdk/core');
  it('accepts http(s) URLs and strips trailing slashes', () => {
    expect(validateBaseUrl('https://api.example.com/')).toBe('https://api.example.com');
    expect(validateBaseUrl('http://127.0.0.1:4010//')).toBe('http://127.0.0.1:4010');
  });
  it('rejects what can never work, with typed errors that never echo credentials', () => {
    for (const bad of ['', 'not a url', 'ftp://x', 'https://user:p4ss-CANARY@x', 'https://x/?q=1', 'https://x/#f', 42, undefined]) {
      const err = (() => {
        try {
          validateBaseUrl(bad, 'environment.baseUrl');
        } catch (e) {
          return e;
        }
      })();
      expect(err, String(bad)).toBeInstanceOf(ConfigurationError);
      expect(String((err as Error).message)).toMatch(/^environment\.baseUrl /);
      expect(String((err as Error).message)).not.toContain('p4ss-CANARY');
    }
  });
  it('picks only the transport options (credentials never travel further)', () => {
    const picked = pickClientOptions({ timeoutMs: 5, retry: false, credentials: { secret: 's' } } as never);
    expect(picked).toEqual({ fetch: undefined, timeoutMs: 5, deadlineMs: undefined, retry: false, logger: undefined, headers: undefined, middleware: undefined });
  });
});
