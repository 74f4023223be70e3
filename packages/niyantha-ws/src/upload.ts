// Chunked file upload over the request/reply socket:
//   file.stream.start { name, content_type, size } → N × file.stream.chunk { upload_id, seq, data(base64) }
//   → file.stream.complete { upload_id }
// Up to `window` chunks are in flight at once (frames leave in order on the single socket and
// the server handles them in arrival order); progress is reported from the chunk
// acknowledgements (`received_bytes` / `total_bytes`), never from what was merely sent.
// Works with no node builtins: Buffer is used for base64 only when the runtime has it.
import { ConfigurationError } from '@s2sdk/core';
import { RequestAbortedError } from './errors.js';
import type { RequestOptions } from './types.js';

/** Anything with an async iterator of bytes: a Node Readable (NodeJS.ReadableStream), an async generator, … */
export type ByteAsyncIterable = AsyncIterable<Uint8Array | string>;

/** What `uploadFile` accepts as content. Buffer is a Uint8Array. */
export type UploadData = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | ByteAsyncIterable;

export interface UploadProgress {
  /** Bytes acknowledged by the server so far. */
  uploadedBytes: number;
  /** Size of the file (the server's `total_bytes`). */
  totalBytes: number;
  /** Chunks acknowledged so far. */
  chunks: number;
}

export interface UploadFileOptions {
  /** File name to store. */
  name: string;
  /** Media type, e.g. `image/png`. */
  contentType: string;
  data: UploadData;
  /**
   * Exact size in bytes. Required by `file.stream.start`: known for Blob/Uint8Array/ArrayBuffer;
   * for streams, pass it to upload while reading — without it the stream is first read into memory.
   */
  size?: number;
  /** Optional lower-case hex SHA-256 of the whole file; the server verifies it at completion. */
  sha256?: string;
  /** Upper bound of decoded bytes per chunk (default: the server's `chunk_size`, else 256 KiB). */
  chunkSize?: number;
  /** Chunks sent ahead of their acknowledgement (default 4; 1 = strictly sequential). */
  window?: number;
  /** Called after every acknowledged chunk. Exceptions thrown by it are ignored. */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload (rejects with RequestAbortedError). The server is not notified: the stream is left incomplete. */
  signal?: AbortSignal;
  /** Timeout of each message of the upload (default: the client's request timeout). */
  timeoutMs?: number;
}

/** How the upload messages look on the wire (defaults follow specs/niyantha/asyncapi.yaml). */
export interface UploadProtocol<File = unknown> {
  startType: string;
  chunkType: string;
  completeType: string;
  start(init: { name: string; contentType: string; size: number; sha256: string | undefined }): unknown;
  /** The stream/upload id from the start reply. */
  uploadId(startReply: unknown): string | number;
  /** Server's preferred maximum raw chunk size from the start reply, if any. */
  maxChunkBytes?(startReply: unknown): number | undefined;
  chunk(init: { uploadId: string | number; index: number; offset: number; data: string; size: number }): unknown;
  /** Progress reported by a chunk acknowledgement, when the protocol has it. If it throws, the upload fails with that error (like a chunk error). */
  ackProgress?(ack: unknown): { receivedBytes: number; totalBytes?: number } | undefined;
  complete(init: { uploadId: string | number; chunks: number; size: number }): unknown;
  file(completeReply: unknown): File;
}

export type UploadSend = (type: string, payload: unknown, options?: RequestOptions) => Promise<unknown>;

export const DEFAULT_CHUNK_SIZE = 256 * 1024;
export const DEFAULT_WINDOW = 4;

export async function uploadFile<File>(send: UploadSend, protocol: UploadProtocol<File>, opts: UploadFileOptions): Promise<File> {
  // Every message of the upload carries an internal signal: when the upload fails (first chunk
  // error) or the caller aborts, the chunks still waiting for their reply — or still queued while
  // the client reconnects — are abandoned at once instead of being sent for a dead upload.
  const controller = new AbortController();
  const { signal: userSignal } = opts;
  const onUserAbort = () => controller.abort(userSignal?.reason);
  if (userSignal?.aborted) onUserAbort();
  else userSignal?.addEventListener('abort', onUserAbort, { once: true });
  try {
    return await upload(send, protocol, opts, controller);
  } finally {
    userSignal?.removeEventListener('abort', onUserAbort);
    // Nothing of this upload may outlive it (late chunk replies are dropped by the client).
    if (!controller.signal.aborted) controller.abort();
  }
}

