import { describe, expect, it } from 'vitest';
import type { OperationModel } from '@s2sdk/asyncapi-codegen';
import { route } from '../../src/pipeline/route';
import { isRefusal } from '../../src/pipeline/refusal';

describe('route stage', () => {
  const op = { type: 'note.get' } as OperationModel;
  const operations = new Map([['note.get', op]]);

  it('routes a request type to its operation', () => {
    expect(route(operations, 'note.get')).toBe(op);
  });

  it('refuses a type that names no request with validation_failed at /type', () => {
    const decision = route(operations, 'note.delete');
    expect(isRefusal(decision)).toBe(true);
    expect(decision).toEqual({
      refuse: { code: 'validation_failed', message: 'Unknown request type "note.delete".', details: [{ path: '/type', message: 'is not a request type of this API' }] },
    });
  });
});
