import { afterEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '@s2sdk/core';
import { memoryLogger, waitFor } from '@s2sdk/testkit';
import { QueueFullError, RequestAbortedError, WsRequestError } from '../src/errors.js';
import { rechunk, toBase64, uploadFile, type UploadProgress, type UploadProtocol } from '../src/upload.js';
import { fixtureUpload, type FixtureFile } from './fixtures/operations.js';
import { AUTH_SUCCESS, cleanupList, rejectionOf, startRawServer, type Conn, type Frame } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

interface UploadServerOptions {
  /** Delay each chunk ack (ms) to let a window of chunks pile up. */
  ackDelayMs?: number;
  failChunk?: number;
  /** The chunk_size the server announces (default 262144). */
  chunkSize?: number;
}

/** Plays file.stream.* as specified: keeps the decoded bytes, acks each chunk with progress, returns a File on complete. */
async function uploadServer(opts: UploadServerOptions = {}) {
  const uploads = new Map<string, { name: string; content_type: string; size: number; parts: Buffer[]; received: number }>();
  let outstanding = 0;
  let maxOutstanding = 0;
  const problems: string[] = [];
  const handle = (m: Frame, c: Conn) => {
    if (m.type === 'file.stream.start') {
      if (!Number.isInteger(m.payload.size) || m.payload.size < 1) return c.fail(m, 'validation_failed', 'size');
      const id = `up_${uploads.size + 1}`;
      uploads.set(id, { name: m.payload.name, content_type: m.payload.content_type, size: m.payload.size, parts: [], received: 0 });
      c.reply(m, 'file.stream.start.ok', { upload_id: id, chunk_size: opts.chunkSize ?? 262144, expires_at: 1739497200 });
    } else if (m.type === 'file.stream.chunk') {
      const up = uploads.get(m.payload.upload_id)!;
      if (m.payload.seq !== up.parts.length) return c.fail(m, 'chunk_out_of_order', `expected ${up.parts.length}`);
      const bytes = Buffer.from(m.payload.data, 'base64');
      if (bytes.length > (opts.chunkSize ?? 262144)) problems.push(`chunk ${m.payload.seq} too large: ${bytes.length}`);
      if (opts.failChunk === m.payload.seq) return c.fail(m, 'upload_expired', 'upload expired');
      up.parts.push(bytes);
      up.received += bytes.length;
      const ack = { upload_id: m.payload.upload_id, seq: m.payload.seq, received_bytes: up.received, total_bytes: up.size };
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      const send = () => {
        outstanding--;
        c.reply(m, 'file.stream.chunk.ok', ack);
      };
      if (opts.ackDelayMs) setTimeout(send, opts.ackDelayMs);
      else send();
    } else if (m.type === 'file.stream.complete') {
      const up = uploads.get(m.payload.upload_id)!;
      if (up.received !== up.size) return c.fail(m, 'upload_size_mismatch', 'size mismatch');
      c.reply(m, 'file.stream.complete.ok', { id: 64, name: up.name, content_type: up.content_type, size: up.received, url: 'https://files.example/f/64', created_at: 1739494000 });
    }
  };
  const server = await startRawServer({ onFrame: handle });
  return {
    server,
    problems,
    content: (id = 'up_1') => Buffer.concat(uploads.get(id)!.parts),
    get maxOutstanding() {
      return maxOutstanding;
    },
  };
}

async function setup(opts?: UploadServerOptions) {
  const u = await uploadServer(opts);
  cleanup.add(u.server, (s) => s.close());
  const client = cleanup.add(fixtureClient(u.server.url), (c) => c.close());
  await client.connect();
  return { u, client };
}

const chunkFrames = (u: { server: { frames: Frame[] } }) => u.server.frames.filter((f) => f.type === 'file.stream.chunk');

describe('uploadFile', () => {
  it('streams a Node Readable of declared size in base64 chunks; progress comes from the acks', async () => {
    const { u, client } = await setup({ ackDelayMs: 5 });
    const data = randomBytes(10_000);
    // Irregular source pieces exercise the re-chunking.
    const pieces = [data.subarray(0, 1), data.subarray(1, 3000), data.subarray(3000, 3001), data.subarray(3001)];
    const progress: UploadProgress[] = [];
    const file = await client.uploadFile({
      name: 'aadhaar-front.jpg',
      contentType: 'image/jpeg',
      data: Readable.from(pieces),
      size: 10_000,
      chunkSize: 4096,
      window: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(file).toMatchObject({ id: 64, name: 'aadhaar-front.jpg', content_type: 'image/jpeg', size: 10_000 });
    expect(u.content().equals(data)).toBe(true);
    expect(progress).toEqual([
      { uploadedBytes: 4096, totalBytes: 10_000, chunks: 1 },
      { uploadedBytes: 8192, totalBytes: 10_000, chunks: 2 },
      { uploadedBytes: 10_000, totalBytes: 10_000, chunks: 3 },
    ]);
    expect(u.maxOutstanding).toBeLessThanOrEqual(2);
    expect(u.server.frames.map((f) => f.type)).toEqual(['auth.login', 'file.stream.start', 'file.stream.chunk', 'file.stream.chunk', 'file.stream.chunk', 'file.stream.complete']);
    expect(u.server.frames[1]!.payload).toEqual({ name: 'aadhaar-front.jpg', content_type: 'image/jpeg', size: 10_000 });
    expect(chunkFrames(u).map((f) => [f.payload.upload_id, f.payload.seq])).toEqual([
      ['up_1', 0],
      ['up_1', 1],
      ['up_1', 2],
    ]);
  });

  it('reads a Node Readable of unknown size into memory first (the protocol needs the size up front)', async () => {
    const { u, client } = await setup();
    const data = randomBytes(3000);
    const file = await client.uploadFile({ name: 'n.bin', contentType: 'application/octet-stream', data: Readable.from([data.subarray(0, 1000), data.subarray(1000)]), chunkSize: 1024 });
    expect(file.size).toBe(3000);
    expect(u.content().equals(data)).toBe(true);
    expect(u.server.frames[1]!.payload.size).toBe(3000);
  });

  it('uploads a Blob, using the server chunk_size by default and as an upper bound', async () => {
    const { u, client } = await setup({ chunkSize: 2000 });
    const data = randomBytes(5000);
    const progress: UploadProgress[] = [];
    const file = await client.uploadFile({ name: 'logo.png', contentType: 'image/png', data: new Blob([data]), onProgress: (p) => progress.push(p) });
    expect(file.size).toBe(5000);
    expect(u.content().equals(data)).toBe(true);
    expect(progress.map((p) => p.uploadedBytes)).toEqual([2000, 4000, 5000]);
    // A larger requested chunkSize is capped by the server's.
    await client.uploadFile({ name: 'logo2.png', contentType: 'image/png', data: new Blob([data]), chunkSize: 1 << 20, sha256: 'a'.repeat(64) });
    expect(u.problems).toEqual([]);
    expect(u.server.frames.filter((f) => f.type === 'file.stream.start')[1]!.payload).toEqual({ name: 'logo2.png', content_type: 'image/png', size: 5000, sha256: 'a'.repeat(64) });
  });

  it('uploads a Uint8Array and a web ReadableStream', async () => {
    const { u, client } = await setup();
    const a = randomBytes(3000);
    expect((await client.uploadFile({ name: 'a', contentType: 'application/octet-stream', data: new Uint8Array(a), chunkSize: 1024 })).size).toBe(3000);
    expect(u.content('up_1').equals(a)).toBe(true);
    const b = randomBytes(2500);
    const web = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(b.subarray(0, 100));
        ctl.enqueue(b.subarray(100));
        ctl.close();
      },
    });
    expect((await client.uploadFile({ name: 'b', contentType: 'text/plain', data: web, size: 2500, chunkSize: 1024 })).size).toBe(2500);
    expect(u.content('up_2').equals(b)).toBe(true);
  });

  it('refuses empty files and data that does not match the declared size', async () => {
    const { u, client } = await setup();
    expect(await rejectionOf(client.uploadFile({ name: 'e', contentType: 'text/plain', data: new Uint8Array(0) }))).toBeInstanceOf(ConfigurationError);
    expect(u.server.frames.some((f) => f.type === 'file.stream.start')).toBe(false);
    const longer = await rejectionOf(client.uploadFile({ name: 'l', contentType: 'text/plain', data: Readable.from([randomBytes(3000)]), size: 2000, chunkSize: 1000 }));
    expect(longer).toBeInstanceOf(ConfigurationError);
    expect(longer.message).toContain('longer than the declared size');
    const shorter = await rejectionOf(client.uploadFile({ name: 's', contentType: 'text/plain', data: Readable.from([randomBytes(1500)]), size: 2000, chunkSize: 1000 }));
    expect(shorter).toBeInstanceOf(ConfigurationError);
    expect(u.server.frames.some((f) => f.type === 'file.stream.complete')).toBe(false);
    // Never more bytes than declared went over the wire.
    expect(chunkFrames(u).filter((f) => f.payload.upload_id === 'up_1')).toHaveLength(2);
  });

  it('rejects with the chunk error and does not complete the upload', async () => {
    const { u, client } = await setup({ failChunk: 1 });
    const err = await rejectionOf(client.uploadFile({ name: 'x', contentType: 'text/plain', data: randomBytes(5000), chunkSize: 1000, window: 1 }));
    expect(err).toBeInstanceOf(WsRequestError);
    expect(err.code).toBe('upload_expired');
    expect(u.server.frames.some((f) => f.type === 'file.stream.complete')).toBe(false);
    expect(chunkFrames(u)).toHaveLength(2);
  });

  it('aborts an upload via AbortSignal', async () => {
    const { u, client } = await setup({ ackDelayMs: 20 });
    const ac = new AbortController();
    const err = await rejectionOf(
      client.uploadFile({
        name: 'x',
        contentType: 'text/plain',
        data: randomBytes(20_000),
        chunkSize: 1000,
        window: 1,
        signal: ac.signal,
        onProgress: (p) => (p.chunks === 2 ? ac.abort() : undefined),
      }),
    );
    expect(err).toBeInstanceOf(RequestAbortedError);
    expect(u.server.frames.some((f) => f.type === 'file.stream.complete')).toBe(false);
    expect(chunkFrames(u).length).toBeLessThan(20);
  });
});

