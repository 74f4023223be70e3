import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiModel } from '@s2sdk/asyncapi-codegen';
import { Validators } from '../../src/messages';
import { validate } from '../../src/pipeline/validate';
import { notesModel } from './stages.helpers';

describe('validate stage', () => {
  let validators: Validators;
  beforeAll(async () => {
    const model: ApiModel = await notesModel();
    validators = new Validators(model);
  });

  it('passes a valid request (and allocates no issue list for it)', () => {
    expect(validate(validators, 'note.get', { type: 'note.get', requestId: 'r', payload: { id: 'n' } })).toBeUndefined();
    expect(validators.check('note.get', { type: 'note.get', requestId: 'r', payload: { id: 'n' } })).toBe(validators.check('note.get', { type: 'note.get', requestId: 's', payload: { id: 'm' } }));
  });

  it('refuses an invalid one with validation_failed listing every issue', () => {
    const decision = validate(validators, 'note.create', { type: 'note.create', requestId: 'r', payload: { title: '', extra: 1 } });
    expect(decision?.refuse.code).toBe('validation_failed');
    expect(decision?.refuse.message).toBe('Invalid note.create request.');
    expect(decision?.refuse.details).toEqual(
      expect.arrayContaining([
        { path: '/payload', message: 'must NOT have additional properties: "extra"' },
        { path: '/payload/title', message: 'must NOT have fewer than 1 characters' },
      ]),
    );
  });
});
