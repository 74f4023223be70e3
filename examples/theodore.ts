// Vayana Theodore: issue and reuse an auth token, then call the health check.
//   npx tsx examples/theodore.ts                      → against a local Prism mock of specs/vayana-theodore
//   THEODORE_BASE_URL=https://sandbox.services.vayananet.com VAYANA_EMAIL=… VAYANA_PASSWORD=… npx tsx examples/theodore.ts
import { createTheodoreSession } from '@s2sdk/theodore';
import { startPrism } from '@s2sdk/testkit';

const mock = process.env.THEODORE_BASE_URL ? undefined : await startPrism('specs/vayana-theodore/openapi.yaml');
try {
  const baseUrl = process.env.THEODORE_BASE_URL ?? mock!.url;
  const session = createTheodoreSession({
    client: { environment: { baseUrl } },
    credentials: { handle: process.env.VAYANA_EMAIL ?? 'user@example.com', password: process.env.VAYANA_PASSWORD ?? 'example-password' },
    tokenDurationInMins: 60,
  });
  const [a, b] = await Promise.all([session.getToken(), session.getToken()]);
  console.log(`theodore: token issued once and shared (${a === b ? 'same token' : 'different tokens!'})`);
  const state = session.state();
  console.log(`theodore: expires ${new Date(state.expiresAt!).toISOString()}, hard expiry ${new Date(state.hardExpiresAt!).toISOString()}`);
  console.log(`theodore: organisations: ${session.profile()?.associatedOrgs?.map((o) => o.organisation.name).join(', ') || 'none'}`);
  const health = await session.client.getHealth();
  console.log(`theodore: health ${JSON.stringify(health)}`);
  console.log(`theodore: the session renders without secrets: ${JSON.stringify(session.state())}`);
} finally {
  await mock?.stop();
}
