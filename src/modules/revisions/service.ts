// Article revisions: a full snapshot after every change, numbered per article, never rewritten.
import { and, count, desc, eq, type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { type Db, queryRows } from '../../db/client.js';
import { articleRevisions, articles } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { type Page, paginate } from '../../http/list.js';
import type { SortableField } from '../../http/pagination.js';
import { getArticle } from '../articles/queries.js';
import type { Revision, RevisionDiff, RevisionListQuery, RevisionSummary } from './schemas.js';

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

type RevisionRow = typeof articleRevisions.$inferSelect;

const toSummary = (row: RevisionRow): RevisionSummary => ({
  number: row.number,
  createdAt: row.createdAt.toISOString(),
  actor: row.actor,
  reason: row.reason,
  changedFields: row.changedFields,
});

/** 404 unless the article exists or once did: revisions outlive a deleted article. */
async function assertHistory(db: Db, articleId: string) {
  const [row] = await queryRows<{ found: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM ${articles} WHERE ${articles.id} = ${articleId})
            OR EXISTS (SELECT 1 FROM ${articleRevisions} WHERE ${articleRevisions.articleId} = ${articleId}) AS found`,
  );
  if (!row?.found) throw notFound('Article');
}

const SORTABLE: Record<string, SortableField> = {
  number: { expr: sql`${articleRevisions.number}`, read: (r) => Number(r.number), cast: 'integer' },
};

export async function listRevisions(db: Db, articleId: string, q: RevisionListQuery, selfUrl: string): Promise<Page<RevisionSummary>> {
  await assertHistory(db, articleId);
  const where: SQL = eq(articleRevisions.articleId, articleId);
  const page = await paginate<RevisionRow>({
    query: q,
    sortable: SORTABLE,
    defaultSort: '-number',
    idExpr: sql`${articleRevisions.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) =>
      db.select().from(articleRevisions).where(and(where, seek)).orderBy(...orderBy).limit(limit),
    count: async () => Number((await db.select({ n: count() }).from(articleRevisions).where(where))[0].n),
  });
  return { ...page, items: page.items.map(toSummary) };
}

/** One revision; `pointer` names the request part that chose it, for the 404. */
export async function loadRevision(db: Db, articleId: string, number: number, pointer = '/params/rev'): Promise<RevisionRow> {
  const [row] = await db
    .select()
    .from(articleRevisions)
    .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.number, number)));
  if (!row) {
    await assertHistory(db, articleId);
    throw notFound(`Revision ${number}`, pointer);
  }
  return row;
}

export async function getRevision(db: Db, articleId: string, number: number): Promise<Revision> {
  const row = await loadRevision(db, articleId, number);
  return { articleId: row.articleId, ...toSummary(row), snapshot: row.snapshot };
}

/** Field-level changes from revision `against` (default: the one before) to revision `number`. */
export async function diffRevisions(db: Db, articleId: string, number: number, against?: number): Promise<RevisionDiff> {
  const to = await loadRevision(db, articleId, number);
  const fromNumber = against ?? (number > 1 ? number - 1 : null);
  const from = fromNumber === null ? undefined : await loadRevision(db, articleId, fromNumber, against === undefined ? '/params/rev' : '/query/against');
  const changes = changedFields(from?.snapshot, to.snapshot).map((field) => ({
    field,
    from: from?.snapshot[field] ?? null,
    to: to.snapshot[field] ?? null,
  }));
  return { articleId: to.articleId, from: fromNumber, to: number, changes };
}

/** The newest revision number of an article (0 when it has none). */
export async function latestRevisionNumber(db: Db, articleId: string): Promise<number> {
  const [row] = await db
    .select({ number: articleRevisions.number })
    .from(articleRevisions)
    .where(eq(articleRevisions.articleId, articleId))
    .orderBy(desc(articleRevisions.number))
    .limit(1);
  return row?.number ?? 0;
}
