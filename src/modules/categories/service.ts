// Categories: the section tree (parent links, sibling order), names and descriptions per locale.
import { and, count, eq, inArray, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { v7 as uuidv7 } from 'uuid';
import { type Db, queryRows } from '../../db/client.js';
import { articles, categories, type Localized } from '../../db/schema/index.js';
import { checkVersion, preconditionFailed, type Versioned } from '../../http/concurrency.js';
import type { WriteContext } from '../../http/context.js';
import { conflict, notFound, unprocessable } from '../../http/errors.js';
import { type Page, paginate, splitList } from '../../http/list.js';
import { pickLocale } from '../../http/localize.js';
import type { SortableField } from '../../http/pagination.js';
import { slugFrom } from '../../http/slug.js';
import { recordAudit } from '../audit/service.js';
import { emitResourceEvent } from '../webhooks/outbox.js';
import { siteLocales } from '../site/service.js';
import type {
  Category,
  CategoryCreate,
  CategoryDetail,
  CategoryListQuery,
  CategoryNode,
  CategoryRef,
  CategoryUpdate,
} from './schemas.js';

type CategoryRow = typeof categories.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Bounds the recursive walks, so even a corrupted parent chain cannot make a query loop forever.
const MAX_DEPTH = 64;
// Any fixed number: serializes re-parenting, see updateCategory.
const TREE_LOCK_ID = 724_031_005;

export function toCategory(row: CategoryRow, locale: string | undefined, defaultLocale: string): Category {
  return {
    id: row.id,
    parentId: row.parentId,
    slug: row.slug,
    position: row.position,
    name: pickLocale(row.names, locale, defaultLocale),
    names: row.names,
    description: pickLocale(row.descriptions, locale, defaultLocale),
    descriptions: row.descriptions,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toCategoryRef(
  row: { id: string; slug: string; names: Localized },
  locale: string | undefined,
  defaultLocale: string,
): CategoryRef {
  return { id: row.id, slug: row.slug, name: pickLocale(row.names, locale, defaultLocale) };
}

/**
 * The parent chain of each category, top-level first, in one query: for breadcrumbs and for
 * categories embedded in other resources. Top-level (and unknown) ids map to [].
 */
export async function getCategoryAncestors(
  db: Db,
  ids: string[],
  locale: string | undefined,
  defaultLocale: string,
): Promise<Map<string, CategoryRef[]>> {
  const unique = [...new Set(ids)];
  const chains = new Map<string, CategoryRef[]>(unique.map((id) => [id, []]));
  if (!unique.length) return chains;
  const rows = await queryRows<{ start_id: string; id: string; slug: string; names: Localized }>(
    db,
    sql`WITH RECURSIVE chain (start_id, ancestor_id, depth) AS (
          SELECT c.id, c.parent_id, 1 FROM categories c
          WHERE c.id IN (${sql.join(unique.map((id) => sql`${id}`), sql`, `)})
          UNION ALL
          SELECT chain.start_id, p.parent_id, chain.depth + 1
          FROM chain JOIN categories p ON p.id = chain.ancestor_id
          WHERE chain.depth < ${MAX_DEPTH}
        )
        SELECT chain.start_id, a.id, a.slug, a.names
        FROM chain JOIN categories a ON a.id = chain.ancestor_id
        ORDER BY chain.start_id, chain.depth DESC`,
  );
  for (const row of rows) {
    // Ids come back in PostgreSQL's lower-case form; callers may have passed upper case.
    const key = unique.find((id) => id.toLowerCase() === row.start_id) ?? row.start_id;
    chains.get(key)?.push(toCategoryRef(row, locale, defaultLocale));
  }
  return chains;
}

/** Matches a category by id or slug; a UUID-shaped value may still be a slug. */
function idOrSlug(table: { id: AnyPgColumn; slug: AnyPgColumn }, value: string): SQL {
  return UUID.test(value) ? or(eq(table.id, value), eq(table.slug, value))! : eq(table.slug, value);
}

/**
 * A SELECT of the ids of a category (by id or slug) and all its descendants, to embed in another
 * query as `column IN (${categoryDescendantsQuery(v)})` so a filter costs no extra round trip.
 */
export function categoryDescendantsQuery(idOrSlugValue: string): SQL {
  const start = UUID.test(idOrSlugValue)
    ? sql`(c.id = ${idOrSlugValue} OR c.slug = ${idOrSlugValue})`
    : sql`c.slug = ${idOrSlugValue}`;
  return sql`WITH RECURSIVE sub (id, depth) AS (
      SELECT c.id, 1 FROM categories c WHERE ${start}
      UNION ALL
      SELECT c.id, sub.depth + 1 FROM categories c JOIN sub ON c.parent_id = sub.id
      WHERE sub.depth < ${MAX_DEPTH}
    )
    SELECT DISTINCT id FROM sub`;
}

/** The same ids as a list, in one query; [] when there is no such category. */
export async function categoryDescendantIds(db: Db, idOrSlugValue: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(db, categoryDescendantsQuery(idOrSlugValue));
  return rows.map((r) => r.id);
}

const SORTABLE: Record<string, SortableField> = {
  position: { expr: sql`${categories.position}`, read: (r) => Number(r.position), cast: 'integer' },
  slug: { expr: sql`${categories.slug}`, read: (r) => String(r.slug), cast: 'text' },
  createdAt: { expr: sql`${categories.createdAt}`, read: (r) => (r.createdAt as Date).toISOString(), cast: 'timestamptz' },
};

function categoryFilters(db: Db, q: CategoryListQuery): SQL[] {
  const where: SQL[] = [];
  if (q['filter[parent]']) {
    const parent = alias(categories, 'parent');
    where.push(inArray(categories.parentId, db.select({ id: parent.id }).from(parent).where(idOrSlug(parent, q['filter[parent]']))));
  }
  if (q['filter[parent][null]'] !== undefined) {
    where.push(q['filter[parent][null]'] ? isNull(categories.parentId) : isNotNull(categories.parentId));
  }
  if (q['filter[slug]']) where.push(eq(categories.slug, q['filter[slug]']));
  if (q['filter[slug][in]']) where.push(inArray(categories.slug, splitList(q['filter[slug][in]'])));
  return where;
}

export async function listCategories(db: Db, q: CategoryListQuery, selfUrl: string): Promise<Page<Category>> {
  const { defaultLocale } = await siteLocales(db);
  const filters = categoryFilters(db, q);
  const page = await paginate<CategoryRow>({
    query: q,
    sortable: SORTABLE,
    defaultSort: 'position',
    idExpr: sql`${categories.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) =>
      db.select().from(categories).where(and(...filters, seek)).orderBy(...orderBy).limit(limit),
    count: async () => Number((await db.select({ n: count() }).from(categories).where(and(...filters)))[0].n),
  });
  return { ...page, items: page.items.map((r) => toCategory(r, q.locale, defaultLocale)) };
}

/** The whole hierarchy for navigation: root nodes with nested children, each level by position then slug. */
export async function listCategoryTree(db: Db, locale: string | undefined): Promise<{ roots: CategoryNode[]; total: number }> {
  const { defaultLocale } = await siteLocales(db);
  const rows = await db.select().from(categories).orderBy(categories.position, categories.slug, categories.id);
  const nodes = new Map<string, Required<CategoryNode>>(
    rows.map((r) => [r.id, { ...toCategory(r, locale, defaultLocale), children: [] }]),
  );
  const roots: CategoryNode[] = [];
  // Rows arrive in sibling order, so appending keeps every children array ordered.
  for (const row of rows) {
    const node = nodes.get(row.id)!;
    if (row.parentId === null) roots.push(node);
    else nodes.get(row.parentId)?.children.push(node);
  }
  return { roots, total: rows.length };
}

async function withAncestors(db: Db, row: CategoryRow, locale: string | undefined, defaultLocale: string): Promise<Versioned<CategoryDetail>> {
  const chains = await getCategoryAncestors(db, [row.id], locale, defaultLocale);
  return { ...toCategory(row, locale, defaultLocale), ancestors: chains.get(row.id) ?? [], version: row.version };
}

export async function getCategory(db: Db, id: string, locale?: string): Promise<Versioned<CategoryDetail>> {
  const [row] = await db.select().from(categories).where(eq(categories.id, id));
  if (!row) throw notFound('Category');
  const { defaultLocale } = await siteLocales(db);
  return withAncestors(db, row, locale, defaultLocale);
}

export async function createCategory(db: Db, input: CategoryCreate, ctx: WriteContext): Promise<Versioned<CategoryDetail>> {
  const { now } = ctx;
  const { defaultLocale } = await siteLocales(db);
  const slug = input.slug ?? slugFrom(pickLocale(input.names, defaultLocale, defaultLocale));
  if (input.parentId) await assertParentExists(db, input.parentId);
  await assertSlugFree(db, slug);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(categories)
      .values({
        id: uuidv7(),
        parentId: input.parentId ?? null,
        slug,
        position: input.position ?? 0,
        names: input.names,
        descriptions: input.descriptions ?? {},
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAudit(tx, ctx, { action: 'category.create', resourceType: 'category', resourceId: created.id, details: { slug, parentId: created.parentId } });
    await emitResourceEvent(tx, 'category', 'created', created, ctx.now);
    return created;
  });
  return withAncestors(db, row, undefined, defaultLocale);
}

/** Refuses with 412 when ctx names another version than the stored one (If-Match). */
export async function updateCategory(db: Db, id: string, input: CategoryUpdate, ctx: WriteContext): Promise<Versioned<CategoryDetail>> {
  return db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    if (input.parentId) {
      // Two moves that are each fine alone (A under B, B under A) must not both commit: one waits for the other.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${TREE_LOCK_ID})`);
      await assertParentExists(tx, input.parentId);
      await assertNoCycle(tx, current.id, input.parentId);
    }
    if (input.slug) await assertSlugFree(tx, input.slug, current.id);
    // Conditional on the version read above: of two concurrent writers only one matches.
    const [row] = await tx
      .update(categories)
      .set({ ...input, updatedAt: ctx.now, version: sql`${categories.version} + 1` })
      .where(and(eq(categories.id, current.id), eq(categories.version, current.version)))
      .returning();
    if (!row) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, { action: 'category.update', resourceType: 'category', resourceId: current.id, details: { fields: Object.keys(input) } });
    await emitResourceEvent(tx, 'category', 'updated', row, ctx.now);
    const { defaultLocale } = await siteLocales(tx);
    return withAncestors(tx, row, undefined, defaultLocale);
  });
}

