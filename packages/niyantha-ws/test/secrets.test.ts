import { afterEach, describe, expect, it } from 'vitest';
import { assertNoLeak, canary, memoryLogger, renderings } from '@s2sdk/testkit';
import { cleanupList, rejectionOf, startRawServer } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';

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
});
