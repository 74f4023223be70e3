// Platform auth: login → OTP → access + refresh token, a refreshed token, revoke.
//   npx tsx examples/platform-auth.ts                  → against a local Prism mock of specs/platform-auth
//   PLATFORM_BASE_URL=… PLATFORM_CLIENT_ID=… PLATFORM_CLIENT_SECRET=… PLATFORM_EMAIL=… PLATFORM_PASSWORD=… npx tsx examples/platform-auth.ts
import { createInterface } from 'node:readline/promises';
import { createPlatformAuthClient, createTokenManager } from '@s2sdk/platform-auth';
import { startPrism } from '@s2sdk/testkit';

const real = Boolean(process.env.PLATFORM_BASE_URL);
const mock = real ? undefined : await startPrism('specs/platform-auth/openapi.yaml');
try {
  const client = createPlatformAuthClient({
    baseUrl: process.env.PLATFORM_BASE_URL ?? mock!.url,
    credentials: { clientId: process.env.PLATFORM_CLIENT_ID ?? 'a9f7ef20', clientSecret: process.env.PLATFORM_CLIENT_SECRET ?? 'example-client-secret' },
  });
  const manager = createTokenManager({
    client,
    // A real run asks for the OTP on the terminal; the mock accepts any 6 digits.
    getOtp: async ({ email }) => {
      if (!real) return '100100';
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(`OTP sent for ${email}: `);
      } finally {
        rl.close();
      }
    },
  });
  await manager.login({ email: process.env.PLATFORM_EMAIL ?? 'staff@apexcommerce.com', password: process.env.PLATFORM_PASSWORD ?? 'password' });
  console.log(`platform-auth: logged in, state ${JSON.stringify(manager.state())}`);
  await manager.getAccessToken({ forceRefresh: true });
  console.log('platform-auth: refreshed with the refresh_token grant');
  await manager.revoke();
  await manager.revoke(); // safe to call twice
  console.log(`platform-auth: revoked, state ${JSON.stringify(manager.state())}`);
} finally {
  await mock?.stop();
}
