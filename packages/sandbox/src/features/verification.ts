// Contact / e-mail change of the account profile (openapi.yaml initiateContactUpdate,
// confirmContactUpdate, initiateEmailUpdate, confirmEmailUpdate): initiate stores a challenge
// (`AccountVerification`: kind, the new value, SHA-256 of the OTP, expiry, wrong attempts) and
// "sends" the OTP by printing it to the sandbox log (tokens.ts sendOtp, like platform auth);
// confirm checks verification_id + OTP and then really changes the profile. An AFA challenge
// (createAfa) of purpose contact_update / email_update starts the same verification under its
// `afa_id` (afa.yaml x-decision: the afa_id is the confirm operations' verification_id), and its
// status follows the outcome (verified / expired / failed).
// Only the OTP's hash is stored, so neither the state, nor errors, nor JSON of a record hold it.
import { createHash, randomBytes } from 'node:crypto';
import type { Engine } from '../engine.js';
import { fail, notFound, ok, validationFailed, type Outcome } from '../outcome.js';
import { sendOtp, tokenHash } from '../tokens.js';

type Obj = Record<string, unknown>;

export const VERIFICATION_COLLECTION = 'AccountVerification';
/** Lifetime of a contact / e-mail OTP (as the spec's examples: expires_at − created = 600 s). */
export const CONTACT_VERIFICATION_TTL_SECONDS = 600;
/** A new OTP for the same recipient only after this many seconds (the examples' resend_after − created). */
export const CONTACT_RESEND_AFTER_SECONDS = 60;
/** Wrong OTPs before the verification ends (as platform auth). */
export const MAX_VERIFICATION_ATTEMPTS = 5;

/** `+919876543210` → `+91******3210`, `asha@example.com` → `a***@example.com`. */
export const mask = (recipient: string, channel: string) =>
  channel === 'email' ? recipient.replace(/^(.)[^@]*/, '$1***') : `${recipient.slice(0, 3)}${'*'.repeat(Math.max(0, recipient.length - 7))}${recipient.slice(-4)}`;

/** A stable, non-reversible key of a recipient (phone numbers and e-mails are not kept in clear beside the profile). */
export const recipientKey = (recipient: string) => createHash('sha256').update(recipient.trim().toLowerCase()).digest('hex');

/** The 429 of the spec (RateLimited: ErrorBody + Retry-After). */
export const rateLimited = (retryAfter: number, what: string): Outcome => ({
  ...fail(429, 'rate_limited', `Too many requests ${what}; try again in ${Math.max(1, retryAfter)} seconds`),
  headers: { 'retry-after': String(Math.max(1, retryAfter)) },
});

type Kind = 'contact' | 'email';
const FIELD: Record<Kind, { field: 'contact' | 'email'; verified: string; channel: string; prefix: string }> = {
  contact: { field: 'contact', verified: 'contact_verified', channel: 'sms', prefix: 'cv' },
  email: { field: 'email', verified: 'email_verified', channel: 'email', prefix: 'ev' },
};

/** The verification an AFA challenge of this purpose feeds (afa.yaml x-decision), and the channels it may use. */
export const AFA_VERIFICATIONS: Record<string, { kind: Kind; channels: readonly string[] } | undefined> = {
  contact_update: { kind: 'contact', channels: ['sms', 'whatsapp'] },
  email_update: { kind: 'email', channels: ['email'] },
};

interface Challenge {
  verificationId: string;
  channel: string;
  expiresAt: number;
  resendAfter: number;
  /** The store id of the AfaResponse this verification belongs to, whose status follows it. */
  afaRecord?: number;
}

/**
 * Stores a verification of `value` for the account (replacing its pending one of the same kind)
 * and "sends" its OTP to the sandbox log; only the OTP's SHA-256 is kept.
 */
export function startVerification(engine: Engine, kind: Kind, value: string, c: Challenge): Obj {
  const account = engine.accountId();
  for (const r of engine.store.all(VERIFICATION_COLLECTION, (r) => r.account_id === account && r.kind === kind)) engine.store.delete(VERIFICATION_COLLECTION, r.id);
  const otp = sendOtp(engine.log, 'niyantha', `${value} (${kind} update ${c.verificationId})`);
  return engine.store.insert(VERIFICATION_COLLECTION, {
    verification_id: c.verificationId,
    account_id: account,
    kind,
    value,
    recipient_key: recipientKey(value),
    otp_sha256: tokenHash(otp),
    attempts: 0,
    channel: c.channel,
    destination: mask(value, c.channel),
    expires_at: c.expiresAt,
    resend_after: c.resendAfter,
    created_at: engine.now(),
    afa_record: c.afaRecord ?? null,
  });
}

