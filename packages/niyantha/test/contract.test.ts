// Contract tests: every operation of specs/niyantha/openapi.yaml called through the SDK against
// Prism, happy path (response body validated against the spec) and every declared error status
// (Prefer: code=…). Any request Prism finds invalid (sl-violations header or a Prism problem)
// fails the test, so a client that drifts from the spec cannot pass.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { prismFetch } from '@s2sdk/testkit';
import { parse } from 'yaml';
import {
  ApiError,
  ApiKeyRejectedError,
  AuthenticationError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  createKeyManagementClient,
  createNiyanthaClient,
  operationTable,
  type NiyanthaClient,
  type OperationArgs,
  type S2SOperationMethods,
} from '../src/index.js';
import { componentSchema, describeErrors, errorStatuses, openapi, responseOf, specDir, specOperations, successStatus } from './spec-helpers.js';

// Our own copy of the 66 operations of the source inventory (method + path). The spec must have exactly these.
const EXPECTED_OPERATIONS = [
  'POST /api/v1/session/keys',
  'GET /api/v1/session/keys',
  'POST /api/v1/session/keys/{id}/expire',
  'GET /api/v1/s2s/accounts',
  'POST /api/v1/s2s/accounts/update',
  'POST /api/v1/s2s/accounts/update_password',
  'POST /api/v1/s2s/accounts/initiate_contact_update',
  'POST /api/v1/s2s/accounts/update_contact',
  'POST /api/v1/s2s/accounts/initiate_email_update',
  'POST /api/v1/s2s/accounts/update_email',
  'GET /api/v1/s2s/accounts/apps',
  'POST /api/v1/s2s/accounts/apps',
  'POST /api/v1/s2s/accounts/apps/logo',
  'GET /api/v1/s2s/accounts/apps/{id}',
  'PUT /api/v1/s2s/accounts/apps/{id}',
  'GET /api/v1/s2s/accounts/apps/settings',
  'GET /api/v1/s2s/accounts/stores',
  'GET /api/v1/s2s/accounts/stores/{id}',
  'POST /api/v1/s2s/accounts/stores',
  'PUT /api/v1/s2s/accounts/stores/{id}',
  'GET /api/v1/s2s/accounts/stores/{id}/settings',
  'POST /api/v1/s2s/accounts/stores/{id}/products',
  'GET /api/v1/s2s/accounts/stores/{id}/products',
  'GET /api/v1/s2s/accounts/stores/{id}/products/{product_id}',
  'PUT /api/v1/s2s/accounts/stores/{id}/products/{product_id}',
  'DELETE /api/v1/s2s/accounts/stores/{id}/products/{product_id}',
  'GET /api/v1/s2s/accounts/base-products',
  'POST /api/v1/s2s/accounts/products',
  'PUT /api/v1/s2s/accounts/products/{id}',
  'GET /api/v1/s2s/accounts/products/{id}',
  'GET /api/v1/s2s/accounts/products',
  'GET /api/v1/s2s/accounts/orders',
  'GET /api/v1/s2s/accounts/orders/{id}',
  'POST /api/v1/s2s/accounts/orders/{id}/accept',
  'POST /api/v1/s2s/accounts/orders/{id}/decline',
  'POST /api/v1/s2s/accounts/orders/{id}/mark-paid-and-delivered',
  'GET /api/v1/s2s/accounts/stores/{store_id}/orders',
  'POST /api/v1/s2s/accounts/locations/estimate',
  'GET /api/v1/s2s/accounts/locations/address/coordinates',
  'GET /api/v1/s2s/accounts/locations/coordinates/address',
  'POST /api/v1/s2s/accounts/locations',
  'GET /api/v1/s2s/accounts/locations',
  'GET /api/v1/s2s/accounts/locations/{id}',
  'PUT /api/v1/s2s/accounts/locations/{id}',
  'POST /api/v1/s2s/accounts/files',
  'GET /api/v1/s2s/accounts/files/{id}',
  'POST /api/v1/s2s/accounts/networks',
  'GET /api/v1/s2s/accounts/networks',
  'GET /api/v1/s2s/accounts/networks/{id}',
  'POST /api/v1/s2s/accounts/shipments',
  'GET /api/v1/s2s/accounts/shipments',
  'GET /api/v1/s2s/accounts/shipments/{id}',
  'GET /api/v1/s2s/accounts/stores/{store_id}/characters',
  'POST /api/v1/s2s/accounts/stores/{store_id}/characters',
  'PATCH /api/v1/s2s/accounts/characters/{character_id}',
  'GET /api/v1/s2s/accounts/characters',
  'GET /api/v1/s2s/accounts/drivers',
  'POST /api/v1/s2s/accounts/drivers/update-licenses',
  'POST /api/v1/s2s/accounts/drivers/location',
  'GET /api/v1/s2s/accounts/drivers/shipments',
  'POST /api/v1/s2s/accounts/drivers/shipments/{id}/accept',
  'POST /api/v1/s2s/accounts/drivers/shipments/{id}/reject',
  'POST /api/v1/s2s/accounts/drivers/shipments/{id}/complete',
  'GET /api/v1/s2s/accounts/wallet',
  'POST /api/v1/s2s/accounts/wallet',
  'POST /api/v1/s2s/accounts/afas',
];

