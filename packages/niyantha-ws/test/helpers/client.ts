import { WebSocket } from 'ws';
import { createNiyanthaWsClient, type NiyanthaWsOptions } from '../../src/niyantha-client.js';
import { fixtureTable, fixtureUpload, type FixtureOps } from '../fixtures/operations.js';
import type { WebSocketConstructor } from '../../src/types.js';

export const KEY = 'pk_test_key';
export const SECRET = 'sk_test_secret';

/** A Niyantha client over the fixture map, with `ws` injected and fast, deterministic defaults. */
export function fixtureClient(url: string, overrides: Partial<NiyanthaWsOptions> = {}) {
  return createNiyanthaWsClient<FixtureOps, import('../fixtures/operations.js').FixtureFile>(
    {
      url,
      credentials: { key: KEY, secret: SECRET },
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      reconnect: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 5, factor: 2 },
      heartbeat: false,
      ...overrides,
    },
    fixtureTable,
    fixtureUpload,
  );
}
