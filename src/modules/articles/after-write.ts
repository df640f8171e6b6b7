// What every article write does last, inside its own transaction: keep the tag links' list order, refresh
// the search document, emit webhook events and record the change to the public view for the partner feed.
// Inside the transaction, so a rolled-back write leaves none of it behind, and a committed one never lacks it.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles, articleTags } from '../../db/schema/index.js';
import { recordPublicChange } from '../changes/service.js';
import { indexArticle, searchTextChanged } from '../search/indexer.js';
import { emitEvent, type EventType } from '../webhooks/outbox.js';
import type { ArticleRow } from './queries.js';
import { publicViewer } from './public.js';
import { isVisible } from './visibility.js';

/** What kind of write it was, where before and after alone cannot tell. */
export type WriteKind = 'translation' | 'correction';

/**
 * `before` is the row as it was (null for a new article); call it after the write, as the last statement.
 * The order inside matters: the change-feed row goes last because it takes a lock held until commit.
 */
export async function afterArticleWrite(tx: Db, id: string, before: ArticleRow | null, now: Date, kind?: WriteKind): Promise<void> {
  const [after] = await tx.select().from(articles).where(eq(articles.id, id));
  if (after) await syncTagOrder(tx, after);
  if (after && searchTextChanged(before, after)) await indexArticle(tx, after);
  const row = after ?? before;
  if (row) {
    for (const type of articleEvents(before, after ?? null, kind)) await emitArticleEvent(tx, type, row, now);
  }
  await recordPublicChange(tx, before, after ?? null, now);
}

/** Copies publishedAt onto the article's tag links, which order a tag's list (article_tags_tag_order_idx). */
async function syncTagOrder(tx: Db, after: ArticleRow) {
  await tx
    .update(articleTags)
    .set({ publishedAt: after.publishedAt })
    .where(and(eq(articleTags.articleId, after.id), sql`${articleTags.publishedAt} IS DISTINCT FROM ${after.publishedAt?.toISOString() ?? null}::timestamptz`));
}

/** The webhook events of one write: what happened to the article, as an editorial tool or a front end names it. */
export function articleEvents(before: ArticleRow | null, after: ArticleRow | null, kind?: WriteKind): EventType[] {
  if (!after) return ['article.deleted'];
  if (!before) {
    const created: EventType = kind === 'translation' ? 'translation.created' : 'article.created';
    if (after.status === 'published') return [created, 'article.published'];
    if (after.status === 'scheduled') return [created, 'article.scheduled'];
    return [created];
  }
  if (kind === 'correction') return ['article.corrected'];
  if (before.status !== after.status) {
    if (after.status === 'published') return ['article.published'];
    if (after.status === 'scheduled') return ['article.scheduled'];
    if (before.status === 'published') return ['article.unpublished'];
  } else if (after.status === 'scheduled' && before.publishAt?.getTime() !== after.publishAt?.getTime()) {
    return ['article.scheduled'];
  }
  return ['article.updated'];
}

/**
 * The payload of article and translation events (see ArticleEventData in webhooks/schemas.ts). `public` says
 * whether anonymous readers can see it now: a publish under embargo is false, and a second
 * article.published with public true follows when the embargo lifts (the scheduler sends it).
 */
export async function emitArticleEvent(tx: Db, type: EventType, row: ArticleRow, now: Date): Promise<void> {
  await emitEvent(
    tx,
    {
      type,
      data: {
        id: row.id,
        translationGroupId: row.translationGroupId,
        locale: row.locale,
        slug: row.slug,
        title: row.title,
        status: row.status,
        publishedAt: row.publishedAt?.toISOString() ?? null,
        updatedAt: row.updatedAt.toISOString(),
        categoryId: row.categoryId,
        path: `/v1/articles/by-slug/${row.locale}/${row.slug}`,
        public: type !== 'article.deleted' && isVisible(row, publicViewer(now)),
        version: row.version,
      },
      orderingKey: `article:${row.id}`,
      locale: row.locale,
      categoryId: row.categoryId,
    },
    now,
  );
}
