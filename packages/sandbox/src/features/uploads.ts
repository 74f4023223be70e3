// Chunked upload over the WebSocket (asyncapi.yaml "Chunked file upload"): `file.stream.start`
// opens a `FileUpload` of the account (expires after an hour, x-decision of FileStreamStarted),
// `file.stream.chunk` appends the next `seq` (order, chunk size and the declared size checked;
// re-sending the last acknowledged chunk is acknowledged again), `file.stream.complete` checks
// the size and the optional SHA-256 and creates the File (REST `getFile`, WS `account.files.get`).
// The chunks are kept (base64) until completion, so an upload survives a --state restart; the
// File keeps only name, type and size, like multipart uploads.
import { createHash, randomBytes } from 'node:crypto';
import type { Engine } from '../engine.js';
import { fail, notFound, ok, validationFailed, type Outcome } from '../outcome.js';
import type { Rec } from '../store.js';

type Obj = Record<string, unknown>;

export const UPLOADS = 'FileUpload';
/** FileStreamStarted.chunk_size (x-decision: 262144 = 256 KiB). */
export const CHUNK_SIZE = 262_144;
/** FileStreamStarted x-decision: an upload expires one hour after it was started. */
export const UPLOAD_TTL_SECONDS = 3600;
/** AppSettings.max_upload_bytes of the spec's example (what getAppSettings answers). */
export const MAX_UPLOAD_BYTES = 10_485_760;
/** Open uploads per account before `rate_limited` (the spec names no number). */
export const MAX_OPEN_UPLOADS = 10;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The account's open upload (expired ones are answered by the callers, then discarded). */
function findUpload(engine: Engine, uploadId: unknown): Rec | undefined {
  return engine.store.all(UPLOADS, (r) => r.upload_id === uploadId && r.account_id === engine.accountId())[0];
}

function expired(engine: Engine, up: Rec): Outcome | undefined {
  if (Number(up.expires_at) > engine.now()) return undefined;
  engine.store.delete(UPLOADS, up.id);
  return { ...fail(410, 'upload_expired', `Upload ${String(up.upload_id)} expired at ${String(up.expires_at)}`), changed: true };
}

export function startUpload(engine: Engine, payload: Obj): Outcome {
  const size = Number(payload.size);
  if (size > MAX_UPLOAD_BYTES) return fail(413, 'payload_too_large', `size ${size} is above the ${MAX_UPLOAD_BYTES} bytes an upload may have`);
  const now = engine.now();
  const open = engine.store.all(UPLOADS, (r) => r.account_id === engine.accountId() && Number(r.expires_at) > now);
  if (open.length >= MAX_OPEN_UPLOADS) return fail(429, 'rate_limited', `Too many open uploads (${MAX_OPEN_UPLOADS}); complete one or wait for it to expire`);
  const upload = {
    upload_id: `up_${randomBytes(9).toString('base64url')}`,
    account_id: engine.accountId(),
    name: payload.name,
    content_type: payload.content_type,
    size,
    sha256: typeof payload.sha256 === 'string' ? payload.sha256 : null,
    chunk_size: CHUNK_SIZE,
    expires_at: now + UPLOAD_TTL_SECONDS,
    next_seq: 0,
    received_bytes: 0,
    last_chunk_sha256: null,
    chunks: [] as string[],
  };
  engine.store.insert(UPLOADS, upload);
  return ok({ upload_id: upload.upload_id, chunk_size: upload.chunk_size, expires_at: upload.expires_at });
}

export function appendChunk(engine: Engine, payload: Obj): Outcome {
  const up = findUpload(engine, payload.upload_id);
  if (!up) return notFound('Upload', payload.upload_id);
  const gone = expired(engine, up);
  if (gone) return gone;
  const data = String(payload.data);
  const bytes = Buffer.from(data, 'base64');
  if (data.length % 4 !== 0 || bytes.toString('base64') !== data) return validationFailed([{ path: '/data', message: 'is not padded standard base64' }]);
  const seq = Number(payload.seq);
  const next = Number(up.next_seq);
  const ack = (received: number) => ok({ upload_id: up.upload_id, seq, received_bytes: received, total_bytes: up.size });
  // A lost acknowledgement: the last chunk again, with the same bytes, is acknowledged again.
  if (seq === next - 1 && sha256(bytes) === up.last_chunk_sha256) return ack(Number(up.received_bytes));
  if (seq !== next) return fail(409, 'chunk_out_of_order', `Chunk ${seq} is out of order`, [{ path: '/seq', message: `expected ${next}` }]);
  if (bytes.length > Number(up.chunk_size)) return fail(413, 'payload_too_large', `The chunk has ${bytes.length} bytes; chunk_size is ${String(up.chunk_size)}`);
  const received = Number(up.received_bytes) + bytes.length;
  if (received > Number(up.size)) return fail(422, 'upload_size_mismatch', `The chunk would make ${received} bytes of the declared ${String(up.size)}`);
  engine.store.update(UPLOADS, up.id, { next_seq: next + 1, received_bytes: received, last_chunk_sha256: sha256(bytes), chunks: [...(up.chunks as string[]), data] });
  return ack(received);
}

export function completeUpload(engine: Engine, payload: Obj): Outcome {
  const up = findUpload(engine, payload.upload_id);
  if (!up) return notFound('Upload', payload.upload_id);
  const gone = expired(engine, up);
  if (gone) return gone;
  // Success and the mismatch errors both end the upload.
  engine.store.delete(UPLOADS, up.id);
  if (Number(up.received_bytes) !== Number(up.size)) {
    return { ...fail(422, 'upload_size_mismatch', `Received ${String(up.received_bytes)} bytes; the upload declared ${String(up.size)}`), changed: true };
  }
  const file = Buffer.concat((up.chunks as string[]).map((c) => Buffer.from(c, 'base64')));
  if (typeof up.sha256 === 'string' && sha256(file) !== up.sha256) return { ...fail(422, 'checksum_mismatch', 'The assembled file does not match the sha256 given at file.stream.start'), changed: true };
  const name = String(up.name);
  return engine.create('File', {}, { name, content_type: up.content_type, size: file.length, url: `sandbox://files/${encodeURIComponent(name)}` });
}
