// Storage for what happened: article revisions, the audit log, and idempotency records for POSTs.
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/** Who did something: a user (session), a token, or the system (scheduler, seed). */
export interface ActorValue {
  type: 'user' | 'token' | 'system';
  id: string | null;
  name: string;
}

/** Full snapshots; never updated or deleted, so they outlive the article. */
export const articleRevisions = pgTable(
  'article_revisions',
  {
    id: uuid().primaryKey(),
    articleId: uuid().notNull(),
    /** 1, 2, 3... per article. */
    number: integer().notNull(),
    snapshot: jsonb().$type<Record<string, unknown>>().notNull(),
    changedFields: text().array().notNull(),
    actor: jsonb().$type<ActorValue>().notNull(),
    /** e.g. "update", "publish", "restore of 3". */
    reason: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [unique('article_revisions_article_number_unique').on(t.articleId, t.number)],
);

/** Append-only: one row per write and per login attempt. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid().primaryKey(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    actor: jsonb().$type<ActorValue>().notNull(),
    /** e.g. article.create, article.publish, token.revoke, auth.login, auth.login_failed */
    action: text().notNull(),
    resourceType: text(),
    resourceId: text(),
    ip: text(),
    requestId: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index().on(t.at), index().on(t.resourceType, t.resourceId), index().on(t.action, t.at)],
);

/** First response to a POST with an Idempotency-Key, per credential, kept 24 h. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    credential: text().notNull(),
    key: text().notNull(),
    /** SHA-256 of method, path and body: the same key with another request is refused. */
    fingerprint: text().notNull(),
    /** null while the first request is still running */
    responseStatus: integer(),
    responseBody: text(),
    responseHeaders: jsonb().$type<Record<string, string>>(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.credential, t.key] }), index().on(t.createdAt)],
);
