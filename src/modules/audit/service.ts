// The append-only audit log: every write and every login attempt, with who, what, when and from where.
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';
import type { WriteContext } from '../../http/context.js';

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
