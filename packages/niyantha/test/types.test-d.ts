// Compile-time contract: wrong path params, missing required fields and unknown fields do not compile.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createKeyManagementClient,
  createNiyanthaClient,
  type ApiKeySummary,
  type CreatedApiKey,
  type NiyanthaFile,
  type Order,
  type Secret,
  type Store,
  type StoreProduct,
  type components,
  type SpecOperations,
} from '../src/index.js';

const client = createNiyanthaClient({ credentials: { key: 'pk', secret: 'sk' } });
const keys = createKeyManagementClient({ sessionToken: 'tok' });

describe('S2S operation methods', () => {
  it('return the spec types', () => {
    expectTypeOf(client.getStore({ params: { path: { id: 1 } } })).resolves.toEqualTypeOf<Store>();
    expectTypeOf(client.createStoreProduct).returns.resolves.toEqualTypeOf<StoreProduct>();
    expectTypeOf(client.acceptOrder).returns.resolves.toEqualTypeOf<Order>();
    expectTypeOf(client.listStores).returns.resolves.toHaveProperty('items').toEqualTypeOf<Store[]>();
    expectTypeOf(client.deleteStoreProduct).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf(client.reportDriverLocation).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf(client.uploadFile).returns.resolves.toEqualTypeOf<NiyanthaFile>();
  });

  it('operations without required inputs take no argument', () => {
    void client.getAccountProfile();
    void client.listStores();
    void client.getWallet();
  });

  it('rejects wrong path parameters', () => {
    // @ts-expect-error path parameter of getStore is `id`, not `store_id`
    void client.getStore({ params: { path: { store_id: 1 } } });
    // @ts-expect-error the id is a number
    void client.getStore({ params: { path: { id: '301' } } });
    // @ts-expect-error product_id is missing
    void client.getStoreProduct({ params: { path: { id: 301 } } });
    // @ts-expect-error the path parameters are required
    void client.getOrder();
    // @ts-expect-error listStoreOrders uses `store_id`
    void client.listStoreOrders({ params: { path: { id: 301 } } });
  });

  it('rejects missing required body fields', () => {
    // @ts-expect-error shop_body_type (and the Aadhaar file ids) are required
    void client.createStore({ body: { type: 'grocery', name: 'Fresh Mart Hub', location_id: 101 } });
    // @ts-expect-error load_weight is required
    void client.createShipment({ body: { from_location_id: 101, to_location_id: 205, vehicle_type: 'truck' } });
    // @ts-expect-error the body is required
    void client.declineOrder({ params: { path: { id: 1 } } });
    // @ts-expect-error measured_at is required
    void client.reportDriverLocation({ body: { latitude: 1, longitude: 2 } });
  });

  it('rejects unknown body fields and wrong enum values', () => {
    void client.createShipment({
      body: {
        from_location_id: 101,
        to_location_id: 205,
        vehicle_type: 'truck',
        load_weight: 1250,
        // @ts-expect-error unknown field
        priority: 'high',
      },
    });
    // @ts-expect-error not a vehicle type
    void client.createShipment({ body: { from_location_id: 101, to_location_id: 205, vehicle_type: 'rocket', load_weight: 1 } });
    void client.updateStore({
      params: { path: { id: 1 } },
      // @ts-expect-error owners cannot suspend their store
      body: { status: 'suspended' },
    });
    // @ts-expect-error unknown query parameter
    void client.listStores({ params: { query: { page: 2 } } });
  });

  it('key management is not on the S2S client; uploads take files', () => {
    // @ts-expect-error key management has its own client
    void client.createApiKey;
    void client.uploadFile({ file: new Blob(['x']), name: 'a.txt' });
    // @ts-expect-error `file` is required
    void client.uploadFile({ name: 'a.txt' });
    // @ts-expect-error not an accepted file type
    void client.uploadAppLogo({ file: 42 });
  });
});

describe('key management', () => {
  it('typed create / list / expire with a Secret secret', () => {
    expectTypeOf(keys.create).returns.resolves.toEqualTypeOf<CreatedApiKey>();
    expectTypeOf<CreatedApiKey['secret']>().toEqualTypeOf<Secret>();
    expectTypeOf(keys.expire).returns.resolves.toEqualTypeOf<ApiKeySummary>();
    void keys.create({ name: 'primary', ttl_seconds: 86400 });
    void keys.create({ name: 'primary' });
    // @ts-expect-error name is required
    void keys.create({ ttl_seconds: 86400 });
    // @ts-expect-error unknown field
    void keys.create({ name: 'primary', scopes: ['all'] });
    void keys.create({ name: 'primary', expires_at: 1739580000 });
    // @ts-expect-error ttl_seconds and expires_at are mutually exclusive
    void keys.create({ name: 'primary', ttl_seconds: 86400, expires_at: 1739580000 });
  });
});

type Schemas = components['schemas'];
type IsOptional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;

describe('JSON Schema defaults do not make request fields required (openapi-typescript defaultNonNullable: false)', () => {
  it('fields with a `default` stay optional', () => {
    expectTypeOf<IsOptional<Schemas['StoreProductCreateRequest'], 'name'>>().toEqualTypeOf<false>(); // control: a required field
    expectTypeOf<IsOptional<Schemas['StoreProductCreateRequest'], 'min_order_unit'>>().toEqualTypeOf<true>();
    expectTypeOf<IsOptional<Schemas['ApiKeyCreateRequest'], 'ttl_seconds'>>().toEqualTypeOf<true>();
    expectTypeOf<IsOptional<Schemas['AfaRequest'], 'ttl_seconds'>>().toEqualTypeOf<true>();
    expectTypeOf<IsOptional<Schemas['AICharacterCreateRequest'], 'language'>>().toEqualTypeOf<true>();
    type ListStoresQuery = NonNullable<SpecOperations['listStores']['parameters']['query']>;
    expectTypeOf<IsOptional<ListStoresQuery, 'limit'>>().toEqualTypeOf<true>();
    void client.listStores({ params: { query: { status: 'active' } } });
    void client.createAfa({ body: { purpose: 'transaction', channel: 'sms', recipient: '+919876543210' } });
  });

  it('error bodies of 429 / 500 / 503 are typed from the spec', () => {
    expectTypeOf<SpecOperations['getStore']['responses'][429]['content']['application/json']>().toEqualTypeOf<Schemas['ErrorBody']>();
    expectTypeOf<SpecOperations['acceptOrder']['responses'][500]['content']['application/json']>().toEqualTypeOf<Schemas['ErrorBody']>();
    expectTypeOf<SpecOperations['listApiKeys']['responses'][503]['content']['application/json']>().toEqualTypeOf<Schemas['ErrorBody']>();
  });
});