function initiate(engine: Engine, kind: Kind, body: Obj): Outcome {
  const f = FIELD[kind];
  const value = String(body[f.field]);
  const account = engine.accountId();
  const now = engine.now();
  const key = recipientKey(value);
  const mine = engine.store.all(VERIFICATION_COLLECTION, (r) => r.account_id === account && r.kind === kind);
  const recent = mine.find((r) => r.recipient_key === key && Number(r.resend_after) > now && Number(r.expires_at) > now);
  if (recent) return rateLimited(Number(recent.resend_after) - now, `for this ${kind === 'contact' ? 'phone number' : 'e-mail address'}`);
  const rec = startVerification(engine, kind, value, {
    verificationId: `${f.prefix}_${randomBytes(9).toString('base64url')}`,
    channel: f.channel,
    expiresAt: now + CONTACT_VERIFICATION_TTL_SECONDS,
    resendAfter: now + CONTACT_RESEND_AFTER_SECONDS,
  });
  return ok({ verification_id: rec.verification_id, channel: rec.channel, destination: rec.destination, expires_at: rec.expires_at, resend_after: rec.resend_after });
}

/** An AFA challenge behind a verification follows its outcome (AfaStatus). */
function settleAfa(engine: Engine, v: Obj, status: 'verified' | 'expired' | 'failed'): void {
  if (typeof v.afa_record === 'number' && engine.store.get('AfaResponse', v.afa_record)) engine.store.update('AfaResponse', v.afa_record, { status });
}

function confirm(engine: Engine, kind: Kind, body: Obj): Outcome {
  const f = FIELD[kind];
  const account = engine.accountId();
  const now = engine.now();
  const id = String(body.verification_id);
  const v = engine.store.all(VERIFICATION_COLLECTION, (r) => r.account_id === account && r.kind === kind && r.verification_id === id)[0];
  const gone = fail(404, 'not_found', `Verification ${id} was not found or has expired`);
  if (!v) return gone;
  if (Number(v.expires_at) <= now) {
    engine.store.delete(VERIFICATION_COLLECTION, v.id);
    settleAfa(engine, v, 'expired');
    return { ...validationFailed([{ path: '/otp', message: 'has expired; start a new verification' }], 'The OTP has expired'), changed: true };
  }
  if (tokenHash(String(body.otp)) !== v.otp_sha256) {
    const attempts = Number(v.attempts) + 1;
    const left = MAX_VERIFICATION_ATTEMPTS - attempts;
    if (left <= 0) {
      engine.store.delete(VERIFICATION_COLLECTION, v.id);
      settleAfa(engine, v, 'failed');
    } else engine.store.update(VERIFICATION_COLLECTION, v.id, { attempts });
    const message = left > 0 ? `is wrong (${left} attempt${left === 1 ? '' : 's'} left)` : 'is wrong; no attempts left, start a new verification';
    return { ...validationFailed([{ path: '/otp', message }], 'The OTP is wrong'), changed: true };
  }
  engine.store.delete(VERIFICATION_COLLECTION, v.id);
  settleAfa(engine, v, 'verified');
  const profile = engine.store.getSingleton('AccountProfile');
  if (!profile) return notFound('AccountProfile', 'of this account');
  return ok(engine.store.setSingleton('AccountProfile', { ...profile, [f.field]: v.value, [f.verified]: true, updated_at: now }));
}

export const VERIFICATION_OPERATIONS = {
  initiateContactUpdate: (engine: Engine, body: Obj) => initiate(engine, 'contact', body),
  confirmContactUpdate: (engine: Engine, body: Obj) => confirm(engine, 'contact', body),
  initiateEmailUpdate: (engine: Engine, body: Obj) => initiate(engine, 'email', body),
  confirmEmailUpdate: (engine: Engine, body: Obj) => confirm(engine, 'email', body),
};
