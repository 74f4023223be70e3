// WebSocket `account.network.vehicle.request` / `.request.review` (asyncapi.yaml): a stored
// `NetworkVehicleRequest` per request (ids assigned), reviewed by the network's owner through
// the NetworkVehicleRequestStatus lifecycle (lifecycles/vehicle-request.ts); approving attaches
// the vehicle to the network (Vehicle.network_id), as `account.network.vehicle.attach` does.
import type { Engine } from '../engine.js';
import { transition, vehicleRequestMachine } from '../lifecycles/index.js';
import { fail, notFound, ok, type Outcome } from '../outcome.js';

type Obj = Record<string, unknown>;

export const VEHICLE_REQUESTS = 'NetworkVehicleRequest';

const owner = (rec: Obj | undefined) => (typeof rec?.account_id === 'number' ? rec.account_id : undefined);

/** Creates a `pending` request for a `public` network of any account (or one's own network). */
export function requestVehicle(engine: Engine, payload: Obj): Outcome {
  const account = engine.accountId();
  const network = typeof payload.network_id === 'number' ? engine.store.get('Network', payload.network_id) : undefined;
  if (!network) return notFound('Network', payload.network_id);
  const vehicle = typeof payload.vehicle_id === 'number' ? engine.store.get('Vehicle', payload.vehicle_id) : undefined;
  if (!vehicle) return notFound('Vehicle', payload.vehicle_id);
  const theirs = (owner(network) ?? account) !== account;
  if (theirs && network.visibility !== 'public') return fail(403, 'forbidden', `Network ${network.id} is private and not this account's`);
  if ((owner(vehicle) ?? account) !== account) return fail(403, 'forbidden', `Vehicle ${vehicle.id} does not belong to this account`);
  if (vehicle.network_id === network.id) return fail(409, 'conflict', `Vehicle ${vehicle.id} is already in network ${network.id}`);
  const pending = engine.store.all(VEHICLE_REQUESTS, (r) => r.network_id === network.id && r.vehicle_id === vehicle.id && r.status === 'pending')[0];
  if (pending) return fail(409, 'conflict', `Vehicle request ${pending.id} for this vehicle and network is still pending`);
  const now = engine.now();
  return ok(
    engine.store.insert(VEHICLE_REQUESTS, {
      network_id: network.id,
      vehicle_id: vehicle.id,
      requester_account_id: account,
      status: vehicleRequestMachine.initial,
      note: typeof payload.note === 'string' ? payload.note : null,
      review_reason: null,
      reviewed_at: null,
      created_at: now,
      updated_at: now,
    }),
  );
}

/** The network's owner approves or rejects a pending request; anything else → not_found / forbidden / conflict. */
export function reviewVehicleRequest(engine: Engine, payload: Obj): Outcome {
  const account = engine.accountId();
  const id = payload.vehicle_request_id;
  const req = typeof id === 'number' ? engine.store.get(VEHICLE_REQUESTS, id) : undefined;
  const network = req ? engine.store.get('Network', Number(req.network_id)) : undefined;
  const isOwner = Boolean(network) && (owner(network) ?? account) === account;
  // Visible to the network's owner and to the requester; to anyone else it does not exist.
  if (!req || (!isOwner && req.requester_account_id !== account)) return notFound('NetworkVehicleRequest', id);
  if (!isOwner) return fail(403, 'forbidden', `Only the owner of network ${String(req.network_id)} reviews its vehicle requests`);
  const action = payload.decision === 'approve' ? 'approve' : 'reject';
  const t = transition(vehicleRequestMachine, String(req.status), action, req.id);
  if (!t.ok) return fail(409, 'conflict', t.message);
  const now = engine.now();
  if (t.status === 'approved') {
    const vehicle = engine.store.get('Vehicle', Number(req.vehicle_id));
    if (!vehicle) return notFound('Vehicle', req.vehicle_id);
    engine.store.update('Vehicle', vehicle.id, { network_id: req.network_id, updated_at: now });
  }
  const reason = typeof payload.reason === 'string' ? payload.reason : null;
  return ok(engine.store.update(VEHICLE_REQUESTS, req.id, { status: t.status, review_reason: reason, reviewed_at: now, updated_at: now }));
}
