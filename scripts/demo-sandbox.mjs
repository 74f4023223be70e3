// The stateful part of `npm run demo`: starts the built @s2sdk/sandbox on a free loopback port,
// creates a key and a store over REST, sees the store over the WebSocket, and moves an order
// through its lifecycle on both surfaces. Prints each step.
import { startSandbox } from '@s2sdk/sandbox';
import { createKeyManagementClient, createNiyanthaClient } from '@s2sdk/niyantha';
import { connectNiyanthaWs } from '@s2sdk/niyantha-ws';
import { WebSocket } from 'ws';

const session = 'demo-session-token';
const sandbox = await startSandbox({ port: 0, sessionTokens: [session], log: () => {} });
const step = (what) => console.log(`  ✓ ${what}`);
try {
  console.log(`sandbox listening on ${sandbox.url} (WebSocket ${sandbox.wsUrl})`);
  const key = await createKeyManagementClient({ baseUrl: sandbox.url, sessionToken: session }).create({ name: 'demo', ttl_seconds: 3600 });
  step(`REST  POST /api/v1/session/keys → key ${key.username} (secret not printed)`);
  const credentials = { key: key.username, secret: key.secret.reveal() };
  const rest = createNiyanthaClient({ baseUrl: sandbox.url, credentials });
  const store = await rest.createStore({ body: { type: 'grocery', name: 'Fresh Mart Hub', location_id: 101, owner_aadhaar_front_file_id: 12, owner_aadhaar_back_file_id: 13, shop_body_type: 'stationary_shop' } });
  step(`REST  createStore → store ${store.id} "${store.name}" (${store.status})`);
  const ws = await connectNiyanthaWs({ url: sandbox.wsUrl, credentials, WebSocket, heartbeat: false, validate: true });
  const seen = await ws.request('store.get', { store_id: store.id });
  step(`WS    store.get ${store.id} → "${seen.name}" — the same state`);
  const post = (path, body = {}) => fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  await post(`/stores/${store.id}/verify`);
  const order = await post('/orders', { store_id: store.id });
  step(`sandbox: store verified, a customer placed order ${order.id} (${order.status})`);
  step(`REST  acceptOrder → ${(await rest.acceptOrder({ params: { path: { id: order.id } } })).status}`);
  for (const type of ['order.preparing', 'order.prepared', 'order.picked']) step(`WS    ${type} → ${(await ws.request(type, { order_id: order.id })).status}`);
  try {
    await ws.request('order.accept', { order_id: order.id });
  } catch (err) {
    step(`WS    order.accept on a picked order → refused (${err.code})`);
  }
  const paid = await rest.markOrderPaidAndDelivered({ params: { path: { id: order.id } }, body: { payment_method: 'upi' } });
  step(`REST  markOrderPaidAndDelivered → ${paid.status}, payment ${paid.payment_status}`);
  await ws.close();
} finally {
  await sandbox.close();
}
