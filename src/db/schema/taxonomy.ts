// Storage for the things articles point at: categories, tags, authors and sources.
import { sql } from 'drizzle-orm';
import { type AnyPgColumn, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A value per locale code, e.g. { en: 'Sports', zh: '体育' }. */
export type Localized = Record<string, string>;

const timestamps = {
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  /** Bumped by every write; the ETag is built from it, and If-Match compares against it. */
  version: integer().notNull().default(1),
};

export const categories = pgTable(
  'categories',
  {
    id: uuid().primaryKey(),
    parentId: uuid().references((): AnyPgColumn => categories.id, { onDelete: 'restrict' }),
    slug: text().notNull().unique(),
    position: integer().notNull().default(0),
    names: jsonb().$type<Localized>().notNull(),
    descriptions: jsonb().$type<Localized>().notNull().default(sql`'{}'::jsonb`),
    ...timestamps,
  },
  (t) => [index().on(t.parentId, t.position)],
);

export const tags = pgTable('tags', {
  id: uuid().primaryKey(),
  slug: text().notNull().unique(),
  names: jsonb().$type<Localized>().notNull(),
  ...timestamps,
});

export const authors = pgTable('authors', {
  id: uuid().primaryKey(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  bios: jsonb().$type<Localized>().notNull().default(sql`'{}'::jsonb`),
  avatarUrl: text(),
  email: text(),
  ...timestamps,
});

export const sourceKind = pgEnum('source_kind', ['agency', 'outlet', 'partner']);

export const sources = pgTable('sources', {
  id: uuid().primaryKey(),
  slug: text().notNull().unique(),
  shortName: text().notNull(),
  fullName: text().notNull(),
  url: text(),
  kind: sourceKind().notNull(),
  ...timestamps,
});

export { timestamps };
