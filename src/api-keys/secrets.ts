import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits behind a recognisable prefix, so leaked keys are easy to grep for. */
export function generateSecret(): string {
  return `ltc_${randomBytes(32).toString('base64url')}`;
}

/** Secrets carry 256 bits of entropy, so one SHA-256 round is enough: there is nothing to brute-force. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(hashSecret(a), hashSecret(b));
}
