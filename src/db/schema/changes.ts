// Storage for the partner sync feed (/v1/changes): what became public, changed in public, or left public.
import { bigserial, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { articles } from './articles.js';

/** upsert: fetch the article again; delete: remove it from your mirror (a tombstone). */
export const changeAction = pgEnum('change_action', ['upsert', 'delete']);

/**
 * Append-only, one row per change to the public view of an article, in commit order (writers take a
 * transaction advisory lock before inserting, see modules/changes/service.ts). No foreign key: a
 * tombstone must outlive the article it reports.
 */
export const articleChanges = pgTable(
  'article_changes',
  {
    seq: bigserial({ mode: 'number' }).primaryKey(),
    articleId: uuid().notNull(),
    translationGroupId: uuid().notNull(),
    locale: text().notNull(),
    slug: text().notNull(),
    action: changeAction().notNull(),
    /** article.published, article.updated, article.unpublished, article.deleted */
    event: text().notNull(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index().on(t.locale, t.seq), index().on(t.articleId)],
);

/**
 * A change that takes public effect later without any write (an embargo that lifts, a publishedAt in the
 * future): the scheduler turns it into an article_changes row when it falls due. One per article.
 */
export const pendingArticleChanges = pgTable(
  'pending_article_changes',
  {
    articleId: uuid()
      .primaryKey()
      .references(() => articles.id, { onDelete: 'cascade' }),
    dueAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index().on(t.dueAt)],
);