// Seed cookbook payloads (verbatim).
const COOKBOOK = {
  createStore: { type: 'grocery', name: 'Fresh Mart Hub', description: 'Neighborhood store connected to Niyantha logistics', location_id: 101, owner_aadhaar_front_file_id: 12, owner_aadhaar_back_file_id: 13, shop_body_type: 'stationary_shop' },
  createStoreProduct: { store_item_id: 501, name: 'Tomato Crate', type: 'vegetable', unit: 'kg', price_per_unit: 24, min_order_unit: 1, max_order_unit: 100, stock_type: 'limited', stock: 400 },
  createShipment: { from_location_id: 101, to_location_id: 205, vehicle_type: 'truck', load_weight: 1250, notes: 'Handle with care' },
  driverLocation: { latitude: 12.9716, longitude: 77.5946, measured_at: 1736768400, accuracy: 9 },
} as const;

type S2SId = keyof S2SOperationMethods;
const store = { path: { id: 301 } };
// One valid, typed call per S2S operation (the map type makes the compiler check every init against the spec).
const CALLS: { [Id in S2SId]: OperationArgs<Id> } = {
  getAccountProfile: [],
  updateAccountProfile: [{ body: { name: 'Fresh Mart Pvt Ltd', locale: 'en-IN' } }],
  updateAccountPassword: [{ body: { current_password: 'old-Passw0rd!', new_password: 'n3w-Passw0rd!' } }],
  initiateContactUpdate: [{ body: { contact: '+919812345678' } }],
  confirmContactUpdate: [{ body: { verification_id: 'cv_8Jd2kQ', otp: '482913' } }],
  initiateEmailUpdate: [{ body: { email: 'owner@freshmart.example' } }],
  confirmEmailUpdate: [{ body: { verification_id: 'ev_3Lp9sA', otp: '771204' } }],
  listApps: [{ params: { query: { limit: 10 } } }],
  createApp: [{ body: { name: 'AnyStore', slug: 'anystore' } }],
  getApp: [{ params: { path: { id: 7 } } }],
  updateApp: [{ params: { path: { id: 7 } }, body: { status: 'active' } }],
  getAppSettings: [],
  listStores: [{ params: { query: { status: 'active', limit: 20, cursor: 'eyJpZCI6MTIwfQ' } } }],
  getStore: [{ params: store }],
  createStore: [{ body: { ...COOKBOOK.createStore } }],
  updateStore: [{ params: store, body: { name: 'Fresh Mart Hub (Indiranagar)', status: 'active' } }],
  getStoreSettings: [{ params: store }],
  createStoreProduct: [{ params: store, body: { ...COOKBOOK.createStoreProduct } }],
  listStoreProducts: [{ params: store }],
  getStoreProduct: [{ params: { path: { id: 301, product_id: 9001 } } }],
  updateStoreProduct: [{ params: { path: { id: 301, product_id: 9001 } }, body: { price_per_unit: 26, stock: 350 } }],
  deleteStoreProduct: [{ params: { path: { id: 301, product_id: 9001 } } }],
  listBaseProducts: [{ params: { query: { type: 'vegetable', q: 'tomato' } } }],
  createCatalogProduct: [{ body: { name: 'Tomato Crate', type: 'vegetable', unit: 'kg', base_product_id: 77 } }],
  updateCatalogProduct: [{ params: { path: { id: 501 } }, body: { mrp: 32 } }],
  getCatalogProduct: [{ params: { path: { id: 501 } } }],
  listCatalogProducts: [],
  listOrders: [{ params: { query: { status: 'placed' } } }],
  getOrder: [{ params: { path: { id: 7001 } } }],
  acceptOrder: [{ params: { path: { id: 7001 } } }],
  declineOrder: [{ params: { path: { id: 7001 } }, body: { reason: 'Out of stock' } }],
  markOrderPaidAndDelivered: [{ params: { path: { id: 7001 } }, body: { payment_method: 'upi' } }],
  listStoreOrders: [{ params: { path: { store_id: 301 } } }],
  estimateRoute: [{ body: { origin: { location_id: 101 }, destination: { latitude: 12.9352, longitude: 77.6245 }, vehicle_type: 'truck' } }],
  geocodeAddress: [{ params: { query: { address: '100 Feet Road, Indiranagar, Bengaluru' } } }],
  reverseGeocode: [{ params: { query: { latitude: 12.9716, longitude: 77.5946 } } }],
  createLocation: [{ body: { coordinates: { latitude: 12.9716, longitude: 77.5946 }, address: { city: 'Bengaluru', country: 'IN', postal_code: '560038' } } }],
  listLocations: [],
  getLocation: [{ params: { path: { id: 101 } } }],
  updateLocation: [{ params: { path: { id: 101 } }, body: { name: 'Rear gate' } }],
  getFile: [{ params: { path: { id: 12 } } }],
  createNetwork: [{ body: { name: 'Bengaluru East Fleet' } }],
  listNetworks: [],
  getNetwork: [{ params: { path: { id: 3 } } }],
  createShipment: [{ body: { ...COOKBOOK.createShipment } }],
  listShipments: [{ params: { query: { status: 'pending' } } }],
  getShipment: [{ params: { path: { id: 4001 } } }],
  listStoreCharacters: [{ params: { path: { store_id: 301 } } }],
  createStoreCharacter: [{ params: { path: { store_id: 301 } }, body: { name: 'Meera', persona: 'Friendly grocery assistant' } }],
  patchCharacter: [{ params: { path: { character_id: 12 } }, body: { greeting: null } }],
  listCharacters: [],
  getDriverProfile: [],
  updateDriverLicenses: [{ body: { licenses: [{ number: 'KA0120190012345', classes: ['LMV'], valid_until: '2031-05-31', front_file_id: 70 }] } }],
  reportDriverLocation: [{ body: { ...COOKBOOK.driverLocation } }],
  listDriverShipments: [],
  acceptDriverShipment: [{ params: { path: { id: 4001 } } }],
  rejectDriverShipment: [{ params: { path: { id: 4001 } }, body: { reason: 'Vehicle under maintenance' } }],
  completeDriverShipment: [{ params: { path: { id: 4001 } } }],
  getWallet: [],
  createWallet: [],
  createAfa: [{ body: { purpose: 'transaction', channel: 'sms', recipient: '+919876543210', reference: 'txn-1' } }],
};

