// Users: newsroom accounts (admin only). Deactivation, not deletion, ends an account: the audit log
// and revisions name users by id, and "own article" links must keep meaning something.
import { and, count, eq, ne, type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { authors, sessions, users } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';
import { conflict, notFound, unprocessable } from '../../http/errors.js';
import { type Page, paginate } from '../../http/list.js';
import type { SortableField } from '../../http/pagination.js';
import { recordAudit } from '../audit/service.js';
import { escapeLike } from '../tags/service.js';
import { hashPassword } from './passwords.js';
import type { User, UserCreate, UserListQuery, UserUpdate } from './schemas.js';

export type UserRow = typeof users.$inferSelect;

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    active: row.active,
    authorId: row.authorId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const SORTABLE: Record<string, SortableField> = {
  email: { expr: sql`${users.email}`, read: (r) => String(r.email), cast: 'text' },
  displayName: { expr: sql`${users.displayName}`, read: (r) => String(r.displayName), cast: 'text' },
  createdAt: { expr: sql`${users.createdAt}`, read: (r) => (r.createdAt as Date).toISOString(), cast: 'timestamptz' },
};

export async function listUsers(db: Db, q: UserListQuery, selfUrl: string): Promise<Page<User>> {
  const where: SQL[] = [];
  if (q['filter[role]']) where.push(eq(users.role, q['filter[role]']));
  if (q['filter[active]'] !== undefined) where.push(eq(users.active, q['filter[active]']));
  if (q['filter[email][contains]']) where.push(sql`${users.email} ILIKE ${'%' + escapeLike(q['filter[email][contains]']) + '%'}`);
  const page = await paginate<UserRow>({
    query: q,
    sortable: SORTABLE,
    defaultSort: 'email',
    idExpr: sql`${users.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) => db.select().from(users).where(and(...where, seek)).orderBy(...orderBy).limit(limit),
    count: async () => Number((await db.select({ n: count() }).from(users).where(and(...where)))[0].n),
  });
  return { ...page, items: page.items.map(toUser) };
}

async function loadUser(db: Db, id: string): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  if (!row) throw notFound('User');
  return row;
}

export async function getUser(db: Db, id: string): Promise<User> {
  return toUser(await loadUser(db, id));
}

async function checkEmailFree(db: Db, email: string, exceptId?: string) {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (row && row.id !== exceptId) throw conflict('A user with this email already exists.', '/body/email');
}

/** The author profile must exist (422) and belong to no other user (409): "own" needs one owner. */
async function checkAuthorLink(db: Db, authorId: string, exceptId?: string) {
  const [author] = await db.select({ id: authors.id }).from(authors).where(eq(authors.id, authorId));
  if (!author) throw unprocessable([{ pointer: '/body/authorId', detail: `refers to a missing author (${authorId})` }]);
  const [owner] = await db.select({ id: users.id }).from(users).where(eq(users.authorId, authorId));
  if (owner && owner.id !== exceptId) throw conflict('This author profile is already linked to another user.', '/body/authorId');
}

export async function createUser(db: Db, input: UserCreate, ctx: WriteContext): Promise<User> {
  const email = normalizeEmail(input.email);
  await checkEmailFree(db, email);
  if (input.authorId) await checkAuthorLink(db, input.authorId);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({
        id: uuidv7(),
        email,
        displayName: input.displayName,
        role: input.role,
        active: input.active ?? true,
        passwordHash,
        authorId: input.authorId ?? null,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await recordAudit(tx, ctx, { action: 'user.create', resourceType: 'user', resourceId: row.id, details: { email, role: row.role } });
    return toUser(row);
  });
}

export async function updateUser(db: Db, id: string, input: UserUpdate, ctx: WriteContext): Promise<User> {
  const current = await loadUser(db, id);
  const email = input.email !== undefined ? normalizeEmail(input.email) : undefined;
  if (email !== undefined) await checkEmailFree(db, email, id);
  if (input.authorId) await checkAuthorLink(db, input.authorId, id);
  const losesAdmin = current.role === 'admin' && current.active && ((input.role && input.role !== 'admin') || input.active === false);
  if (losesAdmin) await checkAnotherAdmin(db, id);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({
        email,
        displayName: input.displayName,
        role: input.role,
        active: input.active,
        authorId: input.authorId,
        passwordHash,
        updatedAt: ctx.now,
      })
      .where(eq(users.id, id))
      .returning();
    if (!row) throw notFound('User');
    // A new password or a deactivation ends every session: whoever held one must prove themselves again.
    // (Sessions of inactive users are refused anyway; revoking keeps them dead if the user is reactivated.)
    if (passwordHash !== undefined || input.active === false) {
      await tx.update(sessions).set({ revokedAt: ctx.now }).where(and(eq(sessions.userId, id), sql`${sessions.revokedAt} IS NULL`));
    }
    // Field names only: never the password.
    await recordAudit(tx, ctx, { action: 'user.update', resourceType: 'user', resourceId: id, details: { fields: Object.keys(input) } });
    return toUser(row);
  });
}

/** Refuses to demote or deactivate the last active admin: nobody could manage users afterwards. */
async function checkAnotherAdmin(db: Db, id: string) {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true), ne(users.id, id)));
  if (Number(row.n) === 0) throw conflict('This is the last active admin: make another user admin first.');
}
