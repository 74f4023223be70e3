// Flow tests of the generated REST client against the stateful @s2sdk/sandbox: per resource
// group create → read → list → update → delete and each lifecycle, on one shared state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@s2sdk/sandbox';
import { ConflictError, NotFoundError, UnprocessableEntityError, createKeyManagementClient, createNiyanthaClient, isKeyRejected, type NiyanthaClient } from '../src/index.js';

const SESSION = 'flow-session-token';
let sandbox: Sandbox;
let niyantha: NiyanthaClient;
const STORE = { type: 'grocery', name: 'Fresh Mart Hub', description: 'Neighborhood store', location_id: 101, owner_aadhaar_front_file_id: 12, owner_aadhaar_back_file_id: 13, shop_body_type: 'stationary_shop' };
const admin = (path: string, body?: unknown) =>
  fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }).then(async (r) => ({ status: r.status, body: await r.json() }));

beforeAll(async () => {
  sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {} });
  const keys = createKeyManagementClient({ baseUrl: sandbox.url, sessionToken: SESSION, retry: false });
  const key = await keys.create({ name: 'flow' });
  niyantha = createNiyanthaClient({ baseUrl: sandbox.url, credentials: { key: key.username, secret: key.secret }, retry: false });
}, 120_000);
afterAll(() => sandbox?.close());

