import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiModel } from '@s2sdk/asyncapi-codegen';
import { Validators, mayHaveAstral } from '../../src/messages';
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

describe('validate stage: string lengths in code points', () => {
  const model = {
    messages: [
      {
        type: 'emoji',
        schema: {
          type: 'object',
          properties: { type: { const: 'emoji' }, requestId: { type: 'string' }, payload: { type: 'object', properties: { short: { type: 'string', maxLength: 2 }, long: { type: 'string', minLength: 2 } } } },
        },
      },
    ],
  } as unknown as ApiModel;
  const validators = new Validators(model);
  const frame = (payload: Record<string, string>) => ({ type: 'emoji', requestId: 'r', payload });
  const check = (payload: Record<string, string>) => {
    const f = frame(payload);
    return validate(validators, 'emoji', f, JSON.stringify(f))?.refuse.details;
  };

  it('counts a character outside the BMP as one, literal or escaped', () => {
    expect(check({ short: '😀😀' })).toBeUndefined(); // 2 code points, 4 code units
    expect(check({ long: '😀' })).toEqual([{ path: '/payload/long', message: 'must NOT have fewer than 2 characters' }]);
    const escaped = '{"type":"emoji","requestId":"r","payload":{"short":"\\ud83d\\ude00\\ud83d\\ude00"}}';
    expect(validate(validators, 'emoji', JSON.parse(escaped), escaped)).toBeUndefined();
    expect(check({ short: 'abc' })).toEqual([{ path: '/payload/short', message: 'must NOT have more than 2 characters' }]);
    expect(check({ short: 'ab', long: 'cd' })).toBeUndefined();
  });

  it('tells frames that may hold astral characters from the text', () => {
    expect(mayHaveAstral('{"a":"plain é"}')).toBe(false);
    expect(mayHaveAstral('{"a":"😀"}')).toBe(true);
    expect(mayHaveAstral('{"a":"\\uD83D\\uDE00"}')).toBe(true);
    expect(mayHaveAstral('{"a":"\\u00e9"}')).toBe(false);
  });
});
