// Opens the database: a pg Pool when a URL is given (plus one per read replica), embedded PGlite otherwise; both behind one Drizzle type.
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
import { listenPostgres, type OnNotify } from './listen.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** A database or a transaction: services accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface DatabaseOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string;
  /** postgres:// URLs of read replicas of `url` (DATABASE_READ_URL); PGlite has none. */
  readUrls?: string[];
  /**
   * A connection straight to the primary, not through a transaction-mode pooler (DATABASE_DIRECT_URL):
   * migrate() holds a session-level advisory lock over it. Absent: `url`.
   */
  directUrl?: string;
  /** PGlite data directory; absent means in memory. */
  dataDir?: string;
  /** Called for every SQL statement (tests count queries with it). */
  onQuery?: (query: string) => void;
}

export interface Database {
  /** The primary: writes, and reads that must see them. */
  db: Db;
  /**
   * For reads that may lag a moment behind writes (public reads): the next read replica in turn, or `db`
   * when there is none. Call it once per request, so one response reads one replica.
   */
  readDb(): Db;
  engine: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /**
   * LISTEN on a channel: onNotify gets each NOTIFY's payload once its transaction commits, and null after a
   * lost connection came back (what was sent meanwhile is lost). Resolves once listening; the returned
   * function stops, and close() stops every listener.
   */
  listen(channel: string, onNotify: OnNotify, onError?: (err: Error) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// Any fixed number shared by all instances: migrations from several API processes run one at a time.
const MIGRATION_LOCK_ID = 724_031_001;

/** Connections per pool, the primary's and each replica's alike. */
const POOL_SIZE = 10;

function openPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  // An idle connection the server closes (restart, failover, DROP DATABASE ... FORCE while the pool is
  // ending) is reported on the pool; unheard, that 'error' would crash the process. The pool drops the
  // connection and the next query opens a new one, so there is nothing else to do.
  pool.on('error', () => {});
  return pool;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger = options.onQuery ? { logQuery: (query: string) => options.onQuery!(query) } : undefined;
  if (options.readUrls?.length && !options.url) {
    throw new Error('Read replicas (DATABASE_READ_URL) need a PostgreSQL primary (DATABASE_URL): the embedded PGlite database has none.');
  }
  if (options.url) {
    const url = options.url;
    const pool = openPool(url);
    const db = drizzlePg({ client: pool, schema, casing: 'snake_case', logger });
    const replicaPools = (options.readUrls ?? []).map(openPool);
    const replicas = replicaPools.map((replica) => drizzlePg({ client: replica, schema, casing: 'snake_case', logger }));
    let turn = 0;
    const listeners = new Set<() => Promise<void>>();
    return {
      db,
      readDb() {
        if (replicas.length === 0) return db;
        const next = replicas[turn];
        turn = (turn + 1) % replicas.length;
        return next;
      },
      engine: 'postgres',
      async migrate() {
        // A connection of its own, straight to the primary: pg_advisory_lock belongs to the server session, and
        // behind a transaction-mode pooler (PgBouncer) the unlock could run on another server connection and
        // leave the lock held. Ending this connection releases the lock even if the unlock fails.
        const client = new pg.Client({ connectionString: options.directUrl ?? url });
        // A connection lost mid-migration also fails the query in flight, which is what reports it.
        client.on('error', () => {});
        await client.connect();
        try {
          await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
          await migratePg(drizzlePg({ client, casing: 'snake_case' }) as never, { migrationsFolder });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
          await client.end().catch(() => {});
        }
      },
      async ping() {
        // Ready means every server this instance reads from answers: a dead replica would fail public reads.
        await Promise.all([pool, ...replicaPools].map((p) => p.query('SELECT 1')));
      },
      async listen(channel, onNotify, onError) {
        // Not through the pool, and to the primary (a standby cannot LISTEN), bypassing a transaction-mode pooler.
        const stop = await listenPostgres(options.directUrl ?? url, channel, onNotify, onError);
        const stopOnce = async () => {
          listeners.delete(stopOnce);
          await stop();
        };
        listeners.add(stopOnce);
        return stopOnce;
      },
      async close() {
        await Promise.all([...listeners].map((stop) => stop()));
        await Promise.all([pool, ...replicaPools].map((p) => p.end()));
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
    // One in-process connection, no replicas: every read goes to the one database.
    readDb: () => db,
    engine: 'pglite',
    async migrate() {
      await migratePglite(db, { migrationsFolder });
    },
    async ping() {
      await db.execute(sql`SELECT 1`);
    },
    async listen(channel, onNotify) {
      // One in-process session: a NOTIFY reaches the callback when its transaction commits, never on rollback.
      const unlisten = await client.listen(channel, (payload) => onNotify(payload));
      return async () => {
        if (!client.closed) await unlisten();
      };
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
