// Storage for articles and their ordered links to tags, authors and sources.
import { sql } from 'drizzle-orm';
import { customType, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { authors, categories, sources, tags, timestamps } from './taxonomy.js';

export const articleStatus = pgEnum('article_status', [
  'draft',
  'in_review',
  'scheduled',
  'published',
  'unpublished',
  'archived',
]);

export const authorRole = pgEnum('author_role', ['writer', 'translator', 'photographer', 'editor', 'contributor']);

export interface ImageValue {
  url: string;
  alt: string;
  caption?: string | null;
  credit?: string | null;
  width?: number | null;
  height?: number | null;
}
export interface OriginalStoryValue {
  publisher: string;
  locale: string;
  url: string;
  articleId?: string | null;
}
export interface CorrectionValue {
  text: string;
  at: string;
}
export interface SeoValue {
  title?: string | null;
  description?: string | null;
  canonicalUrl?: string | null;
  ogImageUrl?: string | null;
}

export const articles = pgTable(
  'articles',
  {
    id: uuid().primaryKey(),
    translationGroupId: uuid().notNull(),
    locale: text().notNull(),
    slug: text().notNull(),
    title: text().notNull(),
    seoTitle: text(),
    lead: text().notNull().default(''),
    body: jsonb().$type<unknown[]>().notNull(),
    bodyHtml: text().notNull(),
    status: articleStatus().notNull().default('draft'),
    publishedAt: timestamp({ withTimezone: true, precision: 3 }),
    firstPublishedAt: timestamp({ withTimezone: true, precision: 3 }),
    categoryId: uuid().references(() => categories.id, { onDelete: 'restrict' }),
    coverImage: jsonb().$type<ImageValue>(),
    datelinePlace: text(),
    originalStory: jsonb().$type<OriginalStoryValue>(),
    seo: jsonb().$type<SeoValue>().notNull().default({}),
    /** When a scheduled article goes live (the scheduler publishes it; reads also check it). */
    publishAt: timestamp({ withTimezone: true, precision: 3 }),
    /** When a published article is taken down again. */
    unpublishAt: timestamp({ withTimezone: true, precision: 3 }),
    /** Never public before this instant, whatever the status; partners with preview access may read it. */
    embargoUntil: timestamp({ withTimezone: true, precision: 3 }),
    corrections: jsonb().$type<CorrectionValue[]>().notNull().default([]),
    /** The user who created it: "own" articles for authors and contributors. */
    createdByUserId: uuid(),
    ...timestamps,
  },
  (t) => [
    unique('articles_locale_slug_unique').on(t.locale, t.slug),
    unique('articles_group_locale_unique').on(t.translationGroupId, t.locale),
    index().on(t.status, t.publishedAt, t.id),
    index().on(t.categoryId, t.publishedAt),
    index().on(t.locale, t.publishedAt),
    // Matches the default list order (publishedAt DESC, id) used by keyset pagination.
    index('articles_public_order_idx').on(t.status, sql`(COALESCE(${t.publishedAt}, '-infinity'::timestamptz)) DESC`, t.id),
    index().on(t.status, t.publishAt),
    index().on(t.status, t.unpublishAt),
  ],
);

export const articleTags = pgTable(
  'article_tags',
  {
    articleId: uuid().notNull().references(() => articles.id, { onDelete: 'cascade' }),
    tagId: uuid().notNull().references(() => tags.id, { onDelete: 'restrict' }),
    position: integer().notNull(),
    /**
     * A copy of the article's publishedAt (kept by afterArticleWrite), so the index below hands out a tag's
     * articles already in list order: the latest 20 of a tag read ~20 rows, not every article of the tag.
     */
    publishedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.tagId] }),
    index('article_tags_tag_order_idx').on(t.tagId, sql`(COALESCE(${t.publishedAt}, '-infinity'::timestamptz)) DESC`, t.articleId),
  ],
);

export const articleAuthors = pgTable(
  'article_authors',
  {
    articleId: uuid().notNull().references(() => articles.id, { onDelete: 'cascade' }),
    authorId: uuid().notNull().references(() => authors.id, { onDelete: 'restrict' }),
    role: authorRole().notNull().default('writer'),
    position: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.authorId, t.role] }), index().on(t.authorId)],
);

export const articleSources = pgTable(
  'article_sources',
  {
    articleId: uuid().notNull().references(() => articles.id, { onDelete: 'cascade' }),
    sourceId: uuid().notNull().references(() => sources.id, { onDelete: 'restrict' }),
    position: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.sourceId] }), index().on(t.sourceId)],
);

const tsvector = customType<{ data: string }>({
  dataType() {
    return 'tsvector';
  },
});

/**
 * The search document of an article, one row per article, rebuilt by every write that changes its text
 * (modules/search/indexer.ts). Kept out of `articles` so that ordinary reads never carry the vector.
 * The vector is language-specific: `english` stemming, unaccented `simple` for Vietnamese and others,
 * and character bigrams for Chinese, Japanese and Korean (the text is segmented before it gets here).
 */
export const articleSearch = pgTable(
  'article_search',
  {
    articleId: uuid()
      .primaryKey()
      .references(() => articles.id, { onDelete: 'cascade' }),
    document: tsvector().notNull(),
  },
  (t) => [index('article_search_document_idx').using('gin', t.document)],
);
