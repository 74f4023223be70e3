import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '@s2sdk/testkit';
import { WsValidationError } from '../src/errors.js';
import { frameValidator, loadAjv } from '../src/validate.js';
import { createNiyanthaWsClient } from '../src/niyantha-client.js';
import { WebSocket } from 'ws';
import { cleanupList, rejectionOf, startRawServer } from './helpers/server.js';
import { KEY, SECRET } from './helpers/client.js';
import { fixtureTable, fixtureUpload, type FixtureOps } from './fixtures/operations.js';
import { fixtureSchemas } from './fixtures/schemas.js';
import type { WebSocketConstructor } from '../src/types.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

describe('opt-in validation', () => {
  it('rejects invalid outgoing payloads before sending and invalid replies on arrival', async () => {
    const server = cleanup.add(
      await startRawServer({
        onFrame: (m, c) => c.reply(m, 'store.get.ok', m.payload.id === 2 ? { id: 'two' } : { id: m.payload.id, name: 'ok' }),
      }),
      (s) => s.close(),
    );
    const logger = memoryLogger();
    const validator = frameValidator(fixtureSchemas, await loadAjv());
    const client = cleanup.add(
      createNiyanthaWsClient<FixtureOps>(
        { url: server.url, credentials: { key: KEY, secret: SECRET }, WebSocket: WebSocket as unknown as WebSocketConstructor, heartbeat: false, logger },
        fixtureTable,
        fixtureUpload,
        validator,
      ),
      (c) => c.close(),
    );
    await client.connect();
    await expect(client.request('store.get', { id: 1 })).resolves.toEqual({ id: 1, name: 'ok' });

    const out = await rejectionOf(client.request('store.get', { id: 0 }));
    expect(out).toBeInstanceOf(WsValidationError);
    expect(out.direction).toBe('outgoing');
    expect(out.problems.join()).toContain('/payload/id');
    expect(server.frames.filter((f) => f.type === 'store.get').map((f) => f.payload.id)).toEqual([1]);

    const inc = await rejectionOf(client.request('store.get', { id: 2 }));
    expect(inc).toBeInstanceOf(WsValidationError);
    expect(inc.direction).toBe('incoming');
    expect(inc.messageType).toBe('store.get.ok');
    // Events of unknown types are logged, not thrown.
    server.conns[0]!.send({ type: 'mystery', payload: {} });
    await expect(client.request('store.get', { id: 3 })).resolves.toEqual({ id: 3, name: 'ok' });
    expect(logger.lines.some((l) => l.startsWith('warn event does not match its schema'))).toBe(true);
  });
});