const specOps = specOperations();
const byId = new Map(specOps.map((o) => [o.operationId, o]));

interface Seen {
  method: string;
  url: string;
  headers: Headers;
}

/** testkit's prismFetch (fails on any request-side Prism violation), recording what was sent. */
function strictPrismFetch(seen: Seen[]) {
  const base = prismFetch();
  return async (input: Request, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({ method: req.method, url: req.url, headers: new Headers(req.headers) });
    return base(req);
  };
}

function validateSuccess(operationId: string, data: unknown) {
  const { op } = byId.get(operationId)!;
  const status = successStatus(op);
  const response = responseOf(op, String(status));
  if (status === 204 || !response.content) {
    expect(data, operationId).toBeUndefined();
    return;
  }
  const validate = componentSchema(response.content['application/json'].schema.$ref);
  expect(validate(data), `${operationId}: ${describeErrors(validate)}`).toBe(true);
}

const ERROR_CLASSES: Record<number, new (...a: never[]) => ApiError> = {
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  500: InternalServerError,
  503: InternalServerError,
};

let baseUrl: string;
const PUBLIC_KEY = 'pk_contract_test';
const SECRET = 'sk_contract_secret_value';

beforeAll(() => {
  baseUrl = inject('niyanthaPrism');
});

function s2s(auth: 'headers' | 'basic', seen: Seen[]): NiyanthaClient {
  return createNiyanthaClient({ baseUrl, credentials: { key: PUBLIC_KEY, secret: SECRET }, auth, fetch: strictPrismFetch(seen), retry: false });
}

