// The seed's cookbook and key-management payloads validate against the shared schemas; request
// schemas reject unknown fields and the documented invalid combinations; every example in the
// schema files validates against its own schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeErrors, schema, schemaFiles, specDir } from './spec-helpers.js';

// Verbatim from the source guide.
const SEED = {
  createStore: { type: 'grocery', name: 'Fresh Mart Hub', description: 'Neighborhood store connected to Niyantha logistics', location_id: 101, owner_aadhaar_front_file_id: 12, owner_aadhaar_back_file_id: 13, shop_body_type: 'stationary_shop' },
  createStoreProduct: { store_item_id: 501, name: 'Tomato Crate', type: 'vegetable', unit: 'kg', price_per_unit: 24, min_order_unit: 1, max_order_unit: 100, stock_type: 'limited', stock: 400 },
  createShipment: { from_location_id: 101, to_location_id: 205, vehicle_type: 'truck', load_weight: 1250, notes: 'Handle with care' },
  driverLocation: { latitude: 12.9716, longitude: 77.5946, measured_at: 1736768400, accuracy: 9 },
  keyCreateRequest: { name: 'primary', ttl_seconds: 86400 },
  keyCreateResponse: { id: 10, name: 'primary', username: '<public_key>', secret: '<secret>', expires_at: 1739580000 },
  keyList: { items: [{ id: 10, name: 'primary', username: '<public_key>', created_at: 1739493600, expires_at: 1739580000, revoked_at: 0, last_used_at: 1739497200 }] },
  wsKeyExpire: { key_id: 10 },
};

const valid = (file: string, name: string, value: unknown) => {
  const v = schema(file, name);
  expect(v(value), `${file}#/${name}: ${describeErrors(v)}`).toBe(true);
};
const invalid = (file: string, name: string, value: unknown) => {
  expect(schema(file, name)(value), `${file}#/${name} should reject ${JSON.stringify(value)}`).toBe(false);
};

describe('seed payloads', () => {
  it('cookbook: Create Store', () => valid('stores.yaml', 'StoreCreateRequest', SEED.createStore));
  it('cookbook: Create Store Product', () => valid('products.yaml', 'StoreProductCreateRequest', SEED.createStoreProduct));
  it('cookbook: Create Shipment', () => valid('shipments.yaml', 'ShipmentCreateRequest', SEED.createShipment));
  it('cookbook: Driver Location Update', () => valid('drivers.yaml', 'DriverLocationUpdate', SEED.driverLocation));
  it('key management: create request / response, list, list item, expire response, WS expire payload', () => {
    valid('keys.yaml', 'ApiKeyCreateRequest', SEED.keyCreateRequest);
    valid('keys.yaml', 'ApiKey', SEED.keyCreateResponse);
    valid('keys.yaml', 'ApiKeyList', SEED.keyList);
    valid('keys.yaml', 'ApiKeySummary', SEED.keyList.items[0]);
    valid('keys.yaml', 'ApiKeyExpireRequest', SEED.wsKeyExpire);
  });
});

