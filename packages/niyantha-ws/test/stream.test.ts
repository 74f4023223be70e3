import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger, waitFor } from '@s2sdk/testkit';
import { ConnectionLostError, RequestAbortedError, RequestTimeoutError, StreamOverflowError, WsRequestError } from '../src/errors.js';
import { cleanupList, rejectionOf, startRawServer, type Conn, type Frame } from './helpers/server.js';
import { fixtureClient } from './helpers/client.js';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

const CHUNK = 'ai.thread.send.stream.chunk';
const FINAL = 'ai.thread.send.stream.ok';

function streamingServer(script: (m: Frame, c: Conn) => void) {
  return startRawServer({ onFrame: (m, c) => (m.type === 'ai.thread.send.stream' ? script(m, c) : undefined) });
}

describe('streaming requests', () => {
  it('yields chunks in order and ends with the final reply (return value and .result)', async () => {
    const server = cleanup.add(
      await streamingServer((m, c) => {
        ['Hel', 'lo', '!'].forEach((delta, index) => c.reply(m, CHUNK, { delta, index }));
        c.reply(m, FINAL, { message_id: 77, text: 'Hello!' });
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();

    const s1 = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'hi' });
    const deltas: string[] = [];
    for await (const chunk of s1) deltas.push(chunk.delta);
    expect(deltas).toEqual(['Hel', 'lo', '!']);
    await expect(s1.result).resolves.toEqual({ message_id: 77, text: 'Hello!' });

    const s2 = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'again' });
    const it2 = s2[Symbol.asyncIterator]();
    const seen: unknown[] = [];
    for (let r = await it2.next(); ; r = await it2.next()) {
      if (r.done) {
        expect(r.value).toEqual({ message_id: 77, text: 'Hello!' });
        break;
      }
      seen.push(r.value.index);
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(s2.requestId).toBe(server.frames.filter((f) => f.type === 'ai.thread.send.stream')[1]!.requestId);
  });

  it('throws the error reply after the chunks that preceded it', async () => {
    const server = cleanup.add(
      await streamingServer((m, c) => {
        c.reply(m, CHUNK, { delta: 'partial', index: 0 });
        c.fail(m, 'model_overloaded', 'try again later');
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const s = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'hi' });
    const got: string[] = [];
    const err = await rejectionOf(
      (async () => {
        for await (const chunk of s) got.push(chunk.delta);
      })(),
    );
    expect(got).toEqual(['partial']);
    expect(err).toBeInstanceOf(WsRequestError);
    expect(err.code).toBe('model_overloaded');
    expect(await rejectionOf(s.result)).toBe(err);
  });

  it('fails with ConnectionLostError when the connection drops mid-stream', async () => {
    const server = cleanup.add(
      await streamingServer((m, c) => c.reply(m, CHUNK, { delta: 'a', index: 0 })),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const s = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'hi' });
    const it = s[Symbol.asyncIterator]();
    // The drop comes after the first chunk was received (no race between the chunk and the drop).
    expect((await it.next()).value).toEqual({ delta: 'a', index: 0 });
    server.conns[0]!.ws.terminate();
    expect(await rejectionOf(it.next())).toBeInstanceOf(ConnectionLostError);
    expect(await rejectionOf(s.result)).toBeInstanceOf(ConnectionLostError);
  });

  it('aborts via AbortSignal and drops the frames that follow', async () => {
    const logger = memoryLogger();
    let req: Frame | undefined;
    const server = cleanup.add(
      await streamingServer((m, c) => {
        req = m;
        c.reply(m, CHUNK, { delta: 'a', index: 0 });
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { logger }), (c) => c.close());
    await client.connect();
    const ac = new AbortController();
    const s = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'hi' }, { signal: ac.signal });
    const it = s[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ delta: 'a', index: 0 });
    ac.abort();
    expect(await rejectionOf(it.next())).toBeInstanceOf(RequestAbortedError);
    server.conns[0]!.reply(req!, CHUNK, { delta: 'b', index: 1 });
    server.conns[0]!.reply(req!, FINAL, { message_id: 1, text: 'ab' });
    await waitFor(() => logger.lines.filter((l) => l.includes('dropping a reply for a request that already ended')).length === 2, 'dropped frames');
  });

  it('breaking out of for-await cancels the stream locally', async () => {
    let req: Frame | undefined;
    const server = cleanup.add(
      await streamingServer((m, c) => {
        req = m;
        for (let i = 0; i < 3; i++) c.reply(m, CHUNK, { delta: String(i), index: i });
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    const s = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'hi' });
    for await (const chunk of s) {
      expect(chunk.delta).toBe('0');
      break;
    }
    expect(await rejectionOf(s.result)).toBeInstanceOf(RequestAbortedError);
    server.conns[0]!.reply(req!, FINAL, { message_id: 1, text: '012' });
    expect(client.inFlight).toBe(0);
  });

  it('applies the timeout to inactivity: chunks keep a long stream alive, silence ends it', async () => {
    const server = cleanup.add(
      await streamingServer((m, c) => {
        if (m.payload.message === 'silent') return;
        let i = 0;
        const t = setInterval(() => {
          if (i < 25) c.reply(m, CHUNK, { delta: 'x', index: i++ });
          else {
            clearInterval(t);
            c.reply(m, FINAL, { message_id: 2, text: 'x'.repeat(25) });
          }
        }, 80);
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url), (c) => c.close());
    await client.connect();
    // Total duration (~2 s) exceeds timeoutMs, but no gap (~0.08 s) comes close, even on a loaded machine.
    const ok = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'slow' }, { timeoutMs: 1500 });
    let n = 0;
    for await (const _ of ok) n++;
    expect(n).toBe(25);
    const silent = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'silent' }, { timeoutMs: 50 });
    expect(await rejectionOf(silent.result)).toBeInstanceOf(RequestTimeoutError);
  });

  it('bounds the chunks buffered for a consumer that does not read: StreamOverflowError after the buffered ones', async () => {
    const logger = memoryLogger();
    const server = cleanup.add(
      await streamingServer((m, c) => {
        for (let i = 0; i < 6; i++) c.reply(m, CHUNK, { delta: String(i), index: i });
        c.reply(m, FINAL, { message_id: 1, text: '012345' });
      }),
      (s) => s.close(),
    );
    const client = cleanup.add(fixtureClient(server.url, { logger, maxBufferedChunks: 100 }), (c) => c.close());
    await client.connect();
    // Nobody reads while the chunks arrive; the per-stream limit (3) overrides the client's (100).
    const s = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'hi' }, { maxBufferedChunks: 3 });
    const err = await rejectionOf(s.result);
    expect(err).toBeInstanceOf(StreamOverflowError);
    expect(err.limit).toBe(3);
    expect(err.requestId).toBe(s.requestId);
    // The buffered chunks are still delivered, then the iteration throws; later frames are dropped.
    const got: string[] = [];
    const iterErr = await rejectionOf(
      (async () => {
        for await (const chunk of s) got.push(chunk.delta);
      })(),
    );
    expect(got).toEqual(['0', '1', '2']);
    expect(iterErr).toBe(err);
    await waitFor(() => logger.lines.filter((l) => l.includes('dropping a reply for a request that already ended')).length === 3, 'dropped frames');
    expect(client.inFlight).toBe(0);
    // Within the limit nothing changes: all 6 chunks and the final reply.
    const ok = client.stream('ai.thread.send.stream', { thread_id: 1, message: 'again' }, { maxBufferedChunks: 6 });
    await expect(ok.result).resolves.toEqual({ message_id: 1, text: '012345' });
    const all: string[] = [];
    for await (const chunk of ok) all.push(chunk.delta);
    expect(all).toEqual(['0', '1', '2', '3', '4', '5']);
  });
});