/** Refused with 409 while subcategories or articles point at it; the FK restrict still guards against a concurrent insert. */
export async function deleteCategory(db: Db, id: string, ctx: WriteContext): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    const [sub] = await tx.select({ n: count() }).from(categories).where(eq(categories.parentId, current.id));
    const [used] = await tx.select({ n: count() }).from(articles).where(eq(articles.categoryId, current.id));
    const children = Number(sub.n);
    const articleCount = Number(used.n);
    if (children) {
      throw conflict(`The category has ${children} subcategories; move or delete them first.`, undefined, { subcategories: children });
    }
    if (articleCount) {
      throw conflict(`The category is used by ${articleCount} articles; move them to another category first.`, undefined, {
        articles: articleCount,
      });
    }
    const deleted = await tx
      .delete(categories)
      .where(and(eq(categories.id, current.id), eq(categories.version, current.version)))
      .returning({ id: categories.id, slug: categories.slug });
    if (!deleted.length) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, { action: 'category.delete', resourceType: 'category', resourceId: current.id, details: { slug: deleted[0].slug } });
    await emitResourceEvent(tx, 'category', 'deleted', { ...deleted[0], version: current.version }, ctx.now);
  });
}

async function loadVersion(db: Db, id: string) {
  const [row] = await db.select({ id: categories.id, version: categories.version }).from(categories).where(eq(categories.id, id));
  if (!row) throw notFound('Category');
  return row;
}

async function assertParentExists(db: Db, parentId: string) {
  const [row] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, parentId));
  if (!row) throw unprocessable([{ pointer: '/body/parentId', detail: 'refers to a category that does not exist' }]);
}

async function assertNoCycle(db: Db, id: string, parentId: string) {
  const parent = parentId.toLowerCase();
  if (parent === id) throw unprocessable([{ pointer: '/body/parentId', detail: 'cannot be the category itself' }]);
  if ((await categoryDescendantIds(db, id)).includes(parent)) {
    throw unprocessable([{ pointer: '/body/parentId', detail: 'cannot be one of its own subcategories (that would make a cycle)' }]);
  }
}

async function assertSlugFree(db: Db, slug: string, exceptId?: string) {
  const [row] = await db.select({ id: categories.id }).from(categories).where(eq(categories.slug, slug));
  if (row && row.id !== exceptId) throw conflict(`A category with slug "${slug}" already exists.`, '/body/slug');
}
