// The editorial state machine: which action moves an article from which state to which, and the
// service that applies one action (lock, permission, version, update, revision, audit) in one transaction.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles } from '../../db/schema/index.js';
import { preconditionFailed, checkVersion } from '../../http/concurrency.js';
import type { WriteContext } from '../../http/context.js';
import { conflict, notFound, unprocessable } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { recordRevision } from '../revisions/service.js';
import { getSiteSettings } from '../site/service.js';
import { afterArticleWrite } from './after-write.js';
import { assertCanEdit, assertCanPublish } from './permissions.js';
import type { ArticleRow } from './queries.js';
import type { ArticleStatus } from './schemas.js';

/*
 * draft ──submit──▶ in_review ──approve──▶ scheduled ──(publishAt: scheduler)──▶ published ──unpublish──▶ unpublished
 *   ▲                 │  approve without a future publishAt ─────────────────────▶ published   (or unpublishAt: scheduler)
 *   └────reject───────┘  (reject also pulls a scheduled article back)
 * scheduled: publish (now), schedule (another time); unpublished: publish, schedule, restore (→ draft)
 * any state but archived ──archive──▶ archived ──restore──▶ draft
 *
 * Nothing goes live without passing review (approve) once; editors wanting speed submit and approve.
 */
export const ACTIONS = ['submit', 'reject', 'approve', 'schedule', 'publish', 'unpublish', 'archive', 'restore'] as const;
export type WorkflowAction = (typeof ACTIONS)[number];

/** The states each action may start from. */
export const FROM: Record<WorkflowAction, readonly ArticleStatus[]> = {
  submit: ['draft'],
  reject: ['in_review', 'scheduled'],
  approve: ['in_review'],
  schedule: ['scheduled', 'unpublished'],
  publish: ['scheduled', 'unpublished'],
  unpublish: ['published'],
  archive: ['draft', 'in_review', 'scheduled', 'published', 'unpublished'],
  restore: ['archived', 'unpublished'],
};

/** Actions that decide what the public sees need publish rights; the others only edit rights. */
const PUBLISHING: ReadonlySet<WorkflowAction> = new Set(['reject', 'approve', 'schedule', 'publish', 'unpublish', 'archive']);
export const needsPublishRights = (action: WorkflowAction | 'correct') => action === 'correct' || PUBLISHING.has(action);

export const allowedActions = (status: ArticleStatus): WorkflowAction[] => ACTIONS.filter((a) => FROM[a].includes(status));

export interface ActionInput {
  /** reject: required; others: optional, kept in the audit log and the revision reason. */
  note?: string;
  publishAt?: string;
  /** undefined keeps the current value, null clears it. */
  unpublishAt?: string | null;
  /** undefined keeps the current value (an embargo is never dropped by accident), null clears it. */
  embargoUntil?: string | null;
}

type Change = Partial<typeof articles.$inferInsert> & { status: ArticleStatus };

const toDate = (s: string | null | undefined) => (s === undefined ? undefined : s === null ? null : new Date(s));

/** The new column values for an action (the state check has passed); throws 422 for times that make no sense. */
function plan(action: WorkflowAction, row: ArticleRow, input: ActionInput, now: Date): Change {
  const embargoUntil = toDate(input.embargoUntil);
  const unpublishAt = toDate(input.unpublishAt);
  const publishAt = toDate(input.publishAt) ?? undefined;
  const timing = { ...(embargoUntil !== undefined ? { embargoUntil } : {}), ...(unpublishAt !== undefined ? { unpublishAt } : {}) };
  // Going live now: publishedAt is this publication; firstPublishedAt is the first one and never moves.
  const goLive = (): Change => ({ status: 'published', publishedAt: now, firstPublishedAt: row.firstPublishedAt ?? now, publishAt: null, ...timing });
  const scheduleAt = (at: Date): Change => ({ status: 'scheduled', publishAt: at, ...timing });
  const checkUnpublishAfter = (liveAt: Date) => {
    const end = unpublishAt !== undefined ? unpublishAt : row.unpublishAt;
    if (end && end <= liveAt) throw unprocessable([{ pointer: '/body/unpublishAt', detail: 'must be after the time the article goes live' }]);
  };

  switch (action) {
    case 'submit':
      return { status: 'in_review' };
    case 'reject':
    case 'restore':
      // Back to a draft: a pending schedule or take-down no longer applies. The embargo stays (it only ever hides).
      return { status: 'draft', publishAt: null, unpublishAt: null };
    case 'approve':
      if (publishAt && publishAt > now) {
        checkUnpublishAfter(publishAt);
        return scheduleAt(publishAt);
      }
      checkUnpublishAfter(now);
      return goLive();
    case 'schedule':
      if (!publishAt || publishAt <= now) {
        throw unprocessable([{ pointer: '/body/publishAt', detail: 'must be in the future (publish goes live now)' }]);
      }
      checkUnpublishAfter(publishAt);
      return scheduleAt(publishAt);
    case 'publish':
      checkUnpublishAfter(now);
      return goLive();
    case 'unpublish':
      return { status: 'unpublished', unpublishAt: null };
    case 'archive':
      return { status: 'archived', publishAt: null, unpublishAt: null };
  }
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : d);

