// Storage for webhooks: subscriber endpoints, the outbox of events, and one delivery per (event, endpoint).
import { bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './taxonomy.js';

export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid().primaryKey(),
  url: text().notNull(),
  description: text().notNull().default(''),
  /** Event types, or a family with a wildcard (category.*), or * for everything. */
  events: text().array().notNull(),
  /** Only events about content in these locales; null: every locale. */
  locales: text().array(),
  /** Only article events in these categories; null: every category. */
  categoryIds: uuid().array(),
  active: boolean().notNull().default(true),
  /** whsec_<base64>: kept readable because every delivery is signed with it; never shown after creation. */
  secret: text().notNull(),
  /** After a rotation the old secret also signs, until previousSecretExpiresAt, so receivers can switch over. */
  previousSecret: text(),
  previousSecretExpiresAt: timestamp({ withTimezone: true, precision: 3 }),
  /** Set when deliveries kept failing; cleared when an admin re-enables the endpoint. */
  disabledAt: timestamp({ withTimezone: true, precision: 3 }),
  disabledReason: text(),
  /** Failed attempts in a row, across deliveries; reset by any success. */
  consecutiveFailures: integer().notNull().default(0),
  ...timestamps,
});

/** The outbox: written in the transaction of the change it reports, so it exists if and only if the change does. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    /** Also the webhook-id header: receivers deduplicate on it. */
    id: uuid().primaryKey(),
    type: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index().on(t.createdAt)],
);

export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', ['pending', 'delivering', 'succeeded', 'failed']);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid().primaryKey(),
    /** Insertion order; deliveries with the same endpoint and ordering key go out in this order. */
    seq: bigserial({ mode: 'number' }).notNull().unique(),
    eventId: uuid()
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** e.g. article:<id>: a later event about the same thing waits until the earlier one is done. */
    orderingKey: text().notNull(),
    status: webhookDeliveryStatus().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    /** While delivering: when another worker may assume this one died and try again. */
    leaseUntil: timestamp({ withTimezone: true, precision: 3 }),
    lastAttemptAt: timestamp({ withTimezone: true, precision: 3 }),
    responseStatus: integer(),
    /** The first 2 KB of the receiver's answer. */
    responseBody: text(),
    latencyMs: integer(),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true, precision: 3 }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    index().on(t.status, t.nextAttemptAt),
    index().on(t.endpointId, t.orderingKey, t.seq),
    index().on(t.endpointId, t.createdAt),
    index().on(t.eventId),
  ],
);
