// Webhook endpoints (subscriptions with a signing secret shown once) and their delivery log: reads, edits,
// secret rotation, redelivery and test pings. The outbox writer and the delivery worker live next door.
import { and, count, eq, inArray, isNotNull, isNull, ne, type SQL, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { auditLog, categories, webhookDeliveries, webhookEndpoints, webhookEvents } from '../../db/schema/index.js';
import { checkVersion, preconditionFailed, type Versioned } from '../../http/concurrency.js';
import type { WriteContext } from '../../http/context.js';
import { conflict, type FieldError, notFound, unprocessable } from '../../http/errors.js';
import { type Page, paginate } from '../../http/list.js';
import type { SortableField } from '../../http/pagination.js';
import { recordAudit } from '../audit/service.js';
import { siteLocales } from '../site/service.js';
import type {
  DeliveredType,
  DeliveryListQuery,
  Webhook,
  WebhookCreate,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookListQuery,
  WebhookUpdate,
  WebhookWithSecret,
} from './schemas.js';
import { newSecret } from './signature.js';
import { checkTargetUrl } from './ssrf.js';

export interface TargetPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: accept hosts on loopback and private networks (development, tests). */
  allowPrivateTargets: boolean;
}

export const DEFAULT_GRACE_HOURS = 24;
const PING_MESSAGE = 'Test event from Dateline: if your receiver verified this signature, the endpoint works.';

