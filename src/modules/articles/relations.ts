// Loads the relations of a page of articles: one query per relation, whatever the page size.
import { and, asc, inArray, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import { articleAuthors, articles, articleSources, articleTags, authors, sources, tags } from '../../db/schema/index.js';
import { pickLocale } from '../../http/localize.js';
import type { Include } from './schemas.js';
import { visibleTo, type Viewer } from './visibility.js';

type Ref<T> = Map<string, T[]>;

export interface CategoryEmbed {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  ancestors: Array<{ id: string; slug: string; name: string }>;
}
export interface Relations {
  tags: Ref<{ id: string; slug?: string; name?: string }>;
  authors: Ref<{ id: string; role: string; name?: string; slug?: string; avatarUrl?: string | null; bio?: string }>;
  sources: Ref<{ id: string; slug?: string; shortName?: string; fullName?: string; url?: string | null; kind?: string }>;
  categories: Map<string, CategoryEmbed>;
  translations: Ref<{ id: string; locale: string; slug: string; title: string; status: string; path: string }>;
}

interface ArticleKey {
  id: string;
  locale: string;
  categoryId: string | null;
  translationGroupId: string;
}

function push<T>(map: Ref<T>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export async function loadRelations(
  db: Db,
  rows: ArticleKey[],
  include: Set<Include>,
  viewer: Viewer,
  defaultLocale: string,
): Promise<Relations> {
  const ids = rows.map((r) => r.id);
  const localeOf = new Map(rows.map((r) => [r.id, r.locale]));
  const rel: Relations = { tags: new Map(), authors: new Map(), sources: new Map(), categories: new Map(), translations: new Map() };
  if (!ids.length) return rel;

  const [tagRows, authorRows, sourceRows, categoryRows, translationRows] = await Promise.all([
    db
      .select({ articleId: articleTags.articleId, id: tags.id, slug: tags.slug, names: tags.names })
      .from(articleTags)
      .innerJoin(tags, sql`${tags.id} = ${articleTags.tagId}`)
      .where(inArray(articleTags.articleId, ids))
      .orderBy(asc(articleTags.articleId), asc(articleTags.position)),
    db
      .select({
        articleId: articleAuthors.articleId,
        id: authors.id,
        role: articleAuthors.role,
        name: authors.name,
        slug: authors.slug,
        avatarUrl: authors.avatarUrl,
        bios: authors.bios,
      })
      .from(articleAuthors)
      .innerJoin(authors, sql`${authors.id} = ${articleAuthors.authorId}`)
      .where(inArray(articleAuthors.articleId, ids))
      .orderBy(asc(articleAuthors.articleId), asc(articleAuthors.position)),
    db
      .select({
        articleId: articleSources.articleId,
        id: sources.id,
        slug: sources.slug,
        shortName: sources.shortName,
        fullName: sources.fullName,
        url: sources.url,
        kind: sources.kind,
      })
      .from(articleSources)
      .innerJoin(sources, sql`${sources.id} = ${articleSources.sourceId}`)
      .where(inArray(articleSources.articleId, ids))
      .orderBy(asc(articleSources.articleId), asc(articleSources.position)),
    include.has('category') ? loadCategoryChains(db, rows) : Promise.resolve(new Map<string, ChainRow[]>()),
    include.has('translations')
      ? db
          .select({ id: articles.id, group: articles.translationGroupId, locale: articles.locale, slug: articles.slug, title: articles.title, status: articles.status })
          .from(articles)
          .where(and(inArray(articles.translationGroupId, [...new Set(rows.map((r) => r.translationGroupId))]), visibleTo(viewer)))
          .orderBy(asc(articles.locale))
      : Promise.resolve([]),
  ]);

  const full = (r: Include) => include.has(r);
  for (const t of tagRows) {
    const locale = localeOf.get(t.articleId);
    push(rel.tags, t.articleId, full('tags') ? { id: t.id, slug: t.slug, name: pickLocale(t.names, locale, defaultLocale) } : { id: t.id });
  }
  for (const a of authorRows) {
    const locale = localeOf.get(a.articleId);
    push(
      rel.authors,
      a.articleId,
      full('authors')
        ? { id: a.id, role: a.role, name: a.name, slug: a.slug, avatarUrl: a.avatarUrl, bio: pickLocale(a.bios, locale, defaultLocale) }
        : { id: a.id, role: a.role },
    );
  }
  for (const s of sourceRows) {
    push(rel.sources, s.articleId, full('sources') ? { id: s.id, slug: s.slug, shortName: s.shortName, fullName: s.fullName, url: s.url, kind: s.kind } : { id: s.id });
  }
  for (const r of rows) {
    const chain = r.categoryId ? categoryRows.get(r.categoryId) : undefined;
    if (!chain) continue;
    const name = (c: ChainRow) => pickLocale(c.names, r.locale, defaultLocale);
    const [self, ...up] = chain;
    rel.categories.set(`${self.id}|${r.locale}`, {
      id: self.id,
      slug: self.slug,
      name: name(self),
      parentId: self.parent_id,
      ancestors: up.reverse().map((c) => ({ id: c.id, slug: c.slug, name: name(c) })),
    });
  }
  for (const t of translationRows) {
    push(rel.translations, t.group, { id: t.id, locale: t.locale, slug: t.slug, title: t.title, status: t.status, path: `/v1/articles/by-slug/${t.locale}/${t.slug}` });
  }
  return rel;
}

type ChainRow = {
  start: string;
  id: string;
  slug: string;
  names: Record<string, string>;
  parent_id: string | null;
  depth: number;
};

/** Each category with its ancestor chain (itself first, root last), in one recursive query. */
async function loadCategoryChains(db: Db, rows: ArticleKey[]): Promise<Map<string, ChainRow[]>> {
  const categoryIds = [...new Set(rows.map((r) => r.categoryId).filter((x): x is string => Boolean(x)))];
  const byStart = new Map<string, ChainRow[]>();
  if (!categoryIds.length) return byStart;
  // The depth bound guards against a cycle that slipped past the write-side checks.
  const result = await queryRows<ChainRow>(db, sql`
    WITH RECURSIVE chain AS (
      SELECT id AS start, id, slug, names, parent_id, 0 AS depth
      FROM categories WHERE id IN (${sql.join(categoryIds.map((id) => sql`${id}::uuid`), sql`, `)})
      UNION ALL
      SELECT chain.start, c.id, c.slug, c.names, c.parent_id, chain.depth + 1
      FROM categories c JOIN chain ON c.id = chain.parent_id
      WHERE chain.depth < 20
    )
    SELECT start, id, slug, names, parent_id, depth FROM chain ORDER BY start, depth`);
  for (const r of result) {
    const list = byStart.get(r.start) ?? [];
    list.push(r);
    byStart.set(r.start, list);
  }
  return byStart;
}
