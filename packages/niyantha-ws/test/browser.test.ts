// Bundles the client for the browser with esbuild (asserting that neither `ws` nor any node
// builtin is pulled in), serves it on loopback and drives /usr/bin/chromium with
// playwright-core: the page connects to a raw ws server with the native WebSocket,
// authenticates, makes a request, uploads a Blob and emits an application-level heartbeat probe.
import { afterEach, describe, expect, it } from 'vitest';
import { build, type Plugin } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { cleanupList, startRawServer, type Conn, type Frame } from './helpers/server.js';

const here = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(here, '..', '..');
const cleanup = cleanupList();
afterEach(() => cleanup.run());

/** Resolves @s2sdk/* to workspace sources; refuses `ws` and node builtins. */
const browserGuard: Plugin = {
  name: 'browser-guard',
  setup(b) {
    b.onResolve({ filter: /^@s2sdk\/[^/]+$/ }, (args) => ({ path: join(packagesDir, args.path.slice('@s2sdk/'.length), 'src', 'index.ts') }));
    b.onResolve({ filter: /^(ws|node:.*|fs|net|tls|http|https|crypto|stream|util|events|buffer|zlib|path)$/ }, (args) => ({
      errors: [{ text: `browser bundle must not import ${args.path} (from ${args.importer})` }],
    }));
  },
};

async function bundle(entry = join(here, 'browser', 'entry.ts')) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
    plugins: [browserGuard],
  });
  const js = result.outputFiles[0]!.text;
  return { js, inputs: Object.keys(result.metafile.inputs) };
}

function browserServer(js: string): Promise<Server & { url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>niyantha-ws</title><script type="module" src="/app.js"></script>');
    }
  });
  return new Promise((res) =>
    server.listen(0, '127.0.0.1', () => res(Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }))),
  );
}

function fileStreamServer() {
  const uploads = new Map<string, { size: number; parts: Buffer[] }>();
  return (m: Frame, c: Conn) => {
    switch (m.type) {
      case 'store.get':
        return c.reply(m, 'store.get.ok', { id: m.payload.store_id, name: 'Fresh Mart Hub' });
      case 'account.get':
        c.send({ type: 'probe.seen', payload: {} });
        return c.reply(m, 'account.get.ok', { id: 42, name: 'acct' });
      case 'file.stream.start':
        uploads.set('up_1', { size: m.payload.size, parts: [] });
        return c.reply(m, 'file.stream.start.ok', { upload_id: 'up_1', chunk_size: 262144, expires_at: 1739497200 });
      case 'file.stream.chunk': {
        const up = uploads.get(m.payload.upload_id)!;
        up.parts.push(Buffer.from(m.payload.data, 'base64'));
        const received = Buffer.concat(up.parts).length;
        return c.reply(m, 'file.stream.chunk.ok', { upload_id: 'up_1', seq: m.payload.seq, received_bytes: received, total_bytes: up.size });
      }
      case 'file.stream.complete': {
        const content = Buffer.concat(uploads.get(m.payload.upload_id)!.parts);
        const ok = content.every((b, i) => b === i % 251);
        return c.reply(m, 'file.stream.complete.ok', { id: 64, name: ok ? 'logo.png' : 'CORRUPT', content_type: 'image/png', size: content.length, url: 'https://files.example/f/64', created_at: 1739494000 });
      }
    }
  };
}

describe('browser build', () => {
  it('the package entry bundles without ws, node builtins or the JSON Schemas', async () => {
    const { js, inputs } = await bundle(join(here, '..', 'src', 'index.ts'));
    expect(inputs.some((p) => p.includes('node_modules/ws/'))).toBe(false);
    expect(inputs.some((p) => p.startsWith('node:'))).toBe(false);
    expect(inputs.some((p) => p.includes('schemas.gen.json'))).toBe(false);
    expect(inputs.some((p) => p.endsWith('operations.gen.ts'))).toBe(true);
    expect(js).not.toContain('"$schema"');
  });

  it('bundles without ws or node builtins, and runs in Chromium with the native WebSocket', async () => {
    const { js, inputs } = await bundle();
    expect(inputs.some((p) => p.includes('node_modules/ws/'))).toBe(false);
    expect(inputs.some((p) => p.startsWith('node:'))).toBe(false);
    expect(inputs.some((p) => p.endsWith('src/client.ts'))).toBe(true);

    const ws = cleanup.add(await startRawServer({ onFrame: fileStreamServer() }), (s) => s.close());
    const http = cleanup.add(await browserServer(js), (s) => new Promise((r) => s.close(r)));
    const browser: Browser = cleanup.add(
      await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'], timeout: 240_000 }),
      (b) => b.close(),
    );
    const page = await browser.newPage();
    // Playwright's 30 s defaults are expectations of speed; these waits are for page events, the deadline only a safety net.
    page.setDefaultTimeout(240_000);
    page.setDefaultNavigationTimeout(240_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(http.url);
    await page.waitForFunction(() => typeof window.runClient === 'function');
    const result = (await page.evaluate((url) => window.runClient(url), ws.url)) as any;

    expect(pageErrors).toEqual([]);
    expect(result.hasGlobalWebSocket).toBe(true);
    expect(result.hasBuffer).toBe(false);
    expect(result.states).toEqual(['open', 'closed']);
    expect(result.store).toEqual({ id: 301, name: 'Fresh Mart Hub' });
    expect(result.file).toMatchObject({ id: 64, name: 'logo.png', size: 3000 });
    expect(result.progress).toEqual([1024, 2048, 3000]);
    const first = ws.conns[0]!.frames[0]!;
    expect(first.type).toBe('auth.login');
    expect(first.payload).toEqual({ authType: 's2s', token: 'pk_browser', metadata: { secret: 'sk_browser', app: 'browser-test' } });
    expect(ws.frames.some((f) => f.type === 'account.get')).toBe(true);
  }, 300_000); // safety net: Chromium and a bundle build on a loaded machine
});
