// Failed-login throttling per account and per client IP, kept in the login_failures table so that
// every API instance sees the same counts.
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { loginFailures } from '../../db/schema/index.js';

export interface LoginLimits {
  perAccount: number;
  perIp: number;
  windowMinutes: number;
}

export interface AttemptKeys {
  account: string;
  ip: string;
}

export const attemptKeys = (email: string, ip: string | null): AttemptKeys => ({ account: `account:${email}`, ip: `ip:${ip ?? 'unknown'}` });

// Any fixed number: the namespace of the advisory locks below (hashtext(key) is the second half).
const LOCK_NAMESPACE = 724_031_003;

/**
 * Counts recent failures and, when under both limits, records this attempt as a failure up front
 * ("pessimistically"); a successful login takes it back with forgive(). Counting and recording
 * happen under a per-key advisory lock, so parallel guesses across instances cannot all slip
 * through between the count and the insert. Returns the seconds to wait when a limit is reached.
 */
export async function reserveAttempt(db: Db, keys: AttemptKeys, limits: LoginLimits, now: Date): Promise<{ retryAfter: number } | null> {
  const windowMs = limits.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs);
  return db.transaction(async (tx) => {
    // Always account first, then IP: a fixed order cannot deadlock.
    for (const key of [keys.account, keys.ip]) {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${key}))`);
    }
    // A failure counts while it is younger than the window; drop this pair's older rows so the table stays small.
    await tx.delete(loginFailures).where(and(inArray(loginFailures.key, [keys.account, keys.ip]), lte(loginFailures.failedAt, since)));
    let retryAfter = 0;
    for (const [key, limit] of [
      [keys.account, limits.perAccount],
      [keys.ip, limits.perIp],
    ] as const) {
      const rows = await tx
        .select({ failedAt: loginFailures.failedAt })
        .from(loginFailures)
        .where(eq(loginFailures.key, key))
        .orderBy(asc(loginFailures.failedAt));
      if (rows.length < limit) continue;
      // Allowed again once enough of the oldest failures have left the window to be under the limit.
      const freedAt = rows[rows.length - limit].failedAt.getTime() + windowMs;
      retryAfter = Math.max(retryAfter, Math.ceil((freedAt - now.getTime()) / 1000), 1);
    }
    if (retryAfter) return { retryAfter };
    await tx.insert(loginFailures).values([
      { key: keys.account, failedAt: now },
      { key: keys.ip, failedAt: now },
    ]);
    return null;
  });
}

/**
 * After a successful login: the account's failures are cleared, and only this attempt's IP row is
 * taken back (clearing the whole IP count would let one valid account reset an attacker's budget).
 */
export async function forgive(db: Db, keys: AttemptKeys, now: Date, windowMinutes: number): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, keys.account));
  await db.execute(
    sql`DELETE FROM login_failures WHERE ctid = (SELECT ctid FROM login_failures WHERE key = ${keys.ip} AND failed_at = ${now.toISOString()} LIMIT 1)`,
  );
  // Keys that are never tried again would keep their rows; sweep everything past the window now and then.
  await db.delete(loginFailures).where(lte(loginFailures.failedAt, new Date(now.getTime() - windowMinutes * 60_000)));
}
