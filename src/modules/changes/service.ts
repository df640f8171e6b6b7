// The partner changes feed: records every change to the public view of an article (inside the write's
// own transaction) and reads them back in order for GET /v1/changes.
import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articleChanges, articles, pendingArticleChanges } from '../../db/schema/index.js';
import { badRequest } from '../../http/errors.js';
import { emitArticleEvent } from '../articles/after-write.js';
import type { ArticleRow } from '../articles/queries.js';
import { publicViewer } from '../articles/public.js';
import { isVisible, visibleTo } from '../articles/visibility.js';
import type { ArticleChange } from './schemas.js';

type ChangeEvent = ArticleChange['event'];

/**
 * Any fixed number shared by all instances, unique among the advisory locks in src/. Writers of article_changes hold it
 * from their insert to their commit, see appendChange.
 */
const CHANGES_LOCK_ID = 724_031_004;

/**
 * Appends one row to the feed. seq values are handed out at insert time but transactions may commit in
 * another order: if A took seq 7 and B seq 8 and B committed first, a partner reading then would store
 * a cursor past 8 and never see 7. Holding a transaction-level advisory lock from before the insert until
 * commit makes change-writing transactions take their seqs in commit order, so every reader sees a
 * gap-free prefix (rolled-back seqs aside, which nobody will ever see). Article writes insert here as their
 * last statement, so the lock is held for moments; a scheduler pass holds it until the end of its batch.
 */
