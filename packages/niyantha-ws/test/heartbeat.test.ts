import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@s2sdk/testkit';
import { ConnectionLostError, HeartbeatTimeoutError } from '../src/errors.js';
import { cleanupList, rejectionOf, startRawServer } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

// The heartbeat must declare the silent peer dead, and must never fire on a healthy one. The
// timeout is generous (1.5 s) so that a loaded machine answering a ping late is still "healthy";
// the waits have deadlines far beyond it. Nothing here depends on how fast things happen.
const HB = { intervalMs: 50, timeoutMs: 1500 };
const LONG = { timeoutMs: 60_000 };

describe('heartbeat', () => {
  it('detects a half-open peer with ws pings (no pong, no frames) and reconnects', async () => {
    // Only the first connection goes silent after auth and never answers pings; later ones are healthy.
    const server = cleanup.add(
      await startRawServer({
        autoPong: (c) => c.index > 0,
        onFrame: (m, c) => {
          if (c.index > 0) c.reply(m, 'store.get.ok', { id: m.payload.id, name: 'ok' });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { heartbeat: HB }), (c) => c.close());
    const reconnects: { error: unknown }[] = [];
    client.on('reconnect', (r) => reconnects.push(r));
    await client.connect();
    const pings: number[] = [];
    server.conns[0]!.ws.on('ping', () => pings.push(Date.now()));
    const err = await rejectionOf(client.request('store.get', { id: 1 }, { timeoutMs: 60_000 }));
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect(err.cause).toBeInstanceOf(HeartbeatTimeoutError);
    expect(pings.length).toBeGreaterThan(0);
    await server.waitForConns(2);
    await waitFor(() => client.state === 'open', 'reconnected', LONG);
    expect(reconnects[0]!.error).toBeInstanceOf(HeartbeatTimeoutError);
    // The new connection works (its pings are answered).
    await expect(client.request('store.get', { id: 2 })).resolves.toEqual({ id: 2, name: 'ok' });
    // No application probe frames were needed with ws pings.
    expect(server.frames.some((f) => f.type === 'account.get')).toBe(false);
  });

  it('uses an application-level probe when pings are unavailable (browser mode) and detects silence', async () => {
    const server = cleanup.add(
      await startRawServer({
        onFrame: (m, c) => {
          // Connection 0 answers the first probe, then stops answering anything; later connections answer.
          if (c.index === 0 && c.frames.filter((f) => f.type === 'account.get').length > 1) return;
          if (m.type === 'account.get') c.reply(m, 'account.get.ok', { id: 42, name: 'acct' });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { heartbeat: { ...HB, mode: 'request' } }), (c) => c.close());
    const reconnects: { error: unknown }[] = [];
    client.on('reconnect', (r) => reconnects.push(r));
    await client.connect();
    await server.waitForConns(2);
    await waitFor(() => client.state === 'open', 're-opened', LONG);
    expect(reconnects[0]!.error).toBeInstanceOf(HeartbeatTimeoutError);
    const probes = server.conns[0]!.frames.filter((f) => f.type === 'account.get');
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes[0]!.payload).toEqual({});
  });

  it('keeps a healthy connection open: answered probes cause no reconnect', async () => {
    const server = cleanup.add(
      await startRawServer({ onFrame: (m, c) => (m.type === 'account.get' ? c.reply(m, 'account.get.ok', { id: 42, name: 'acct' }) : undefined) }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { heartbeat: { intervalMs: 20, timeoutMs: 5000, mode: 'request' } }), (c) => c.close());
    await client.connect();
    await waitFor(() => server.frames.filter((f) => f.type === 'account.get').length >= 4, 'four answered probes', LONG);
    expect(server.conns).toHaveLength(1);
    expect(client.state).toBe('open');
  });
});
