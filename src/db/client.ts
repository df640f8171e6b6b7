// Opens the database: a pg Pool when a URL is given, embedded PGlite otherwise; both behind one Drizzle type.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** A database or a transaction: services accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface DatabaseOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string;
  /** PGlite data directory; absent means in memory. */
  dataDir?: string;
  /** Called for every SQL statement (tests count queries with it). */
  onQuery?: (query: string) => void;
}

export interface Database {
  db: Db;
  engine: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Any fixed number shared by all instances: migrations from several API processes run one at a time.
const MIGRATION_LOCK_ID = 724_031_001;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger = options.onQuery ? { logQuery: (query: string) => options.onQuery!(query) } : undefined;
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: 10 });
    // An idle connection the server closes (restart, failover, DROP DATABASE ... FORCE while the pool is
    // ending) is reported on the pool; unheard, that 'error' would crash the process. The pool drops the
    // connection and the next query opens a new one, so there is nothing else to do.
    pool.on('error', () => {});
    const db = drizzlePg({ client: pool, schema, casing: 'snake_case', logger });
    return {
      db,
      engine: 'postgres',
      async migrate() {
        const client = await pool.connect();
        try {
          await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
          await migratePg(drizzlePg({ client, casing: 'snake_case' }) as never, { migrationsFolder });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
          client.release();
        }
      },
      async ping() {
        await pool.query('SELECT 1');
      },
      async close() {
        await pool.end();
      },
    };
  }
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  const client = await PGlite.create({ dataDir: options.dataDir, extensions: { unaccent } }).catch((err) => {
    unlock();
    throw err;
  });
  const db = drizzlePglite({ client, schema, casing: 'snake_case', logger });
  return {
    db,
    engine: 'pglite',
    async migrate() {
      await migratePglite(db, { migrationsFolder });
    },
    async ping() {
      await db.execute(sql`SELECT 1`);
    },
    async close() {
      await client.close();
      unlock();
    },
  };
}

/**
 * PGlite has no server to arbitrate: two processes on one data directory (say `npm start` and
 * `npm run token:create`) would each cache and write the files and corrupt them. A pid file refuses the second.
 */
const openDataDirs = new Set<string>();

function lockDataDir(dataDir: string): () => void {
  const key = path.resolve(dataDir);
  if (openDataDirs.has(key)) throw new Error(`The embedded database in ${dataDir} is already open in this process.`);
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'dateline.pid');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number(readFileSync(file, 'utf8'));
    if (owner && owner !== process.pid && isRunning(owner)) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by process ${owner}. Stop it first (or use DATABASE_URL for shared access).`,
      );
    }
    writeFileSync(file, String(process.pid)); // left behind by a process that died (or an earlier run with our pid)
  }
  openDataDirs.add(key);
  return () => {
    openDataDirs.delete(key);
    rmSync(file, { force: true });
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs raw SQL and returns its rows; both drivers answer with `{ rows }`. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