async function upload<File>(send: UploadSend, protocol: UploadProtocol<File>, opts: UploadFileOptions, controller: AbortController): Promise<File> {
  const signal = controller.signal;
  const reqOpts: RequestOptions = { signal };
  if (opts.timeoutMs !== undefined) reqOpts.timeoutMs = opts.timeoutMs;
  const window = Math.max(1, Math.floor(opts.window ?? DEFAULT_WINDOW));
  let data = opts.data;
  let totalBytes = opts.size ?? knownSize(data);
  if (totalBytes === undefined) {
    // The protocol needs the exact size up front: read the stream into memory.
    data = await readAll(data);
    totalBytes = data.byteLength;
  }
  if (!Number.isInteger(totalBytes) || totalBytes < 1) throw new ConfigurationError(`uploadFile(${opts.name}): size must be a positive integer (empty files cannot be uploaded)`);
  const size = totalBytes;

  const started = await send(protocol.startType, protocol.start({ name: opts.name, contentType: opts.contentType, size, sha256: opts.sha256 }), reqOpts);
  const uploadId = protocol.uploadId(started);
  const serverMax = protocol.maxChunkBytes?.(started);
  let chunkSize = Math.floor(opts.chunkSize ?? serverMax ?? DEFAULT_CHUNK_SIZE);
  if (serverMax !== undefined && serverMax > 0) chunkSize = Math.min(chunkSize, serverMax);
  chunkSize = Math.max(1, chunkSize);

  const progress: UploadProgress = { uploadedBytes: 0, totalBytes: size, chunks: 0 };
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let index = 0;
  let offset = 0;

  const report = () => {
    try {
      opts.onProgress?.({ ...progress });
    } catch {
      /* a failing progress callback must not break the upload */
    }
  };

  for await (const bytes of rechunk(data, chunkSize)) {
    if (failure) break;
    if (signal?.aborted) {
      failure = { error: new RequestAbortedError(protocol.chunkType, `${uploadId}#${index}`, { cause: signal.reason }) };
      break;
    }
    const n = bytes.byteLength;
    if (offset + n > size) {
      failure = { error: new ConfigurationError(`uploadFile(${opts.name}): the data is longer than the declared size ${size}`) };
      break;
    }
    const payload = protocol.chunk({ uploadId, index, offset, data: toBase64(bytes), size: n });
    index++;
    offset += n;
    // A chunk promise never rejects: a failure (the chunk's error reply, or a protocol function
    // throwing on its acknowledgement) is recorded in `failure`, so no rejection is ever left
    // without a handler, whichever chunks the window happens to await.
    const p: Promise<void> = send(protocol.chunkType, payload, reqOpts)
      .then((ack) => {
        inFlight.delete(p);
        const reported = protocol.ackProgress?.(ack);
        progress.uploadedBytes = reported ? Math.max(progress.uploadedBytes, reported.receivedBytes) : progress.uploadedBytes + n;
        if (reported?.totalBytes !== undefined) progress.totalBytes = reported.totalBytes;
        progress.chunks++;
        report();
      })
      .catch((error: unknown) => {
        inFlight.delete(p);
        if (failure) return;
        failure = { error };
        // Abandon the other chunks (in flight or queued) of this now dead upload.
        controller.abort(error);
      });
    inFlight.add(p);
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  // A failed upload does not wait for its other chunks: they are abandoned (their rejections are recorded above).
  if (failure && !signal.aborted) controller.abort(failure.error);
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  if (offset !== size) throw new ConfigurationError(`uploadFile(${opts.name}): the data had ${offset} bytes but the declared size is ${size}`);
  const completed = await send(protocol.completeType, protocol.complete({ uploadId, chunks: index, size: offset }), reqOpts);
  return protocol.file(completed);
}

async function readAll(data: UploadData): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const p of rechunk(data, 1 << 20)) {
    parts.push(p.slice());
    total += p.byteLength;
  }
  return concat(parts, total);
}

function knownSize(data: UploadData): number | undefined {
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  if (data instanceof Uint8Array) return data.byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  return undefined;
}

/** Yields the data as pieces of exactly `size` bytes (the last one may be shorter). */
export async function* rechunk(data: UploadData, size: number): AsyncGenerator<Uint8Array> {
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    for (let off = 0; off < data.size; off += size) yield new Uint8Array(await data.slice(off, off + size).arrayBuffer());
    return;
  }
  if (data instanceof ArrayBuffer) data = new Uint8Array(data);
  if (data instanceof Uint8Array) {
    for (let off = 0; off < data.byteLength; off += size) yield data.subarray(off, Math.min(off + size, data.byteLength));
    return;
  }
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const encoder = new TextEncoder();
  for await (const piece of iterateBytes(data as ReadableStream<Uint8Array> | ByteAsyncIterable)) {
    let bytes = typeof piece === 'string' ? encoder.encode(piece) : piece;
    while (bytes.byteLength > 0) {
      const take = Math.min(size - pendingBytes, bytes.byteLength);
      pending.push(bytes.subarray(0, take));
      pendingBytes += take;
      bytes = bytes.subarray(take);
      if (pendingBytes === size) {
        yield concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield concat(pending, pendingBytes);
}

async function* iterateBytes(data: ReadableStream<Uint8Array> | ByteAsyncIterable): AsyncGenerator<Uint8Array | string> {
  if (typeof (data as ReadableStream<Uint8Array>).getReader === 'function') {
    // WHATWG streams are not async iterable in every browser: read them explicitly.
    const reader = (data as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (typeof (data as ByteAsyncIterable)[Symbol.asyncIterator] === 'function') {
    for await (const piece of data as ByteAsyncIterable) {
      if (typeof piece === 'string' || piece instanceof Uint8Array) yield piece;
      else throw new TypeError('upload data yielded something that is neither bytes nor a string');
    }
    return;
  }
  throw new TypeError('upload data must be a Blob, Uint8Array/Buffer, ArrayBuffer, ReadableStream or async iterable of bytes');
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  if (parts.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

type BufferLike = { from(data: ArrayBufferLike, offset: number, length: number): { toString(enc: 'base64'): string } };

/** Standard base64 of `bytes` (Buffer when the runtime has it, else btoa in slices). */
export function toBase64(bytes: Uint8Array): string {
  const B = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (B) return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let bin = '';
  const STEP = 0x8000;
  for (let i = 0; i < bytes.byteLength; i += STEP) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + STEP) as unknown as number[]);
  return btoa(bin);
}
