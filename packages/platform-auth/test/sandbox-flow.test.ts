// Flow tests of the published Platform auth client and token manager against the stateful
// @s2sdk/sandbox. The OTP is read from the sandbox log (the sandbox's documented channel) and
// never printed by these tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_CREDENTIALS, DEFAULT_PLATFORM_USER, startSandbox, type Sandbox } from '@s2sdk/sandbox';
import { AuthenticationError, BadRequestError } from '@s2sdk/core';
import { createPlatformAuthClient, createTokenManager, type PlatformAuthClient } from '../src/index.js';

const user = { email: DEFAULT_PLATFORM_USER.email, password: DEFAULT_PLATFORM_USER.password };
const lines: string[] = [];
let sandbox: Sandbox;
let client: PlatformAuthClient;

/** The OTP of the newest "OTP for <email>" log line (throws when there is none). */
const latestOtp = (): string => {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /OTP for \S+: (\S+)/.exec(lines[i]!);
    if (m) return m[1]!;
  }
  throw new Error('no OTP in the sandbox log');
};
const otpCount = () => lines.filter((l) => l.includes('OTP for')).length;
const oauthCode = (e: unknown) => (e as BadRequestError<{ error: string }>).body.error;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, log: (line: string) => void lines.push(line) });
  client = createPlatformAuthClient({ baseUrl: sandbox.url, credentials: { ...DEFAULT_APP_CREDENTIALS }, retry: false });
}, 120_000);
afterAll(() => sandbox?.close());

describe('Platform auth flows against @s2sdk/sandbox', () => {
  it('login → OTP from the log → tokens; a wrong OTP is a typed 400 and does not consume the verification', async () => {
    const before = otpCount();
    const v = await client.login(user);
    expect(v.status).toBe('success');
    expect(otpCount()).toBe(before + 1);
    const otp = latestOtp();
    const wrong = await client.passwordGrant({ verificationToken: v.data.token, otp: otp === '000000' ? '111111' : '000000' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(BadRequestError);
    expect(oauthCode(wrong)).toBe('invalid_grant');
    const tokens = await client.passwordGrant({ verificationToken: v.data.token, otp });
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 7200 });
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    // The verification token is single-use once exchanged.
    await expect(client.passwordGrant({ verificationToken: v.data.token, otp })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('wrong login credentials are a typed 401', async () => {
    await expect(client.login({ email: user.email, password: 'not-the-password' })).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refresh rotates the pair; the old refresh token is then refused (typed 401)', async () => {
    const v = await client.login(user);
    const first = await client.passwordGrant({ verificationToken: v.data.token, otp: latestOtp() });
    const second = await client.refresh(first.refresh_token!);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const err = await client.refresh(first.refresh_token!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(oauthCode(err)).toBe('invalid_grant');
    // The new refresh token works (and rotates again).
    expect((await client.refresh(second.refresh_token!)).refresh_token).not.toBe(second.refresh_token);
  });

  it('resend issues a new OTP; the old one is refused, the new one accepted', async () => {
    const v = await client.login(user);
    const oldOtp = latestOtp();
    const before = otpCount();
    await client.resendOtp({ email: user.email, token: v.data.token });
    expect(otpCount()).toBe(before + 1);
    const newOtp = latestOtp();
    expect(newOtp).not.toBe(oldOtp);
    await expect(client.passwordGrant({ verificationToken: v.data.token, otp: oldOtp })).rejects.toBeInstanceOf(BadRequestError);
    expect((await client.passwordGrant({ verificationToken: v.data.token, otp: newOtp })).access_token).toBeTruthy();
  });

  it('token manager: login → access token reused; revoke ends the session and the refresh token is refused', async () => {
    let captured: string | undefined;
    const manager = createTokenManager({
      client,
      store: {
        get: () => undefined,
        set: (t) => void (captured = t.refresh_token ?? captured),
        clear: () => {},
      },
      getOtp: async () => latestOtp(),
    });
    await manager.login(user);
    const access = await manager.getAccessToken();
    expect(await manager.getAccessToken()).toBe(access);
    expect(manager.state()).toMatchObject({ hasToken: true, hasRefreshToken: true });
    await manager.revoke();
    expect(manager.state().hasToken).toBe(false);
    expect(captured).toBeTruthy();
    await expect(client.refresh(captured!)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('a revoked access token no longer authenticates anywhere (the sandbox accepts it as the key-management Bearer session until then)', async () => {
    const v = await client.login(user);
    const tokens = await client.passwordGrant({ verificationToken: v.data.token, otp: latestOtp() });
    const listKeys = () => fetch(`${sandbox.url}/api/v1/session/keys`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const before = await listKeys();
    expect(before.status).toBe(200);
    await before.body?.cancel();
    await client.revoke(tokens.access_token);
    const after = await listKeys();
    expect(after.status).toBe(401);
    const body = (await after.json()) as Record<string, unknown>;
    expect(JSON.stringify(body)).not.toContain(tokens.access_token);
    // Revoking twice (or an unknown token) is not an error (RFC 7009 §2.2).
    await expect(client.revoke(tokens.access_token)).resolves.toEqual({});
    await expect(client.refresh(tokens.refresh_token!)).rejects.toBeInstanceOf(AuthenticationError);
  });
});
