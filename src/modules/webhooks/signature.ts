// Standard Webhooks signing (https://www.standardwebhooks.com): secrets are whsec_<base64 key>, and the
// signature is base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")), sent as "v1,<signature>".
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new signing secret: 24 random bytes, as Standard Webhooks libraries expect. */
export const newSecret = (): string => PREFIX + randomBytes(24).toString('base64');

/** "v1,<base64>" for one secret. */
export function sign(secret: string, msgId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestamp}.${body}`).digest('base64')}`;
}

/** The webhook-signature header: one signature per valid secret, space-separated (during a rotation, two). */
export const signatureHeader = (secrets: string[], msgId: string, timestamp: number, body: string): string =>
  secrets.map((s) => sign(s, msgId, timestamp, body)).join(' ');
