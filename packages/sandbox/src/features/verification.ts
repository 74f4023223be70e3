// Contact / e-mail change of the account profile (openapi.yaml initiateContactUpdate,
// confirmContactUpdate, initiateEmailUpdate, confirmEmailUpdate): initiate stores a challenge
// (`AccountVerification`: kind, the new value, SHA-256 of the OTP, expiry, wrong attempts) and
// "sends" the OTP by printing it to the sandbox log (tokens.ts sendOtp, like platform auth);
// confirm checks verification_id + OTP and then really changes the profile.
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

function initiate(engine: Engine, kind: Kind, body: Obj): Outcome {
  const f = FIELD[kind];
  const value = String(body[f.field]);
  const account = engine.accountId();
  const now = engine.now();
  const key = recipientKey(value);
  const mine = engine.store.all(VERIFICATION_COLLECTION, (r) => r.account_id === account && r.kind === kind);
  const recent = mine.find((r) => r.recipient_key === key && Number(r.resend_after) > now && Number(r.expires_at) > now);
  if (recent) return rateLimited(Number(recent.resend_after) - now, `for this ${kind === 'contact' ? 'phone number' : 'e-mail address'}`);
  // A new verification replaces the account's pending one of the same kind.
  for (const r of mine) engine.store.delete(VERIFICATION_COLLECTION, r.id);
  const verificationId = `${f.prefix}_${randomBytes(9).toString('base64url')}`;
  const otp = sendOtp(engine.log, 'niyantha', `${value} (${kind} update ${verificationId})`);
  const rec = {
    verification_id: verificationId,
    account_id: account,
    kind,
    value,
    recipient_key: key,
    otp_sha256: tokenHash(otp),
    attempts: 0,
    channel: f.channel,
    destination: mask(value, f.channel),
    expires_at: now + CONTACT_VERIFICATION_TTL_SECONDS,
    resend_after: now + CONTACT_RESEND_AFTER_SECONDS,
    created_at: now,
  };
  engine.store.insert(VERIFICATION_COLLECTION, rec);
  return ok({ verification_id: rec.verification_id, channel: rec.channel, destination: rec.destination, expires_at: rec.expires_at, resend_after: rec.resend_after });
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
    return { ...validationFailed([{ path: '/otp', message: 'has expired; start a new verification' }], 'The OTP has expired'), changed: true };
  }
  if (tokenHash(String(body.otp)) !== v.otp_sha256) {
    const attempts = Number(v.attempts) + 1;
    const left = MAX_VERIFICATION_ATTEMPTS - attempts;
    if (left <= 0) engine.store.delete(VERIFICATION_COLLECTION, v.id);
    else engine.store.update(VERIFICATION_COLLECTION, v.id, { attempts });
    const message = left > 0 ? `is wrong (${left} attempt${left === 1 ? '' : 's'} left)` : 'is wrong; no attempts left, start a new verification';
    return { ...validationFailed([{ path: '/otp', message }], 'The OTP is wrong'), changed: true };
  }
  engine.store.delete(VERIFICATION_COLLECTION, v.id);
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
