// The webhook outbox: an event row and one delivery per matching endpoint, written in the transaction
// of the change they report. A rolled-back change leaves nothing; a committed one is always delivered.
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../../db/schema/index.js';

const RESOURCES = ['category', 'tag', 'author', 'source'] as const;

/** Every event a webhook can subscribe to. */
export const EVENT_TYPES = [
  'article.created',
  'article.updated',
  'article.published',
  'article.unpublished',
  'article.scheduled',
  'article.corrected',
  'article.deleted',
  'translation.created',
  ...RESOURCES.flatMap((r) => [`${r}.created`, `${r}.updated`, `${r}.deleted`] as const),
  'site.updated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What an endpoint may list in `events`: a type, a family (article.*, category.*...) or * for all. */
export const EVENT_PATTERNS = ['*', ...new Set(EVENT_TYPES.map((t) => `${t.split('.')[0]}.*`)), ...EVENT_TYPES];

export interface OutboxEvent {
  type: EventType;
  data: Record<string, unknown>;
  /** What the event is about, e.g. article:<id>: deliveries with the same key reach an endpoint in order. */
  orderingKey: string;
  /** For endpoints filtering by locale; events without one (tags, site...) reach every endpoint. */
  locale?: string | null;
  /** For endpoints filtering by category; only article and translation events carry one. */
  categoryId?: string | null;
}

/**
 * The PostgreSQL NOTIFY channel of content changes: every API instance LISTENs on it and empties its
 * response cache (http/response-cache.ts) on each notification. The payload is the event type.
 */
export const CONTENT_CHANNEL = 'dateline_content';

/**
 * Writes the event and its deliveries, if any active endpoint wants it, and notifies CONTENT_CHANNEL. Call it
 * inside the transaction of the change. Two statements (the NOTIFY, the endpoint match) when no endpoint
 * wants it; the event and its deliveries are two inserts more when one does.
 */
export async function emitEvent(tx: Db, event: OutboxEvent, now: Date): Promise<void> {
  // A NOTIFY inside a transaction is delivered when it commits and dropped if it rolls back, so no
  // instance drops its cache for a change that did not happen, nor before the change is visible.
  await tx.execute(sql`SELECT pg_notify(${CONTENT_CHANNEL}, ${event.type})`);
  const family = `${event.type.split('.')[0]}.*`;
  const locale = event.locale ?? null;
  const categoryId = event.categoryId ?? null;
  const endpoints = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      sql`${webhookEndpoints.active} AND ${webhookEndpoints.disabledAt} IS NULL
        AND (${event.type} = ANY(${webhookEndpoints.events}) OR ${family} = ANY(${webhookEndpoints.events}) OR '*' = ANY(${webhookEndpoints.events}))
        AND (${webhookEndpoints.locales} IS NULL OR ${locale}::text IS NULL OR ${locale}::text = ANY(${webhookEndpoints.locales}))
        AND (${webhookEndpoints.categoryIds} IS NULL OR (${event.type} NOT LIKE 'article.%' AND ${event.type} NOT LIKE 'translation.%') OR ${categoryId}::uuid = ANY(${webhookEndpoints.categoryIds}))`,
    );
  if (!endpoints.length) return;
  const eventId = uuidv7();
  await tx.insert(webhookEvents).values({ id: eventId, type: event.type, data: event.data, createdAt: now });
  await tx.insert(webhookDeliveries).values(
    endpoints.map((e) => ({ id: uuidv7(), eventId, endpointId: e.id, orderingKey: event.orderingKey, nextAttemptAt: now, createdAt: now })),
  );
}

/** category/tag/author/source created, updated or deleted: { id, slug, version }; receivers fetch the rest. */
export async function emitResourceEvent(
  tx: Db,
  resource: (typeof RESOURCES)[number],
  action: 'created' | 'updated' | 'deleted',
  row: { id: string; slug: string; version: number },
  now: Date,
): Promise<void> {
  await emitEvent(
    tx,
    { type: `${resource}.${action}`, data: { id: row.id, slug: row.slug, version: row.version }, orderingKey: `${resource}:${row.id}` },
    now,
  );
}
