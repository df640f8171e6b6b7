// Article revisions: a full snapshot after every change, numbered per article, never rewritten.
import { desc, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { articleRevisions } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';
import { getArticle } from '../articles/queries.js';

// Bookkeeping fields change on every write; listing them as "changed" would hide the real edits.
const IGNORED = new Set(['updatedAt', 'version']);

/** Names of top-level fields whose JSON differs between two snapshots. */
export function changedFields(before: Record<string, unknown> | undefined, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  return [...keys].filter((k) => !IGNORED.has(k) && JSON.stringify(before?.[k]) !== JSON.stringify(after[k])).sort();
}

/**
 * Snapshots the article as it now stands (with ids of its relations) as the next revision.
 * Call inside the transaction of the change.
 */
export async function recordRevision(db: Db, articleId: string, ctx: WriteContext, reason: string): Promise<number> {
  const { article } = await getArticle(db, articleId, {}, { canReadDrafts: true, now: ctx.now });
  const snapshot = { ...article } as Record<string, unknown>;
  const [previous] = await db
    .select({ number: articleRevisions.number, snapshot: articleRevisions.snapshot })
    .from(articleRevisions)
    .where(eq(articleRevisions.articleId, articleId))
    .orderBy(desc(articleRevisions.number))
    .limit(1);
  const number = (previous?.number ?? 0) + 1;
  await db.insert(articleRevisions).values({
    id: uuidv7(),
    articleId,
    number,
    snapshot,
    changedFields: changedFields(previous?.snapshot, snapshot),
    actor: ctx.actor,
    reason,
    createdAt: ctx.now,
  });
  return number;
}
