import { afterEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { WebSocket } from 'ws';
import { Secret } from '@s2sdk/core';
import { assertNoLeak, canary, memoryLogger, renderings } from '@s2sdk/testkit';
import { AUTH_SUCCESS, cleanupList, rejectionOf, startRawServer } from './helpers/server.js';
import { KEY, SECRET, fixtureClient } from './helpers/client.js';
import { createNiyanthaWs, type WebSocketConstructor } from '../src/index.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

describe('secrets never leak', () => {
  it('not in errors (even when the server echoes them), logs, inspect or JSON', async () => {
    const key = canary('KEY');
    const secret = canary('SECRET');
    const logger = memoryLogger();
    let n = 0;
    const server = cleanup.add(
      await startRawServer({
        auth: 'manual',
        onFrame: (m, c) => {
          if (m.type === 'auth.login') {
            const echo = `bad credentials ${m.payload.token}/${m.payload.metadata.secret}`;
            if (n++ === 0) c.reply(m, 'auth.success', { identityId: 'account-1', role: 'account', context: { accountId: '1' } });
            else c.reply(m, 'auth.failure', { code: 'invalid_credentials', message: echo, details: { token: m.payload.token, note: echo } });
            return;
          }
          c.fail(m, 'bad_request', `you sent ${secret}`, { echoed: key, metadata: { secret } });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { credentials: { key, secret }, logger }), (c) => c.close());
    const errors: unknown[] = [];
    client.on('reconnect', (r) => errors.push(r.error));
    await client.connect();
    // The secret did go over the wire, in the auth frame only.
    expect(server.frames[0]!.payload.metadata.secret).toBe(secret);

    errors.push(await rejectionOf(client.request('store.get', { id: 1 })));
    const inflight = rejectionOf(client.request('store.get', { id: 2 }, { timeoutMs: 60_000 }));
    // Force a reconnect; the second login fails with an echoing server.
    server.conns[0]!.ws.close(1012, `restart ${secret}`);
    errors.push(await inflight);
    errors.push(await rejectionOf(client.request('store.get', { id: 3 })));
    expect(client.state).toBe('closed');

    expect(logger.lines.length).toBeGreaterThan(0);
    assertNoLeak([...errors, client, logger.lines.join('\n')], [key, secret]);
    const text = renderings(client).join('\n');
    expect(text).toContain('closed');
    // Request error; reconnect event; in-flight request lost; request queued during the failed re-login.
    expect(errors.map((e) => (e as Error).name)).toEqual(['WsRequestError', 'ConnectionLostError', 'ConnectionLostError', 'WsAuthenticationError']);
    expect(renderings(errors[3]).join('\n')).toContain('[REDACTED]');
    assertNoLeak([await rejectionOf(client.request('store.get', { id: 4 }))], [key, secret]);
  });

  it('account.keys.create: the new key\'s secret is delivered as a Secret (never in logs, inspect or JSON)', async () => {
    const newSecret = canary('CREATED');
    const logger = memoryLogger();
    const server = cleanup.add(
      await startRawServer({
        onFrame: (m, c) => {
          if (m.type === 'account.keys.create') {
            c.reply(m, 'account.keys.create.ok', { id: 9, name: m.payload.name, username: 'pk_created', secret: newSecret, expires_at: 1739580000, created_at: 1739493600 });
          }
        },
      }),
      (s) => s.close(),
    );
    // The real Niyantha operation table (not the fixture map).
    const ws = cleanup.add(
      createNiyanthaWs({ url: server.url, credentials: { key: KEY, secret: SECRET }, WebSocket: WebSocket as unknown as WebSocketConstructor, heartbeat: false, logger }),
      (c) => c.close(),
    );
    await ws.connect();
    expect(ws.session).toEqual(AUTH_SUCCESS);
    const created = await ws.request('account.keys.create', { name: 'rotated', ttl_seconds: 86400 });
    expect(created.secret).toBeInstanceOf(Secret);
    expect(created.secret.reveal()).toBe(newSecret);
    expect(created).toMatchObject({ id: 9, name: 'rotated', username: 'pk_created', expires_at: 1739580000 });
    logger.info('created', { created });
    expect(JSON.stringify(created)).toContain('[REDACTED]');
    expect(inspect(created)).not.toContain(newSecret);
    assertNoLeak([created, ws, logger.lines.join('\n')], [newSecret]);
    // Ready to switch to it.
    await ws.setCredentials({ key: created.username, secret: created.secret });
    const login = server.frames.filter((f) => f.type === 'auth.login')[1]!;
    expect(login.payload).toMatchObject({ token: 'pk_created', metadata: { secret: newSecret } });
  });
});
