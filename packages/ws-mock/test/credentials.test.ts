// Credential fields of the login come from the document's x-s2sdk-credential marks (any login
// shape), can be overridden per role, and default to Niyantha's shape for unmarked documents;
// identity fields of the reply come from x-s2sdk-identity marks.
import { loadApiModel } from '@s2sdk/asyncapi-codegen';
import { inspect } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer, type MockServerOptions } from '../src/index';
import { NOTES, VAULT, connect, pkgDir, unmarkedCopy, type TestSocket } from './helpers';
import { join } from 'node:path';

const VAULT_KEY = { key: 'ak_live_1', secret: 'pp-correct-horse', accountId: 'globex', storeIds: ['3'] };

let servers: MockServer[] = [];
let sockets: TestSocket[] = [];
afterEach(async () => {
  for (const s of sockets) s.ws.terminate();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  sockets = [];
});
const unmarked = unmarkedCopy(VAULT);
afterAll(() => unmarked.remove());

async function start(options: MockServerOptions): Promise<MockServer> {
  const server = await startMockServer({ port: 0, ...options });
  servers.push(server);
  return server;
}
async function open(server: MockServer): Promise<TestSocket> {
  const s = await connect(server.url);
  sockets.push(s);
  return s;
}
const openSession = (s: TestSocket, payload: Record<string, unknown>) => s.request('session.open', payload);

