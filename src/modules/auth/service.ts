// Login sessions: email + password in, a short-lived bearer token out; sessions authenticate like tokens.
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { sessions, users } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';
import { AppError, unauthorized } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { hashSecret, type Principal, ROLE_SCOPES } from '../tokens/service.js';
import { verifyAgainstDummy, verifyPassword } from '../users/passwords.js';
import { normalizeEmail, toUser } from '../users/service.js';
import { attemptKeys, forgive, type LoginLimits, reserveAttempt } from './login-limits.js';
import type { LoginRequest, Session } from './schemas.js';

/** Session secrets start with dls_, so authentication knows which table to look in. */
export const SESSION_PREFIX = 'dls_';

export interface LoginOptions {
  limits: LoginLimits;
  ttlMinutes: number;
}

/** One body for an unknown email, a wrong password and an inactive account: none may be told apart. */
const badCredentials = () => unauthorized('The email or password is wrong.');

export const tooManyAttempts = (retryAfter: number) =>
  new AppError(429, 'TOO_MANY_REQUESTS', 'Too Many Requests', `Too many failed logins. Try again in ${retryAfter} seconds.`, undefined, {
    retryAfter,
  });

/**
 * What a failed attempt records of the typed email: only something shaped like an email. People
 * sometimes type their password into the email field, and it must not reach the audit log.
 */
const auditedEmail = (email: string) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? { email } : {});

export async function login(db: Db, input: LoginRequest, options: LoginOptions, ctx: WriteContext): Promise<Session> {
  const email = normalizeEmail(input.email);
  const keys = attemptKeys(email, ctx.ip);
  const blocked = await reserveAttempt(db, keys, options.limits, ctx.now);
  if (blocked) {
    await recordAudit(db, ctx, { action: 'auth.login_failed', details: { ...auditedEmail(email), reason: 'rate_limited' } });
    throw tooManyAttempts(blocked.retryAfter);
  }

  const [user] = await db.select().from(users).where(eq(users.email, email));
  // Unknown emails cost one argon2 verification too, so timing does not reveal which accounts exist.
  const passwordOk = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!user || !passwordOk || !user.active) {
    const reason = !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'inactive';
    await recordAudit(db, ctx, { action: 'auth.login_failed', resourceType: user ? 'user' : undefined, resourceId: user?.id, details: { ...auditedEmail(email), reason } });
    throw badCredentials();
  }

  await forgive(db, keys, ctx.now, options.limits.windowMinutes);
  const secret = SESSION_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = new Date(ctx.now.getTime() + options.ttlMinutes * 60_000);
  const sessionId = uuidv7();
  const asUser: WriteContext = {
    ...ctx,
    actor: { type: 'user', id: user.id, name: user.displayName },
    user: { id: user.id, role: user.role, authorId: user.authorId },
  };
  await db.transaction(async (tx) => {
    await tx.insert(sessions).values({ id: sessionId, userId: user.id, tokenHash: hashSecret(secret), createdAt: ctx.now, expiresAt });
    await recordAudit(tx, asUser, { action: 'auth.login', resourceType: 'user', resourceId: user.id, details: { sessionId, expiresAt: expiresAt.toISOString() } });
  });
  return { token: secret, expiresAt: expiresAt.toISOString(), user: toUser(user) };
}

/** Ends one session; later requests with its token get a 401. */
export async function logout(db: Db, sessionId: string, ctx: WriteContext): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(sessions).set({ revokedAt: ctx.now }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
    await recordAudit(tx, ctx, { action: 'auth.logout', resourceType: 'user', resourceId: ctx.user?.id, details: { sessionId } });
  });
}

/**
 * The principal for a session secret, or null when unknown, expired, revoked, or when the user is
 * inactive: the user row is read on every request, so deactivation and role changes apply at once.
 */
export async function authenticateSession(db: Db, secret: string, now: Date): Promise<Principal | null> {
  const [row] = await db
    .select({ sessionId: sessions.id, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashSecret(secret)), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), eq(users.active, true)))
    .limit(1);
  if (!row) return null;
  const { user } = row;
  return {
    kind: 'session',
    id: row.sessionId,
    name: user.displayName,
    scopes: [...ROLE_SCOPES[user.role]],
    user: { id: user.id, role: user.role, authorId: user.authorId },
  };
}
