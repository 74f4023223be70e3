// Browser glue for browser.test.ts: the client as a browser app would use it (native
// WebSocket, no `ws`, no node builtins), exposed on window for the test to drive.
import { createNiyanthaWsClient } from '../../src/index.js';
import { fixtureTable, fixtureUpload, type FixtureOps } from '../fixtures/operations.js';

declare global {
  interface Window {
    runClient(url: string): Promise<unknown>;
  }
}

window.runClient = async (url: string) => {
  const client = createNiyanthaWsClient<FixtureOps, unknown>(
    { url, credentials: { key: 'pk_browser', secret: 'sk_browser' }, app: 'browser-test', heartbeat: { intervalMs: 50, timeoutMs: 5000 } },
    fixtureTable,
    fixtureUpload,
  );
  const states: string[] = [];
  client.on('state', (s) => states.push(s.state));
  await client.connect();
  const store = await client.request('store.get', { id: 301 });
  const bytes = new Uint8Array(3000).map((_, i) => i % 251);
  const progress: number[] = [];
  const file = await client.uploadFile({ name: 'logo.png', contentType: 'image/png', data: new Blob([bytes]), chunkSize: 1024, onProgress: (p) => progress.push(p.uploadedBytes) });
  // Wait for the application-level heartbeat probe (browsers cannot send pings).
  await new Promise<void>((resolve) => {
    const off = client.on('event', (e) => {
      if (e.type === 'probe.seen') {
        off();
        resolve();
      }
    });
  });
  await client.close();
  return { states, store, file, progress, hasGlobalWebSocket: typeof WebSocket === 'function', hasBuffer: typeof (globalThis as { Buffer?: unknown }).Buffer !== 'undefined' };
};
