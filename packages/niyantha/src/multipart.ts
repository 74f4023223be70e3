// Multipart upload bodies (POST /files, POST /apps/logo).
//
// Accepted file inputs: Blob / File, Uint8Array (including Node Buffer), ArrayBuffer,
// a web ReadableStream<Uint8Array>, or any async iterable of chunks (a Node Readable).
// Streams are BUFFERED in memory (up to `maxBytes`, default 50 MiB) before sending:
// FormData parts must be Blobs of known size, and a buffered body can be re-sent by the
// transport's retries. Stream very large files through the WebSocket `file.stream.*`
// messages instead.
import { ConfigurationError } from '@s2sdk/core';

/** A Node Readable or any async iterable of byte (or string) chunks. */
export type ChunkIterable = AsyncIterable<Uint8Array | string>;
export type UploadData = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | ChunkIterable;

export interface UploadFileInput {
  /** The content. */
  file: UploadData;
  /** File name of the part (default: the File's name, else `"file"`). */
  filename?: string;
  /** Content-Type of the part (default: the Blob's type, else `application/octet-stream`). */
  contentType?: string;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

function isAsyncIterable(v: unknown): v is ChunkIterable {
  return v != null && typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

async function collect(chunks: ChunkIterable, maxBytes: number): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  let total = 0;
  const encoder = new TextEncoder();
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    if (!(bytes instanceof Uint8Array)) throw new ConfigurationError('upload stream chunks must be Uint8Array/Buffer or string');
    total += bytes.byteLength;
    if (total > maxBytes) {
      const destroy = (chunks as { destroy?: () => void }).destroy;
      if (typeof destroy === 'function') destroy.call(chunks);
      throw new ConfigurationError(`upload stream exceeds maxUploadBytes (${maxBytes} bytes)`);
    }
    parts.push(bytes);
  }
  return parts;
}

async function readStream(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array[]> {
  const reader = stream.getReader();
  const iterable: ChunkIterable = {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
    },
  };
  try {
    return await collect(iterable, maxBytes);
  } catch (err) {
    await stream.cancel().catch(() => undefined);
    throw err;
  }
}

/** Turns any accepted input into a Blob with the right type. */
export async function toBlob(input: UploadFileInput, maxBytes = DEFAULT_MAX_UPLOAD_BYTES): Promise<{ blob: Blob; filename: string }> {
  const data = input.file;
  const named = typeof File !== 'undefined' && data instanceof File ? data.name : undefined;
  const filename = input.filename ?? named ?? 'file';
  if (data instanceof Blob) {
    const type = input.contentType ?? (data.type || 'application/octet-stream');
    return { blob: data.type === type ? data : new Blob([data], { type }), filename };
  }
  const type = input.contentType ?? 'application/octet-stream';
  if (data instanceof Uint8Array) return { blob: new Blob([data as Uint8Array<ArrayBuffer>], { type }), filename };
  if (data instanceof ArrayBuffer) return { blob: new Blob([data], { type }), filename };
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) return { blob: new Blob((await readStream(data, maxBytes)) as Uint8Array<ArrayBuffer>[], { type }), filename };
  if (isAsyncIterable(data)) return { blob: new Blob((await collect(data, maxBytes)) as Uint8Array<ArrayBuffer>[], { type }), filename };
  throw new ConfigurationError('upload `file` must be a Blob, File, Uint8Array/Buffer, ArrayBuffer, ReadableStream or async iterable (Node Readable)');
}

/** Builds the multipart/form-data body: the binary `file` part plus string fields. */
export async function buildForm(input: UploadFileInput, fields: Record<string, string | number | undefined>, maxBytes?: number): Promise<FormData> {
  if (!input || typeof input !== 'object' || input.file == null) throw new ConfigurationError('upload input `{ file }` is required');
  const { blob, filename } = await toBlob(input, maxBytes);
  if (maxBytes !== undefined && blob.size > maxBytes) throw new ConfigurationError(`upload exceeds maxUploadBytes (${maxBytes} bytes)`);
  const form = new FormData();
  form.append('file', blob, filename);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, String(v));
  return form;
}
