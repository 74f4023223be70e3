// Operations that are not resource CRUD but still change or read the state (see README,
// "Stateless operations", for the ones that do not). One table, keyed by operationId; REST runs
// it after validation and the reference check, WebSocket types that are "Same as REST …" too.
import type { Engine } from './engine.js';
import { estimateRoute, geocodeAddress, reverseGeocode } from './features/geo.js';
import { updateAccountPassword } from './features/password.js';
import { createThread, sendToNitha, sendToThread, threadWithMessages } from './features/threads.js';
import { appendChunk, completeUpload, startUpload } from './features/uploads.js';
import { requestVehicle, reviewVehicleRequest } from './features/vehicle-requests.js';
import { AFA_VERIFICATIONS, mask, rateLimited, recipientKey, startVerification, VERIFICATION_OPERATIONS } from './features/verification.js';
import { notFound, ok, validationFailed, type Outcome } from './outcome.js';

type Obj = Record<string, unknown>;

/** `query`: the validated query of a GET route (or the WebSocket payload of its counterpart). */
export type OperationHandler = (engine: Engine, body: Obj, query?: Obj) => Outcome;

/** createAfa: at most this many unexpired challenges per recipient and account; more → 429 (x-decision, README). */
export const AFA_MAX_ACTIVE_PER_RECIPIENT = 3;

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** The challenge as the API shows it (without the store's numeric id, the owner and the recipient key). */
const view = ({ id: _id, account_id: _a, recipient_key: _r, ...rest }: Obj) => rest;

export const OPERATIONS: Record<string, OperationHandler> = {
  ...VERIFICATION_OPERATIONS,
  updateAccountPassword,
  geocodeAddress,
  reverseGeocode,
  estimateRoute,
  /**
   * openapi.yaml x-decision `afa`: starts an OTP challenge and returns it without the OTP. For
   * purpose contact_update / email_update the challenge is a contact / e-mail verification
   * (features/verification.ts) whose OTP is printed to the sandbox log, and the channel must fit
   * the purpose (422); other purposes keep no OTP. The same `reference` within the challenge's
   * lifetime returns the existing challenge. More than AFA_MAX_ACTIVE_PER_RECIPIENT unexpired
   * challenges for one recipient → 429 with Retry-After (until the oldest one expires).
   */
  createAfa(engine, body) {
    const channel = String(body.channel);
    const recipient = String(body.recipient);
    if (!(channel === 'email' ? EMAIL : E164).test(recipient)) {
      return validationFailed([{ path: '/recipient', message: channel === 'email' ? 'must be an e-mail address for channel email' : `must be an E.164 phone number for channel ${channel}` }]);
    }
    const feeds = AFA_VERIFICATIONS[String(body.purpose)];
    if (feeds && !feeds.channels.includes(channel)) {
      return validationFailed([{ path: '/channel', message: `must be ${feeds.channels.join(' or ')} for purpose ${String(body.purpose)}` }]);
    }
    const now = engine.now();
    if (typeof body.reference === 'string') {
      const same = engine.store.all('AfaResponse', (r) => r.account_id === engine.accountId() && r.reference === body.reference && Number(r.expires_at) > now)[0];
      if (same) return ok(view(same), 201);
    }
    const key = recipientKey(recipient);
    const active = engine.store.all('AfaResponse', (r) => r.account_id === engine.accountId() && r.recipient_key === key && Number(r.expires_at) > now);
    if (active.length >= AFA_MAX_ACTIVE_PER_RECIPIENT) {
      const oldest = Math.min(...active.map((r) => Number(r.expires_at)));
      return rateLimited(oldest - now, 'for this recipient');
    }
    const rec = engine.store.insert('AfaResponse', {
      account_id: engine.accountId(),
      purpose: body.purpose,
      channel,
      destination: mask(recipient, channel),
      recipient_key: key,
      status: 'sent',
      reference: body.reference ?? null,
      metadata: body.metadata ?? {},
      expires_at: now + (typeof body.ttl_seconds === 'number' ? body.ttl_seconds : 300),
      resend_after: now + 30,
      created_at: now,
    });
    const stored = engine.store.update('AfaResponse', rec.id, { afa_id: `afa_sandbox${rec.id}` })!;
    // contact_update / email_update: the challenge is the confirm operations' verification (its
    // OTP goes to the sandbox log); other purposes have no consuming operation, so no OTP exists.
    if (feeds) startVerification(engine, feeds.kind, recipient, { verificationId: String(stored.afa_id), channel, expiresAt: Number(stored.expires_at), resendAfter: Number(stored.resend_after), afaRecord: rec.id });
    return ok(view(stored), 201);
  },

  /**
   * DriverLocationUpdate: becomes the driver profile's `last_location`; a report older than the
   * last accepted one is ignored, one more than 5 minutes in the future is a 422.
   */
  reportDriverLocation(engine, body) {
    const profile = engine.store.getSingleton('DriverProfile');
    if (!profile) return notFound('DriverProfile', 'of this account');
    const now = engine.now();
    const at = Number(body.measured_at);
    if (at > now + 300) return validationFailed([{ path: '/measured_at', message: 'is more than 5 minutes in the future' }]);
    const last = profile.last_location as Obj | null | undefined;
    if (last && Number(last.measured_at) > at) return { status: 204 };
    engine.store.setSingleton('DriverProfile', { ...profile, last_location: body, updated_at: now });
    return { status: 204 };
  },
};

/** The account's like of a review: `ReviewLike` rows, mirrored into the Review's `like_count` / `liked`. */
function like(engine: Engine, payload: Obj, liked: boolean): Outcome {
  const found = engine.find('Review', payload.review_id);
  if ('error' in found) return found.error;
  const review = found.rec;
  const account = engine.accountId();
  const mine = engine.store.all('ReviewLike', (r) => r.review_id === review.id && r.account_id === account)[0];
  let count = Number(review.like_count ?? 0);
  if (liked && !mine) {
    engine.store.insert('ReviewLike', { review_id: review.id, account_id: account, created_at: engine.now() });
    count++;
  } else if (!liked && mine) {
    engine.store.delete('ReviewLike', mine.id);
    count = Math.max(0, count - 1);
  }
  if (count !== Number(review.like_count ?? 0) || review.liked !== liked) engine.store.update('Review', review.id, { like_count: count, liked });
  return ok({ review_id: review.id, liked, like_count: count });
}

/** WebSocket-only types (no REST route) with state, keyed by message type. */
export const WS_OPERATIONS: Record<string, OperationHandler> = {
  'account.review.like.add': (engine, payload) => like(engine, payload, true),
  /** Removing a like that does not exist succeeds without change (asyncapi.yaml). */
  'account.review.like.remove': (engine, payload) => like(engine, payload, false),
  'account.network.vehicle.request': requestVehicle,
  'account.network.vehicle.request.review': reviewVehicleRequest,
  'ai.thread.send': sendToThread,
  /** Streaming types: niyantha-ws streams the stored reply's text, then sends this result as `.ok`. */
  'ai.thread.send.stream': sendToThread,
  'nitha.thread.send.stream': sendToNitha,
  'ai.threads.create': createThread,
  'ai.threads.get': threadWithMessages,
  'file.stream.start': startUpload,
  'file.stream.chunk': appendChunk,
  'file.stream.complete': completeUpload,
};