describe('REST flows against @s2sdk/sandbox', () => {
  it('stores: create → get → list → update, with the verification lifecycle', async () => {
    const store = await niyantha.createStore({ body: STORE });
    expect(store.status).toBe('pending_verification');
    expect((await niyantha.getStore({ params: { path: { id: store.id } } })).name).toBe('Fresh Mart Hub');
    expect((await niyantha.listStores({})).items.map((s) => s.id)).toContain(store.id);
    await expect(niyantha.updateStore({ params: { path: { id: store.id } }, body: { status: 'active' } })).rejects.toBeInstanceOf(ConflictError);
    await admin(`/stores/${store.id}/verify`);
    const renamed = await niyantha.updateStore({ params: { path: { id: store.id } }, body: { name: 'Fresh Mart (Indiranagar)', status: 'inactive' } });
    expect(renamed).toMatchObject({ name: 'Fresh Mart (Indiranagar)', status: 'inactive' });
    expect((await niyantha.listStores({ params: { query: { status: 'inactive' } } })).items.map((s) => s.id)).toEqual([store.id]);
    await expect(niyantha.getStore({ params: { path: { id: 99_999 } } })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('store products: create → get → list → update → delete', async () => {
    const store = await niyantha.createStore({ body: STORE });
    const path = { id: store.id };
    const product = await niyantha.createStoreProduct({
      params: { path },
      body: { store_item_id: 501, name: 'Tomato Crate', type: 'vegetable', unit: 'kg', price_per_unit: 24, min_order_unit: 1, max_order_unit: 100, stock_type: 'limited', stock: 400 },
    });
    expect(product.store_id).toBe(store.id);
    expect((await niyantha.getStoreProduct({ params: { path: { ...path, product_id: product.id } } })).name).toBe('Tomato Crate');
    expect((await niyantha.listStoreProducts({ params: { path } })).items).toHaveLength(1);
    expect((await niyantha.updateStoreProduct({ params: { path: { ...path, product_id: product.id } }, body: { price_per_unit: 30 } })).price_per_unit).toBe(30);
    await niyantha.deleteStoreProduct({ params: { path: { ...path, product_id: product.id } } });
    await expect(niyantha.getStoreProduct({ params: { path: { ...path, product_id: product.id } } })).rejects.toBeInstanceOf(NotFoundError);
    expect((await niyantha.listStoreProducts({ params: { path } })).items).toHaveLength(0);
  });

  it('catalog products and locations: create → get → list → update', async () => {
    const item = await niyantha.createCatalogProduct({ body: { name: 'Tomato Crate', type: 'vegetable', unit: 'kg' } });
    expect((await niyantha.getCatalogProduct({ params: { path: { id: item.id } } })).name).toBe('Tomato Crate');
    expect((await niyantha.updateCatalogProduct({ params: { path: { id: item.id } }, body: { name: 'Tomatoes' } })).name).toBe('Tomatoes');
    expect((await niyantha.listCatalogProducts({})).items.map((p) => p.id)).toContain(item.id);
    const place = await niyantha.createLocation({ body: { coordinates: { latitude: 12.97, longitude: 77.59 }, address: { line1: '12, 100 Feet Road', city: 'Bengaluru', country: 'IN' } } });
    expect((await niyantha.getLocation({ params: { path: { id: place.id } } })).id).toBe(place.id);
    expect((await niyantha.listLocations({})).items.map((l) => l.id)).toContain(place.id);
    await expect(niyantha.createLocation({ body: { coordinates: { latitude: 12.97, longitude: 77.59 } } as never })).rejects.toBeInstanceOf(UnprocessableEntityError);
  });

  it('orders: placed → accepted → delivered + paid; illegal transitions are 409', async () => {
    const store = await niyantha.createStore({ body: STORE });
    await admin(`/stores/${store.id}/verify`);
    const placed = (await admin('/orders', { store_id: store.id })).body as { id: number };
    const declined = (await admin('/orders', { store_id: store.id })).body as { id: number };
    await expect(niyantha.markOrderPaidAndDelivered({ params: { path: { id: placed.id } }, body: {} })).rejects.toBeInstanceOf(ConflictError);
    expect((await niyantha.acceptOrder({ params: { path: { id: placed.id } } })).status).toBe('accepted');
    await expect(niyantha.acceptOrder({ params: { path: { id: placed.id } } })).rejects.toBeInstanceOf(ConflictError);
    const done = await niyantha.markOrderPaidAndDelivered({ params: { path: { id: placed.id } }, body: { payment_method: 'upi' } });
    expect(done).toMatchObject({ status: 'delivered', payment_status: 'paid' });
    expect((await niyantha.declineOrder({ params: { path: { id: declined.id } }, body: { reason: 'Out of stock' } })).decline_reason).toBe('Out of stock');
    const storeOrders = await niyantha.listStoreOrders({ params: { path: { store_id: store.id }, query: { status: 'delivered' } } });
    expect(storeOrders.items.map((o) => o.id)).toEqual([placed.id]);
    expect((await niyantha.getOrder({ params: { path: { id: declined.id } } })).status).toBe('rejected');
  });

  it('shipments: create → get → list, and the driver lifecycle', async () => {
    const shipment = await niyantha.createShipment({ body: { from_location_id: 101, to_location_id: 205, vehicle_type: 'truck', load_weight: 1250, notes: 'Handle with care' } });
    expect(shipment.status).toBe('pending');
    expect((await niyantha.getShipment({ params: { path: { id: shipment.id } } })).load_weight).toBe(1250);
    expect((await niyantha.listShipments({})).items.map((s) => s.id)).toContain(shipment.id);
    await expect(niyantha.acceptDriverShipment({ params: { path: { id: shipment.id } } })).rejects.toBeInstanceOf(ConflictError);
    await admin(`/shipments/${shipment.id}/assign`);
    expect((await niyantha.acceptDriverShipment({ params: { path: { id: shipment.id } } })).status).toBe('accepted');
    expect((await niyantha.completeDriverShipment({ params: { path: { id: shipment.id } }, body: {} })).status).toBe('completed');
  });

  it('AI characters, networks and the wallet', async () => {
    const store = await niyantha.createStore({ body: STORE });
    const meera = await niyantha.createStoreCharacter({ params: { path: { store_id: store.id } }, body: { name: 'Meera', persona: 'Friendly grocery assistant' } });
    expect((await niyantha.patchCharacter({ params: { path: { character_id: meera.id } }, body: { name: 'Meera 2' } })).name).toBe('Meera 2');
    expect((await niyantha.listStoreCharacters({ params: { path: { store_id: store.id } } })).items.map((c) => c.id)).toEqual([meera.id]);
    expect((await niyantha.listCharacters({})).items.map((c) => c.id)).toContain(meera.id);
    const network = await niyantha.createNetwork({ body: { name: 'City fleet' } });
    expect((await niyantha.getNetwork({ params: { path: { id: network.id } } })).name).toBe('City fleet');
    await expect(niyantha.getWallet({})).rejects.toBeInstanceOf(NotFoundError);
    const wallet = await niyantha.createWallet({ body: {} });
    expect((await niyantha.getWallet({})).id).toBe(wallet.id);
    await expect(niyantha.createWallet({ body: {} })).rejects.toBeInstanceOf(ConflictError);
  });

  it('keys: a created key authenticates, an expired one is rejected at once', async () => {
    const keys = createKeyManagementClient({ baseUrl: sandbox.url, sessionToken: SESSION, retry: false });
    const key = await keys.create({ name: 'short-lived', ttl_seconds: 3600 });
    const client = createNiyanthaClient({ baseUrl: sandbox.url, credentials: { key: key.username, secret: key.secret }, auth: 'basic', retry: false });
    expect((await client.getAccountProfile({})).id).toBe(42);
    await keys.expire(key.id);
    const err = await client.getAccountProfile({}).catch((e: unknown) => e);
    expect(isKeyRejected(err)).toBe(true);
    expect((await keys.list()).items.find((k) => k.id === key.id)?.revoked_at).toBeGreaterThan(0);
  });
});
