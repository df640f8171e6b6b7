// Loads the relations of a page of articles in one statement, whatever the page size and the includes.
import { and, type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../db/client.js';
import { pickLocale } from '../../http/localize.js';
import { DEFAULT_SETTINGS } from '../site/service.js';
import { type Alternate, alternatesOf } from './alternates.js';
import { publicViewer } from './public.js';
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
  /** The site's default locale, read in the same statement: localized names fall back to it. */
  defaultLocale: string;
  tags: Ref<{ id: string; slug?: string; name?: string }>;
  authors: Ref<{ id: string; role: string; name?: string; slug?: string; avatarUrl?: string | null; bio?: string }>;
  sources: Ref<{ id: string; slug?: string; shortName?: string; fullName?: string; url?: string | null; kind?: string }>;
  categories: Map<string, CategoryEmbed>;
  translations: Ref<{ id: string; locale: string; slug: string; title: string; status: string; path: string }>;
  /** Public versions of each translation group as hreflang alternates, when asked for (single reads). */
  alternates: Map<string, Alternate[]>;
}

export interface ArticleKey {
  id: string;
  locale: string;
  categoryId: string | null;
  translationGroupId: string;
}

/** For single reads: also load the story's public versions as alternates, with URLs from this pattern. */
export interface AlternatesWanted {
  now: Date;
  frontendUrlPattern: string;
}

