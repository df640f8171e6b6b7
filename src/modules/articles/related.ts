// The related list under an article ("more in this section"): same category first, then most shared tags.
import { and, eq, sql } from 'drizzle-orm';
import Type, { type Static } from 'typebox';
import { type Db, queryRows } from '../../db/client.js';
import { articles, type ImageValue } from '../../db/schema/index.js';
import { notFound } from '../../http/errors.js';
import { pickLocale } from '../../http/localize.js';
import { Timestamp, Uuid } from '../../http/schemas.js';
import { DEFAULT_SETTINGS } from '../site/service.js';
import { frontendUrl, publicViewer } from './public.js';
import { visibleTo, type Viewer } from './visibility.js';

export const RelatedArticle = Type.Object(
  {
    id: Uuid,
    title: Type.String(),
    slug: Type.String(),
    lead: Type.String(),
    coverImage: Type.Union([
      Type.Object(
        {
          url: Type.String(),
          alt: Type.String(),
          width: Type.Union([Type.Integer(), Type.Null()]),
          height: Type.Union([Type.Integer(), Type.Null()]),
        },
        { description: 'The cover image as a thumbnail: no caption or credit.' },
      ),
      Type.Null(),
    ]),
    publishedAt: Timestamp,
    category: Type.Union([
      Type.Object(
        { id: Uuid, slug: Type.String(), name: Type.String({ description: "In the article's locale." }) },
        { description: 'The section the headline belongs to: front ends route and label the link with it.' },
      ),
      Type.Null(),
    ]),
    path: Type.String({ description: 'API path of the article.', examples: ['/v1/articles/by-slug/en/some-slug'] }),
    url: Type.String({ description: 'Absolute front-end URL, from FRONTEND_URL_PATTERN.', examples: ['https://news.example/en/world/some-slug'] }),
  },
  {
    $id: 'RelatedArticle',
    description: 'A headline in a related list: list fields only.',
    examples: [
      {
        id: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d60',
        title: 'Shelters fill up as the river keeps rising',
        slug: 'shelters-fill-up-as-the-river-keeps-rising',
        lead: 'Schools on higher ground took in 4,000 people.',
        coverImage: { url: 'https://img.example.com/shelter.jpg', alt: 'Families in a school hall', width: 1200, height: 800 },
        publishedAt: '2025-08-14T09:30:00.000Z',
        category: { id: '0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d61', slug: 'world', name: 'World' },
        path: '/v1/articles/by-slug/en/shelters-fill-up-as-the-river-keeps-rising',
        url: 'https://news.example/en/world/shelters-fill-up-as-the-river-keeps-rising',
      },
    ],
  },
);
export type RelatedArticle = Static<typeof RelatedArticle>;

export const RelatedQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10, description: 'How many articles (1 to 50).' })) },
  { additionalProperties: false },
);

interface Row {
  id: string;
  title: string;
  slug: string;
  lead: string;
  cover_image: ImageValue | null;
  published_at: Date | string;
  category_id: string | null;
  category_slug: string | null;
  category_names: Record<string, string> | null;
  default_locale: string | null;
}

/**
 * Related articles for `id`. The source must be visible to the caller (an editor may look at a
 * draft's list; anonymously a draft has none: 404). The candidates are always what the public sees,
 * because the list is rendered on the public page: a draft never appears in it, whoever asks.
 */
export async function listRelatedArticles(db: Db, id: string, limit: number, caller: Viewer, frontendUrlPattern: string): Promise<RelatedArticle[]> {
  const [source] = await db
    .select({ id: articles.id, locale: articles.locale, categoryId: articles.categoryId })
    .from(articles)
    .where(and(eq(articles.id, id), visibleTo(caller)));
  if (!source) throw notFound('Article');

  const visible = visibleTo(publicViewer(caller.now));
  // Without a category the first branch is empty and every tag-sharing article competes in the second.
  const sameCategory = source.categoryId ? sql`articles.category_id = ${source.categoryId}::uuid` : sql`false`;
  const otherCategory = source.categoryId ? sql`articles.category_id IS DISTINCT FROM ${source.categoryId}::uuid` : sql`true`;

  // One statement, two bounded branches. by_category walks the (category_id, published_at) index
  // newest first and stops at `limit`; by_tags only fills what is left, and with LIMIT 0 (the
  // category filled the list) PostgreSQL never runs its GROUP BY. Raw SQL because the builder
  // cannot express a LIMIT that depends on another CTE.
  const rows = await queryRows<Row>(db, sql`
    WITH by_category AS (
      SELECT articles.id, 0 AS shared_tags, articles.published_at
      FROM articles
      WHERE ${sameCategory} AND articles.locale = ${source.locale} AND articles.id <> ${source.id}::uuid AND ${visible}
      ORDER BY articles.published_at DESC, articles.id DESC
      LIMIT ${limit}::int
    ),
    by_tags AS (
      SELECT articles.id, count(*)::int AS shared_tags, articles.published_at
      FROM article_tags mine
      JOIN article_tags theirs ON theirs.tag_id = mine.tag_id
      JOIN articles ON articles.id = theirs.article_id
      WHERE mine.article_id = ${source.id}::uuid AND articles.id <> ${source.id}::uuid
        AND articles.locale = ${source.locale} AND ${otherCategory} AND ${visible}
      GROUP BY articles.id, articles.published_at
      ORDER BY shared_tags DESC, articles.published_at DESC, articles.id DESC
      LIMIT ${limit}::int - (SELECT count(*) FROM by_category)
    ),
    picked AS (
      SELECT id, shared_tags, published_at, 0 AS branch FROM by_category
      UNION ALL
      SELECT id, shared_tags, published_at, 1 AS branch FROM by_tags
    )
    SELECT a.id, a.title, a.slug, a.lead, a.cover_image, a.published_at,
      c.id AS category_id, c.slug AS category_slug, c.names AS category_names,
      (SELECT settings->>'defaultLocale' FROM site_settings WHERE id = 'default') AS default_locale
    FROM picked JOIN articles a ON a.id = picked.id LEFT JOIN categories c ON c.id = a.category_id
    ORDER BY picked.branch, picked.shared_tags DESC, picked.published_at DESC, picked.id DESC`);

  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    slug: r.slug,
    lead: r.lead,
    coverImage: r.cover_image
      ? { url: r.cover_image.url, alt: r.cover_image.alt, width: r.cover_image.width ?? null, height: r.cover_image.height ?? null }
      : null,
    publishedAt: new Date(r.published_at).toISOString(),
    category:
      r.category_id && r.category_slug
        ? { id: r.category_id, slug: r.category_slug, name: pickLocale(r.category_names ?? {}, source.locale, r.default_locale ?? DEFAULT_SETTINGS.defaultLocale) }
        : null,
    path: `/v1/articles/by-slug/${source.locale}/${r.slug}`,
    url: frontendUrl(frontendUrlPattern, { locale: source.locale, category: r.category_slug, slug: r.slug }),
  }));
}
