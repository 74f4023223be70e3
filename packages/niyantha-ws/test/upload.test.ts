import { afterEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { RequestAbortedError, WsRequestError } from '../src/errors.js';
import { rechunk, toBase64, type UploadProgress } from '../src/upload.js';
import { cleanupList, rejectionOf, startRawServer, type Conn, type Frame } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

interface UploadServerOptions {
  /** Delay each chunk ack (ms) to let a window of chunks pile up. */
  ackDelayMs?: number;
  failChunk?: number;
}

/** Plays the file.stream.* protocol: keeps the decoded bytes, acks each chunk, returns a File on complete. */
async function uploadServer(opts: UploadServerOptions = {}) {
  const streams = new Map<string, { name: string; content_type: string; parts: Buffer[] }>();
  let outstanding = 0;
  let maxOutstanding = 0;
  const handle = (m: Frame, c: Conn) => {
    if (m.type === 'file.stream.start') {
      const id = `st-${streams.size + 1}`;
      streams.set(id, { name: m.payload.name, content_type: m.payload.content_type, parts: [] });
      c.reply(m, 'file.stream.start.ok', { stream_id: id });
    } else if (m.type === 'file.stream.chunk') {
      const st = streams.get(m.payload.stream_id)!;
      expect(m.payload.seq).toBe(st.parts.length);
      st.parts.push(Buffer.from(m.payload.data, 'base64'));
      if (opts.failChunk === m.payload.seq) {
        c.fail(m, 'invalid_chunk', 'chunk rejected');
        return;
      }
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      const ack = () => {
        outstanding--;
        c.reply(m, 'file.stream.chunk.ok', { stream_id: m.payload.stream_id, seq: m.payload.seq, received: Buffer.concat(st.parts).length });
      };
      if (opts.ackDelayMs) setTimeout(ack, opts.ackDelayMs);
      else ack();
    } else if (m.type === 'file.stream.complete') {
      const st = streams.get(m.payload.stream_id)!;
      const size = Buffer.concat(st.parts).length;
      c.reply(m, 'file.stream.complete.ok', { id: 12, name: st.name, content_type: st.content_type, size, url: 'https://files.example/f/12', created_at: 1739493600 });
    }
  };
  const server = await startRawServer({ onFrame: handle });
  return {
    server,
    content: (id = 'st-1') => Buffer.concat(streams.get(id)!.parts),
    get maxOutstanding() {
      return maxOutstanding;
    },
  };
}

describe('uploadFile', () => {
  it('uploads a Node Readable in base64 chunks and reports progress from the acks', async () => {
    const u = await uploadServer({ ackDelayMs: 5 });
    cleanup.add(u.server, (s) => s.close());
    const client = cleanup.add(fixtureClient(u.server.url), (c) => c.close());
    await client.connect();
    const data = randomBytes(10_000);
    // Irregular source pieces exercise the re-chunking.
    const pieces = [data.subarray(0, 1), data.subarray(1, 3000), data.subarray(3000, 3001), data.subarray(3001)];
    const progress: UploadProgress[] = [];
    const file = await client.uploadFile({
      name: 'aadhaar-front.jpg',
      contentType: 'image/jpeg',
      data: Readable.from(pieces),
      chunkSize: 4096,
      window: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(file).toMatchObject({ id: 12, name: 'aadhaar-front.jpg', content_type: 'image/jpeg', size: 10_000 });
    expect(u.content().equals(data)).toBe(true);
    expect(progress.map((p) => p.uploadedBytes)).toEqual([4096, 8192, 10_000]);
    expect(progress.at(-1)).toEqual({ uploadedBytes: 10_000, totalBytes: undefined, chunks: 3 });
    expect(u.maxOutstanding).toBeLessThanOrEqual(2);
    const types = u.server.frames.map((f) => f.type);
    expect(types).toEqual(['auth.login', 'file.stream.start', 'file.stream.chunk', 'file.stream.chunk', 'file.stream.chunk', 'file.stream.complete']);
    expect(u.server.frames[1]!.payload).toEqual({ name: 'aadhaar-front.jpg', content_type: 'image/jpeg' });
  });

  it('uploads a Blob with its size known up front', async () => {
    const u = await uploadServer();
    cleanup.add(u.server, (s) => s.close());
    const client = cleanup.add(fixtureClient(u.server.url), (c) => c.close());
    await client.connect();
    const data = randomBytes(5000);
    const progress: UploadProgress[] = [];
    const file = await client.uploadFile({ name: 'logo.png', contentType: 'image/png', data: new Blob([data]), chunkSize: 2000, onProgress: (p) => progress.push(p) });
    expect(file.size).toBe(5000);
    expect(u.content().equals(data)).toBe(true);
    expect(progress.map((p) => [p.uploadedBytes, p.totalBytes])).toEqual([
      [2000, 5000],
      [4000, 5000],
      [5000, 5000],
    ]);
    expect(u.server.frames[1]!.payload).toEqual({ name: 'logo.png', content_type: 'image/png', size: 5000 });
  });

  it('uploads a Uint8Array, a web ReadableStream and an empty file', async () => {
    const u = await uploadServer();
    cleanup.add(u.server, (s) => s.close());
    const client = cleanup.add(fixtureClient(u.server.url), (c) => c.close());
    await client.connect();
    const a = randomBytes(3000);
    expect((await client.uploadFile({ name: 'a', contentType: 'application/octet-stream', data: new Uint8Array(a), chunkSize: 1024 })).size).toBe(3000);
    expect(u.content('st-1').equals(a)).toBe(true);
    const b = randomBytes(2500);
    const web = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(b.subarray(0, 100));
        ctl.enqueue(b.subarray(100));
        ctl.close();
      },
    });
    expect((await client.uploadFile({ name: 'b', contentType: 'text/plain', data: web, chunkSize: 1024 })).size).toBe(2500);
    expect(u.content('st-2').equals(b)).toBe(true);
    const empty = await client.uploadFile({ name: 'empty', contentType: 'text/plain', data: new Uint8Array(0) });
    expect(empty.size).toBe(0);
    expect(u.server.frames.filter((f) => f.type === 'file.stream.chunk' && f.payload.stream_id === 'st-3')).toHaveLength(0);
  });

  it('rejects with the chunk error and does not complete the upload', async () => {
    const u = await uploadServer({ failChunk: 1 });
    cleanup.add(u.server, (s) => s.close());
    const client = cleanup.add(fixtureClient(u.server.url), (c) => c.close());
    await client.connect();
    const err = await rejectionOf(client.uploadFile({ name: 'x', contentType: 'text/plain', data: randomBytes(5000), chunkSize: 1000, window: 1 }));
    expect(err).toBeInstanceOf(WsRequestError);
    expect(err.code).toBe('invalid_chunk');
    expect(u.server.frames.some((f) => f.type === 'file.stream.complete')).toBe(false);
    expect(u.server.frames.filter((f) => f.type === 'file.stream.chunk')).toHaveLength(2);
  });

  it('aborts an upload via AbortSignal', async () => {
    const u = await uploadServer({ ackDelayMs: 20 });
    cleanup.add(u.server, (s) => s.close());
    const client = cleanup.add(fixtureClient(u.server.url), (c) => c.close());
    await client.connect();
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
    expect(u.server.frames.filter((f) => f.type === 'file.stream.chunk').length).toBeLessThan(20);
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