function push<T>(map: Ref<T>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** One row of the statement below: which relation, whose (article, category or group id), its place, and the related row. */
type RelationRow = { kind: string; key: string | null; pos: number; data: Record<string, unknown> };
type ChainRow = { id: string; slug: string; names: Record<string, string>; parent_id: string | null };

/** A uuid[] parameter as one array literal, so the statement has the same shape however many ids. */
const uuids = (ids: Iterable<string>) => sql`${`{${[...new Set(ids)].join(',')}}`}::uuid[]`;

/**
 * Tags, authors and sources of every article, each category with its ancestors, the translation groups
 * (as the viewer may see them, and as public alternates) and the site's default locale: one UNION ALL
 * statement, one round trip. Each branch yields (kind, key, pos, data); rows come back grouped by kind and
 * key, in link order. Every read of a page goes through here, so it is the hot path: see bench/RESULTS.md.
 */
export async function loadRelations(db: Db, rows: ArticleKey[], include: Set<Include>, viewer: Viewer, alternates?: AlternatesWanted): Promise<Relations> {
  const rel: Relations = {
    defaultLocale: DEFAULT_SETTINGS.defaultLocale,
    tags: new Map(),
    authors: new Map(),
    sources: new Map(),
    categories: new Map(),
    translations: new Map(),
    alternates: new Map(),
  };
  if (!rows.length) return rel;
  const ids = uuids(rows.map((r) => r.id));
  const groups = rows.map((r) => r.translationGroupId);
  const categoryIds = include.has('category') ? rows.map((r) => r.categoryId).filter((x): x is string => Boolean(x)) : [];

  const branches: SQL[] = [
    sql`SELECT 'site' AS kind, NULL::uuid AS key, 0 AS pos, json_build_object('defaultLocale', settings->>'defaultLocale') AS data
        FROM site_settings WHERE id = 'default'`,
    sql`SELECT 'tag', j.article_id, j.position, json_build_object('id', t.id, 'slug', t.slug, 'names', t.names)
        FROM article_tags j JOIN tags t ON t.id = j.tag_id WHERE j.article_id = ANY(${ids})`,
    sql`SELECT 'author', j.article_id, j.position,
          json_build_object('id', a.id, 'role', j.role, 'name', a.name, 'slug', a.slug, 'avatarUrl', a.avatar_url, 'bios', a.bios)
        FROM article_authors j JOIN authors a ON a.id = j.author_id WHERE j.article_id = ANY(${ids})`,
    sql`SELECT 'source', j.article_id, j.position,
          json_build_object('id', s.id, 'slug', s.slug, 'shortName', s.short_name, 'fullName', s.full_name, 'url', s.url, 'kind', s.kind)
        FROM article_sources j JOIN sources s ON s.id = j.source_id WHERE j.article_id = ANY(${ids})`,
  ];
  if (categoryIds.length) {
    branches.push(sql`SELECT 'category', start, depth, json_build_object('id', id, 'slug', slug, 'names', names, 'parent_id', parent_id) FROM chain`);
  }
  if (include.has('translations')) {
    // Ordered by locale through pos: the language switch lists versions in a stable order.
    branches.push(sql`SELECT 'translation', articles.translation_group_id, row_number() OVER (PARTITION BY articles.translation_group_id ORDER BY articles.locale)::int,
          json_build_object('id', articles.id, 'locale', articles.locale, 'slug', articles.slug, 'title', articles.title, 'status', articles.status)
        FROM articles WHERE ${and(sql`articles.translation_group_id = ANY(${uuids(groups)})`, visibleTo(viewer))}`);
  }
  if (alternates) {
    // Public versions only, whoever asks: alternates end up in public pages and sitemaps.
    branches.push(sql`SELECT 'alternate', articles.translation_group_id, row_number() OVER (PARTITION BY articles.translation_group_id ORDER BY articles.locale)::int,
          json_build_object('id', articles.id, 'locale', articles.locale, 'slug', articles.slug, 'title', articles.title, 'category', categories.slug)
        FROM articles LEFT JOIN categories ON categories.id = articles.category_id
        WHERE ${and(sql`articles.translation_group_id = ANY(${uuids(groups)})`, visibleTo(publicViewer(alternates.now)))}`);
  }
  // The depth bound guards against a cycle that slipped past the write-side checks.
  const chain = categoryIds.length
    ? sql`WITH RECURSIVE chain AS (
        SELECT id AS start, id, slug, names, parent_id, 0 AS depth FROM categories WHERE id = ANY(${uuids(categoryIds)})
        UNION ALL
        SELECT chain.start, c.id, c.slug, c.names, c.parent_id, chain.depth + 1 FROM categories c JOIN chain ON c.id = chain.parent_id
        WHERE chain.depth < 20
      ) `
    : sql``;
  const result = await queryRows<RelationRow>(db, sql`${chain}${sql.join(branches, sql` UNION ALL `)} ORDER BY 1, 2, 3`);

  const localeOf = new Map(rows.map((r) => [r.id, r.locale]));
  const chains: Ref<ChainRow> = new Map();
  const alternateRows: Ref<{ id: string; locale: string; slug: string; title: string; category: string | null }> = new Map();
  const full = (r: Include) => include.has(r);
  // Names fall back to the default locale, so the site row is read before the rows that need it.
  const site = result.find((r) => r.kind === 'site');
  if (site?.data.defaultLocale) rel.defaultLocale = site.data.defaultLocale as string;
  const defaultLocale = rel.defaultLocale;
  for (const { kind, key, data } of result) {
    const k = key as string;
    if (kind === 'tag') {
      const d = data as { id: string; slug: string; names: Record<string, string> };
      push(rel.tags, k, full('tags') ? { id: d.id, slug: d.slug, name: pickLocale(d.names, localeOf.get(k), defaultLocale) } : { id: d.id });
    } else if (kind === 'author') {
      const d = data as { id: string; role: string; name: string; slug: string; avatarUrl: string | null; bios: Record<string, string> };
      push(
        rel.authors,
        k,
        full('authors')
          ? { id: d.id, role: d.role, name: d.name, slug: d.slug, avatarUrl: d.avatarUrl, bio: pickLocale(d.bios, localeOf.get(k), defaultLocale) }
          : { id: d.id, role: d.role },
      );
    } else if (kind === 'source') {
      const d = data as { id: string; slug: string; shortName: string; fullName: string; url: string | null; kind: string };
      push(rel.sources, k, full('sources') ? d : { id: d.id });
    } else if (kind === 'category') {
      push(chains, k, data as ChainRow);
    } else if (kind === 'translation') {
      const d = data as { id: string; locale: string; slug: string; title: string; status: string };
      push(rel.translations, k, { ...d, path: `/v1/articles/by-slug/${d.locale}/${d.slug}` });
    } else if (kind === 'alternate') {
      push(alternateRows, k, data as { id: string; locale: string; slug: string; title: string; category: string | null });
    }
  }
  for (const r of rows) {
    const chain = r.categoryId ? chains.get(r.categoryId) : undefined;
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
  if (alternates) {
    for (const [group, versions] of alternateRows) {
      rel.alternates.set(group, alternatesOf(versions, { frontendUrlPattern: alternates.frontendUrlPattern, defaultLocale }));
    }
  }
  return rel;
}
