// Browser glue for browser.test.ts: the client as a browser app would use it (native
// WebSocket, no `ws`, no node builtins), exposed on window for the test to drive.
import { connectNiyanthaWs } from '../../src/index.js';

declare global {
  interface Window {
    runClient(url: string): Promise<unknown>;
  }
}

window.runClient = async (url: string) => {
  const states: string[] = [];
  const client = await connectNiyanthaWs({ url, credentials: { key: 'pk_browser', secret: 'sk_browser' }, app: 'browser-test', heartbeat: { intervalMs: 50, timeoutMs: 5000 } });
  states.push(client.state);
  client.on('state', (s) => states.push(s.state));
  const store = await client.request('store.get', { store_id: 301 });
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
