// Opaque random tokens; only their SHA-256 is kept (so --state files hold no usable secret).
import { createHash, randomBytes, randomInt } from 'node:crypto';

export const newToken = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
export const newOtp = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * "Sends" a new OTP by printing it to the sandbox log — by design the only secret the sandbox
 * ever logs (it has no phone or mailbox to send it to). Platform auth and the Niyantha
 * contact / e-mail verifications both use it; callers keep only `tokenHash(otp)`.
 */
export function sendOtp(log: (line: string) => void, source: string, recipient: string): string {
  const otp = newOtp();
  log(`${source}: OTP for ${recipient}: ${otp}`);
  return otp;
}
