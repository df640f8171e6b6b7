// Tags: CRUD over the tags table, names per locale.
import { and, count, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { tags } from '../../db/schema/index.js';
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
import type { Tag, TagCreate, TagListQuery, TagUpdate } from './schemas.js';

type TagRow = typeof tags.$inferSelect;

export function toTag(row: TagRow, locale: string | undefined, defaultLocale: string): Tag {
  return {
    id: row.id,
    slug: row.slug,
    name: pickLocale(row.names, locale, defaultLocale),
    names: row.names,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const SORTABLE: Record<string, SortableField> = {
  slug: { expr: sql`${tags.slug}`, read: (r) => String(r.slug), cast: 'text' },
  createdAt: { expr: sql`${tags.createdAt}`, read: (r) => (r.createdAt as Date).toISOString(), cast: 'timestamptz' },
  updatedAt: { expr: sql`${tags.updatedAt}`, read: (r) => (r.updatedAt as Date).toISOString(), cast: 'timestamptz' },
};

function tagFilters(q: TagListQuery): SQL[] {
  const where: SQL[] = [];
  if (q['filter[slug]']) where.push(eq(tags.slug, q['filter[slug]']));
  if (q['filter[slug][in]']) where.push(inArray(tags.slug, splitList(q['filter[slug][in]'])));
  if (q['filter[name][contains]']) {
    // Match any locale's name: the jsonb values flattened to text.
    where.push(sql`EXISTS (SELECT 1 FROM jsonb_each_text(${tags.names}) n WHERE n.value ILIKE ${'%' + escapeLike(q['filter[name][contains]']) + '%'})`);
  }
  return where;
}

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

export async function listTags(db: Db, q: TagListQuery, selfUrl: string): Promise<Page<Tag>> {
  const { defaultLocale } = await siteLocales(db);
  const filters = tagFilters(q);
  const page = await paginate<TagRow>({
    query: q,
    sortable: SORTABLE,
    defaultSort: 'slug',
    idExpr: sql`${tags.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) =>
      db.select().from(tags).where(and(...filters, seek)).orderBy(...orderBy).limit(limit),
    count: async () => Number((await db.select({ n: count() }).from(tags).where(and(...filters)))[0].n),
  });
  return { ...page, items: page.items.map((r) => toTag(r, q.locale, defaultLocale)) };
}

export async function getTag(db: Db, id: string, locale?: string): Promise<Versioned<Tag>> {
  const [row] = await db.select().from(tags).where(eq(tags.id, id));
  if (!row) throw notFound('Tag');
  const { defaultLocale } = await siteLocales(db);
  return { ...toTag(row, locale, defaultLocale), version: row.version };
}

export async function createTag(db: Db, input: TagCreate, ctx: WriteContext): Promise<Versioned<Tag>> {
  const { now } = ctx;
  const { defaultLocale } = await siteLocales(db);
  const slug = input.slug ?? slugFrom(pickLocale(input.names, defaultLocale, defaultLocale));
  await assertSlugFree(db, slug);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx.insert(tags).values({ id: uuidv7(), slug, names: input.names, createdAt: now, updatedAt: now }).returning();
    await recordAudit(tx, ctx, { action: 'tag.create', resourceType: 'tag', resourceId: created.id, details: { slug } });
    await emitResourceEvent(tx, 'tag', 'created', created, ctx.now);
    return created;
  });
  return { ...toTag(row, undefined, defaultLocale), version: row.version };
}

/** Refuses with 412 when ctx names another version than the stored one (If-Match). */
export async function updateTag(db: Db, id: string, input: TagUpdate, ctx: WriteContext): Promise<Versioned<Tag>> {
  const row = await db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    if (input.slug) await assertSlugFree(tx, input.slug, current.id);
    // Conditional on the version read above: of two concurrent writers only one matches.
    const [updated] = await tx
      .update(tags)
      .set({ ...input, updatedAt: ctx.now, version: sql`${tags.version} + 1` })
      .where(and(eq(tags.id, current.id), eq(tags.version, current.version)))
      .returning();
    if (!updated) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, { action: 'tag.update', resourceType: 'tag', resourceId: current.id, details: { fields: Object.keys(input) } });
    await emitResourceEvent(tx, 'tag', 'updated', updated, ctx.now);
    return updated;
  });
  const { defaultLocale } = await siteLocales(db);
  return { ...toTag(row, undefined, defaultLocale), version: row.version };
}

/** Deleting a tag in use is a 409 (article_tags restricts it); see the error mapper. */
export async function deleteTag(db: Db, id: string, ctx: WriteContext): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    const deleted = await tx
      .delete(tags)
      .where(and(eq(tags.id, current.id), eq(tags.version, current.version)))
      .returning({ id: tags.id, slug: tags.slug });
    if (!deleted.length) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, { action: 'tag.delete', resourceType: 'tag', resourceId: current.id, details: { slug: deleted[0].slug } });
    await emitResourceEvent(tx, 'tag', 'deleted', { ...deleted[0], version: current.version }, ctx.now);
  });
}

async function loadVersion(db: Db, id: string) {
  const [row] = await db.select({ id: tags.id, version: tags.version }).from(tags).where(eq(tags.id, id));
  if (!row) throw notFound('Tag');
  return row;
}

async function assertSlugFree(db: Db, slug: string, exceptId?: string) {
  const [row] = await db.select({ id: tags.id }).from(tags).where(eq(tags.slug, slug));
  if (row && row.id !== exceptId) throw conflict(`A tag with slug "${slug}" already exists.`, '/body/slug');
}
