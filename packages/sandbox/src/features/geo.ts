// Geocoding and estimates from the account's stored Locations (no map data): deterministic
// answers a test can predict. geocodeAddress: the Location whose name + address contain most of
// the query's words (at least half; `confidence` = that share), else 404. reverseGeocode: the
// nearest Location within 1 km (haversine), else 404. estimateRoute: haversine distance × a road
// factor of 1.3 and a fixed speed per vehicle type.
import type { Engine } from '../engine.js';
import { fail, ok, type Outcome } from '../outcome.js';
import type { Rec } from '../store.js';

type Obj = Record<string, unknown>;
interface Point {
  latitude: number;
  longitude: number;
}

/** Road distance ÷ straight-line distance of the estimate. */
export const ROAD_FACTOR = 1.3;
/** Average speed of the estimate, km/h, per VehicleType (default `bike`, EstimateRequest). */
export const SPEED_KMH: Record<string, number> = { bike: 30, scooter: 28, auto_rickshaw: 22, car: 32, van: 28, mini_truck: 25, truck: 20 };
/** reverseGeocode: "Nothing within 1 km → 404". */
export const REVERSE_RADIUS_M = 1000;

/** Great-circle distance in metres (mean Earth radius 6 371 008.8 m). */
export function haversineMeters(a: Point, b: Point): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const ADDRESS_ORDER = ['line1', 'line2', 'landmark', 'locality', 'city', 'state', 'postal_code', 'country'];
/** `12, 100 Feet Road, Indiranagar, Bengaluru, Karnataka 560038, IN`. */
export function formatAddress(address: Obj): string {
  const parts = ADDRESS_ORDER.filter((k) => typeof address[k] === 'string' && address[k] !== '').map((k) => String(address[k]));
  const state = typeof address.state === 'string' ? address.state : undefined;
  const postal = typeof address.postal_code === 'string' ? address.postal_code : undefined;
  return (state && postal ? parts.filter((p) => p !== postal).map((p) => (p === state ? `${state} ${postal}` : p)) : parts).join(', ');
}

const locations = (engine: Engine): Rec[] => engine.store.all('Location', (r) => typeof r.account_id !== 'number' || r.account_id === engine.accountId());
const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1);

export function geocodeAddress(engine: Engine, _body: Obj, query: Obj = {}): Outcome {
  const text = String(query.address ?? '');
  const wanted = [...new Set(words(text))];
  let best: { rec: Rec; score: number } | undefined;
  for (const rec of locations(engine)) {
    const have = new Set(words([rec.name, ...Object.values((rec.address ?? {}) as Obj)].filter((v) => typeof v === 'string').join(' ')));
    const score = wanted.length ? wanted.filter((w) => have.has(w)).length / wanted.length : 0;
    if (score > (best?.score ?? 0)) best = { rec, score };
  }
  if (!best || best.score < 0.5) return fail(404, 'not_found', 'No place matches the address');
  const address = best.rec.address as Obj;
  return ok({ query: text, coordinates: best.rec.coordinates, address, formatted_address: formatAddress(address), confidence: Math.round(best.score * 100) / 100 });
}

export function reverseGeocode(engine: Engine, _body: Obj, query: Obj = {}): Outcome {
  const at = { latitude: Number(query.latitude), longitude: Number(query.longitude) };
  let best: { rec: Rec; d: number } | undefined;
  for (const rec of locations(engine)) {
    const d = haversineMeters(at, rec.coordinates as Point);
    if (d <= REVERSE_RADIUS_M && d < (best?.d ?? Infinity)) best = { rec, d };
  }
  if (!best) return fail(404, 'not_found', 'No address near these coordinates');
  const address = best.rec.address as Obj;
  return ok({ coordinates: best.rec.coordinates, address, formatted_address: formatAddress(address) });
}

export function estimateRoute(engine: Engine, body: Obj): Outcome {
  const point = (w: Obj): Point | Outcome => {
    if (typeof w.location_id !== 'number') return { latitude: Number(w.latitude), longitude: Number(w.longitude) };
    const found = engine.find('Location', w.location_id);
    return 'error' in found ? found.error : (found.rec.coordinates as Point);
  };
  const from = point(body.origin as Obj);
  if ('status' in from) return from;
  const to = point(body.destination as Obj);
  if ('status' in to) return to;
  const vehicle_type = typeof body.vehicle_type === 'string' ? body.vehicle_type : 'bike';
  const distance_m = Math.round(haversineMeters(from, to) * ROAD_FACTOR);
  const duration_s = Math.round(distance_m / ((SPEED_KMH[vehicle_type] ?? SPEED_KMH.bike!) / 3.6));
  return ok({ distance_m, duration_s, vehicle_type });
}
