import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode } from '@s2sdk/ws-protocol';
import { manualClock, startSandbox, type Sandbox } from '../src/index.js';

const SESSION = 'test-session-token';
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function call(method: string, path: string, { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${sandbox!.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function newKey(extra: Record<string, unknown> = {}) {
  const r = await call('POST', '/api/v1/session/keys', { body: { name: 'k', ...extra }, headers: { authorization: `Bearer ${SESSION}` } });
  expect(r.status).toBe(201);
  return r.body as { id: number; username: string; secret: string };
}
const s2s = (k: { username: string; secret: string }) => ({ 'x-api-key': k.username, 'x-api-secret': k.secret });
const STORE = { type: 'grocery', name: 'Fresh Mart Hub', location_id: 101, owner_aadhaar_front_file_id: 12, owner_aadhaar_back_file_id: 13, shop_body_type: 'stationary_shop' };

function wsClient(url: string) {
  const ws = new WebSocket(url);
  const frames: any[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (d) => {
    frames.push(JSON.parse(String(d)));
    waiters.splice(0).forEach((w) => w());
  });
  const open = new Promise((r) => ws.once('open', r));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  async function until(pred: (f: any) => boolean) {
    for (;;) {
      const f = frames.find(pred);
      if (f) return f;
      await new Promise<void>((r) => waiters.push(r));
    }
  }
  let n = 0;
  async function request(type: string, payload: unknown) {
    const requestId = `r${++n}`;
    ws.send(JSON.stringify({ type, requestId, payload }));
    return until((f) => f.requestId === requestId && !String(f.type).endsWith('.chunk'));
  }
  return { ws, frames, open, closed, until, request };
}

describe('sandbox', () => {
  it('REST and WebSocket share one state; ids are assigned; lifecycles are enforced', async () => {
    sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {} });
    const key = await newKey();
    const created = await call('POST', '/api/v1/s2s/accounts/stores', { body: STORE, headers: s2s(key) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Fresh Mart Hub', status: 'pending_verification', account_id: 42 });
    const c = wsClient(sandbox.wsUrl);
    await c.open;
    const auth = await c.request('auth.login', { authType: 's2s', token: key.username, metadata: { secret: key.secret, app: 'anystore' } });
    expect(auth).toMatchObject({ type: 'auth.success', payload: { identityId: 'account-42' } });
    const got = await c.request('store.get', { store_id: created.body.id });
    expect(got).toMatchObject({ type: 'store.get.ok', payload: { id: created.body.id, name: 'Fresh Mart Hub' } });
    const second = await c.request('store.create', { ...STORE, name: 'Second' });
    expect(second.payload.id).not.toBe(created.body.id);
    const list = await call('GET', '/api/v1/s2s/accounts/stores', { headers: s2s(key) });
    expect(list.body.items.map((s: any) => s.name)).toEqual(['Second', 'Fresh Mart Hub']);
    // Activating before verification is a 409 conflict (StoreStatus), and loses nothing.
    const early = await call('PUT', `/api/v1/s2s/accounts/stores/${created.body.id}`, { body: { status: 'active' }, headers: s2s(key) });
    expect(early).toMatchObject({ status: 409, body: { code: 'conflict' } });
    await call('POST', `/__sandbox/stores/${created.body.id}/verify`);
    const order = await call('POST', '/__sandbox/orders', { body: { store_id: created.body.id } });
    expect(order.body).toMatchObject({ status: 'placed', store_id: created.body.id });
    const done = await call('POST', `/api/v1/s2s/accounts/orders/${order.body.id}/mark-paid-and-delivered`, { headers: s2s(key) });
    expect(done).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect((await c.request('order.accept', { order_id: order.body.id })).payload.status).toBe('accepted');
    expect((await c.request('order.accept', { order_id: order.body.id }))).toMatchObject({ type: 'error', payload: { code: 'conflict' } });
    expect((await c.request('order.preparing', { order_id: order.body.id })).payload.status).toBe('preparing');
    const paid = await call('POST', `/api/v1/s2s/accounts/orders/${order.body.id}/mark-paid-and-delivered`, { body: { payment_method: 'upi' }, headers: s2s(key) });
    expect(paid.body).toMatchObject({ status: 'delivered', payment_status: 'paid', payment_method: 'upi' });
    c.ws.close();
  });

  it('validates REST and WebSocket input against the specs', async () => {
    sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {} });
    const key = await newKey();
    const bad = await call('POST', '/api/v1/s2s/accounts/stores', { body: { ...STORE, extra: 1, name: '' }, headers: s2s(key) });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.details.map((d: any) => d.path)).toEqual(expect.arrayContaining(['/extra', '/name']));
    expect((await call('POST', '/api/v1/s2s/accounts/stores', { body: '{nope', headers: s2s(key) })).status).toBe(422);
    expect((await call('GET', '/api/v1/s2s/accounts/stores?limit=500', { headers: s2s(key) })).body.details[0].path).toBe('query.limit');
    expect((await call('GET', '/api/v1/s2s/accounts/stores/999', { headers: s2s(key) })).status).toBe(404);
    const c = wsClient(sandbox.wsUrl);
    await c.open;
    expect(await c.request('store.get', { store_id: 1 })).toMatchObject({ type: 'error', payload: { code: 'unauthenticated' } });
    await c.request('auth.login', { authType: 's2s', token: key.username, metadata: { secret: key.secret, app: 'anystore' } });
    expect(await c.request('store.create', { name: 'x' })).toMatchObject({ type: 'error', payload: { code: 'validation_failed' } });
    expect(await c.request('no.such.type', {})).toMatchObject({ type: 'error', payload: { code: 'unsupported_message_type' } });
    c.ws.send('not json');
    expect(await c.closed).toBe(CloseCode.NOT_AN_ENVELOPE);
    for (const frame of [JSON.stringify({ type: 'account.get', payload: {} }), Buffer.from(JSON.stringify({ type: 'account.get', requestId: 'b', payload: {} }))]) {
      const d = wsClient(sandbox.wsUrl);
      await d.open;
      d.ws.send(frame);
      expect(await d.closed).toBe(CloseCode.NOT_AN_ENVELOPE);
    }
  });

  it('API keys authenticate for real, expire with the clock and revoke immediately (REST and WS)', async () => {
    const clock = manualClock();
    sandbox = await startSandbox({ clock, sessionTokens: [SESSION], log: () => {} });
    expect((await call('GET', '/api/v1/s2s/accounts', {})).body.code).toBe('unauthenticated');
    expect((await call('GET', '/api/v1/session/keys', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const key = await newKey({ ttl_seconds: 120 });
    const basic = { authorization: `Basic ${Buffer.from(`${key.username}:${key.secret}`).toString('base64')}` };
    expect((await call('GET', '/api/v1/s2s/accounts', { headers: basic })).status).toBe(200);
    expect((await call('GET', '/api/v1/s2s/accounts', { headers: { ...s2s(key), 'x-api-secret': 'wrong' } })).body.code).toBe('invalid_api_key');
    clock.advance(121_000);
    expect((await call('GET', '/api/v1/s2s/accounts', { headers: basic })).body.code).toBe('api_key_expired');
    const other = await newKey();
    const c = wsClient(sandbox.wsUrl);
    await c.open;
    await c.request('auth.login', { authType: 's2s', token: other.username, metadata: { secret: other.secret, app: 'anystore' } });
    expect((await c.request('account.get', {})).type).toBe('account.get.ok');
    const expired = await call('POST', `/api/v1/session/keys/${other.id}/expire`, { headers: { authorization: `Bearer ${SESSION}` } });
    expect(expired.body.revoked_at).toBeGreaterThan(0);
    expect(JSON.stringify(expired.body)).not.toContain(other.secret);
    expect((await call('GET', '/api/v1/s2s/accounts', { headers: s2s(other) })).body.code).toBe('api_key_revoked');
    expect(await c.request('account.get', {})).toMatchObject({ type: 'error', payload: { code: 'api_key_revoked' } });
    const keys = await call('GET', '/api/v1/session/keys', { headers: { authorization: `Bearer ${SESSION}` } });
    expect(keys.body.items).toHaveLength(2);
    c.ws.close();
  });

  it('referential integrity: body ids must name existing records (REST and WS alike); a refusal loses no state', async () => {
    sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {}, seed: { resources: { Location: [{ id: 500, account_id: 7, name: 'Not ours' }] } } });
    const key = await newKey();
    const h = s2s(key);
    // Create the referenced records first: a location and two uploaded files.
    const place = await call('POST', '/api/v1/s2s/accounts/locations', { body: { name: 'Depot', coordinates: { latitude: 12.97, longitude: 77.59 }, address: { line1: '1 Main St', city: 'Bengaluru', country: 'IN' } }, headers: h });
    expect(place.status).toBe(201);
    const upload = async (name: string) => {
      const form = new FormData();
      form.set('name', name);
      form.set('file', new Blob([Buffer.from('%PDF-1.4 sandbox')], { type: 'application/pdf' }), `${name}.pdf`);
      const res = await fetch(`${sandbox!.url}/api/v1/s2s/accounts/files`, { method: 'POST', headers: h, body: form });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: number }).id;
    };
    const front = await upload('front');
    const back = await upload('back');
    const body = { ...STORE, location_id: place.body.id, owner_aadhaar_front_file_id: front, owner_aadhaar_back_file_id: back };
    const store = await call('POST', '/api/v1/s2s/accounts/stores', { body, headers: h });
    expect(store.status).toBe(201);

    // REST: every dangling member is a detail of one 422 (the status createStore declares); nothing is created.
    const dangling = await call('POST', '/api/v1/s2s/accounts/stores', { body: { ...body, location_id: 999_999, owner_aadhaar_back_file_id: 888_888 }, headers: h });
    expect(dangling).toMatchObject({ status: 422, body: { code: 'validation_failed' } });
    expect(dangling.body.details).toEqual([
      { path: '/location_id', message: 'names Location 999999, which does not exist' },
      { path: '/owner_aadhaar_back_file_id', message: 'names File 888888, which does not exist' },
    ]);
    // Another account's record counts as missing (body ids never produce 403).
    expect((await call('POST', '/api/v1/s2s/accounts/stores', { body: { ...body, location_id: 500 }, headers: h })).body.details).toEqual([{ path: '/location_id', message: 'names Location 500, which does not exist' }]);
    expect((await call('GET', '/api/v1/s2s/accounts/stores', { headers: h })).body.items.map((x: any) => x.id)).toEqual([store.body.id]);
    // Updates and nested members too; the record is unchanged after a refusal.
    const upd = await call('PUT', `/api/v1/s2s/accounts/stores/${store.body.id}`, { body: { name: 'Renamed', location_id: 999_999 }, headers: h });
    expect(upd).toMatchObject({ status: 422, body: { details: [{ path: '/location_id' }] } });
    expect((await call('GET', `/api/v1/s2s/accounts/stores/${store.body.id}`, { headers: h })).body).toMatchObject({ name: 'Fresh Mart Hub', location_id: place.body.id });
    const est = await call('POST', '/api/v1/s2s/accounts/locations/estimate', { body: { origin: { location_id: 999_999 }, destination: { location_id: place.body.id } }, headers: h });
    expect(est).toMatchObject({ status: 422, body: { details: [{ path: '/origin/location_id' }] } });
    // store_item_id is a CatalogProduct id (openapi.yaml x-decision product-model).
    const product = { store_item_id: 999_999, name: 'Tomato Crate', type: 'vegetable', unit: 'kg', price_per_unit: 24, min_order_unit: 1, max_order_unit: 100, stock_type: 'limited', stock: 400 };
    expect((await call('POST', `/api/v1/s2s/accounts/stores/${store.body.id}/products`, { body: product, headers: h })).body.details).toEqual([{ path: '/store_item_id', message: 'names CatalogProduct 999999, which does not exist' }]);
    // A missing path parent is still the path's 404, before the body is looked at.
    expect((await call('POST', '/api/v1/s2s/accounts/stores/999999/products', { body: product, headers: h })).status).toBe(404);

    // WebSocket: the same check, the error message with code validation_failed; `data` members point into /data.
    const c = wsClient(sandbox.wsUrl);
    await c.open;
    await c.request('auth.login', { authType: 's2s', token: key.username, metadata: { secret: key.secret, app: 'anystore' } });
    expect(await c.request('store.create', { ...body, location_id: 999_999 })).toMatchObject({ type: 'error', payload: { code: 'validation_failed', details: [{ path: '/location_id', message: 'names Location 999999, which does not exist' }] } });
    expect(await c.request('store.update', { store_id: store.body.id, data: { name: 'Renamed', logo_file_id: 777_777 } })).toMatchObject({ type: 'error', payload: { code: 'validation_failed', details: [{ path: '/data/logo_file_id' }] } });
    expect((await c.request('store.update', { store_id: store.body.id, data: { logo_file_id: front } })).payload.logo_file_id).toBe(front);
    expect(await c.request('account.shipment.create', { from_location_id: place.body.id, to_location_id: 999_999, vehicle_type: 'truck', load_weight: 10 })).toMatchObject({ type: 'error', payload: { details: [{ path: '/to_location_id' }] } });
    // Parents named by WebSocket-only members are checked like path parents (404 not_found).
    expect(await c.request('account.network.vehicles.list', { network_id: 999_999 })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect((await call('GET', '/api/v1/s2s/accounts/stores', { headers: h })).body.items).toHaveLength(1);
    expect((await call('GET', '/api/v1/s2s/accounts/shipments', { headers: h })).body.items).toHaveLength(0);
    expect((await call('GET', `/api/v1/s2s/accounts/stores/${store.body.id}`, { headers: h })).body.name).toBe('Fresh Mart Hub');
    c.ws.close();
  });

  it("the start state holds the records the spec's request examples name, unless the fixture gives the collection", async () => {
    sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {} });
    let key = await newKey();
    expect((await call('GET', '/api/v1/s2s/accounts/locations/101', { headers: s2s(key) })).status).toBe(200);
    expect((await call('GET', '/api/v1/s2s/accounts/files/12', { headers: s2s(key) })).status).toBe(200);
    expect((await call('GET', '/api/v1/s2s/accounts/products/501', { headers: s2s(key) })).body.base_product_id).toBe(77);
    expect((await call('POST', '/api/v1/s2s/accounts/stores', { body: STORE, headers: s2s(key) })).status).toBe(201);
    await sandbox.close();
    sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {}, seed: { resources: { Location: [] } } });
    key = await newKey();
    expect((await call('GET', '/api/v1/s2s/accounts/locations/101', { headers: s2s(key) })).status).toBe(404);
    expect((await call('POST', '/api/v1/s2s/accounts/stores', { body: STORE, headers: s2s(key) })).body.details).toEqual([{ path: '/location_id', message: 'names Location 101, which does not exist' }]);
    // A fixture's records may only reference records of the start state; a bad one loses nothing.
    const dangling = { resources: { Store: [{ id: 9, account_id: 42, name: 'Dangling', type: 'grocery', status: 'active', location_id: 999 }] } };
    const refused = await call('POST', '/__sandbox/reset', { body: { fixture: dangling } });
    expect(refused).toMatchObject({ status: 422, body: { code: 'validation_failed' } });
    expect(refused.body.message).toContain('resources.Store[0].location_id names Location 999');
    expect((await call('GET', '/api/v1/s2s/accounts', { headers: s2s(key) })).status).toBe(200); // the key made before is still there
    await expect(startSandbox({ log: () => {}, seed: dangling })).rejects.toThrow(/names Location 999, which is neither in the fixture nor in the start state/);
    const linked = { resources: { Store: [{ ...dangling.resources.Store[0], location_id: 101 }] } };
    expect((await call('POST', '/__sandbox/reset', { body: { fixture: linked } })).status).toBe(200);
  });

  it('non-CRUD operations with state: text search, OTP challenges, driver position reports', async () => {
    const clock = manualClock();
    sandbox = await startSandbox({ clock, sessionTokens: [SESSION], log: () => {} });
    const key = await newKey();
    const h = s2s(key);
    const loc = (name: string, city: string) => call('POST', '/api/v1/s2s/accounts/locations', { body: { name, coordinates: { latitude: 12.97, longitude: 77.59 }, address: { line1: '1 Main St', city, country: 'IN' } }, headers: h });
    const depot = (await loc('North Depot', 'Bengaluru')).body;
    const yard = (await loc('Rail Yard', 'Mysuru')).body;
    // location.search (WS) and ?q= (REST base products) search the stored records.
    const c = wsClient(sandbox.wsUrl);
    await c.open;
    await c.request('auth.login', { authType: 's2s', token: key.username, metadata: { secret: key.secret, app: 'anystore' } });
    expect((await c.request('location.search', { query: 'depot' })).payload.items.map((l: any) => l.id)).toEqual([depot.id]);
    expect((await c.request('location.search', { query: 'MYSURU' })).payload.items.map((l: any) => l.id)).toEqual([yard.id]);
    expect((await c.request('location.search', { query: 'nowhere' })).payload.items).toEqual([]);
    // account.network.vehicle.attach sets the vehicle's network; the network's vehicle list shows it.
    const network = (await call('POST', '/api/v1/s2s/accounts/networks', { body: { name: 'City fleet' }, headers: h })).body;
    const vehicle = (await c.request('account.vehicle.create', { type: 'truck', registration_number: 'KA01AB1234', capacity_kg: 3000 })).payload;
    expect((await c.request('account.network.vehicles.list', { network_id: network.id })).payload.items).toEqual([]);
    expect((await c.request('account.network.vehicle.attach', { network_id: network.id, vehicle_id: vehicle.id })).payload).toMatchObject({ id: vehicle.id, network_id: network.id });
    expect((await c.request('account.network.vehicles.list', { network_id: network.id })).payload.items.map((v: any) => v.id)).toEqual([vehicle.id]);
    expect(await c.request('account.network.vehicle.attach', { network_id: 999_999, vehicle_id: vehicle.id })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect(await c.request('account.network.vehicle.attach', { network_id: network.id, vehicle_id: 999_999 })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    expect((await c.request('account.vehicle.get', { vehicle_id: vehicle.id })).payload.network_id).toBe(network.id);
    // Review likes are counted once per account; removing a missing like changes nothing.
    const shop = (await call('POST', '/api/v1/s2s/accounts/stores', { body: STORE, headers: h })).body;
    const review = (await c.request('account.reviews.create', { store_id: shop.id, rating: 5, body: 'Fresh tomatoes' })).payload;
    const base = Number(review.like_count ?? 0);
    expect((await c.request('account.review.like.add', { review_id: review.id })).payload).toEqual({ review_id: review.id, liked: true, like_count: base + 1 });
    expect((await c.request('account.review.like.add', { review_id: review.id })).payload.like_count).toBe(base + 1);
    expect((await c.request('account.reviews.get', { review_id: review.id })).payload).toMatchObject({ like_count: base + 1, liked: true });
    expect((await c.request('account.review.like.remove', { review_id: review.id })).payload).toEqual({ review_id: review.id, liked: false, like_count: base });
    expect((await c.request('account.review.like.remove', { review_id: review.id })).payload.like_count).toBe(base);
    expect(await c.request('account.review.like.add', { review_id: 999_999 })).toMatchObject({ type: 'error', payload: { code: 'not_found' } });
    const catalog = (await call('GET', '/api/v1/s2s/accounts/base-products', { headers: h })).body.items[0];
    expect((await call('GET', `/api/v1/s2s/accounts/base-products?q=${encodeURIComponent(catalog.name.slice(1, 4).toUpperCase())}`, { headers: h })).body.items.map((p: any) => p.id)).toEqual([catalog.id]);
    expect((await call('GET', '/api/v1/s2s/accounts/base-products?q=zzzz', { headers: h })).body.items).toEqual([]);
    c.ws.close();

    // AFA: every start is a new challenge (no 409); the same reference returns the existing one until it expires.
    const afa = (body: object) => call('POST', '/api/v1/s2s/accounts/afas', { body: { purpose: 'transaction', channel: 'sms', recipient: '+919876543210', ...body }, headers: h });
    const first = await afa({ reference: 'txn-1', ttl_seconds: 60 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ purpose: 'transaction', channel: 'sms', destination: '+91******3210', status: 'sent', reference: 'txn-1', expires_at: first.body.created_at + 60 });
    expect(JSON.stringify(first.body)).not.toMatch(/otp|"id"/i);
    expect((await afa({ reference: 'txn-1' })).body.afa_id).toBe(first.body.afa_id);
    const other = await afa({});
    expect(other.status).toBe(201);
    expect(other.body.afa_id).not.toBe(first.body.afa_id);
    clock.advance(61_000);
    expect((await afa({ reference: 'txn-1' })).body.afa_id).not.toBe(first.body.afa_id);
    expect(await afa({ channel: 'email' })).toMatchObject({ status: 422, body: { details: [{ path: '/recipient' }] } });

    // Driver position reports become the profile's last_location; older reports are ignored.
    const seeded = (await call('GET', '/api/v1/s2s/accounts/drivers', { headers: h })).body.last_location;
    clock.set((Math.max(seeded?.measured_at ?? 0, Math.floor(clock.now() / 1000)) + 3600) * 1000);
    const now = Math.floor(clock.now() / 1000);
    const later = s2s(await newKey()); // the first key may have expired with the clock jump
    const report = (measured_at: number, latitude = 12.9) => call('POST', '/api/v1/s2s/accounts/drivers/location', { body: { latitude, longitude: 77.6, measured_at }, headers: later });
    expect((await report(now)).status).toBe(204);
    expect((await report(now - 10, 13.5)).status).toBe(204);
    expect((await call('GET', '/api/v1/s2s/accounts/drivers', { headers: later })).body.last_location).toEqual({ latitude: 12.9, longitude: 77.6, measured_at: now });
    expect(await report(now + 301)).toMatchObject({ status: 422, body: { details: [{ path: '/measured_at' }] } });
  });

  it('closes sockets that do not log in within the auth timeout with 4408 (manual timers)', async () => {
    const pending = new Map<number, { fn: () => void; ms: number }>();
    let n = 0;
    const timers = { setTimeout: (fn: () => void, ms: number) => (pending.set(++n, { fn, ms }), n), clearTimeout: (h: unknown) => void pending.delete(h as number) };
    sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {}, authTimeoutMs: 5000, timers });
    const key = await newKey();
    const idle = wsClient(sandbox.wsUrl);
    const authed = wsClient(sandbox.wsUrl);
    await Promise.all([idle.open, authed.open]);
    // A request before login does not count as logging in.
    expect(await idle.request('account.get', {})).toMatchObject({ type: 'error', payload: { code: 'unauthenticated' } });
    await authed.request('auth.login', { authType: 's2s', token: key.username, metadata: { secret: key.secret, app: 'anystore' } });
    expect([...pending.values()].map((t) => t.ms)).toEqual([5000]); // the logged-in socket's timer is cleared
    for (const [h, t] of [...pending]) {
      pending.delete(h);
      t.fn();
    }
    expect(await idle.closed).toBe(CloseCode.AUTH_TIMEOUT);
    expect((await authed.request('account.get', {})).type).toBe('account.get.ok');
    authed.ws.close();
  });

  it('auth timeout: real timers close an idle socket; 0 turns it off; bad values are refused', async () => {
    sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {}, authTimeoutMs: 1 });
    const idle = wsClient(sandbox.wsUrl);
    expect(await idle.closed).toBe(CloseCode.AUTH_TIMEOUT);
    await sandbox.close();
    const armed: number[] = [];
    sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {}, authTimeoutMs: 0, timers: { setTimeout: (_fn, ms) => armed.push(ms), clearTimeout: () => {} } });
    const open = wsClient(sandbox.wsUrl);
    await open.open;
    expect(await open.request('account.get', {})).toMatchObject({ payload: { code: 'unauthenticated' } });
    expect(armed).toEqual([]);
    open.ws.close();
    await expect(startSandbox({ log: () => {}, authTimeoutMs: -1 })).rejects.toThrow(/authTimeoutMs must be/);
  });

  it('streams chunks before the final reply', async () => {
    sandbox = await startSandbox({ sessionTokens: [SESSION], log: () => {} });
    const key = await newKey();
    const c = wsClient(sandbox.wsUrl);
    await c.open;
    await c.request('auth.login', { authType: 's2s', token: key.username, metadata: { secret: key.secret, app: 'anystore' } });
    // Without thread_id Nitha starts a new thread (ai.thread.send.stream needs an existing one: ws-features.test.ts).
    const final = await c.request('nitha.thread.send.stream', { content: 'hello there sandbox' });
    const chunks = c.frames.filter((f) => f.type === 'nitha.thread.send.stream.chunk');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((f) => f.payload.index)).toEqual(chunks.map((_, i) => i));
    expect(chunks.map((f) => f.payload.delta).join('')).toContain('hello there sandbox');
    expect(final.type).toBe('nitha.thread.send.stream.ok');
    c.ws.close();
  });

  it('seeds from a fixture, resets, and persists to --state across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
    const seed = join(dir, 'seed.yaml');
    writeFileSync(seed, 'apiKeys:\n  - { name: ci, username: pk_ci, secret: sk_ci_secret }\nresources:\n  Store:\n    - { id: 7, account_id: 42, name: Seeded, type: grocery, status: active }\n');
    const state = join(dir, 'state.json');
    const key = { username: 'pk_ci', secret: 'sk_ci_secret' };
    sandbox = await startSandbox({ seed, stateFile: state, log: () => {} });
    expect((await call('GET', '/api/v1/s2s/accounts/stores/7', { headers: s2s(key) })).body.name).toBe('Seeded');
    const made = await call('POST', '/api/v1/s2s/accounts/locations', { body: { name: 'Depot', coordinates: { latitude: 12.97, longitude: 77.59 }, address: { line1: '1 Main St', city: 'Bengaluru', country: 'IN' } }, headers: s2s(key) });
    expect(made.status).toBe(201);
    expect(readFileSync(state, 'utf8')).not.toContain('sk_ci_secret');
    await sandbox.close();
    sandbox = await startSandbox({ seed, stateFile: state, log: () => {} });
    expect((await call('GET', `/api/v1/s2s/accounts/locations/${made.body.id}`, { headers: s2s(key) })).body.name).toBe('Depot');
    expect((await call('POST', '/__sandbox/reset', { body: { fixture: { resources: { Nope: [] } } } })).status).toBe(422);
    expect((await call('GET', `/api/v1/s2s/accounts/locations/${made.body.id}`, { headers: s2s(key) })).status).toBe(200);
    expect((await call('POST', '/__sandbox/reset')).status).toBe(200);
    expect((await call('GET', `/api/v1/s2s/accounts/locations/${made.body.id}`, { headers: s2s(key) })).status).toBe(404);
    await expect(startSandbox({ seed: join(dir, 'missing.yaml'), log: () => {} })).rejects.toThrow(/cannot be read/);
  }, 180_000);

  it('platform auth: OTP from the log, refresh rotation, revoke; the token manages keys', async () => {
    const lines: string[] = [];
    const clock = manualClock();
    sandbox = await startSandbox({ clock, log: (l) => lines.push(l) });
    const app = { authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}` };
    expect((await call('POST', '/api/platform/v1/login', { body: { email: 'staff@example.com', password: 'password' } })).status).toBe(401);
    expect((await call('POST', '/api/platform/v1/login', { body: { email: 'staff@example.com', password: 'nope' }, headers: app })).status).toBe(401);
    const login = await call('POST', '/api/platform/v1/login', { body: { email: 'staff@example.com', password: 'password' }, headers: app });
    const otp = /OTP for staff@example.com: (\d{6})/.exec(lines.join('\n'))![1]!;
    const wrong = otp === '000000' ? '111111' : '000000';
    expect((await call('POST', '/api/platform/v1/token', { body: { grant_type: 'password', username: login.body.data.token, password: wrong }, headers: app })).body.error).toBe('invalid_grant');
    const tok = await call('POST', '/api/platform/v1/token', { body: { grant_type: 'password', username: login.body.data.token, password: otp }, headers: app });
    expect(tok.status).toBe(200);
    expect((await call('GET', '/api/v1/session/keys', { headers: { authorization: `Bearer ${tok.body.access_token}` } })).status).toBe(200);
    const next = await call('POST', '/api/platform/v1/token', { body: { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token }, headers: app });
    expect(next.status).toBe(200);
    expect(next.body.refresh_token).not.toBe(tok.body.refresh_token);
    expect((await call('POST', '/api/platform/v1/token', { body: { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token }, headers: app })).status).toBe(401);
    clock.advance((next.body.expires_in + 1) * 1000);
    expect((await call('GET', '/api/v1/session/keys', { headers: { authorization: `Bearer ${next.body.access_token}` } })).status).toBe(401);
    expect((await call('POST', '/api/platform/v1/token/revoke', { body: { token: next.body.access_token }, headers: app })).body).toEqual({});
    expect(lines.join('\n')).not.toContain(tok.body.access_token);
  });

  it('theodore: sessions count toward the limit of 10 and expire', async () => {
    const clock = manualClock();
    sandbox = await startSandbox({ clock, log: () => {} });
    const body = { handle: 'user@example.com', password: 'user-password', handleType: 'email', tokenDurationInMins: 10 };
    expect((await call('POST', '/theodore/apis/v1/authtokens', { body: { ...body, password: 'x' } })).status).toBe(401);
    expect((await call('POST', '/theodore/apis/v1/authtokens', { body: { handle: 'a' } })).body.error.code).toBe('VALIDATION_FAILED');
    for (let i = 0; i < 10; i++) expect((await call('POST', '/theodore/apis/v1/authtokens', { body })).status).toBe(200);
    expect((await call('POST', '/theodore/apis/v1/authtokens', { body })).body.error.code).toBe('MAX_SESSIONS_EXCEEDED');
    clock.advance(61 * 60_000); // past the hard expiry (6 × 10 min)
    const again = await call('POST', '/theodore/apis/v1/authtokens', { body });
    expect(again.status).toBe(200);
    expect(again.body.data.expiry).toBe(clock.now() - (clock.now() % 1000) + 10 * 60_000);
  });
});
