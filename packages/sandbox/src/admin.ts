// Sandbox-only control routes under /__sandbox (no authentication; the sandbox listens on
// loopback): reset the state, and the platform/customer side of the lifecycles that no API
// operation triggers (a customer places or cancels an order, the platform verifies a store,
// dispatch assigns a shipment to the driver).
import type { SandboxCore } from './core.js';
import { readFixture, checkFixture } from './fixture.js';
import { fail, ok, type Outcome } from './outcome.js';
import { parseJsonBody, type RestRequest } from './niyantha-rest.js';
import { ConfigurationError } from '@s2sdk/core';

type Obj = Record<string, unknown>;

export const ADMIN_PREFIX = '/__sandbox';

export function handleAdmin(core: SandboxCore, req: RestRequest): Outcome | undefined {
  if (!req.path.startsWith(`${ADMIN_PREFIX}/`)) return undefined;
  const rest = req.path.slice(ADMIN_PREFIX.length);
  if (req.method !== 'POST') return fail(405, 'method_not_allowed', 'Sandbox control routes take POST');
  const parsed = parseJsonBody(req.raw);
  if (parsed.error) return parsed.error;
  const body = (parsed.body ?? {}) as Obj;
  const { engine } = core;
  const done = (o: Outcome) => (o.status < 300 && core.changed(), o);
  if (rest === '/reset') {
    try {
      const seed = typeof body.seedFile === 'string' ? readFixture(body.seedFile, core.entityNames) : body.fixture !== undefined ? checkFixture(body.fixture, 'in the request', core.entityNames) : undefined;
      core.reset(seed);
    } catch (err) {
      if (err instanceof ConfigurationError) return fail(422, 'validation_failed', err.message);
      throw err;
    }
    return ok({ reset: true });
  }
  if (rest === '/orders') {
    const storeId = body.store_id;
    const store = engine.get('Store', storeId);
    if (store.status !== 200) return store;
    if ((store.body as Obj).status !== 'active') return fail(409, 'conflict', `Store ${String(storeId)} is ${String((store.body as Obj).status)} and takes no orders`);
    const dangling = engine.references(body); // items[].store_product_id, delivery_location_id, …
    if (dangling) return dangling;
    return done(engine.create('Order', { store_id: storeId }, { placed_at: Math.floor(core.clock.now() / 1000), ...body }));
  }
  const m = /^\/(stores|orders|shipments)\/(\d+)\/([a-z-]+)$/.exec(rest);
  if (m) {
    const entity = { stores: 'Store', orders: 'Order', shipments: 'Shipment' }[m[1] as 'stores' | 'orders' | 'shipments'];
    const out = engine.action(entity, Number(m[2]), m[3]!, body);
    if (out.status === 200 && m[3] === 'assign') engine.store.update('Shipment', Number(m[2]), { driver_id: body.driver_id ?? (engine.store.getSingleton('DriverProfile')?.id as number | undefined) ?? 1 });
    return done(m[3] === 'assign' && out.status === 200 ? engine.get('Shipment', Number(m[2])) : out);
  }
  return fail(404, 'not_found', `No sandbox control route ${req.path}`);
}
