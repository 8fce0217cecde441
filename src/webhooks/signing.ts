import { createHmac, randomBytes } from 'node:crypto';

/*
 * The Standard Webhooks scheme (https://www.standardwebhooks.com): a secret `whsec_<base64>`, and
 * per message the headers `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature`, `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed by the secret's bytes.
 * The receiver checks the signature and the timestamp's age with any Standard Webhooks library.
 */

const PREFIX = 'whsec_';

/** A new subscription's secret: 32 random bytes. */
export function newSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signedHeaders(secret: string, id: string, sentAt: Date, body: string): SignedHeaders {
  const timestamp = Math.floor(sentAt.getTime() / 1000).toString();
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
