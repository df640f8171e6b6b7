// First-start chores shared by server.ts and the CLIs: an admin token when none works, and whether to seed the demo.
import { sql } from 'drizzle-orm';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import { countActiveTokens, createToken, SCOPES } from './modules/tokens/service.js';

// Any fixed number: API processes starting together against one PostgreSQL create one admin token, not several.
const BOOTSTRAP_LOCK_ID = 724_031_002;

/** Creates an all-scopes token when no token is active (none yet, or all revoked or expired); null otherwise. */
export async function ensureAdminToken(db: Db, now = new Date()): Promise<{ id: string; secret: string } | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_ID})`);
    if ((await countActiveTokens(tx, now)) > 0) return null;
    return createToken(tx, { name: 'admin (created at start-up)', scopes: SCOPES });
  });
}

/** SEED_DEMO unset: seed an embedded database (someone trying Dateline out), never a PostgreSQL server unasked. */
export const wantsDemoSeed = (config: Config, engine: Database['engine']): boolean => config.seedDemo ?? engine === 'pglite';
