// Builds the production app on a fresh database for one test file: in-memory PGlite, or a throwaway
// PostgreSQL database when TEST_DATABASE_URL is set. Everything is closed and dropped on teardown.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createToken, SCOPES, type Scope } from '../../src/modules/tokens/service.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestContext {
  app: App;
  /** Bearer token with every scope. */
  token: string;
  auth: { authorization: string };
  /** SQL statements run since the last reset. */
  queries: { count: number; reset(): void };
  /** Moves the app's clock; starts at the real time. */
  clock: { now: Date; set(d: Date | string): void; advance(ms: number): void };
  tokenWith(scopes: Scope[]): Promise<string>;
  /** Every log line the app wrote, as JSON text; empty unless buildTestApp was asked to capture logs. */
  logs: string[];
  /** The PostgreSQL database's URL (for a second app on the same database); undefined on PGlite. */
  databaseUrl?: string;
}

export interface TestAppOptions {
  /** Log at trace level into `logs` instead of discarding the log. */
  captureLogs?: boolean;
}

/** A new empty database on TEST_DATABASE_URL's server (no url on PGlite); drop() removes it. */
export async function freshDatabase(): Promise<{ url?: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { drop: async () => {} };
  const name = `dateline_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function buildTestApp(t: Teardown, env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestContext> {
  const fresh = await freshDatabase();
  const queries = { count: 0, reset() { queries.count = 0; } };
  const database = await openDatabase({ url: fresh.url, onQuery: () => { queries.count++; } });
  await database.migrate();
  const clock = {
    now: new Date(),
    set(d: Date | string) { clock.now = new Date(d); },
    advance(ms: number) { clock.now = new Date(clock.now.getTime() + ms); },
  };
  // Test files make thousands of anonymous requests from one address; rate-limit tests set their own limit.
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://dateline.test', ANONYMOUS_RATE_LIMIT: '0', ...env });
  const logs: string[] = [];
  const logger = options.captureLogs ? { level: 'trace', stream: { write: (line: string) => logs.push(line) } } : false;
  const app = await buildApp({ config, database, logger, now: () => clock.now });
  await app.ready();
  t.teardown(async () => {
    await app.close();
    await database.close();
    await fresh.drop();
  });
  const { secret } = await createToken(database.db, { name: 'test admin', scopes: SCOPES });
  return {
    app,
    token: secret,
    auth: { authorization: `Bearer ${secret}` },
    queries,
    clock,
    tokenWith: async (scopes) => (await createToken(database.db, { name: 'scoped', scopes })).secret,
    logs,
    databaseUrl: fresh.url,
  };
}
