// The append-only audit log: every write and every login attempt, with who, what, when and from where.
import { and, count, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';
import { type Page, paginate, splitList } from '../../http/list.js';
import type { SortableField } from '../../http/pagination.js';
import type { AuditEntry as AuditEntryView, AuditListQuery } from './schemas.js';

export interface AuditEntry {
  /** resource.verb, e.g. article.update, tag.delete, auth.login_failed */
  action: string;
  resourceType?: string;
  resourceId?: string;
  /** Never secrets: ids, names, changed field names. */
  details?: Record<string, unknown>;
}

/** Call inside the transaction of the change it records, so both land or neither does. */
export async function recordAudit(db: Db, ctx: WriteContext, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    id: uuidv7(),
    at: ctx.now,
    actor: ctx.actor,
    action: entry.action,
    resourceType: entry.resourceType ?? null,
    resourceId: entry.resourceId ?? null,
    ip: ctx.ip,
    requestId: ctx.requestId,
    details: entry.details ?? {},
  });
}

type AuditRow = typeof auditLog.$inferSelect;

// Entries written in one transaction share their time; the id (UUIDv7, time-ordered) keeps them in
// writing order, so "newest first" sorts by both, in the same direction.
const SORTABLE: Record<string, SortableField> = {
  at: { expr: sql`${auditLog.at}`, read: (r) => (r.at as Date).toISOString(), cast: 'timestamptz' },
  seq: { expr: sql`${auditLog.id}`, read: (r) => String(r.id), cast: 'uuid' },
};

function auditFilters(q: AuditListQuery): SQL[] {
  const where: SQL[] = [];
  if (q['filter[action]']) where.push(eq(auditLog.action, q['filter[action]']));
  if (q['filter[action][in]']) where.push(inArray(auditLog.action, splitList(q['filter[action][in]'])));
  if (q['filter[resourceType]']) where.push(eq(auditLog.resourceType, q['filter[resourceType]']));
  if (q['filter[resourceId]']) where.push(eq(auditLog.resourceId, q['filter[resourceId]'].toLowerCase()));
  if (q['filter[actor]']) where.push(sql`${auditLog.actor}->>'id' = ${q['filter[actor]'].toLowerCase()}`);
  if (q['filter[at][gte]']) where.push(gte(auditLog.at, new Date(q['filter[at][gte]'])));
  if (q['filter[at][lt]']) where.push(lt(auditLog.at, new Date(q['filter[at][lt]'])));
  return where;
}

export function toAuditEntry(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    ip: row.ip,
    requestId: row.requestId,
    details: row.details,
  };
}

export async function listAudit(db: Db, q: AuditListQuery, selfUrl: string): Promise<Page<AuditEntryView>> {
  const filters = auditFilters(q);
  const page = await paginate<AuditRow>({
    query: { ...q, sort: q.sort === 'at' ? 'at,seq' : '-at,-seq' },
    sortable: SORTABLE,
    defaultSort: '-at,-seq',
    idExpr: sql`${auditLog.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) =>
      db.select().from(auditLog).where(and(...filters, seek)).orderBy(...orderBy).limit(limit),
    count: async () => Number((await db.select({ n: count() }).from(auditLog).where(and(...filters)))[0].n),
  });
  return { ...page, items: page.items.map(toAuditEntry) };
}
