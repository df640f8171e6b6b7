// Sources: agencies, outlets and partners credited on articles.
import { and, count, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { articleSources, sources } from '../../db/schema/index.js';
import { conflict, notFound } from '../../http/errors.js';
import { type Page, paginate, splitList } from '../../http/list.js';
import type { SortableField } from '../../http/pagination.js';
import { slugFrom } from '../../http/slug.js';
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

export async function getSource(db: Db, id: string): Promise<Source> {
  const [row] = await db.select().from(sources).where(eq(sources.id, id));
  if (!row) throw notFound('Source');
  return toSource(row);
}

export async function createSource(db: Db, input: SourceCreate, now = new Date()): Promise<Source> {
  const slug = input.slug ?? slugFrom(input.shortName);
  await assertSlugFree(db, slug);
  const [row] = await db
    .insert(sources)
    .values({ id: uuidv7(), slug, shortName: input.shortName, fullName: input.fullName, url: input.url ?? null, kind: input.kind, createdAt: now, updatedAt: now })
    .returning();
  return toSource(row);
}

export async function updateSource(db: Db, id: string, input: SourceUpdate, now = new Date()): Promise<Source> {
  if (input.slug) await assertSlugFree(db, input.slug, id);
  const [row] = await db.update(sources).set({ ...input, updatedAt: now }).where(eq(sources.id, id)).returning();
  if (!row) throw notFound('Source');
  return toSource(row);
}

/** Refused with 409 while articles cite the source; the FK restrict still guards against a concurrent insert. */
export async function deleteSource(db: Db, id: string): Promise<void> {
  const [row] = await db.select({ id: sources.id }).from(sources).where(eq(sources.id, id));
  if (!row) throw notFound('Source');
  const [usage] = await db.select({ n: count() }).from(articleSources).where(eq(articleSources.sourceId, row.id));
  const articleCount = Number(usage.n);
  if (articleCount) {
    throw conflict(`The source is cited by ${articleCount} articles; remove those citations first.`, undefined, { articles: articleCount });
  }
  const deleted = await db.delete(sources).where(eq(sources.id, row.id)).returning({ id: sources.id });
  if (!deleted.length) throw notFound('Source');
}

async function assertSlugFree(db: Db, slug: string, exceptId?: string) {
  const [row] = await db.select({ id: sources.id }).from(sources).where(eq(sources.slug, slug));
  if (row && row.id !== exceptId?.toLowerCase()) throw conflict(`A source with slug "${slug}" already exists.`, '/body/slug');
}
