// Typed per-operation methods derived from the generated tables: `schema.gen.ts`
// (openapi-typescript `operations`, keyed by operationId) and `operations.gen.ts`
// ("METHOD /path" → operationId, security, idempotency).
import type { FetchOptions, FetchResponse } from 'openapi-fetch';
import type { SuccessData } from '@s2sdk/core';
import { operations as operationTable } from './generated/operations.gen.js';
import type { operations as SpecOperations } from './generated/schema.gen.js';

export { operationTable };
export type OperationTableKey = keyof typeof operationTable;
/** Every operationId of the spec. */
export type OperationId = (typeof operationTable)[OperationTableKey]['operationId'];

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];

/** The init of an operation: openapi-fetch's `{ params: { path, query, header }, body, signal, … }`, typed from the spec. */
export type OperationInit<Id extends OperationId> = FetchOptions<SpecOperations[Id]>;
/** Init argument list: optional when the operation has no required parameters or body. */
export type OperationArgs<Id extends OperationId> = RequiredKeys<OperationInit<Id>> extends never ? [init?: OperationInit<Id>] : [init: OperationInit<Id>];

type Success<Id extends OperationId> = SuccessData<FetchResponse<SpecOperations[Id], {}, 'application/json'>>;
/** The parsed success body of an operation (`void` for 204 responses). */
export type OperationData<Id extends OperationId> = [Success<Id>] extends [never] ? void : [Exclude<Success<Id>, undefined>] extends [never] ? void : Success<Id>;

export type OperationMethod<Id extends OperationId> = (...args: OperationArgs<Id>) => Promise<OperationData<Id>>;

/** Key-management operations: served by {@link createKeyManagementClient}, not the S2S client. */
export type KeyManagementOperationId = 'createApiKey' | 'listApiKeys' | 'expireApiKey';
/** Multipart operations: replaced by methods taking files (see `uploadFile`, `uploadAppLogo`). */
export type MultipartOperationId = 'uploadFile' | 'uploadAppLogo';

/** One typed method per S2S operation (named by operationId). */
export type S2SOperationMethods = { [Id in Exclude<OperationId, KeyManagementOperationId | MultipartOperationId>]: OperationMethod<Id> };

export interface OperationRow {
  key: string;
  method: string;
  path: string;
  operationId: string;
  security: readonly (readonly string[])[];
}

export function operationRows(): OperationRow[] {
  return Object.entries(operationTable).map(([key, row]) => {
    const space = key.indexOf(' ');
    return { key, method: key.slice(0, space), path: key.slice(space + 1), operationId: row.operationId, security: row.security };
  });
}

export function rowById(operationId: string): OperationRow {
  const row = operationRows().find((r) => r.operationId === operationId);
  if (!row) throw new Error(`unknown operation ${operationId}`);
  return row;
}
