// Tour of @s2sdk/niyantha: S2S REST calls, multipart upload, key management and key rotation.
//
//   npx tsx examples/niyantha-rest.ts
//
// By default it starts a Prism mock of specs/niyantha/openapi.yaml on a free loopback port
// and stops it afterwards. To talk to a real deployment instead:
//
//   NIYANTHA_BASE_URL=https://api.niyantha.in NIYANTHA_API_KEY=… NIYANTHA_API_SECRET=… \
//   [NIYANTHA_SESSION_TOKEN=…] [NIYANTHA_EXAMPLE_WRITE=1] npx tsx examples/niyantha-rest.ts
//
// Against a real base URL only read operations run unless NIYANTHA_EXAMPLE_WRITE=1; key
// management and rotation run only with NIYANTHA_SESSION_TOKEN (and WRITE=1).
import {
  ApiKeyRejectedError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  createKeyManagementClient,
  createKeyRotator,
  createNiyanthaClient,
} from '@s2sdk/niyantha';
import { startPrism } from '@s2sdk/testkit';

async function main() {
  const real = process.env.NIYANTHA_BASE_URL;
  const write = !real || process.env.NIYANTHA_EXAMPLE_WRITE === '1';
  const prism = real ? undefined : await startPrism('specs/niyantha/openapi.yaml');
  const baseUrl = real ?? prism!.url;
  console.log(real ? `Using ${real}` : `Prism mock of specs/niyantha/openapi.yaml on ${baseUrl}`);
  try {
    const client = createNiyanthaClient({
      baseUrl,
      credentials: { key: process.env.NIYANTHA_API_KEY ?? 'pk_example', secret: process.env.NIYANTHA_API_SECRET ?? 'sk_example' },
      auth: 'headers', // or 'basic'
      timeoutMs: 10_000,
    });

    // Account profile and apps
    const profile = await client.getAccountProfile();
    console.log('account:', profile.id, profile.name);
    const settings = await client.getAppSettings();
    console.log('store types:', settings.store_types.join(', '));

    // Stores (read)
    const stores = await client.listStores({ params: { query: { limit: 5 } } });
    console.log('stores:', stores.items.map((s) => `${s.id} ${s.name} (${s.status})`));

    if (write) {
      // Files (multipart): Buffer, Blob, File or a Node stream
      const front = await client.uploadFile({ file: Buffer.from('aadhaar front scan'), filename: 'aadhaar-front.jpg', contentType: 'image/jpeg' });
      console.log('uploaded file', front.id, front.content_type);

      // The seed's cookbook payloads
      const store = await client.createStore({
        body: { type: 'grocery', name: 'Fresh Mart Hub', description: 'Neighborhood store connected to Niyantha logistics', location_id: 101, owner_aadhaar_front_file_id: 12, owner_aadhaar_back_file_id: 13, shop_body_type: 'stationary_shop' },
      });
      console.log('created store', store.id, store.status);
      const product = await client.createStoreProduct({
        params: { path: { id: store.id } },
        body: { store_item_id: 501, name: 'Tomato Crate', type: 'vegetable', unit: 'kg', price_per_unit: 24, min_order_unit: 1, max_order_unit: 100, stock_type: 'limited', stock: 400 },
      });
      console.log('listed product', product.id, `${product.price_per_unit} ${product.currency}/${product.unit}`);
      const shipment = await client.createShipment({ body: { from_location_id: 101, to_location_id: 205, vehicle_type: 'truck', load_weight: 1250, notes: 'Handle with care' } });
      console.log('shipment', shipment.id, shipment.status);
      await client.reportDriverLocation({ body: { latitude: 12.9716, longitude: 77.5946, measured_at: 1736768400, accuracy: 9 } });
      // State transitions are sent once (never re-sent on a timeout or 5xx): after such a failure,
      // read the order to see whether the accept took effect.
      const order = await client.acceptOrder({ params: { path: { id: 7001 } } });
      console.log('order', order.id, order.status);
    }

    // Typed errors
    if (!real) {
      try {
        await client.getStore({ params: { path: { id: 999 } }, headers: { Prefer: 'code=404' } });
      } catch (err) {
        if (err instanceof NotFoundError) console.log('NotFoundError:', err.status, (err.body as { code: string }).code);
        else throw err;
      }
      try {
        await client.getStore({ params: { path: { id: 301 } }, headers: { Prefer: 'code=401, example=expired' } });
      } catch (err) {
        if (err instanceof ApiKeyRejectedError) console.log(`ApiKeyRejectedError for key ${err.publicKey} (${err.reason})`);
        else throw err;
      }
      // 429 and 5xx are declared on every operation; `retry: false` here so the example does not
      // wait out the mock's Retry-After (30 s) — with retries on, GETs would be re-sent after it.
      const noRetry = createNiyanthaClient({ baseUrl, credentials: { key: 'pk_example', secret: 'sk_example' }, retry: false });
      try {
        await noRetry.listOrders({ headers: { Prefer: 'code=429' } });
      } catch (err) {
        if (err instanceof RateLimitError) console.log('RateLimitError: retry after', err.retryAfterMs, 'ms');
        else throw err;
      }
      try {
        await noRetry.acceptOrder({ params: { path: { id: 7001 } }, headers: { Prefer: 'code=503' } });
      } catch (err) {
        if (err instanceof InternalServerError) console.log('InternalServerError:', err.status, (err.body as { code: string }).code);
        else throw err;
      }
    }

    // Key management (session Bearer token) and rotation
    const sessionToken = process.env.NIYANTHA_SESSION_TOKEN ?? (real ? undefined : 'session-token');
    if (sessionToken && write) {
      const keys = createKeyManagementClient({ baseUrl, sessionToken });
      // Sent exactly once. Pass `{ idempotencyKey }` as a second argument only if your deployment is
      // known to de-duplicate creates by Idempotency-Key; then the create may be retried.
      const created = await keys.create({ name: 'example', ttl_seconds: 3600 });
      console.log('created key', created.username, 'secret:', String(created.secret)); // prints [REDACTED]
      console.log('keys:', (await keys.list()).items.map((k) => `${k.id} ${k.name}`));
      const expired = await keys.expire(created.id);
      console.log('expired key', expired.id, 'revoked_at', expired.revoked_at);

      // The rotator looks the current key up with keys.list(); the mock does not know our example key, so tell it.
      const currentKey = real ? undefined : { id: 10, expiresAt: Math.floor(Date.now() / 1000) + 300 };
      const rotator = createKeyRotator({ client, keys, rotateBeforeMs: 10 * 60_000, ttlSeconds: 86_400, current: currentKey });
      const { previous, current } = await rotator.rotateNow();
      console.log(`rotated ${previous.publicKey} → ${current.publicKey}`);
      await client.getAccountProfile(); // uses the new key
    }
  } finally {
    await prism?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
