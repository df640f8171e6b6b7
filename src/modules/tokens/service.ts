// API tokens and public read keys: random secrets shown once, stored as SHA-256 hashes, carrying scopes.
import { createHash, randomBytes } from 'node:crypto';
import { and, count, eq, gt, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { apiTokens } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';
import { forbidden, notFound, unprocessable } from '../../http/errors.js';
import { type Page, paginate } from '../../http/list.js';
import type { SortableField } from '../../http/pagination.js';
import { recordAudit } from '../audit/service.js';
import type { ApiToken, ApiTokenCreate, ApiTokenCreated, ApiTokenListQuery } from './schemas.js';

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

export const ROLES = ['admin', 'editor', 'author', 'contributor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a logged-in user's session may do, by role. Scopes are the coarse gate checked by routes;
 * "own articles only" for authors and contributors, and who may publish, are checked per article
 * (src/modules/articles/permissions.ts).
 */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: SCOPES,
  editor: ['content:read', 'content:write', 'content:publish', 'preview:read'],
  author: ['content:read', 'content:write', 'content:publish', 'preview:read'],
  contributor: ['content:read', 'content:write'],
};

export interface Principal {
  /** token: an API token; public: a public read key (sees published content only); session: a logged-in user. */
  kind: 'token' | 'public' | 'session';
  /** The token's or the session's id. */
  id: string;
  /** Token name or user display name, for the audit log. */
  name: string;
  scopes: Scope[];
  /** For sessions: the user, whose role and author link decide what is "own". */
  user?: { id: string; role: Role; authorId: string | null };
}

// Random 256-bit secrets need no slow hash: SHA-256 cannot be brute-forced back to them.
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Prefixes tell credentials apart at a glance (and to secret scanners): dl_ API token, dlp_ public key, dls_ session. */
const PREFIX = { api: 'dl_', public: 'dlp_' } as const;

type TokenRow = typeof apiTokens.$inferSelect;

export async function createToken(
  db: Db,
  input: { name: string; scopes: readonly Scope[]; expiresAt?: Date | null; kind?: 'api' | 'public'; createdByUserId?: string | null },
  now = new Date(),
): Promise<{ id: string; secret: string; row: TokenRow }> {
  const kind = input.kind ?? 'api';
  const secret = PREFIX[kind] + randomBytes(32).toString('base64url');
  const id = uuidv7();
  const [row] = await db
    .insert(apiTokens)
    .values({
      id,
      name: input.name,
      kind,
      // A public key reads like an anonymous caller: it never carries scopes.
      scopes: kind === 'public' ? [] : [...input.scopes],
      tokenHash: hashSecret(secret),
      createdByUserId: input.createdByUserId ?? null,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
    })
    .returning();
  return { id, secret, row };
}

/** The principal for a presented secret, or null when unknown, expired or revoked. */
export async function authenticateToken(db: Db, secret: string, now = new Date()): Promise<Principal | null> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashSecret(secret))).limit(1);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  // Record use at most once a minute so reads do not turn into writes.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  if (row.kind === 'public') return { kind: 'public', id: row.id, name: row.name, scopes: [] };
  return { kind: 'token', id: row.id, name: row.name, scopes: row.scopes as Scope[] };
}

/** API tokens that still authenticate: neither revoked nor expired. Public read keys do not count: they cannot manage anything. */
export async function countActiveTokens(db: Db, now = new Date()): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(apiTokens)
    .where(and(eq(apiTokens.kind, 'api'), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))));
  return Number(row.n);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    scopes: row.scopes as Scope[],
    createdByUserId: row.createdByUserId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

const SORTABLE: Record<string, SortableField> = {
  createdAt: { expr: sql`${apiTokens.createdAt}`, read: (r) => (r.createdAt as Date).toISOString(), cast: 'timestamptz' },
  name: { expr: sql`${apiTokens.name}`, read: (r) => String(r.name), cast: 'text' },
};

export async function listTokens(db: Db, q: ApiTokenListQuery, selfUrl: string): Promise<Page<ApiToken>> {
  const where: SQL[] = [];
  if (q['filter[kind]']) where.push(eq(apiTokens.kind, q['filter[kind]']));
  if (q['filter[revoked]'] !== undefined) where.push(q['filter[revoked]'] ? isNotNull(apiTokens.revokedAt) : isNull(apiTokens.revokedAt));
  const page = await paginate<TokenRow>({
    query: q,
    sortable: SORTABLE,
    defaultSort: '-createdAt',
    idExpr: sql`${apiTokens.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) => db.select().from(apiTokens).where(and(...where, seek)).orderBy(...orderBy).limit(limit),
    count: async () => Number((await db.select({ n: count() }).from(apiTokens).where(and(...where)))[0].n),
  });
  return { ...page, items: page.items.map(toApiToken) };
}

export async function getToken(db: Db, id: string): Promise<ApiToken> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  if (!row) throw notFound('Token');
  return toApiToken(row);
}

/**
 * POST /v1/tokens. `grantable` is what the caller holds: a token manager cannot mint a token
 * stronger than itself (otherwise tokens:manage alone would be every scope).
 */
export async function issueToken(db: Db, input: ApiTokenCreate, grantable: readonly Scope[], ctx: WriteContext): Promise<ApiTokenCreated> {
  const kind = input.kind ?? 'api';
  const scopes = input.scopes ?? [];
  if (kind === 'public' && scopes.length) {
    throw unprocessable([{ pointer: '/body/scopes', detail: 'must be empty: a public read key sees published content only and carries no scopes' }]);
  }
  if (kind === 'api' && !scopes.length) throw unprocessable([{ pointer: '/body/scopes', detail: 'needs at least one scope for an api token' }]);
  const beyond = scopes.filter((s) => !grantable.includes(s));
  if (beyond.length) throw forbidden(`You cannot grant scopes you do not hold: ${beyond.join(', ')}.`);
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= ctx.now) throw unprocessable([{ pointer: '/body/expiresAt', detail: 'must be in the future' }]);
  return db.transaction(async (tx) => {
    const { secret, row } = await createToken(tx, { name: input.name, kind, scopes, expiresAt, createdByUserId: ctx.user?.id ?? null }, ctx.now);
    await recordAudit(tx, ctx, { action: 'token.create', resourceType: 'token', resourceId: row.id, details: { name: row.name, kind, scopes } });
    return { ...toApiToken(row), secret };
  });
}

/** Revoking is final and takes effect on the next request (every request reads the token row). Repeating it changes nothing. */
export async function revokeToken(db: Db, id: string, ctx: WriteContext): Promise<ApiToken> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(apiTokens).where(eq(apiTokens.id, id)).for('update');
    if (!current) throw notFound('Token');
    if (current.revokedAt) return toApiToken(current);
    const [row] = await tx.update(apiTokens).set({ revokedAt: ctx.now }).where(eq(apiTokens.id, id)).returning();
    await recordAudit(tx, ctx, { action: 'token.revoke', resourceType: 'token', resourceId: id, details: { name: row.name, kind: row.kind } });
    return toApiToken(row);
  });
}
