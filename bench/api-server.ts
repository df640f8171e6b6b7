// The API under test, as a child process of bench/run.ts: buildApp on the bench database, configured from the
// environment as src/server.ts is (DATABASE_URL or DATA_DIR, RESPONSE_CACHE_MAX_ENTRIES...), without the
// scheduler, webhook worker and start-up chores. Counts SQL statements and can EXPLAIN them (BENCH_EXPLAIN).
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { serveParent } from './servers.js';

interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Records the SQL and parameters Drizzle sends while capturing. openDatabase's onQuery gets the text only, so
 * this wraps the logger it handed to Drizzle (a bench-only reach into Drizzle internals).
 */
function statementRecorder(db: Database['db']) {
  const logger = (db as unknown as { _: { session: { logger?: { logQuery(sql: string, params: unknown[]): void } } } })._.session.logger;
  if (!logger) throw new Error('Drizzle has no logger to wrap: open the database with onQuery');
  const original = logger.logQuery.bind(logger);
  const recorder = { statements: undefined as Statement[] | undefined };
  logger.logQuery = (sql, params) => {
    recorder.statements?.push({ sql, params: [...params] });
    original(sql, params);
  };
  return recorder;
}

/** EXPLAIN (ANALYZE, BUFFERS) of each statement, through the driver so the parameters bind as the app's did. */
async function explainStatements(db: Database['db'], statements: Statement[]): Promise<string> {
  const client = (db as unknown as { $client: { query(sql: string, params: unknown[]): Promise<{ rows: Array<Record<string, string>> }> } }).$client;
  const plans: Array<{ sql: string; ms: number; plan: string }> = [];
  for (const s of statements) {
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
    const lines = rows.map((r) => r['QUERY PLAN']);
    const ms = Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? NaN);
    plans.push({ sql: s.sql.replace(/\s+/g, ' ').trim(), ms, plan: lines.join('\n') });
  }
  const slowest = plans.reduce((a, b) => (b.ms > a.ms ? b : a), plans[0]);
  return [
    ...plans.map((p) => `  ${p.ms.toFixed(3).padStart(8)} ms  ${p.sql.slice(0, 110)}`),
    slowest ? `  slowest plan:\n${slowest.plan.replace(/^/gm, '    ')}` : '',
  ].join('\n');
}

async function main() {
  const config = loadConfig(process.env);
  let queries = 0;
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir, onQuery: () => void queries++ });
  const recorder = statementRecorder(database.db);
  const app = await buildApp({ config, database, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  serveParent(app, {
    queries: () => queries,
    capture: () => void (recorder.statements = []),
    async explain() {
      const statements = recorder.statements ?? [];
      recorder.statements = undefined;
      return explainStatements(database.db, statements);
    },
    close: async () => {
      await app.close();
      await database.close();
    },
  });
}

if (process.send) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