async function callOp(client: NiyanthaClient, id: S2SId, extraHeaders?: Record<string, string>) {
  const args = CALLS[id] as unknown[];
  const init = { ...((args[0] as object) ?? {}), ...(extraHeaders ? { headers: extraHeaders } : {}) };
  return (client[id] as (init: unknown) => Promise<unknown>)(init);
}

function keysClient(seen: Seen[]) {
  return createKeyManagementClient({ baseUrl, sessionToken: 'session-token-value', fetch: strictPrismFetch(seen), retry: false });
}

describe('the spec', () => {
  it('has exactly the 66 operations of the inventory, each with a unique operationId', () => {
    const actual = specOps.map((o) => `${o.method} ${o.path}`).sort();
    expect(actual).toEqual([...EXPECTED_OPERATIONS].sort());
    expect(new Set(specOps.map((o) => o.operationId)).size).toBe(66);
    expect(Object.keys(operationTable).sort()).toEqual([...EXPECTED_OPERATIONS].sort());
  });

  it('puts Bearer on key management only and the S2S key (headers together, or Basic) on every other operation', () => {
    for (const o of specOps) {
      const expected = o.path.startsWith('/api/v1/session/keys') ? [{ SessionBearer: [] }] : [{ S2SApiKey: [], S2SApiSecret: [] }, { S2SBasic: [] }];
      expect(o.op.security, o.operationId).toEqual(expected);
    }
  });

  it('declares 401, 429, 500 and 503 everywhere, 403 exactly where a store-owned resource is named in the path, 404 where an id is, 422 where a body or query is', () => {
    const storeOwned = /\/stores\/\{(id|store_id)\}|\/orders\/\{id\}|\/characters\/\{character_id\}/;
    for (const o of specOps) {
      const errors = errorStatuses(o.op);
      expect(errors, o.operationId).toEqual(expect.arrayContaining([401, 429, 500, 503]));
      expect(o.op.responses['429'], o.operationId).toEqual({ $ref: '#/components/responses/RateLimited' });
      expect(o.op.responses['500'], o.operationId).toEqual({ $ref: '#/components/responses/ServerError' });
      expect(o.op.responses['503'], o.operationId).toEqual({ $ref: '#/components/responses/ServiceUnavailable' });
      expect(errors.includes(403), `${o.operationId}: 403 only for store-owned path ids (x-decision ownership)`).toBe(storeOwned.test(o.path));
      if (/\{[a-z_]*id\}/.test(o.path)) expect(errors, o.operationId).toContain(404);
      const hasQuery = (o.op.parameters ?? []).some((p: any) => p.$ref?.includes('Limit') || p.in === 'query');
      if (o.op.requestBody || hasQuery) expect(errors, o.operationId).toContain(422);
    }
  });

  it('agrees with asyncapi.yaml on key expiry: open sockets stay open and get api_key_revoked / api_key_expired until auth.login with a new key', () => {
    const asyncapi = parse(readFileSync(join(specDir, 'asyncapi.yaml'), 'utf8')) as { 'x-decisions': { id: string; decision: string }[] };
    const wsDecision = asyncapi['x-decisions'].find((d) => d.id === 'key-expiry-on-open-sockets')?.decision ?? '';
    const restDecision = (openapi as any).info['x-s2sdk-decisions'].find((d: { id: string }) => d.id === 'key-expiry-on-open-sockets')?.decision ?? '';
    const expire = byId.get('expireApiKey')!.op.description as string;
    for (const text of [wsDecision, restDecision, expire]) {
      expect(text).toMatch(/does not close|stay open/);
      expect(text).toMatch(/api_key_revoked/);
      expect(text).toMatch(/api_key_expired/);
      expect(text).toMatch(/auth\.login/);
      expect(text).toMatch(/new key on the same socket/);
    }
    expect(JSON.stringify(openapi)).not.toMatch(/sockets? (authenticated|logged in) with it (are|is) closed/);
  });

  it('uses the cookbook and key-management payloads of the source guide as examples, verbatim', () => {
    const example = (path: string, method: string) => {
      const mt = openapi.paths[path]![method].requestBody.content['application/json'];
      return mt.examples ? (Object.values(mt.examples)[0] as { value: unknown }).value : mt.example;
    };
    expect(example('/api/v1/s2s/accounts/stores', 'post')).toEqual(COOKBOOK.createStore);
    expect(example('/api/v1/s2s/accounts/stores/{id}/products', 'post')).toEqual(COOKBOOK.createStoreProduct);
    expect(example('/api/v1/s2s/accounts/shipments', 'post')).toEqual(COOKBOOK.createShipment);
    expect(example('/api/v1/s2s/accounts/drivers/location', 'post')).toEqual(COOKBOOK.driverLocation);
    expect(example('/api/v1/session/keys', 'post')).toEqual({ name: 'primary', ttl_seconds: 86400 });
  });
});

