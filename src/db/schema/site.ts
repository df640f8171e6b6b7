// Storage for per-site settings and API tokens.
import { jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One row per site; the document shape is the SiteSettings API schema. */
export const siteSettings = pgTable('site_settings', {
  id: text().primaryKey(),
  settings: jsonb().$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/** api: a scoped credential for tools; public: a read key for browsers and partners (published content only). */
export const tokenKind = pgEnum('token_kind', ['api', 'public']);

export const apiTokens = pgTable('api_tokens', {
  id: uuid().primaryKey(),
  name: text().notNull(),
  kind: tokenKind().notNull().default('api'),
  createdByUserId: uuid(),
  /** SHA-256 of the secret; the secret itself is shown once and never stored. */
  tokenHash: text().notNull().unique(),
  scopes: text().array().notNull(),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  expiresAt: timestamp({ withTimezone: true, precision: 3 }),
  lastUsedAt: timestamp({ withTimezone: true, precision: 3 }),
  revokedAt: timestamp({ withTimezone: true, precision: 3 }),
});
