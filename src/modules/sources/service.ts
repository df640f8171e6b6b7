// Sources: agencies, outlets and partners credited on articles.
import { and, count, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { articleSources, sources } from '../../db/schema/index.js';
import { checkVersion, preconditionFailed, type Versioned } from '../../http/concurrency.js';
import type { WriteContext } from '../../http/context.js';
import { conflict, notFound } from '../../http/errors.js';
import { type Page, paginate, splitList } from '../../http/list.js';
import type { SortableField } from '../../http/pagination.js';
import { slugFrom } from '../../http/slug.js';
import { recordAudit } from '../audit/service.js';
import { emitResourceEvent } from '../webhooks/outbox.js';
import type { Source, SourceCreate, SourceListQuery, SourceUpdate } from './schemas.js';

type SourceRow = typeof sources.$inferSelect;
type SourceKind = Source['kind'];

export function toSource(row: SourceRow): Source {
  return {
    id: row.id,
    slug: row.slug,
    shortName: row.shortName,
    fullName: row.fullName,
    url: row.url,
    kind: row.kind,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const SORTABLE: Record<string, SortableField> = {
  shortName: { expr: sql`${sources.shortName}`, read: (r) => String(r.shortName), cast: 'text' },
  slug: { expr: sql`${sources.slug}`, read: (r) => String(r.slug), cast: 'text' },
  createdAt: { expr: sql`${sources.createdAt}`, read: (r) => (r.createdAt as Date).toISOString(), cast: 'timestamptz' },
};

function sourceFilters(q: SourceListQuery): SQL[] {
  const where: SQL[] = [];
  if (q['filter[kind]']) where.push(eq(sources.kind, q['filter[kind]']));
  if (q['filter[kind][in]']) where.push(inArray(sources.kind, splitList(q['filter[kind][in]']) as SourceKind[]));
  if (q['filter[slug]']) where.push(eq(sources.slug, q['filter[slug]']));
  if (q['filter[slug][in]']) where.push(inArray(sources.slug, splitList(q['filter[slug][in]'])));
  return where;
}

export async function listSources(db: Db, q: SourceListQuery, selfUrl: string): Promise<Page<Source>> {
  const filters = sourceFilters(q);
  const page = await paginate<SourceRow>({
    query: q,
    sortable: SORTABLE,
    defaultSort: 'shortName',
    idExpr: sql`${sources.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) =>
      db.select().from(sources).where(and(...filters, seek)).orderBy(...orderBy).limit(limit),
    count: async () => Number((await db.select({ n: count() }).from(sources).where(and(...filters)))[0].n),
  });
  return { ...page, items: page.items.map(toSource) };
}

export async function getSource(db: Db, id: string): Promise<Versioned<Source>> {
  const [row] = await db.select().from(sources).where(eq(sources.id, id));
  if (!row) throw notFound('Source');
  return { ...toSource(row), version: row.version };
}

export async function createSource(db: Db, input: SourceCreate, ctx: WriteContext): Promise<Versioned<Source>> {
  const { now } = ctx;
  const slug = input.slug ?? slugFrom(input.shortName);
  await assertSlugFree(db, slug);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(sources)
      .values({ id: uuidv7(), slug, shortName: input.shortName, fullName: input.fullName, url: input.url ?? null, kind: input.kind, createdAt: now, updatedAt: now })
      .returning();
    await recordAudit(tx, ctx, { action: 'source.create', resourceType: 'source', resourceId: created.id, details: { slug, kind: input.kind } });
    await emitResourceEvent(tx, 'source', 'created', created, ctx.now);
    return created;
  });
  return { ...toSource(row), version: row.version };
}

/** Refuses with 412 when ctx names another version than the stored one (If-Match). */
export async function updateSource(db: Db, id: string, input: SourceUpdate, ctx: WriteContext): Promise<Versioned<Source>> {
  const row = await db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    if (input.slug) await assertSlugFree(tx, input.slug, current.id);
    // Conditional on the version read above: of two concurrent writers only one matches.
    const [updated] = await tx
      .update(sources)
      .set({ ...input, updatedAt: ctx.now, version: sql`${sources.version} + 1` })
      .where(and(eq(sources.id, current.id), eq(sources.version, current.version)))
      .returning();
    if (!updated) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, { action: 'source.update', resourceType: 'source', resourceId: current.id, details: { fields: Object.keys(input) } });
    await emitResourceEvent(tx, 'source', 'updated', updated, ctx.now);
    return updated;
  });
  return { ...toSource(row), version: row.version };
}

/** Refused with 409 while articles cite the source; the FK restrict still guards against a concurrent insert. */
export async function deleteSource(db: Db, id: string, ctx: WriteContext): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    const [usage] = await tx.select({ n: count() }).from(articleSources).where(eq(articleSources.sourceId, current.id));
    const articleCount = Number(usage.n);
    if (articleCount) {
      throw conflict(`The source is cited by ${articleCount} articles; remove those citations first.`, undefined, { articles: articleCount });
    }
    const deleted = await tx
      .delete(sources)
      .where(and(eq(sources.id, current.id), eq(sources.version, current.version)))
      .returning({ id: sources.id, slug: sources.slug });
    if (!deleted.length) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, { action: 'source.delete', resourceType: 'source', resourceId: current.id, details: { slug: deleted[0].slug } });
    await emitResourceEvent(tx, 'source', 'deleted', { ...deleted[0], version: current.version }, ctx.now);
  });
}

async function loadVersion(db: Db, id: string) {
  const [row] = await db.select({ id: sources.id, version: sources.version }).from(sources).where(eq(sources.id, id));
  if (!row) throw notFound('Source');
  return row;
}

async function assertSlugFree(db: Db, slug: string, exceptId?: string) {
  const [row] = await db.select({ id: sources.id }).from(sources).where(eq(sources.slug, slug));
  if (row && row.id !== exceptId?.toLowerCase()) throw conflict(`A source with slug "${slug}" already exists.`, '/body/slug');
}