describe.each(['headers', 'basic'] as const)('every S2S operation through the client (auth: %s)', (auth) => {
  const ids = Object.keys(CALLS) as S2SId[];

  it('covers every S2S operation of the spec except the two multipart uploads', () => {
    const s2sIds = specOps.filter((o) => !o.path.startsWith('/api/v1/session/')).map((o) => o.operationId);
    expect([...ids, 'uploadFile', 'uploadAppLogo'].sort()).toEqual(s2sIds.sort());
  });

  it.each(ids)('%s: happy path, response matches the spec', async (id) => {
    const seen: Seen[] = [];
    const data = await callOp(s2s(auth, seen), id);
    validateSuccess(id, data);
    const { method, path } = byId.get(id)!;
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe(method);
    const h = seen[0]!.headers;
    if (auth === 'headers') {
      expect(h.get('x-api-key')).toBe(PUBLIC_KEY);
      expect(h.get('x-api-secret')).toBe(SECRET);
      expect(h.get('authorization')).toBeNull();
    } else {
      expect(h.get('authorization')).toBe(`Basic ${Buffer.from(`${PUBLIC_KEY}:${SECRET}`).toString('base64')}`);
      expect(h.get('x-api-secret')).toBeNull();
    }
    expect(new URL(seen[0]!.url).pathname).toMatch(new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`));
  });
});

describe('declared error statuses (Prefer: code=…)', () => {
  const cases = (Object.keys(CALLS) as S2SId[]).flatMap((id) => errorStatuses(byId.get(id)!.op).map((status) => [id, status] as const));

  it.each(cases)('%s → %i is the typed error with a spec-valid body', async (id, status) => {
    const seen: Seen[] = [];
    const err = await callOp(s2s('headers', seen), id, { Prefer: `code=${status}` }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(status);
    const Cls = ERROR_CLASSES[status];
    if (Cls) expect(e).toBeInstanceOf(Cls);
    if (status === 401) {
      expect(e).toBeInstanceOf(ApiKeyRejectedError);
      expect((e as ApiKeyRejectedError).publicKey).toBe(PUBLIC_KEY);
      expect(e.message).toContain(PUBLIC_KEY);
      expect(JSON.stringify(e)).not.toContain(SECRET);
    }
    if (status === 429) expect((e as RateLimitError).retryAfterMs).toBe(30_000); // Retry-After example: 30 s
    const response = responseOf(byId.get(id)!.op, String(status));
    const validate = componentSchema(response.content['application/json'].schema.$ref);
    expect(validate(e.body), describeErrors(validate)).toBe(true);
  });
});

describe('rate limiting and server errors with retries on (Prefer: code=…)', () => {
  const retrying = (seen: Seen[], status: number, retry: object) =>
    createNiyanthaClient({ baseUrl, credentials: { key: PUBLIC_KEY, secret: SECRET }, fetch: strictPrismFetch(seen), headers: { Prefer: `code=${status}` }, retry });

  it.each(['getStore', 'listOrders', 'updateAccountProfile'] as const)('%s → 429 with a Retry-After beyond the bound is not waited for: one request, RateLimitError', async (id) => {
    const seen: Seen[] = [];
    const err = await callOp(retrying(seen, 429, { maxRetryAfterMs: 1_000, initialDelayMs: 1, maxDelayMs: 1 }), id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(30_000);
    expect((err as RateLimitError).body).toMatchObject({ code: 'rate_limited' });
    expect(seen).toHaveLength(1);
  });

  it.each(['getStore', 'estimateRoute'] as const)('%s (retry-safe) → 500 is re-sent, then surfaces as InternalServerError with an ErrorBody', async (id) => {
    const seen: Seen[] = [];
    const err = await callOp(retrying(seen, 500, { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 1 }), id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).body).toMatchObject({ code: 'internal_error' });
    expect(seen).toHaveLength(3);
  });

  it.each(['acceptOrder', 'createStore'] as const)('%s (not retry-safe) → 503 is sent once', async (id) => {
    const seen: Seen[] = [];
    const err = await callOp(retrying(seen, 503, { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 1 }), id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).status).toBe(503);
    expect((err as InternalServerError).body).toMatchObject({ code: 'service_unavailable' });
    expect(seen).toHaveLength(1);
  });
});

describe('multipart uploads', () => {
  const fileBody = () => new TextEncoder().encode('%PDF-1.4 fake document\n');

  it.each([
    ['Blob', () => new Blob([fileBody()], { type: 'application/pdf' })],
    ['File', () => new File([fileBody()], 'doc.pdf', { type: 'application/pdf' })],
    ['Buffer', () => Buffer.from(fileBody())],
    ['Uint8Array', () => fileBody()],
    ['ArrayBuffer', () => fileBody().buffer as ArrayBuffer],
    ['Node Readable', () => Readable.from([Buffer.from('%PDF-1.4 '), Buffer.from('fake document\n')])],
    ['web ReadableStream', () => new Blob([fileBody()]).stream()],
  ] as const)('uploadFile accepts a %s and sends a multipart body with the file part', async (_label, make) => {
    const seen: Seen[] = [];
    const client = s2s('headers', seen);
    const file = await client.uploadFile({ file: make(), filename: 'doc.pdf', contentType: 'application/pdf', name: 'aadhaar-front.pdf' });
    validateSuccess('uploadFile', file);
    expect(seen[0]!.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('sends the file part with its name and content type, and the metadata fields', async () => {
    let captured: FormData | undefined;
    const client = createNiyanthaClient({
      baseUrl,
      credentials: { key: PUBLIC_KEY, secret: SECRET },
      retry: false,
      fetch: async (req: Request) => {
        captured = await req.clone().formData();
        return strictPrismFetch([])(req);
      },
    });
    await client.uploadAppLogo({ file: Buffer.from('\x89PNG fake'), filename: 'logo.png', contentType: 'image/png', appId: 7 });
    const part = captured!.get('file') as File;
    expect(part.name).toBe('logo.png');
    expect(part.type).toBe('image/png');
    expect(await part.text()).toBe('\x89PNG fake');
    expect(captured!.get('app_id')).toBe('7');
  });

  it('uploadAppLogo: happy path and declared errors', async () => {
    const client = s2s('basic', []);
    validateSuccess('uploadAppLogo', await client.uploadAppLogo({ file: new Blob(['img'], { type: 'image/png' }) }));
    for (const status of errorStatuses(byId.get('uploadAppLogo')!.op)) {
      const c = createNiyanthaClient({ baseUrl, credentials: { key: PUBLIC_KEY, secret: SECRET }, retry: false, fetch: strictPrismFetch([]), headers: { Prefer: `code=${status}` } });
      const err = await c.uploadAppLogo({ file: new Blob(['img'], { type: 'image/png' }), appId: 7 }).catch((e: unknown) => e);
      expect((err as ApiError).status).toBe(status);
    }
  });

  it('uploadFile: declared errors', async () => {
    for (const status of errorStatuses(byId.get('uploadFile')!.op)) {
      const c = createNiyanthaClient({ baseUrl, credentials: { key: PUBLIC_KEY, secret: SECRET }, retry: false, fetch: strictPrismFetch([]), headers: { Prefer: `code=${status}` } });
      const err = await c.uploadFile({ file: Buffer.from('x') }).catch((e: unknown) => e);
      expect((err as ApiError).status).toBe(status);
      if (status === 401) expect(err).toBeInstanceOf(ApiKeyRejectedError);
    }
  });

  it('rejects a stream larger than maxUploadBytes before sending anything', async () => {
    const seen: Seen[] = [];
    const client = createNiyanthaClient({ baseUrl, credentials: { key: PUBLIC_KEY, secret: SECRET }, fetch: strictPrismFetch(seen), maxUploadBytes: 8 });
    await expect(client.uploadFile({ file: Readable.from([Buffer.alloc(5), Buffer.alloc(5)]) })).rejects.toThrow(/maxUploadBytes/);
    expect(seen).toHaveLength(0);
  });
});

describe('key management through the client (Bearer session token)', () => {
  it('create / list / expire: happy path with the Bearer token, responses match the spec', async () => {
    const seen: Seen[] = [];
    const keys = keysClient(seen);
    const created = await keys.create({ name: 'primary', ttl_seconds: 86400 });
    expect(created.username).toBe('<public_key>');
    expect(created.secret.reveal()).toBe('<secret>');
    expect(JSON.stringify(created)).not.toContain('<secret>');
    validateSuccess('createApiKey', { ...created, secret: created.secret.reveal() });
    validateSuccess('listApiKeys', await keys.list());
    validateSuccess('expireApiKey', await keys.expire(10));
    expect(seen).toHaveLength(3);
    for (const s of seen) {
      expect(s.headers.get('authorization')).toBe('Bearer session-token-value');
      expect(s.headers.get('x-api-key')).toBeNull();
    }
    expect(seen[0]!.headers.get('idempotency-key')).toBeNull(); // opt-in only
  });

  it('create sends the Idempotency-Key the caller opted in to, and Prism accepts it', async () => {
    const seen: Seen[] = [];
    const created = await keysClient(seen).create({ name: 'nightly-batch', expires_at: 1739580000 }, { idempotencyKey: '6f1c1b9e-8a53-4c1e-9d0a-2b7f3f0a9c11' });
    validateSuccess('createApiKey', { ...created, secret: created.secret.reveal() });
    expect(seen[0]!.headers.get('idempotency-key')).toBe('6f1c1b9e-8a53-4c1e-9d0a-2b7f3f0a9c11');
  });

  it('declared errors of the three operations', async () => {
    for (const id of ['createApiKey', 'listApiKeys', 'expireApiKey'] as const) {
      for (const status of errorStatuses(byId.get(id)!.op)) {
        const keys = createKeyManagementClient({ baseUrl, sessionToken: () => 'tok', fetch: strictPrismFetch([]), retry: false, headers: { Prefer: `code=${status}` } });
        const call = id === 'createApiKey' ? keys.create({ name: 'x' }) : id === 'listApiKeys' ? keys.list() : keys.expire(10);
        const err = await call.catch((e: unknown) => e);
        expect(err, `${id} ${status}`).toBeInstanceOf(ERROR_CLASSES[status]!);
        const validate = componentSchema(responseOf(byId.get(id)!.op, String(status)).content['application/json'].schema.$ref);
        expect(validate((err as ApiError).body)).toBe(true);
      }
    }
  });

  it('the S2S client refuses key-management paths and the key client refuses S2S paths', async () => {
    const client = s2s('headers', []);
    await expect(client.raw.GET('/api/v1/session/keys')).rejects.toThrow(/createKeyManagementClient/);
    const keys = keysClient([]);
    await expect(keys.raw.GET('/api/v1/s2s/accounts')).rejects.toThrow(/createNiyanthaClient/);
  });
});

describe('raw client', () => {
  it('attaches credentials and unwrap() gives typed errors', async () => {
    const client = s2s('headers', []);
    const store = await client.unwrap(client.raw.GET('/api/v1/s2s/accounts/stores/{id}', { params: { path: { id: 301 } } }));
    expect(store.id).toBe(301);
    const err = await client.unwrap(client.raw.GET('/api/v1/s2s/accounts/stores/{id}', { params: { path: { id: 301 } }, headers: { Prefer: 'code=403' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
  });
});
