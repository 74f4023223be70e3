// Flow tests of the WebSocket client against the stateful @s2sdk/sandbox, interleaved with the
// REST client on the same state: what one surface creates, the other reads, updates and moves
// through its lifecycle. `validate: true` checks every frame against the generated schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startSandbox, type Sandbox } from '@s2sdk/sandbox';
import { createKeyManagementClient, createNiyanthaClient, type NiyanthaClient } from '@s2sdk/niyantha';
import { connectNiyanthaWs, WsKeyRejectedError, WsRequestError, type NiyanthaWs, type WebSocketConstructor } from '../src/index.js';

const SESSION = 'ws-flow-session';
let sandbox: Sandbox;
let rest: NiyanthaClient;
let ws: NiyanthaWs;
let credentials: { key: string; secret: string };
const STORE = { type: 'grocery', name: 'Fresh Mart Hub', location_id: 101, owner_aadhaar_front_file_id: 12, owner_aadhaar_back_file_id: 13, shop_body_type: 'stationary_shop' };
const admin = (path: string, body?: unknown) =>
  fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }).then((r) => r.json() as Promise<{ id: number }>);
const connect = (c = credentials, storeId?: number) =>
  connectNiyanthaWs({ url: sandbox.wsUrl, credentials: c, app: 'flow', WebSocket: WebSocket as unknown as WebSocketConstructor, heartbeat: false, validate: true, ...(storeId ? { storeId } : {}) });

beforeAll(async () => {
  sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {} });
  const key = await createKeyManagementClient({ baseUrl: sandbox.url, sessionToken: SESSION, retry: false }).create({ name: 'ws-flow' });
  credentials = { key: key.username, secret: key.secret.reveal() };
  rest = createNiyanthaClient({ baseUrl: sandbox.url, credentials, retry: false });
  ws = await connect();
}, 120_000);
afterAll(async () => {
  await ws?.close();
  await sandbox?.close();
});

describe('WebSocket flows against @s2sdk/sandbox, interleaved with REST', () => {
  it('stores: REST create → WS get/list/update → REST read', async () => {
    const created = await rest.createStore({ body: STORE });
    expect((await ws.request('store.get', { store_id: created.id })).name).toBe('Fresh Mart Hub');
    const viaWs = await ws.request('store.create', { ...STORE, name: 'Second Hub' });
    expect(viaWs.id).not.toBe(created.id);
    expect((await ws.request('account.stores.fetch', {})).items.map((s) => s.id)).toEqual(expect.arrayContaining([created.id, viaWs.id]));
    await ws.request('store.update', { store_id: viaWs.id, data: { name: 'Second Hub (renamed)' } });
    expect((await rest.getStore({ params: { path: { id: viaWs.id } } })).name).toBe('Second Hub (renamed)');
    await expect(ws.request('store.status.update', { store_id: viaWs.id, status: 'active' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(ws.request('store.get', { store_id: 99_999 })).rejects.toBeInstanceOf(WsRequestError);
  });

  it('products: WS create under a store → REST list/update → WS get', async () => {
    const store = await ws.request('store.create', STORE);
    const product = await ws.request('account.store.products.create', {
      store_id: store.id,
      data: { store_item_id: 501, name: 'Tomato Crate', type: 'vegetable', unit: 'kg', price_per_unit: 24, min_order_unit: 1, max_order_unit: 100, stock_type: 'limited', stock: 400 },
    });
    expect((await rest.listStoreProducts({ params: { path: { id: store.id } } })).items.map((p) => p.id)).toEqual([product.id]);
    await rest.updateStoreProduct({ params: { path: { id: store.id, product_id: product.id } }, body: { stock: 10 } });
    expect((await ws.request('account.store.products.get', { store_id: store.id, product_id: product.id })).stock).toBe(10);
    const catalog = await ws.request('product.create', { name: 'Onion Sack', type: 'vegetable', unit: 'kg' });
    expect((await rest.getCatalogProduct({ params: { path: { id: catalog.id } } })).name).toBe('Onion Sack');
  });

  it('orders: the whole lifecycle across both surfaces; illegal transitions are errors', async () => {
    const store = await rest.createStore({ body: STORE });
    await admin(`/stores/${store.id}/verify`);
    const order = await admin('/orders', { store_id: store.id });
    await expect(ws.request('order.picked', { order_id: order.id })).rejects.toMatchObject({ code: 'conflict' });
    expect((await rest.acceptOrder({ params: { path: { id: order.id } } })).status).toBe('accepted');
    expect((await ws.request('order.preparing', { order_id: order.id })).status).toBe('preparing');
    expect((await ws.request('order.prepared', { order_id: order.id })).status).toBe('prepared');
    expect((await ws.request('order.picked', { order_id: order.id })).status).toBe('picked');
    expect((await ws.request('order.delivered', { order_id: order.id })).status).toBe('delivered');
    expect((await rest.getOrder({ params: { path: { id: order.id } } })).status).toBe('delivered');
    expect((await ws.request('account.store.orders.fetch', { store_id: store.id })).items.map((o) => o.id)).toEqual([order.id]);
    const second = await admin('/orders', { store_id: store.id });
    expect((await ws.request('order.reject', { order_id: second.id, reason: 'Out of stock' })).status).toBe('rejected');
    expect((await rest.getOrder({ params: { path: { id: second.id } } })).decline_reason).toBe('Out of stock');
  });

  it('locations and shipments: WS create → REST read → WS list', async () => {
    const place = await ws.request('location.create', { coordinates: { latitude: 12.97, longitude: 77.59 }, address: { line1: '1 Main St', city: 'Bengaluru', country: 'IN' } });
    expect((await rest.getLocation({ params: { path: { id: place.id } } })).id).toBe(place.id);
    const shipment = await rest.createShipment({ body: { from_location_id: place.id, to_location_id: 205, vehicle_type: 'truck', load_weight: 100 } });
    expect((await ws.request('account.shipment.get', { shipment_id: shipment.id })).status).toBe('pending');
    expect((await ws.request('account.shipment.fetch', {})).items.map((s) => s.id)).toContain(shipment.id);
  });

  it('streaming replies stream chunk by chunk', async () => {
    const chunks: string[] = [];
    // The sandbox checks thread ids; without one, Nitha starts a new thread.
    const stream = ws.stream('nitha.thread.send.stream', { content: 'what is in stock today' });
    for await (const chunk of stream) chunks.push(chunk.delta);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toContain('what is in stock today');
  });

  it('keys: created over WS, they log in; expiring over REST rejects the open socket', async () => {
    const created = await ws.request('account.keys.create', { name: 'socket-key', ttl_seconds: 3600 });
    const other = await connect({ key: created.username, secret: created.secret.reveal() });
    expect((await other.request('account.get', {})).id).toBe(42);
    await createKeyManagementClient({ baseUrl: sandbox.url, sessionToken: SESSION, retry: false }).expire(created.id);
    await expect(other.request('account.get', {})).rejects.toBeInstanceOf(WsKeyRejectedError);
    await other.close();
    expect((await ws.request('account.keys.list', {})).items.find((k) => k.id === created.id)?.revoked_at).toBeGreaterThan(0);
  });
});
