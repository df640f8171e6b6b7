// API tokens: random secrets shown once, stored as SHA-256 hashes, carrying scopes.
import { createHash, randomBytes } from 'node:crypto';
import { and, count, eq, gt, isNull, or } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { apiTokens } from '../../db/schema/index.js';

export const SCOPES = [
  'content:read',
  'content:write',
  'content:publish',
  'preview:read',
  'settings:write',
  'users:manage',
  'tokens:manage',
  'webhooks:manage',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  /** token: an API token; public: a public read key (sees published content only); session: a logged-in user. */
  kind: 'token' | 'public' | 'session';
  /** The token's or the session's id. */
  id: string;
  /** Token name or user display name, for the audit log. */
  name: string;
  scopes: Scope[];
  /** For sessions: the user, whose role and author link decide what is "own". */
  user?: { id: string; role: 'admin' | 'editor' | 'author' | 'contributor'; authorId: string | null };
}

// Random 256-bit secrets need no slow hash: SHA-256 cannot be brute-forced back to them.
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export async function createToken(
  db: Db,
  input: { name: string; scopes: readonly Scope[]; expiresAt?: Date | null },
): Promise<{ id: string; secret: string }> {
  const secret = 'dl_' + randomBytes(32).toString('base64url');
  const id = uuidv7();
  await db.insert(apiTokens).values({
    id,
    name: input.name,
    tokenHash: hashSecret(secret),
    scopes: [...input.scopes],
    expiresAt: input.expiresAt ?? null,
  });
  return { id, secret };
}

/** The principal for a presented secret, or null when unknown, expired or revoked. */
export async function authenticateToken(db: Db, secret: string, now = new Date()): Promise<Principal | null> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashSecret(secret))).limit(1);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  // Record use at most once a minute so reads do not turn into writes.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  return { kind: row.kind === 'public' ? 'public' : 'token', id: row.id, name: row.name, scopes: row.scopes as Scope[] };
}

/** Tokens that still authenticate: neither revoked nor expired. */
export async function countActiveTokens(db: Db, now = new Date()): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(apiTokens)
    .where(and(isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))));
  return Number(row.n);
}
