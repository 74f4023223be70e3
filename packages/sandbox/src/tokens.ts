// Opaque random tokens; only their SHA-256 is kept (so --state files hold no usable secret).
import { createHash, randomBytes, randomInt } from 'node:crypto';

export const newToken = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
export const newOtp = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
