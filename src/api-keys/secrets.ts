import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits behind a recognisable prefix, so leaked keys are easy to grep for. */
export function generateSecret(): string {
  return `ltc_${randomBytes(32).toString('base64url')}`;
}

/**
 * Secrets carry 256 bits of entropy, so one SHA-256 round is enough: there is nothing to brute-force.
 * Node's one-shot hash: every request hashes its key, and a Hash object costs more than the digest.
 */
export function hashSecret(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(hashSecret(a), hashSecret(b));
}
