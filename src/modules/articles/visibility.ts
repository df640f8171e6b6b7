// The one rule for who sees which articles. Every read of articles (single, list, includes,
// translations, and later related, search, feeds, sitemaps) goes through visibleTo().
import { and, eq, lte, type SQL } from 'drizzle-orm';
import { articles } from '../../db/schema/index.js';

export interface Viewer {
  /** True for tokens allowed to read unpublished content. */
  canReadDrafts: boolean;
  now: Date;
}

/** SQL predicate on `articles` for what the viewer may see; undefined means everything. */
export function visibleTo(viewer: Viewer): SQL | undefined {
  if (viewer.canReadDrafts) return undefined;
  return and(eq(articles.status, 'published'), lte(articles.publishedAt, viewer.now));
}

/** Same rule for one article already loaded (used for embedded rows loaded by id). */
export function isVisible(row: { status: string; publishedAt: Date | null }, viewer: Viewer): boolean {
  if (viewer.canReadDrafts) return true;
  return row.status === 'published' && row.publishedAt !== null && row.publishedAt <= viewer.now;
}