/** Locks the row for the rest of the transaction, so a concurrent action waits and then sees the new version. */
async function lockRow(tx: Db, id: string): Promise<ArticleRow> {
  const [row] = await tx.select().from(articles).where(eq(articles.id, id)).for('update');
  if (!row) throw notFound('Article');
  return row;
}

async function checkPermission(tx: Db, ctx: WriteContext, row: ArticleRow, action: WorkflowAction | 'correct') {
  if (needsPublishRights(action)) {
    const { settings } = await getSiteSettings(tx);
    await assertCanPublish(tx, ctx, row, settings.workflow?.authorsMayPublish ?? false);
  } else {
    await assertCanEdit(tx, ctx, row);
  }
}

/** Writes the change only if the row is still at the version read, bumping it; returns the new version. */
async function writeChange(tx: Db, row: ArticleRow, change: Partial<typeof articles.$inferInsert>, now: Date): Promise<number> {
  const [updated] = await tx
    .update(articles)
    .set({ ...change, updatedAt: now, version: sql`${articles.version} + 1` })
    .where(and(eq(articles.id, row.id), eq(articles.version, row.version)))
    .returning({ version: articles.version });
  if (!updated) throw preconditionFailed(row.version + 1);
  return updated.version;
}

/**
 * Applies one workflow action. Order of refusals: 404, 403 (permission), 412 (stale If-Match),
 * 409 (not allowed from the current state, listing the allowed actions), 422 (bad times).
 */
export async function applyAction(
  db: Db,
  id: string,
  action: WorkflowAction,
  input: ActionInput,
  ctx: WriteContext,
): Promise<{ version: number; status: ArticleStatus }> {
  return db.transaction(async (tx) => {
    const row = await lockRow(tx, id);
    await checkPermission(tx, ctx, row, action);
    checkVersion(row.version, ctx);
    const allowed = allowedActions(row.status);
    if (!allowed.includes(action)) {
      throw conflict(
        `Cannot ${action} an article that is ${row.status}; allowed: ${allowed.join(', ') || 'none'}.`,
        undefined,
        { currentStatus: row.status, allowed },
      );
    }
    const change = plan(action, row, input, ctx.now);
    const version = await writeChange(tx, row, change, ctx.now);
    await recordRevision(tx, id, ctx, input.note ? `${action}: ${input.note}` : action);
    await recordAudit(tx, ctx, {
      action: `article.${action}`,
      resourceType: 'article',
      resourceId: id,
      details: {
        from: row.status,
        to: change.status,
        ...(input.note ? { note: input.note } : {}),
        ...(change.publishAt ? { publishAt: iso(change.publishAt) } : {}),
        ...(change.unpublishAt !== undefined ? { unpublishAt: iso(change.unpublishAt) } : {}),
        ...(change.embargoUntil !== undefined ? { embargoUntil: iso(change.embargoUntil) } : {}),
      },
    });
    await afterArticleWrite(tx, id, row, ctx.now);
    return { version, status: change.status };
  });
}

/**
 * Appends a correction note to a published article. updatedAt moves; publishedAt and
 * firstPublishedAt do not (a correction is not a new publication).
 */
export async function addCorrection(db: Db, id: string, text: string, ctx: WriteContext): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    const row = await lockRow(tx, id);
    await checkPermission(tx, ctx, row, 'correct');
    checkVersion(row.version, ctx);
    if (row.status !== 'published') {
      throw conflict(`Corrections are added to published articles; this one is ${row.status}.`, undefined, {
        currentStatus: row.status,
        allowed: allowedActions(row.status),
      });
    }
    const correction = { text, at: ctx.now.toISOString() };
    const version = await writeChange(tx, row, { corrections: [...(row.corrections ?? []), correction] }, ctx.now);
    await recordRevision(tx, id, ctx, 'correction');
    await recordAudit(tx, ctx, { action: 'article.correct', resourceType: 'article', resourceId: id, details: { at: correction.at } });
    await afterArticleWrite(tx, id, row, ctx.now, 'correction');
    return { version };
  });
}