type EndpointRow = typeof webhookEndpoints.$inferSelect;
interface Extras {
  rotatedAt: Date | null;
  deliveries: { pending: number; failed: number };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const NO_EXTRAS: Extras = { rotatedAt: null, deliveries: { pending: 0, failed: 0 } };

function toWebhook(row: EndpointRow, extras: Extras): Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    locales: row.locales,
    categoryIds: row.categoryIds,
    active: row.active,
    disabledAt: iso(row.disabledAt),
    disabledReason: row.disabledReason,
    consecutiveFailures: row.consecutiveFailures,
    secretRotatedAt: iso(extras.rotatedAt),
    previousSecretExpiresAt: row.previousSecret ? iso(row.previousSecretExpiresAt) : null,
    deliveries: extras.deliveries,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Delivery counts and the last rotation for a page of endpoints: two queries, whatever the page size.
 * The rotation time comes from the audit log (webhook.rotate_secret is always recorded, in the same
 * transaction) because the endpoints table has no column for it.
 */
async function loadExtras(db: Db, ids: string[]): Promise<Map<string, Extras>> {
  const out = new Map<string, Extras>(ids.map((id) => [id, { rotatedAt: null, deliveries: { pending: 0, failed: 0 } }]));
  if (!ids.length) return out;
  const counts = await db
    .select({
      endpointId: webhookDeliveries.endpointId,
      pending: sql<number>`count(*) FILTER (WHERE ${webhookDeliveries.status} IN ('pending', 'delivering'))::int`,
      failed: sql<number>`count(*) FILTER (WHERE ${webhookDeliveries.status} = 'failed')::int`,
    })
    .from(webhookDeliveries)
    // Succeeded deliveries are most of the table and count for nothing here.
    .where(and(inArray(webhookDeliveries.endpointId, ids), ne(webhookDeliveries.status, 'succeeded')))
    .groupBy(webhookDeliveries.endpointId);
  for (const c of counts) out.get(c.endpointId)!.deliveries = { pending: Number(c.pending), failed: Number(c.failed) };
  const rotations = await db
    .select({ id: auditLog.resourceId, at: sql<Date>`max(${auditLog.at})`.mapWith(auditLog.at) })
    .from(auditLog)
    .where(and(eq(auditLog.resourceType, 'webhook'), inArray(auditLog.resourceId, ids), eq(auditLog.action, 'webhook.rotate_secret')))
    .groupBy(auditLog.resourceId);
  for (const r of rotations) if (r.id) out.get(r.id)!.rotatedAt = r.at;
  return out;
}

async function withExtras(db: Db, row: EndpointRow): Promise<Versioned<Webhook>> {
  const extras = (await loadExtras(db, [row.id])).get(row.id)!;
  return { ...toWebhook(row, extras), version: row.version };
}

const SORTABLE: Record<string, SortableField> = {
  createdAt: { expr: sql`${webhookEndpoints.createdAt}`, read: (r) => (r.createdAt as Date).toISOString(), cast: 'timestamptz' },
  updatedAt: { expr: sql`${webhookEndpoints.updatedAt}`, read: (r) => (r.updatedAt as Date).toISOString(), cast: 'timestamptz' },
};

export async function listWebhooks(db: Db, q: WebhookListQuery, selfUrl: string): Promise<Page<Webhook>> {
  const where: SQL[] = [];
  if (q['filter[active]'] !== undefined) where.push(eq(webhookEndpoints.active, q['filter[active]']));
  if (q['filter[disabled]'] !== undefined) where.push(q['filter[disabled]'] ? isNotNull(webhookEndpoints.disabledAt) : isNull(webhookEndpoints.disabledAt));
  const page = await paginate<EndpointRow>({
    query: q,
    sortable: SORTABLE,
    defaultSort: '-createdAt',
    idExpr: sql`${webhookEndpoints.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) => db.select().from(webhookEndpoints).where(and(...where, seek)).orderBy(...orderBy).limit(limit),
    count: async () => Number((await db.select({ n: count() }).from(webhookEndpoints).where(and(...where)))[0].n),
  });
  const extras = await loadExtras(db, page.items.map((r) => r.id));
  return { ...page, items: page.items.map((r) => toWebhook(r, extras.get(r.id)!)) };
}

export async function getWebhook(db: Db, id: string): Promise<Versioned<Webhook>> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw notFound('Webhook');
  return withExtras(db, row);
}

/**
 * The URL rules the schema cannot state: no credentials in it (they would show in every listing and log
 * line of the receiver's proxy), and a host that resolves to addresses we may connect to (SSRF). Runs
 * before the transaction: it may wait on DNS. The worker checks the addresses again at every delivery.
 */
async function checkUrl(url: string, policy: TargetPolicy): Promise<void> {
  const refuse = (detail: string) => unprocessable([{ pointer: '/body/url', detail }]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse('is not a valid URL');
  }
  if (parsed.username || parsed.password) throw refuse('must not contain a user name or password');
  const refusal = await checkTargetUrl(url, policy.allowPrivateTargets);
  if (refusal) throw refuse(`is refused: ${refusal}`);
}

/** Locales must be site locales and category ids must exist: both filters would silently match nothing otherwise. */
async function checkFilters(db: Db, input: { locales?: string[] | null; categoryIds?: string[] | null }): Promise<void> {
  const errors: FieldError[] = [];
  if (input.locales) {
    const { codes } = await siteLocales(db);
    input.locales.forEach((code, i) => {
      if (!codes.includes(code)) errors.push({ pointer: `/body/locales/${i}`, detail: `is not a site locale (${codes.join(', ')})` });
    });
  }
  if (input.categoryIds?.length) {
    const found = new Set((await db.select({ id: categories.id }).from(categories).where(inArray(categories.id, input.categoryIds))).map((r) => r.id));
    input.categoryIds.forEach((id, i) => {
      if (!found.has(id)) errors.push({ pointer: `/body/categoryIds/${i}`, detail: 'Category was not found.' });
    });
  }
  if (errors.length) throw unprocessable(errors);
}

/** What the audit log keeps of a URL: its origin. Receivers often put their own token in the path or query. */
const urlOrigin = (url: string) => new URL(url).origin;

export async function createWebhook(db: Db, input: WebhookCreate, ctx: WriteContext, policy: TargetPolicy): Promise<Versioned<WebhookWithSecret>> {
  await checkUrl(input.url, policy);
  await checkFilters(db, input);
  const secret = newSecret();
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({
        id: uuidv7(),
        url: input.url,
        description: input.description ?? '',
        events: input.events,
        locales: input.locales ?? null,
        categoryIds: input.categoryIds ?? null,
        active: input.active ?? true,
        secret,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    // Never the secret: the audit log is readable by every admin, for years.
    await recordAudit(tx, ctx, {
      action: 'webhook.create',
      resourceType: 'webhook',
      resourceId: created.id,
      details: { origin: urlOrigin(created.url), events: created.events, locales: created.locales, categoryIds: created.categoryIds, active: created.active },
    });
    return created;
  });
  return { ...toWebhook(row, NO_EXTRAS), secret, version: row.version };
}

/** Refuses with 412 when ctx names another version (If-Match). active: true also re-enables a disabled endpoint. */
export async function updateWebhook(db: Db, id: string, input: WebhookUpdate, ctx: WriteContext, policy: TargetPolicy): Promise<Versioned<Webhook>> {
  if (input.url !== undefined) await checkUrl(input.url, policy);
  await checkFilters(db, input);
  const row = await db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    const reenable = input.active === true && current.disabledAt !== null;
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        ...input,
        ...(input.active === true ? { disabledAt: null, disabledReason: null, consecutiveFailures: 0 } : {}),
        updatedAt: ctx.now,
        version: sql`${webhookEndpoints.version} + 1`,
      })
      // Conditional on the version read above: of two concurrent writers only one matches.
      .where(and(eq(webhookEndpoints.id, current.id), eq(webhookEndpoints.version, current.version)))
      .returning();
    if (!updated) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, {
      action: 'webhook.update',
      resourceType: 'webhook',
      resourceId: id,
      details: { fields: Object.keys(input), ...(input.url !== undefined ? { origin: urlOrigin(input.url) } : {}), ...(reenable ? { reenabled: true } : {}) },
    });
    return updated;
  });
  return withExtras(db, row);
}

/** Its deliveries go with it (ON DELETE CASCADE); events stay, other endpoints may still be delivering them. */
export async function deleteWebhook(db: Db, id: string, ctx: WriteContext): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await loadVersion(tx, id);
    checkVersion(current.version, ctx);
    const deleted = await tx
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, current.id), eq(webhookEndpoints.version, current.version)))
      .returning({ url: webhookEndpoints.url });
    if (!deleted.length) throw preconditionFailed((await loadVersion(tx, id)).version);
    await recordAudit(tx, ctx, { action: 'webhook.delete', resourceType: 'webhook', resourceId: id, details: { origin: urlOrigin(deleted[0].url) } });
  });
}

/**
 * A new secret, returned once. The old one keeps signing (next to the new one) for the grace period, so a
 * receiver can switch without dropping deliveries; with 0 it stops at once. A second rotation within the
 * grace period replaces the old secret by the one it retires.
 */
export async function rotateWebhookSecret(db: Db, id: string, graceHours: number, ctx: WriteContext): Promise<Versioned<WebhookWithSecret>> {
  const secret = newSecret();
  const row = await db.transaction(async (tx) => {
    const [current] = await tx.select({ secret: webhookEndpoints.secret }).from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).for('update');
    if (!current) throw notFound('Webhook');
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        secret,
        previousSecret: graceHours > 0 ? current.secret : null,
        previousSecretExpiresAt: graceHours > 0 ? new Date(ctx.now.getTime() + graceHours * 3_600_000) : null,
        updatedAt: ctx.now,
        version: sql`${webhookEndpoints.version} + 1`,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    await recordAudit(tx, ctx, { action: 'webhook.rotate_secret', resourceType: 'webhook', resourceId: id, details: { gracePeriodHours: graceHours } });
    return updated;
  });
  const { version, ...webhook } = await withExtras(db, row);
  return { ...webhook, secret, version };
}

async function loadVersion(db: Db, id: string) {
  const [row] = await db
    .select({ id: webhookEndpoints.id, version: webhookEndpoints.version, disabledAt: webhookEndpoints.disabledAt })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id));
  if (!row) throw notFound('Webhook');
  return row;
}

async function assertEndpoint(db: Db, id: string): Promise<void> {
  const [row] = await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw notFound('Webhook');
}

// ---- Deliveries ----

const deliveryColumns = {
  id: webhookDeliveries.id,
  eventId: webhookDeliveries.eventId,
  eventType: webhookEvents.type,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  responseStatus: webhookDeliveries.responseStatus,
  latencyMs: webhookDeliveries.latencyMs,
  responseBody: webhookDeliveries.responseBody,
  lastError: webhookDeliveries.lastError,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  deliveredAt: webhookDeliveries.deliveredAt,
  createdAt: webhookDeliveries.createdAt,
};
/** One row of deliveryColumns (a type alias, not an interface, so paginate can read its fields by name). */
type DeliveryRow = {
  id: string;
  eventId: string;
  eventType: string;
  status: WebhookDelivery['status'];
  attempts: number;
  responseStatus: number | null;
  latencyMs: number | null;
  responseBody: string | null;
  lastError: string | null;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
};

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType as DeliveredType,
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.responseStatus,
    latencyMs: row.latencyMs,
    responseBody: row.responseBody,
    lastError: row.lastError,
    // The column is never null (the worker's queue index needs it); it only means something while pending.
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: iso(row.lastAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    createdAt: row.createdAt.toISOString(),
  };
}

/** The JSON body a receiver gets for an event: the same fields, in the same order, as postWebhook in delivery.ts sends. */
const eventBody = (event: { id: string; type: string; data: Record<string, unknown>; createdAt: Date }) => ({
  id: event.id,
  type: event.type,
  timestamp: event.createdAt.toISOString(),
  data: event.data,
});

const DELIVERY_SORTABLE: Record<string, SortableField> = {
  createdAt: { expr: sql`${webhookDeliveries.createdAt}`, read: (r) => (r.createdAt as Date).toISOString(), cast: 'timestamptz' },
};

/** Newest first by default; ids (UUIDv7) order deliveries created in the same millisecond. */
export async function listDeliveries(db: Db, endpointId: string, q: DeliveryListQuery, selfUrl: string): Promise<Page<WebhookDelivery>> {
  await assertEndpoint(db, endpointId);
  const where: SQL[] = [eq(webhookDeliveries.endpointId, endpointId)];
  if (q['filter[status]']) where.push(eq(webhookDeliveries.status, q['filter[status]']));
  if (q['filter[eventType]']) where.push(eq(webhookEvents.type, q['filter[eventType]']));
  const base = () => db.select(deliveryColumns).from(webhookDeliveries).innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId));
  const page = await paginate<DeliveryRow>({
    query: q,
    sortable: DELIVERY_SORTABLE,
    defaultSort: '-createdAt',
    idExpr: sql`${webhookDeliveries.id}`,
    selfUrl,
    fetch: (seek, orderBy, limit) => base().where(and(...where, seek)).orderBy(...orderBy).limit(limit),
    count: async () =>
      Number(
        (await db.select({ n: count() }).from(webhookDeliveries).innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId)).where(and(...where)))[0].n,
      ),
  });
  return { ...page, items: page.items.map(toDelivery) };
}

export async function getDelivery(db: Db, endpointId: string, deliveryId: string): Promise<WebhookDeliveryDetail> {
  const [row] = await db
    .select({ ...deliveryColumns, data: webhookEvents.data, eventCreatedAt: webhookEvents.createdAt })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)));
  if (!row) throw notFound('Delivery');
  const event = eventBody({ id: row.eventId, type: row.eventType, data: row.data, createdAt: row.eventCreatedAt });
  return { ...toDelivery(row), event: event as WebhookDeliveryDetail['event'] };
}

async function loadDelivery(db: Db, endpointId: string, deliveryId: string): Promise<WebhookDelivery> {
  const [row] = await db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)));
  if (!row) throw notFound('Delivery');
  return toDelivery(row);
}

/**
 * Sends a delivery again, from the first attempt: back to pending, due now, attempts 0. The last attempt's
 * outcome (lastError, responseStatus...) stays visible until the next attempt replaces it. A delivery being
 * sent right now is a 409: the worker owns it until it records the outcome.
 */
export async function redeliver(db: Db, endpointId: string, deliveryId: string, ctx: WriteContext): Promise<WebhookDelivery> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: webhookDeliveries.status, eventId: webhookDeliveries.eventId })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)))
      .for('update');
    if (!current) throw notFound('Delivery');
    if (current.status === 'delivering') throw conflict('The delivery is being sent right now; wait for the outcome, then redeliver if needed.');
    await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: ctx.now, attempts: 0, leaseUntil: null })
      .where(eq(webhookDeliveries.id, deliveryId));
    await recordAudit(tx, ctx, { action: 'webhook.redeliver', resourceType: 'webhook', resourceId: endpointId, details: { deliveryId, eventId: current.eventId } });
    return loadDelivery(tx, endpointId, deliveryId);
  });
}

/**
 * A ping event and one delivery, to this endpoint only, whatever it subscribes to: written like the outbox
 * writes (event and delivery in one transaction), so the worker sends it like any other delivery.
 */
export async function sendTestPing(db: Db, endpointId: string, ctx: WriteContext): Promise<WebhookDelivery> {
  return db.transaction(async (tx) => {
    await assertEndpoint(tx, endpointId);
    const eventId = uuidv7();
    const deliveryId = uuidv7();
    await tx.insert(webhookEvents).values({ id: eventId, type: 'ping', data: { endpointId, message: PING_MESSAGE }, createdAt: ctx.now });
    await tx
      .insert(webhookDeliveries)
      .values({ id: deliveryId, eventId, endpointId, orderingKey: `ping:${endpointId}`, nextAttemptAt: ctx.now, createdAt: ctx.now });
    await recordAudit(tx, ctx, { action: 'webhook.test', resourceType: 'webhook', resourceId: endpointId, details: { deliveryId, eventId } });
    return loadDelivery(tx, endpointId, deliveryId);
  });
}
