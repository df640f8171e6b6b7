// Authors: the people credited on articles; the email is for the newsroom, never for readers.
import { and, count, countDistinct, eq, ilike, inArray, type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { articleAuthors, authors } from '../../db/schema/index.js';
import { checkVersion, preconditionFailed, type Versioned } from '../../http/concurrency.js';
import type { WriteContext } from '../../http/context.js';
import { conflict, notFound } from '../../http/errors.js';
import { type Page, paginate, splitList } from '../../http/list.js';
import { pickLocale } from '../../http/localize.js';
import type { SortableField } from '../../http/pagination.js';
import { slugFrom } from '../../http/slug.js';
import { recordAudit } from '../audit/service.js';
import { emitResourceEvent } from '../webhooks/outbox.js';
import { siteLocales } from '../site/service.js';
import { escapeLike } from '../tags/service.js';
import type { Author, AuthorCreate, AuthorListQuery, AuthorPrivate, AuthorUpdate } from './schemas.js';

type AuthorRow = typeof authors.$inferSelect;

/** The public profile; fields are listed one by one so the email can never ride along. */
export function toAuthor(row: AuthorRow, locale: string | undefined, defaultLocale: string): Author {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    bio: pickLocale(row.bios, locale, defaultLocale),
    bios: row.bios,
    avatarUrl: row.avatarUrl,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toAuthorPrivate(row: AuthorRow, locale: string | undefined, defaultLocale: string): AuthorPrivate {
  return { ...toAuthor(row, locale, defaultLocale), email: row.email };
}

const SORTABLE: Record<string, SortableField> = {
  name: { expr: sql`${authors.name}`, read: (r) => String(r.name), cast: 'text' },
  slug: { expr: sql`${authors.slug}`, read: (r) => String(r.slug), cast: 'text' },
  createdAt: { expr: sql`${authors.createdAt}`, read: (r) => (r.createdAt as Date).toISOString(), cast: 'timestamptz' },
};

function authorFilters(q: AuthorListQuery): SQL[] {
  const where: SQL[] = [];
  if (q['filter[slug]']) where.push(eq(authors.slug, q['filter[slug]']));
  if (q['filter[slug][in]']) where.push(inArray(authors.slug, splitList(q['filter[slug][in]'])));
  if (q['filter[name][contains]']) where.push(ilike(authors.name, '%' + escapeLike(q['filter[name][contains]']) + '%'));
  return where;
}

/** `withEmail` is the caller's right to see emails (any authenticated request); the route decides it. */
export async function listAuthors(
  db: Db,
  q: AuthorListQuery,
  selfUrl: string,
  withEmail: boolean,
): Promise<Page<Author | AuthorPrivate>> {
  const { defaultLocale } = await siteLocales(db);
  const filters = authorFilters(q);
  const page = await paginate<AuthorRow>({
    query: q,
    sortable: SORTABLE,
    defaultSort: 'name',
    idExpr: sql`${authors.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) =>
      db.select().from(authors).where(and(...filters, seek)).orderBy(...orderBy).limit(limit),
    count: async () => Number((await db.select({ n: count() }).from(authors).where(and(...filters)))[0].n),
  });
  const map = withEmail ? toAuthorPrivate : toAuthor;
  return { ...page, items: page.items.map((r) => map(r, q.locale, defaultLocale)) };
}

export async function getAuthor(
  db: Db,
  id: string,
  locale: string | undefined,
  withEmail: boolean,
): Promise<Versioned<Author | AuthorPrivate>> {
  const [row] = await db.select().from(authors).where(eq(authors.id, id));
  if (!row) throw notFound('Author');
  const { defaultLocale } = await siteLocales(db);
  const author = withEmail ? toAuthorPrivate(row, locale, defaultLocale) : toAuthor(row, locale, defaultLocale);
  return { ...author, version: row.version };
}

export async function createAuthor(db: Db, input: AuthorCreate, ctx: WriteContext): Promise<Versioned<AuthorPrivate>> {
  const { now } = ctx;
  const { defaultLocale } = await siteLocales(db);
  const slug = input.slug ?? slugFrom(input.name);
  await assertSlugFree(db, slug);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(authors)
      .values({
        id: uuidv7(),
        slug,
        name: input.name,
        bios: input.bios ?? {},
        avatarUrl: input.avatarUrl ?? null,
        email: input.email ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    // The email stays out of the log: it is personal data, and the author row has it.
    await recordAudit(tx, ctx, { action: 'author.create', resourceType: 'author', resourceId: created.id, details: { slug, name: input.name } });
    await emitResourceEvent(tx, 'author', 'created', created, ctx.now);
    return created;
  });
  return { ...toAuthorPrivate(row, undefined, defaultLocale), version: row.version };
}

/** Refuses with 412 when ctx names another version than the stored one (If-Match). */
export async function updateAuthor(db: Db, id: string, input: AuthorUpdate, ctx: WriteContext): Promise<Versioned<AuthorPrivate>> {
  const row = await db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    if (input.slug) await assertSlugFree(tx, input.slug, current.id);
    // Conditional on the version read above: of two concurrent writers only one matches.
    const [updated] = await tx
      .update(authors)
      .set({ ...input, updatedAt: ctx.now, version: sql`${authors.version} + 1` })
      .where(and(eq(authors.id, current.id), eq(authors.version, current.version)))
      .returning();
    if (!updated) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, { action: 'author.update', resourceType: 'author', resourceId: current.id, details: { fields: Object.keys(input) } });
    await emitResourceEvent(tx, 'author', 'updated', updated, ctx.now);
    return updated;
  });
  const { defaultLocale } = await siteLocales(db);
  return { ...toAuthorPrivate(row, undefined, defaultLocale), version: row.version };
}

/** Refused with 409 while articles credit the author; the FK restrict still guards against a concurrent insert. */
export async function deleteAuthor(db: Db, id: string, ctx: WriteContext): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    const [usage] = await tx
      .select({ n: countDistinct(articleAuthors.articleId) })
      .from(articleAuthors)
      .where(eq(articleAuthors.authorId, current.id));
    const articleCount = Number(usage.n);
    if (articleCount) {
      throw conflict(`The author is credited on ${articleCount} articles; remove those credits first.`, undefined, { articles: articleCount });
    }
    const deleted = await tx
      .delete(authors)
      .where(and(eq(authors.id, current.id), eq(authors.version, current.version)))
      .returning({ id: authors.id, slug: authors.slug });
    if (!deleted.length) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, { action: 'author.delete', resourceType: 'author', resourceId: current.id, details: { slug: deleted[0].slug } });
    await emitResourceEvent(tx, 'author', 'deleted', { ...deleted[0], version: current.version }, ctx.now);
  });
}

async function loadVersion(db: Db, id: string) {
  const [row] = await db.select({ id: authors.id, version: authors.version }).from(authors).where(eq(authors.id, id));
  if (!row) throw notFound('Author');
  return row;
}

async function assertSlugFree(db: Db, slug: string, exceptId?: string) {
  const [row] = await db.select({ id: authors.id }).from(authors).where(eq(authors.slug, slug));
  if (row && row.id !== exceptId?.toLowerCase()) throw conflict(`An author with slug "${slug}" already exists.`, '/body/slug');
}