describe('credential fields marked in the document (x-s2sdk-credential)', () => {
  it('reads a { apiKey, passphrase, workspace } login; fills the marked identity fields of the reply', async () => {
    const server = await start({ spec: VAULT, keys: [VAULT_KEY] });
    expect(server.credentialPaths).toEqual({ key: ['payload.apiKey'], secret: ['payload.passphrase'], scope: ['payload.workspace'] });

    const s = await open(server);
    const reply = await openSession(s, { apiKey: VAULT_KEY.key, passphrase: VAULT_KEY.secret, workspace: 3 });
    expect(reply.type).toBe('session.opened');
    // account → principal.tenant (ids derived from the example's account follow); scope → workspace, an integer.
    expect(reply.payload).toEqual({ principal: { tenant: 'globex', principalId: 'svc-globex' }, workspace: 3 });
    expect([...server.clients][0]!.identity).toEqual({ key: VAULT_KEY.key, accountId: 'globex', storeIds: ['3'], storeId: '3' });
    expect((await s.request('item.list', {})).type).toBe('item.list.ok');

    // No scope asked for (or one the key may not attach): the marked scope field is left out.
    const t = await open(server);
    expect((await openSession(t, { apiKey: VAULT_KEY.key, passphrase: VAULT_KEY.secret })).payload).toEqual({ principal: { tenant: 'globex', principalId: 'svc-globex' } });
    const u = await open(server);
    expect((await openSession(u, { apiKey: VAULT_KEY.key, passphrase: VAULT_KEY.secret, workspace: 4 })).payload).not.toHaveProperty('workspace');
  });

  it('refuses a wrong passphrase with the auth failure message, then closes 4401', async () => {
    const server = await start({ spec: VAULT, keys: [VAULT_KEY] });
    const s = await open(server);
    const reply = await openSession(s, { apiKey: VAULT_KEY.key, passphrase: 'pp-wrong-horse' });
    expect(reply).toMatchObject({ type: 'session.denied', payload: { code: 'bad_key' } });
    expect((await s.closed).code).toBe(4401);
  });

  it('never keeps the marked secret, even though its field name does not look like one', async () => {
    const server = await start({ spec: VAULT, keys: [VAULT_KEY] });
    const s = await open(server);
    await openSession(s, { apiKey: VAULT_KEY.key, passphrase: 'pp-not-a-known-key' }); // not a configured secret
    await openSession(await open(server), { apiKey: VAULT_KEY.key, passphrase: VAULT_KEY.secret });
    const logins = server.received.filter((f) => f.frame?.type === 'session.open');
    expect(logins).toHaveLength(2);
    for (const f of logins) expect((f.frame!.payload as Record<string, unknown>).passphrase).toBe('[REDACTED]');
    const rendered = [JSON.stringify(server.received), server.received.map((f) => f.raw).join('\n'), inspect(server.received, { depth: 10 }), inspect(server)].join('\n');
    for (const secret of ['pp-not-a-known-key', VAULT_KEY.secret]) expect(rendered).not.toContain(secret);
  });

  it('an unmarked document gets the built-in shape, so this login is refused…', async () => {
    const server = await start({ spec: unmarked.path, keys: [VAULT_KEY] });
    expect(server.credentialPaths).toEqual({ key: ['payload.token'], secret: ['payload.metadata.secret'], scope: ['payload.metadata.storeId'] });
    const s = await open(server);
    expect((await openSession(s, { apiKey: VAULT_KEY.key, passphrase: VAULT_KEY.secret })).type).toBe('session.denied');
  });

  it('…unless the credential paths are given (per role); identity fields are then found by name only', async () => {
    const server = await start({ spec: unmarked.path, keys: [VAULT_KEY], credentials: { key: 'payload.apiKey', secret: 'payload.passphrase' } });
    expect(server.credentialPaths).toEqual({ key: ['payload.apiKey'], secret: ['payload.passphrase'], scope: ['payload.metadata.storeId'] });
    const s = await open(server);
    const reply = await openSession(s, { apiKey: VAULT_KEY.key, passphrase: VAULT_KEY.secret, workspace: 3 });
    expect(reply.type).toBe('session.opened');
    // Without x-s2sdk-identity marks (and no accountId/storeId-named fields) the example is sent as is.
    expect(reply.payload).toEqual({ principal: { tenant: 'acme', principalId: 'svc-acme' }, workspace: 3 });
    expect([...server.clients][0]!.identity).toEqual({ key: VAULT_KEY.key, accountId: 'globex', storeIds: ['3'] });
  });

  it('paths given for a marked document replace those roles only', async () => {
    const server = await start({ spec: VAULT, keys: [VAULT_KEY], credentials: { scope: 'payload.options.workspace' } });
    expect(server.credentialPaths).toEqual({ key: ['payload.apiKey'], secret: ['payload.passphrase'], scope: ['payload.options.workspace'] });
  });

  it('rejects credential paths that do not start at the frame root, and unknown roles', async () => {
    await expect(startMockServer({ spec: VAULT, port: 0, credentials: { key: 'apiKey' } })).rejects.toThrow(/must start at the frame root with "payload\."/);
    await expect(startMockServer({ spec: VAULT, port: 0, credentials: { key: 'payload..x' } })).rejects.toThrow(/dot path/);
    await expect(startMockServer({ spec: VAULT, port: 0, credentials: { password: 'payload.x' } as never })).rejects.toThrow(/unknown credential role "password"/);
  });

  it('a credentials function still works and is not described by paths', async () => {
    const server = await start({ spec: VAULT, keys: [VAULT_KEY], credentials: (p) => ({ key: (p as any).apiKey, secret: (p as any).passphrase }) });
    expect(server.credentialPaths).toBeUndefined();
    expect((await openSession(await open(server), { apiKey: VAULT_KEY.key, passphrase: VAULT_KEY.secret })).type).toBe('session.opened');
  });
});

describe('documents that mark the built-in shape', () => {
  it("Niyantha's auth.login marks token / metadata.secret / metadata.storeId and auth.success context.accountId / context.storeId", async () => {
    const model = await loadApiModel(join(pkgDir, '..', '..', 'specs', 'niyantha', 'asyncapi.yaml'));
    const login = model.operations.find((o) => o.auth)!;
    expect(login.credentialFields).toEqual([
      { role: 'key', path: ['payload', 'token'] },
      { role: 'secret', path: ['payload', 'metadata', 'secret'] },
      { role: 'scope', path: ['payload', 'metadata', 'storeId'] },
    ]);
    expect(login.identityFields).toEqual([
      { role: 'account', path: ['payload', 'context', 'accountId'] },
      { role: 'scope', path: ['payload', 'context', 'storeId'] },
    ]);
  });

  it('the unmarked notes fixture keeps the built-in shape', async () => {
    const server = await start({ spec: NOTES });
    expect(server.credentialPaths).toEqual({ key: ['payload.token'], secret: ['payload.metadata.secret'], scope: ['payload.metadata.storeId'] });
  });
});
