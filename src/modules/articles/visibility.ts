// The one rule for who sees which articles. Every read of articles (single, list, includes,
// translations, and later related, search, feeds, sitemaps) goes through visibleTo().
import { and, eq, gt, inArray, isNull, lte, or, type SQL } from 'drizzle-orm';
import { articles } from '../../db/schema/index.js';

export interface Viewer {
  /** True for tokens allowed to read unpublished content. */
  canReadDrafts: boolean;
  /**
   * Partners with preview:read: also scheduled and embargoed items (to prepare coverage before the
   * embargo lifts), never drafts or items in review.
   */
  canPreview?: boolean;
  now: Date;
}

/**
 * SQL predicate on `articles` for what the viewer may see; undefined means everything.
 *
 * Public means: status published, publishedAt passed, embargo lifted, and the planned take-down
 * (unpublishAt) not yet reached. The times are checked here at query time, so nothing is public early
 * or late however far behind the scheduler is; a `scheduled` article stays hidden until the scheduler
 * publishes it (possibly a few seconds late, never early).
 */
export function visibleTo(viewer: Viewer): SQL | undefined {
  if (viewer.canReadDrafts) return undefined;
  if (viewer.canPreview) return inArray(articles.status, ['scheduled', 'published']);
  return and(
    eq(articles.status, 'published'),
    lte(articles.publishedAt, viewer.now),
    or(isNull(articles.embargoUntil), lte(articles.embargoUntil, viewer.now)),
    or(isNull(articles.unpublishAt), gt(articles.unpublishAt, viewer.now)),
  );
}

type VisibilityFields = { status: string; publishedAt: Date | null; embargoUntil: Date | null; unpublishAt: Date | null };

/** Same rule for one article already loaded (used for embedded rows loaded by id). */
export function isVisible(row: VisibilityFields, viewer: Viewer): boolean {
  if (viewer.canReadDrafts) return true;
  if (viewer.canPreview) return row.status === 'scheduled' || row.status === 'published';
  const now = viewer.now.getTime();
  return (
    row.status === 'published' &&
    row.publishedAt !== null &&
    row.publishedAt.getTime() <= now &&
    (row.embargoUntil === null || row.embargoUntil.getTime() <= now) &&
    (row.unpublishAt === null || row.unpublishAt.getTime() > now)
  );
}
