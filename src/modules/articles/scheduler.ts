// The scheduler: publishes scheduled articles whose publishAt has come, takes down published ones whose
// unpublishAt has come, and tells partners (/v1/changes) about articles an embargo or publish time made
// public without a write. All state is in the database, so it survives restarts; row locks with
// SKIP LOCKED let several API instances run it at once without doing the same work twice.
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { App } from '../../app.js';
import { type Loop, startLoop } from '../../background.js';
import type { Db } from '../../db/client.js';
import { articles } from '../../db/schema/index.js';
import { systemContext } from '../../http/context.js';
import { recordAudit } from '../audit/service.js';
import { releaseDueChanges } from '../changes/service.js';
import { recordRevision } from '../revisions/service.js';
import { afterArticleWrite } from './after-write.js';

/** Rows per transaction: keeps locks short when a backlog built up while no instance ran. */
const BATCH = 100;

export interface DueResult {
  published: string[];
  unpublished: string[];
  /** Articles whose article.published entry in the changes feed fell due (embargo lifted, publishedAt reached). */
  released: string[];
}

/**
 * One pass: every due transition at `now`, in batches. Public visibility never depends on this having
 * run (visibility.ts checks the times at query time); it only makes the status catch up.
 */
export async function runDueTransitions(db: Db, now: Date): Promise<DueResult> {
  const result: DueResult = { published: [], unpublished: [], released: [] };
  const ctx = systemContext(now, 'scheduler');
  for (;;) {
    const done = await db.transaction(async (tx) => {
      // Rows another instance is working on are skipped, not waited for; it will finish them.
      const toPublish = await tx
        .select()
        .from(articles)
        .where(and(eq(articles.status, 'scheduled'), lte(articles.publishAt, now)))
        .orderBy(asc(articles.publishAt))
        .limit(BATCH)
        .for('update', { skipLocked: true });
      for (const row of toPublish) {
        // publishedAt is the planned time, not the moment this pass ran: the date line reads 07:00, not 07:00:04.
        const at = row.publishAt!;
        await tx
          .update(articles)
          .set({
            status: 'published',
            publishedAt: at,
            firstPublishedAt: row.firstPublishedAt ?? at,
            publishAt: null,
            updatedAt: now,
            version: sql`${articles.version} + 1`,
          })
          .where(eq(articles.id, row.id));
        await recordRevision(tx, row.id, ctx, 'publish (scheduled)');
        await recordAudit(tx, ctx, {
          action: 'article.publish',
          resourceType: 'article',
          resourceId: row.id,
          details: { from: 'scheduled', to: 'published', scheduled: true, publishAt: at.toISOString() },
        });
        await afterArticleWrite(tx, row.id, row, now);
        result.published.push(row.id);
      }
      // After the publishes above, so an article whose publish and take-down times both passed while no
      // instance ran goes through both, and its history says so.
      const toUnpublish = await tx
        .select()
        .from(articles)
        .where(and(eq(articles.status, 'published'), lte(articles.unpublishAt, now)))
        .orderBy(asc(articles.unpublishAt))
        .limit(BATCH)
        .for('update', { skipLocked: true });
      for (const row of toUnpublish) {
        await tx
          .update(articles)
          .set({ status: 'unpublished', unpublishAt: null, updatedAt: now, version: sql`${articles.version} + 1` })
          .where(eq(articles.id, row.id));
        await recordRevision(tx, row.id, ctx, 'unpublish (scheduled)');
        await recordAudit(tx, ctx, {
          action: 'article.unpublish',
          resourceType: 'article',
          resourceId: row.id,
          details: { from: 'published', to: 'unpublished', scheduled: true, unpublishAt: row.unpublishAt!.toISOString() },
        });
        await afterArticleWrite(tx, row.id, row, now);
        result.unpublished.push(row.id);
      }
      // Take-downs and scheduled publishes reached the feed above, through afterArticleWrite.
      const { released, examined } = await releaseDueChanges(tx, now, BATCH);
      result.released.push(...released);
      return toPublish.length < BATCH && toUnpublish.length < BATCH && examined < BATCH;
    });
    if (done) return result;
  }
}

/**
 * Runs runDueTransitions every intervalMs (never two passes at once) until stop(); a failed pass is
 * logged and retried on the next tick. stop() waits for the pass in flight, so call it before closing
 * the database.
 */
export function startScheduler(app: App, intervalMs: number): Loop {
  return startLoop(
    intervalMs,
    async () => {
      const { published, unpublished, released } = await runDueTransitions(app.db, app.now());
      if (published.length || unpublished.length) app.log.info({ published, unpublished }, 'scheduler: due articles published / taken down');
      if (released.length) app.log.info({ released }, 'scheduler: changes feed entries released');
    },
    (err) => app.log.error({ err }, 'scheduler: pass failed; retrying on the next tick'),
  );
}
