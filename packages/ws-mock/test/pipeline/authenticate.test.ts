import { describe, expect, it } from 'vitest';
import type { ApiModel, OperationModel } from '@s2sdk/asyncapi-codegen';
import { authFailureTypeOf, checkLogin, gate, loginRefusal } from '../../src/pipeline/authenticate';

const KEYS = [{ key: 'pk', secret: 'sk', accountId: '7', storeIds: ['s-1'] }];
const login = { type: 'auth.login', auth: true } as unknown as OperationModel;
const get = { type: 'note.get', auth: false } as unknown as OperationModel;

describe('authenticate stage: gate', () => {
  const ctx = { requireAuth: true, authType: 'auth.login', revoked: new Map([['pk-old', { code: 'api_key_revoked', message: 'The API key has been revoked.' }]]) };

  it('lets the login through, and requests of an authenticated connection', () => {
    expect(gate(ctx, login, { authenticated: false, identity: undefined })).toBeUndefined();
    expect(gate(ctx, get, { authenticated: true, identity: { key: 'pk' } })).toBeUndefined();
    expect(gate({ ...ctx, requireAuth: false }, get, { authenticated: false, identity: undefined })).toBeUndefined();
  });

  it('refuses requests before the login with unauthenticated', () => {
    expect(gate(ctx, get, { authenticated: false, identity: undefined })).toEqual({ refuse: { code: 'unauthenticated', message: 'Authenticate with auth.login first.' } });
  });

  it("refuses requests of a connection whose key was revoked with the revocation's error", () => {
    expect(gate(ctx, get, { authenticated: true, identity: { key: 'pk-old' } })).toEqual({ refuse: { code: 'api_key_revoked', message: 'The API key has been revoked.' } });
  });
});

describe('authenticate stage: checkLogin', () => {
  it('accepts a configured key and secret, attaching a store the key may use', () => {
    expect(checkLogin({ keys: KEYS, authCheck: undefined }, {}, { key: 'pk', secret: 'sk', storeId: 's-1' })).toEqual({ key: 'pk', accountId: '7', storeIds: ['s-1'], storeId: 's-1' });
    expect(checkLogin({ keys: KEYS, authCheck: undefined }, {}, { key: 'pk', secret: 'sk', storeId: 's-9' })).toEqual({ key: 'pk', accountId: '7', storeIds: ['s-1'] });
  });

  it('refuses a wrong secret, an unknown key and empty credentials; any non-empty pair without keys', () => {
    const ctx = { keys: KEYS, authCheck: undefined };
    expect(checkLogin(ctx, {}, { key: 'pk', secret: 'nope' })).toBeUndefined();
    expect(checkLogin(ctx, {}, { key: 'other', secret: 'sk' })).toBeUndefined();
    expect(checkLogin(ctx, {}, {})).toBeUndefined();
    expect(checkLogin({ keys: undefined, authCheck: undefined }, {}, { key: 'any', secret: 'thing' })).toEqual({ key: 'any' });
    expect(checkLogin({ keys: [], authCheck: undefined }, {}, { key: 'any', secret: 'thing' })).toBeUndefined();
  });

  it('uses a custom authCheck, synchronous or not', async () => {
    const sync = checkLogin({ keys: undefined, authCheck: ({ credentials }) => credentials.secret === 'ok' }, { p: 1 }, { key: 'k', secret: 'ok' });
    expect(sync).toEqual({});
    const later = checkLogin({ keys: undefined, authCheck: async () => ({ accountId: '9' }) }, {}, { key: 'k', secret: 's' });
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toEqual({ accountId: '9' });
    expect(checkLogin({ keys: undefined, authCheck: () => false }, {}, {})).toBeUndefined();
  });
});

describe('authenticate stage: refusal of a login', () => {
  const model = {
    messages: [{ type: 'auth.failure', examples: [{ type: 'auth.failure', requestId: 'r', payload: { code: 'bad_key', message: 'Bad key.' } }] }],
  } as unknown as ApiModel;

  it("takes code and message from the failure message's example, else invalid_credentials; a revocation wins", () => {
    expect(loginRefusal(model, 'auth.failure', undefined)).toEqual({ code: 'bad_key', message: 'Bad key.' });
    expect(loginRefusal(model, 'error', undefined)).toEqual({ code: 'invalid_credentials', message: 'Invalid API key or secret.' });
    expect(loginRefusal(model, 'auth.failure', { code: 'api_key_expired', message: 'Expired.' })).toEqual({ code: 'api_key_expired', message: 'Expired.' });
  });

  it("answers with the auth operation's own failure message when it has one", () => {
    const op = { errors: [{ type: 'error' }, { type: 'auth.failure' }] } as unknown as OperationModel;
    expect(authFailureTypeOf(op, 'error', 'error')).toBe('auth.failure');
    expect(authFailureTypeOf(undefined, 'error', 'error')).toBe('error');
  });
});
