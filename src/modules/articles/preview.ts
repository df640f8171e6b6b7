// Signed preview tokens: `<articleId>.<expiry in Unix seconds>.<HMAC-SHA256>`, granting read access to
// exactly one article until the expiry. Stateless: nothing is stored, so a link cannot be revoked
// early; keep the lifetime short (PREVIEW_TTL_SECONDS).
import { createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;

// The prefix keeps these MACs apart from any other use of the same key.
const mac = (secret: string, articleId: string, exp: number) =>
  createHmac('sha256', secret).update(`dateline-preview:${articleId}:${exp}`).digest();

export function signPreviewToken(secret: string, articleId: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${articleId}.${exp}.${mac(secret, articleId, exp).toString('base64url')}`;
}

export type PreviewCheck = { ok: true; articleId: string; expiresAt: Date } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** Checks form, signature (in constant time) and expiry, in that order. */
export function verifyPreviewToken(secret: string, token: string, now: Date): PreviewCheck {
  const m = TOKEN.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, articleId, expText, sig] = m;
  const exp = Number(expText);
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(secret, articleId, exp);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  const expiresAt = new Date(exp * 1000);
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, articleId, expiresAt };
}
