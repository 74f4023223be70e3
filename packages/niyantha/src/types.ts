// Named types of the Niyantha schemas (from the generated spec types).
import type { components, operations as SpecOperations, paths } from './generated/schema.gen.js';

export type { components, paths, SpecOperations };
/** Every schema of specs/niyantha/openapi.yaml by name. */
export type Schemas = components['schemas'];

export type ErrorBody = Schemas['ErrorBody'];
export type ErrorDetail = Schemas['ErrorDetail'];
export type ValidationErrorBody = Schemas['ValidationErrorBody'];

export type ApiKey = Schemas['ApiKey'];
export type ApiKeySummary = Schemas['ApiKeySummary'];
export type ApiKeyList = Schemas['ApiKeyList'];
export type ApiKeyCreateRequest = Schemas['ApiKeyCreateRequest'];

export type AccountProfile = Schemas['AccountProfile'];
export type AccountUpdateRequest = Schemas['AccountUpdateRequest'];
export type App = Schemas['App'];
export type AppSettings = Schemas['AppSettings'];
export type Store = Schemas['Store'];
export type StoreCreateRequest = Schemas['StoreCreateRequest'];
export type StoreUpdateRequest = Schemas['StoreUpdateRequest'];
export type StoreSettings = Schemas['StoreSettings'];
export type StoreStatus = Schemas['StoreStatus'];
export type StoreProduct = Schemas['StoreProduct'];
export type StoreProductCreateRequest = Schemas['StoreProductCreateRequest'];
export type BaseProduct = Schemas['BaseProductList']['items'][number];
export type CatalogProduct = Schemas['CatalogProduct'];
export type Order = Schemas['Order'];
export type OrderItem = Schemas['Order']['items'][number];
export type OrderStatus = Schemas['OrderStatus'];
export type Location = Schemas['Location'];
export type Coordinates = Schemas['Location']['coordinates'];
export type Address = Schemas['Location']['address'];
export type Estimate = Schemas['Estimate'];
export type EstimateRequest = Schemas['EstimateRequest'];
export type GeocodeResult = Schemas['GeocodeResult'];
export type ReverseGeocodeResult = Schemas['ReverseGeocodeResult'];
export type NiyanthaFile = Schemas['File'];
export type Network = Schemas['Network'];
export type Shipment = Schemas['Shipment'];
export type ShipmentStatus = Schemas['ShipmentStatus'];
export type ShipmentCreateRequest = Schemas['ShipmentCreateRequest'];
export type VehicleType = Schemas['VehicleType'];
export type AICharacter = Schemas['AICharacter'];
export type DriverProfile = Schemas['DriverProfile'];
export type DriverLocationUpdate = Schemas['DriverLocationUpdate'];
export type Wallet = Schemas['Wallet'];
export type AfaRequest = Schemas['AfaRequest'];
export type AfaResponse = Schemas['AfaResponse'];