describe('request schemas reject what the server rejects', () => {
  it('unknown fields (additionalProperties: false)', () => {
    invalid('stores.yaml', 'StoreCreateRequest', { ...SEED.createStore, owner_name: 'x' });
    invalid('products.yaml', 'StoreProductCreateRequest', { ...SEED.createStoreProduct, colour: 'red' });
    invalid('shipments.yaml', 'ShipmentCreateRequest', { ...SEED.createShipment, priority: 1 });
    invalid('drivers.yaml', 'DriverLocationUpdate', { ...SEED.driverLocation, altitude: 900 });
    invalid('keys.yaml', 'ApiKeyCreateRequest', { ...SEED.keyCreateRequest, scope: 'all' });
  });

  it('missing required fields', () => {
    for (const k of Object.keys(SEED.createStore).filter((k) => k !== 'description')) {
      const { [k]: _omit, ...rest } = SEED.createStore as Record<string, unknown>;
      invalid('stores.yaml', 'StoreCreateRequest', rest);
    }
    const { vehicle_type: _v, ...noVehicle } = SEED.createShipment;
    invalid('shipments.yaml', 'ShipmentCreateRequest', noVehicle);
    invalid('keys.yaml', 'ApiKeyCreateRequest', { ttl_seconds: 60 });
  });

  it('API key expiry: ttl_seconds OR expires_at OR neither (24 h default), never both; ttl bounds', () => {
    valid('keys.yaml', 'ApiKeyCreateRequest', { name: 'a' });
    valid('keys.yaml', 'ApiKeyCreateRequest', { name: 'a', expires_at: 1739580000 });
    invalid('keys.yaml', 'ApiKeyCreateRequest', { name: 'a', ttl_seconds: 86400, expires_at: 1739580000 });
    invalid('keys.yaml', 'ApiKeyCreateRequest', { name: 'a', ttl_seconds: 59 });
    invalid('keys.yaml', 'ApiKeyCreateRequest', { name: 'a', ttl_seconds: 31536001 });
    invalid('keys.yaml', 'ApiKeyCreateRequest', { name: '' });
  });

  it('value constraints', () => {
    invalid('shipments.yaml', 'ShipmentCreateRequest', { ...SEED.createShipment, vehicle_type: 'spaceship' });
    invalid('shipments.yaml', 'ShipmentCreateRequest', { ...SEED.createShipment, load_weight: 0 });
    invalid('drivers.yaml', 'DriverLocationUpdate', { ...SEED.driverLocation, latitude: 91 });
    invalid('products.yaml', 'StoreProductCreateRequest', { ...SEED.createStoreProduct, price_per_unit: -1 });
    invalid('products.yaml', 'StoreProductCreateRequest', { ...SEED.createStoreProduct, stock_type: 'some' });
    invalid('stores.yaml', 'StoreCreateRequest', { ...SEED.createStore, location_id: 0 });
    invalid('stores.yaml', 'StoreUpdateRequest', {});
    invalid('stores.yaml', 'StoreUpdateRequest', { status: 'suspended' });
    invalid('locations.yaml', 'EstimateRequest', { origin: { location_id: 1, latitude: 1, longitude: 2 }, destination: { location_id: 2 } });
  });

  it('ErrorBody is shared by REST errors and the WebSocket error payload; ValidationErrorBody needs details', () => {
    valid('common.yaml', 'ErrorBody', { code: 'unauthenticated', message: 'Authenticate first' });
    valid('common.yaml', 'ErrorBody', { code: 'validation_failed', message: 'x', details: [{ path: '/name', message: 'required' }] });
    invalid('common.yaml', 'ErrorBody', { message: 'no code' });
    invalid('common.yaml', 'ValidationErrorBody', { code: 'validation_failed', message: 'x', details: [] });
    invalid('common.yaml', 'ValidationErrorBody', { code: 'not_found', message: 'x', details: [{ path: '', message: 'm' }] });
  });
});

describe('schema files', () => {
  const own = schemaFiles.filter((f) => f !== 'reviews.yaml' && f !== 'ai.yaml');
  it.each(own)('%s: every example validates, every object schema is typed and described, request schemas are closed', (file) => {
    const doc = parse(readFileSync(join(specDir, 'schemas', file), 'utf8')) as Record<string, Record<string, unknown>>;
    for (const [name, s] of Object.entries(doc)) {
      for (const example of (s.examples as unknown[] | undefined) ?? []) valid(file, name, example);
      if (s.type === 'object') expect(typeof s.description, `${file}#/${name} description`).toBe('string');
      if (/Request$|Form$|Input$/.test(name)) {
        expect(s.type, `${file}#/${name}`).toBe('object');
        expect(s.additionalProperties, `${file}#/${name} must reject unknown fields`).toBe(false);
      }
    }
  });

  it('documents the $ref form at the top of each file', () => {
    for (const f of own) expect(readFileSync(join(specDir, 'schemas', f), 'utf8').slice(0, 600)).toMatch(new RegExp(`\\./schemas/${f.replace('.', '\\.')}#/`));
  });
});

describe('defaults', () => {
  const raw = (file: string) => parse(readFileSync(join(specDir, 'schemas', file), 'utf8'));

  it('request defaults are JSON Schema `default` annotations on optional fields', () => {
    const cases = [
      ['products.yaml', 'StoreProductCreateRequest', 'min_order_unit', 1],
      ['keys.yaml', 'ApiKeyCreateRequest', 'ttl_seconds', 86400],
      ['afa.yaml', 'AfaRequest', 'ttl_seconds', 300],
      ['characters.yaml', 'AICharacterCreateRequest', 'language', 'en-IN'],
    ] as const;
    for (const [file, name, field, value] of cases) {
      const s = raw(file)[name];
      expect(s.properties[field].default, `${name}.${field}`).toEqual(value);
      expect(s.required ?? [], `${name}.${field} stays optional`).not.toContain(field);
      expect(schema(file, name)({ ...(s.examples?.[0] ?? {}), [field]: value }), `${name}: the default itself validates`).toBe(true);
    }
    expect(raw('common.yaml').Limit.default).toBe(20);
  });

  it('the ttl_seconds default is not filled in next to expires_at: both together stay invalid', () => {
    invalid('keys.yaml', 'ApiKeyCreateRequest', { name: 'primary', expires_at: 1739580000, ttl_seconds: 86400 });
    valid('keys.yaml', 'ApiKeyCreateRequest', { name: 'primary', expires_at: 1739580000 });
  });
});
