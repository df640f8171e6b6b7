// Storage for newsroom users, their login sessions and failed logins (for rate limiting).
import { boolean, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { authors } from './taxonomy.js';

export const userRole = pgEnum('user_role', ['admin', 'editor', 'author', 'contributor']);

export const users = pgTable('users', {
  id: uuid().primaryKey(),
  /** Stored lower-case; unique. */
  email: text().notNull().unique(),
  displayName: text().notNull(),
  role: userRole().notNull(),
  active: boolean().notNull().default(true),
  /** argon2id hash (PHC string). */
  passwordHash: text().notNull(),
  /** The byline profile that makes an article this user's "own". */
  authorId: uuid()
    .unique()
    .references(() => authors.id, { onDelete: 'set null' }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: uuid().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 of the session secret. */
    tokenHash: text().notNull().unique(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [index().on(t.userId)],
);

/** One row per failed login, keyed by account and by IP; old rows are pruned. */
export const loginFailures = pgTable(
  'login_failures',
  {
    key: text().notNull(),
    failedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index().on(t.key, t.failedAt)],
);
