// Stage 1 — route: the request's `type` → its operation, or a validation_failed refusal.
import type { OperationModel } from '@s2sdk/asyncapi-codegen';
import { ProtocolErrorCode } from '@s2sdk/ws-protocol';
import type { Refusal } from './refusal';

/** The operation answering `type`, or the refusal of a type that names no request of the API. */
export function route(operations: ReadonlyMap<string, OperationModel>, type: string): OperationModel | Refusal {
  const op = operations.get(type);
  if (op) return op;
  return {
    refuse: {
      code: ProtocolErrorCode.VALIDATION_FAILED,
      message: `Unknown request type ${JSON.stringify(type)}.`,
      details: [{ path: '/type', message: 'is not a request type of this API' }],
    },
  };
}