describe('uploadFile: a failed or aborted upload abandons its remaining chunks', () => {
  it('does not wait for the other chunks in flight after a chunk error (they are abandoned, late acks dropped)', async () => {
    const held: Frame[] = [];
    const server = cleanup.add(
      await startRawServer({
        onFrame: (m, c) => {
          if (m.type === 'file.stream.start') return c.reply(m, 'file.stream.start.ok', { upload_id: 'up_1', chunk_size: 1000, expires_at: 1739497200 });
          if (m.type !== 'file.stream.chunk') return;
          // Chunk 0 fails; the others are never answered (until the test answers them late).
          if (m.payload.seq === 0) c.fail(m, 'upload_expired', 'upload expired');
          else held.push(m);
        },
      }),
      (s) => s.close(),
    );
    const logger = memoryLogger();
    const client = cleanup.add(fixtureClient(server.url, { logger }), (c) => c.close());
    await client.connect();
    // With a 60 s message timeout, waiting for the unanswered chunks would outlast the test's own timeout.
    const err = await rejectionOf(client.uploadFile({ name: 'x', contentType: 'text/plain', data: randomBytes(4000), chunkSize: 1000, window: 4, timeoutMs: 60_000 }));
    expect(err).toBeInstanceOf(WsRequestError);
    expect(err.code).toBe('upload_expired');
    expect(client.inFlight).toBe(0);
    expect(held.length).toBeGreaterThan(0);
    // Late acknowledgements of the abandoned chunks match nothing and are dropped.
    for (const m of held) server.conns[0]!.reply(m, 'file.stream.chunk.ok', { upload_id: 'up_1', seq: m.payload.seq, received_bytes: 0, total_bytes: 4000 });
    const dropped = () => logger.lines.filter((l) => l.includes('dropping a reply for a request that already ended')).length;
    await waitFor(() => dropped() === held.length, 'the late acknowledgements dropped');
  });

  it('chunks queued while reconnecting are not sent on the new socket once the upload has failed', async () => {
    let releaseLogin: (() => void) | undefined;
    const server = cleanup.add(
      await startRawServer({
        auth: (c) => (c.index === 0 ? 'ok' : 'manual'),
        onFrame: (m, c) => {
          if (m.type === 'auth.login') {
            releaseLogin = () => c.reply(m, 'auth.success', AUTH_SUCCESS);
            return;
          }
          if (m.type === 'file.stream.start') return c.reply(m, 'file.stream.start.ok', { upload_id: 'up_1', chunk_size: 1000, expires_at: 1739497200 });
          if (m.type === 'file.stream.chunk') return c.reply(m, 'file.stream.chunk.ok', { upload_id: 'up_1', seq: m.payload.seq, received_bytes: (m.payload.seq + 1) * 1000, total_bytes: 4000 });
          if (m.type === 'store.get') return c.reply(m, 'store.get.ok', { id: m.payload.id, name: `conn ${c.index}` });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { queueLimit: 2 }), (c) => c.close());
    await client.connect();
    // The source yields chunk 0, then waits for the test: meanwhile the connection drops and the
    // client is logging in again (held by the server), so chunks 1 and 2 wait in the client's queue
    // and chunk 3 overflows it — the upload has failed with chunks 1 and 2 still queued.
    let gate!: () => void;
    const opened = new Promise<void>((resolve) => (gate = resolve));
    async function* source() {
      yield randomBytes(1000);
      await opened;
      for (let i = 0; i < 3; i++) yield randomBytes(1000);
    }
    const upload = rejectionOf(client.uploadFile({ name: 'x', contentType: 'text/plain', data: source(), size: 4000, chunkSize: 1000, window: 4, timeoutMs: 60_000 }));
    await server.waitForFrame((f) => f.type === 'file.stream.chunk' && f.payload.seq === 0, 'chunk 0');
    await waitFor(() => client.inFlight === 0, 'chunk 0 acknowledged');
    server.conns[0]!.ws.terminate();
    await server.waitForFrame((f) => f.conn === 1 && f.type === 'auth.login', 'the reconnect login');
    gate();
    const err = await upload;
    expect(err).toBeInstanceOf(QueueFullError);
    expect(client.queued).toBe(0);
    releaseLogin!();
    // Requests still work on the new socket, and nothing of the dead upload was sent there.
    await expect(client.request('store.get', { id: 1 })).resolves.toEqual({ id: 1, name: 'conn 1' });
    expect(server.conns[1]!.frames.map((f) => f.type)).toEqual(['auth.login', 'store.get']);
  });

  it('an abort while chunks are queued removes them from the queue', async () => {
    const server = cleanup.add(
      await startRawServer({
        auth: (c) => (c.index === 0 ? 'ok' : 'manual'),
        onFrame: (m, c) => {
          if (m.type === 'file.stream.start') return c.reply(m, 'file.stream.start.ok', { upload_id: 'up_1', chunk_size: 1000, expires_at: 1739497200 });
          if (m.type === 'file.stream.chunk') return c.reply(m, 'file.stream.chunk.ok', { upload_id: 'up_1', seq: m.payload.seq, received_bytes: (m.payload.seq + 1) * 1000, total_bytes: 3000 });
        },
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    let gate!: () => void;
    const opened = new Promise<void>((resolve) => (gate = resolve));
    async function* source() {
      yield randomBytes(1000);
      await opened;
      yield randomBytes(1000);
      yield randomBytes(1000);
    }
    const ac = new AbortController();
    const upload = rejectionOf(client.uploadFile({ name: 'x', contentType: 'text/plain', data: source(), size: 3000, chunkSize: 1000, window: 4, signal: ac.signal, timeoutMs: 60_000 }));
    await waitFor(() => server.frames.some((f) => f.type === 'file.stream.chunk') && client.inFlight === 0, 'chunk 0 acknowledged');
    server.conns[0]!.ws.terminate();
    await server.waitForFrame((f) => f.conn === 1 && f.type === 'auth.login', 'the reconnect login');
    gate();
    await waitFor(() => client.queued === 2, 'chunks 1 and 2 queued');
    ac.abort();
    expect(await upload).toBeInstanceOf(RequestAbortedError);
    expect(client.queued).toBe(0);
  });
});

describe('uploadFile with a custom protocol whose ackProgress throws', () => {
  it('rejects with that error; no chunk promise is left rejected without a handler', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanup.add(undefined, () => process.off('unhandledRejection', onUnhandled));
    const { u, client } = await setup();
    const boom = new Error('cannot read this acknowledgement');
    let calls = 0;
    const protocol: UploadProtocol<FixtureFile> = {
      ...fixtureUpload,
      ackProgress: () => {
        calls++;
        throw boom;
      },
    };
    // Each chunk is read only after the previous one was acknowledged: no chunk promise is ever
    // awaited by the window (Promise.race) before it settles.
    async function* source() {
      for (let i = 0; i < 4; i++) {
        yield randomBytes(1000);
        await waitFor(() => calls > i, `the acknowledgement of chunk ${i}`);
      }
    }
    const err = await rejectionOf(
      uploadFile((type, payload, opts) => client.request(type as never, payload as never, opts), protocol, {
        name: 'x.bin',
        contentType: 'application/octet-stream',
        data: source(),
        size: 4000,
        chunkSize: 1000,
        window: 4,
      }),
    );
    expect(err).toBe(boom);
    expect(calls).toBe(1);
    expect(u.server.frames.some((f) => f.type === 'file.stream.complete')).toBe(false);
    // Let any rejection without a handler surface (Node reports them once the microtask queue drains).
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(unhandled).toEqual([]);
  });
});

describe('upload helpers', () => {
  it('rechunks any byte source into fixed-size pieces', async () => {
    const out: number[] = [];
    for await (const p of rechunk(Readable.from([Buffer.alloc(5), 'abc', Buffer.alloc(9)]), 4)) out.push(p.byteLength);
    expect(out).toEqual([4, 4, 4, 4, 1]);
  });
  it('base64-encodes like Buffer, with and without Buffer', () => {
    const bytes = randomBytes(100_000);
    const expected = bytes.toString('base64');
    expect(toBase64(bytes)).toBe(expected);
    const B = globalThis.Buffer;
    try {
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      expect(toBase64(new Uint8Array(bytes))).toBe(expected);
    } finally {
      globalThis.Buffer = B;
    }
  });
});
