// Type-level checks on the map generated from test/fixtures/valid/full.yaml.
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Category,
  type EventType,
  type Events,
  type Item,
  type Messages,
  type Money,
  type Operations,
  type RequestType,
  authRequestType,
  eventTypes,
  messageRoles,
  operationTable,
} from './generated/full/operations.gen';
import type { Operations as MinimalOperations } from './generated/minimal/operations.gen';

/** The shape a generic request/reply runtime constrains its operation map with. */
interface OperationShape {
  request: unknown;
  reply: unknown;
  replyType: string;
  error: unknown;
  errorType: string;
  chunk: unknown;
  streaming: boolean;
  auth: boolean;
}
type OperationMapShape = { [type: string]: OperationShape };

describe('generated Operations map', () => {
  it('is keyed by request type and fits an index-signature constraint', () => {
    expectTypeOf<RequestType>().toEqualTypeOf<'auth.login' | 'export.run' | 'item.create' | 'item.get'>();
    expectTypeOf<Operations>().toExtend<OperationMapShape>();
    expectTypeOf<MinimalOperations>().toExtend<OperationMapShape>();
  });

  it('carries payload types of requests and replies', () => {
    expectTypeOf<Operations['item.create']['request']>().toEqualTypeOf<{
      name: string;
      price: Money;
      tags?: string[];
      category?: Category;
    }>();
    expectTypeOf<Operations['item.create']['reply']>().toEqualTypeOf<Item>();
    expectTypeOf<Operations['item.get']['reply']>().toEqualTypeOf<Item>();
    expectTypeOf<Operations['auth.login']['request']>().toEqualTypeOf<{ token: string; metadata: { secret: string; storeId?: string } }>();
    expectTypeOf<Operations['auth.login']['reply']['context']['accountId']>().toEqualTypeOf<string>();
  });

  it('names reply, error and chunk message types', () => {
    expectTypeOf<Operations['item.create']['replyType']>().toEqualTypeOf<'item.create.ok'>();
    expectTypeOf<Operations['auth.login']['errorType']>().toEqualTypeOf<'auth.failure' | 'error'>();
    expectTypeOf<Operations['auth.login']['error']>().toEqualTypeOf<{ code: string; message: string; details?: unknown }>();
    expectTypeOf<Operations['export.run']['chunkType']>().toEqualTypeOf<'export.run.chunk'>();
    expectTypeOf<Operations['export.run']['chunk']>().toEqualTypeOf<{ seq: number; items: Item[] }>();
    expectTypeOf<Operations['item.get']['chunk']>().toEqualTypeOf<never>();
    expectTypeOf<MinimalOperations['ping']['error']>().toEqualTypeOf<never>();
  });

  it('marks streaming and auth operations with literal booleans', () => {
    expectTypeOf<Operations['export.run']['streaming']>().toEqualTypeOf<true>();
    expectTypeOf<Operations['item.get']['streaming']>().toEqualTypeOf<false>();
    expectTypeOf<Operations['auth.login']['auth']>().toEqualTypeOf<true>();
    expectTypeOf<Operations['item.create']['auth']>().toEqualTypeOf<false>();
  });
});

describe('generated schema types', () => {
  it('maps const, enum, nullable, additionalProperties, oneOf and arrays', () => {
    expectTypeOf<Item['status']>().toEqualTypeOf<'active' | 'archived'>();
    expectTypeOf<Item['note']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Item['attributes']>().toEqualTypeOf<{ [key: string]: string } | undefined>();
    expectTypeOf<Item['tags']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<NonNullable<Item['kind']>>().toEqualTypeOf<
      { physical: true; weightGrams?: number } | { physical: false; downloadUrl?: string }
    >();
    expectTypeOf<Category['children']>().toEqualTypeOf<Category[] | undefined>();
  });

  it('types whole envelopes and events', () => {
    expectTypeOf<Messages['item.get.ok']['type']>().toEqualTypeOf<'item.get.ok'>();
    expectTypeOf<Messages['error']['payload']['code']>().toEqualTypeOf<string>();
    expectTypeOf<EventType>().toEqualTypeOf<'item.changed'>();
    expectTypeOf<Events['item.changed']['change']>().toEqualTypeOf<'created' | 'updated' | 'deleted'>();
  });
});

describe('runtime tables', () => {
  it('are literal-typed', () => {
    expectTypeOf(operationTable['item.create'].reply).toEqualTypeOf<'item.create.ok'>();
    expectTypeOf(operationTable['export.run'].chunk).toEqualTypeOf<'export.run.chunk'>();
    expectTypeOf(operationTable['item.get'].chunk).toEqualTypeOf<null>();
    expectTypeOf(operationTable['auth.login'].errors).toEqualTypeOf<readonly ['auth.failure', 'error']>();
    expectTypeOf(messageRoles['export.run.chunk']).toEqualTypeOf<'chunk'>();
    expectTypeOf(eventTypes).toEqualTypeOf<readonly ['item.changed']>();
    expectTypeOf(authRequestType).toEqualTypeOf<'auth.login'>();
    expectTypeOf<keyof typeof operationTable>().toEqualTypeOf<RequestType>();
  });
});
