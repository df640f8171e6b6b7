// Reads the database out as transfer records (records.ts): site, taxonomy, then every article by slug.
import { and, asc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articleAuthors, articles, articleSources, articleTags, authors, categories, sources, tags } from '../../db/schema/index.js';
import type { ArticleRow } from '../articles/queries.js';
import type { ArticleStatus, Block } from '../articles/schemas.js';
import { getSiteSettings } from '../site/service.js';
import type { ArticleRecord, AuthorRecord, CategoryRecord, SourceRecord, TagRecord, TransferRecord } from './records.js';

export interface ExportFilter {
  statuses?: ArticleStatus[];
  locale?: string;
}

const PAGE = 200;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Categories with every parent before its children, so an import creates them in order. */
async function categoryRecords(db: Db): Promise<CategoryRecord[]> {
  const rows = await db.select().from(categories).orderBy(asc(categories.position), asc(categories.slug));
  const slugOf = new Map(rows.map((r) => [r.id, r.slug]));
  const out: CategoryRecord[] = [];
  const visit = (parentId: string | null) => {
    for (const r of rows.filter((c) => c.parentId === parentId)) {
      out.push({
        type: 'category',
        slug: r.slug,
        parent: r.parentId ? (slugOf.get(r.parentId) ?? null) : null,
        position: r.position,
        names: r.names,
        descriptions: r.descriptions,
      });
      visit(r.id);
    }
  };
  visit(null);
  return out;
}

export async function* exportRecords(db: Db, filter: ExportFilter = {}): AsyncGenerator<TransferRecord> {
  const { settings } = await getSiteSettings(db);
  yield { type: 'site', settings };
  yield* await categoryRecords(db);
  for (const r of await db.select().from(tags).orderBy(asc(tags.slug))) yield { type: 'tag', slug: r.slug, names: r.names } satisfies TagRecord;
  for (const r of await db.select().from(authors).orderBy(asc(authors.slug))) {
    yield { type: 'author', slug: r.slug, name: r.name, bios: r.bios, avatarUrl: r.avatarUrl, email: r.email } satisfies AuthorRecord;
  }
  for (const r of await db.select().from(sources).orderBy(asc(sources.slug))) {
    yield { type: 'source', slug: r.slug, shortName: r.shortName, fullName: r.fullName, url: r.url, kind: r.kind } satisfies SourceRecord;
  }
  // The first version of each story (the lowest id: ids are time-ordered) before the others, so an import
  // finds the article a translation points at already there.
  const firstOfGroup = sql`NOT EXISTS (SELECT 1 FROM articles o WHERE o.translation_group_id = ${articles.translationGroupId} AND o.id < ${articles.id})`;
  for (const origins of [true, false]) {
    const where: SQL[] = [origins ? firstOfGroup : sql`NOT ${firstOfGroup}`];
    if (filter.statuses?.length) where.push(inArray(articles.status, filter.statuses));
    if (filter.locale) where.push(eq(articles.locale, filter.locale));
    let after: string | undefined;
    for (;;) {
      const rows = await db
        .select()
        .from(articles)
        .where(and(...where, after ? gt(articles.id, after) : undefined))
        .orderBy(asc(articles.id))
        .limit(PAGE);
      if (!rows.length) break;
      yield* await articleRecords(db, rows);
      after = rows[rows.length - 1].id;
    }
  }
}

/** Records of a page of articles, with each relation loaded in one query for the page. */
export async function articleRecords(db: Db, rows: ArticleRow[]): Promise<ArticleRecord[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const group = <T extends { articleId: string }>(list: T[]) => {
    const map = new Map<string, T[]>();
    for (const row of list) map.set(row.articleId, [...(map.get(row.articleId) ?? []), row]);
    return map;
  };
  const categoryIds = [...new Set(rows.map((r) => r.categoryId).filter((x): x is string => Boolean(x)))];
  const categorySlugs = new Map(
    categoryIds.length ? (await db.select({ id: categories.id, slug: categories.slug }).from(categories).where(inArray(categories.id, categoryIds))).map((c) => [c.id, c.slug]) : [],
  );
  const tagLinks = group(
    await db.select({ articleId: articleTags.articleId, slug: tags.slug }).from(articleTags).innerJoin(tags, eq(tags.id, articleTags.tagId))
      .where(inArray(articleTags.articleId, ids)).orderBy(asc(articleTags.position)),
  );
  const authorLinks = group(
    await db.select({ articleId: articleAuthors.articleId, slug: authors.slug, role: articleAuthors.role }).from(articleAuthors)
      .innerJoin(authors, eq(authors.id, articleAuthors.authorId)).where(inArray(articleAuthors.articleId, ids)).orderBy(asc(articleAuthors.position)),
  );
  const sourceLinks = group(
    await db.select({ articleId: articleSources.articleId, slug: sources.slug }).from(articleSources).innerJoin(sources, eq(sources.id, articleSources.sourceId))
      .where(inArray(articleSources.articleId, ids)).orderBy(asc(articleSources.position)),
  );
  // The first version of each story these articles belong to; the others name it as translationOf.
  const groups = [...new Set(rows.map((r) => r.translationGroupId))];
  const firsts = new Map<string, { id: string; locale: string; slug: string }>();
  const firstRows = await db
    .selectDistinctOn([articles.translationGroupId], { group: articles.translationGroupId, id: articles.id, locale: articles.locale, slug: articles.slug })
    .from(articles)
    .where(inArray(articles.translationGroupId, groups))
    .orderBy(articles.translationGroupId, asc(articles.id));
  for (const f of firstRows) firsts.set(f.group, f);
  // Articles named by originalStory.articleId, by key: the id means nothing in another database.
  const originalIds = [...new Set(rows.map((r) => r.originalStory?.articleId).filter((x): x is string => Boolean(x)))];
  const originals = new Map(
    originalIds.length
      ? (await db.select({ id: articles.id, locale: articles.locale, slug: articles.slug }).from(articles).where(inArray(articles.id, originalIds))).map((a) => [a.id, a])
      : [],
  );

  return rows.map((r): ArticleRecord => {
    const first = firsts.get(r.translationGroupId);
    const original = r.originalStory;
    const named = original?.articleId ? originals.get(original.articleId) : undefined;
    return {
      type: 'article',
      locale: r.locale,
      slug: r.slug,
      translationOf: first && first.id !== r.id ? { locale: first.locale, slug: first.slug } : null,
      title: r.title,
      seoTitle: r.seoTitle,
      lead: r.lead,
      body: r.body as Block[],
      status: r.status,
      publishedAt: iso(r.publishedAt),
      firstPublishedAt: iso(r.firstPublishedAt),
      publishAt: iso(r.publishAt),
      unpublishAt: iso(r.unpublishAt),
      embargoUntil: iso(r.embargoUntil),
      createdAt: r.createdAt.toISOString(),
      category: r.categoryId ? (categorySlugs.get(r.categoryId) ?? null) : null,
      tags: (tagLinks.get(r.id) ?? []).map((t) => t.slug),
      authors: (authorLinks.get(r.id) ?? []).map((a) => ({ slug: a.slug, role: a.role })),
      sources: (sourceLinks.get(r.id) ?? []).map((s) => s.slug),
      coverImage: r.coverImage,
      datelinePlace: r.datelinePlace,
      originalStory: original
        ? { publisher: original.publisher, locale: original.locale, url: original.url, ...(named ? { article: { locale: named.locale, slug: named.slug } } : {}) }
        : null,
      seo: r.seo,
      corrections: r.corrections,
    };
  });
}