async function appendChange(tx: Db, row: ArticleRow, action: 'upsert' | 'delete', event: ChangeEvent, now: Date): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${CHANGES_LOCK_ID})`);
  await tx.insert(articleChanges).values({
    articleId: row.id,
    translationGroupId: row.translationGroupId,
    locale: row.locale,
    slug: row.slug,
    action,
    event,
    at: now,
  });
}

/**
 * Whether the feed last told partners that the article is public (its latest row is an upsert). This,
 * not the article's visibility before the write, decides between published and updated and whether a
 * tombstone is owed: an article whose unpublishAt passed is already invisible when the scheduler (or an
 * editor) next writes it, yet partners still hold it until a tombstone says otherwise.
 */
async function reportedPublic(tx: Db, articleId: string): Promise<boolean> {
  const [last] = await tx
    .select({ action: articleChanges.action })
    .from(articleChanges)
    .where(eq(articleChanges.articleId, articleId))
    .orderBy(desc(articleChanges.seq))
    .limit(1);
  return last?.action === 'upsert';
}

/**
 * When a published article that is not public yet becomes public with no further write: at its
 * publishedAt or when its embargo lifts, whichever is later. Null when it never will (not published,
 * or taken down by unpublishAt first).
 */
function publicFrom(row: ArticleRow, now: Date): Date | null {
  if (row.status !== 'published' || !row.publishedAt) return null;
  const due = row.embargoUntil && row.embargoUntil > row.publishedAt ? row.embargoUntil : row.publishedAt;
  if (due <= now) return null;
  if (row.unpublishAt && row.unpublishAt <= due) return null;
  return due;
}

/**
 * Records what an article write did to the public view: called by afterArticleWrite as the last statement
 * of every article write, with the row before (null for a new article) and after (null once deleted).
 * An article that was never public never gets a row, so drafts do not leak, not even their ids.
 */
export async function recordPublicChange(tx: Db, before: ArticleRow | null, after: ArticleRow | null, now: Date): Promise<void> {
  const id = (after ?? before)?.id;
  if (!id) return;
  // Whatever was planned no longer holds after a write; it is planned again below if still due.
  await tx.delete(pendingArticleChanges).where(eq(pendingArticleChanges.articleId, id));
  const isPublic = after !== null && isVisible(after, publicViewer(now));
  const wasReported = before !== null && (await reportedPublic(tx, id));
  if (isPublic) {
    await appendChange(tx, after, 'upsert', wasReported ? 'article.updated' : 'article.published', now);
  } else if (wasReported) {
    // The tombstone carries the last public-facing identity: the row before a delete, else the row as it is.
    if (after) await appendChange(tx, after, 'delete', 'article.unpublished', now);
    else await appendChange(tx, before, 'delete', 'article.deleted', now);
  }
  if (after && !isPublic) {
    const dueAt = publicFrom(after, now);
    if (dueAt) await tx.insert(pendingArticleChanges).values({ articleId: id, dueAt });
  }
}

/**
 * The scheduler's part: articles that became public by the clock alone (embargo lifted, publishedAt
 * reached) get their article.published row. Returns the ids released and how many due rows were looked
 * at (the caller runs another batch while that reaches the limit).
 *
 * Only the article row is locked, skipping any that a write or another instance holds (that write
 * records the change itself). Every writer of a pending row holds its article's lock, so the article lock
 * guards the pending row too; locking the pending row here as well would let two scheduler instances
 * deadlock (one holding the pending row, the other the article and the feed's advisory lock).
 */
export async function releaseDueChanges(tx: Db, now: Date, limit: number): Promise<{ released: string[]; examined: number }> {
  const due = await tx
    .select({ article: articles })
    .from(pendingArticleChanges)
    .innerJoin(articles, eq(articles.id, pendingArticleChanges.articleId))
    .where(lte(pendingArticleChanges.dueAt, now))
    .orderBy(asc(pendingArticleChanges.dueAt))
    .limit(limit)
    .for('update', { of: articles, skipLocked: true });
  const released: string[] = [];
  for (const { article } of due) {
    // A write that committed between this query's snapshot and its lock has already re-planned the row.
    const [still] = await tx
      .delete(pendingArticleChanges)
      .where(and(eq(pendingArticleChanges.articleId, article.id), lte(pendingArticleChanges.dueAt, now)))
      .returning({ articleId: pendingArticleChanges.articleId });
    if (!still) continue;
    // No write happened, so before and after are the same row: the article being public now, this appends
    // article.published (nothing if unpublishAt came first).
    // Front ends and partners hear it too: the article is public from now on.
    if (isVisible(article, publicViewer(now))) await emitArticleEvent(tx, 'article.published', article, now);
    await recordPublicChange(tx, article, article, now);
    released.push(article.id);
  }
  return { released, examined: due.length };
}

// ---- Reading the feed ----

/** Opaque to partners: base64url of the last seq they have seen. */
export const encodeSince = (seq: number) => Buffer.from(String(seq)).toString('base64url');

export function decodeSince(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = /^(0|[1-9][0-9]{0,15})$/.test(text) ? Number(text) : NaN;
  // Node decodes base64url leniently (stray characters are dropped): only a cursor we could have made passes.
  if (!Number.isSafeInteger(seq) || encodeSince(seq) !== cursor) {
    throw badRequest([{ pointer: '/query/since', detail: 'is not a cursor from meta.next of this feed' }], 'INVALID_CURSOR');
  }
  return seq;
}

export interface ChangePage {
  items: ArticleChange[];
  next: string;
  hasMore: boolean;
}

/**
 * Rows after `since`, oldest first. Only what the row stored is shown (the article as it was when public),
 * never the article's current fields. An upsert whose article is not public any more (its unpublishAt
 * passed before the scheduler ran, or it was deleted since) is reported as a delete: the mirror drops it
 * now rather than keep a copy it may no longer show, and the tombstone that follows changes nothing.
 */
export async function listChanges(db: Db, opts: { since?: string; limit: number; locale?: string; now: Date }): Promise<ChangePage> {
  const after = opts.since === undefined ? 0 : decodeSince(opts.since);
  const rows = await db
    .select({
      change: articleChanges,
      exists: sql<boolean>`${articles.id} IS NOT NULL`,
      // The one visibility rule, on the joined row; NULL when the article is gone.
      isPublic: sql<boolean>`COALESCE(${visibleTo(publicViewer(opts.now))}, false)`,
    })
    .from(articleChanges)
    .leftJoin(articles, eq(articles.id, articleChanges.articleId))
    .where(and(gt(articleChanges.seq, after), opts.locale ? eq(articleChanges.locale, opts.locale) : undefined))
    .orderBy(asc(articleChanges.seq))
    .limit(opts.limit + 1);
  const hasMore = rows.length > opts.limit;
  const page = hasMore ? rows.slice(0, opts.limit) : rows;
  const items = page.map(({ change, exists, isPublic }): ArticleChange => {
    // Tombstones read as stored; an upsert only while its article is still public.
    const asStored = change.action === 'delete' || isPublic;
    const event = asStored ? (change.event as ChangeEvent) : exists ? 'article.unpublished' : 'article.deleted';
    const action = asStored ? change.action : 'delete';
    return {
      id: String(change.seq),
      event,
      action,
      at: change.at.toISOString(),
      article: { id: change.articleId, locale: change.locale, slug: change.slug, translationGroupId: change.translationGroupId },
      ...(action === 'upsert' ? { links: { self: `/v1/articles/${change.articleId}` } } : {}),
    };
  });
  const last = page[page.length - 1];
  return { items, next: last ? encodeSince(last.change.seq) : (opts.since ?? encodeSince(0)), hasMore };
}
