// Benchmarks the public read paths over loopback HTTP, on in-memory PGlite and (with BENCH_DATABASE_URL)
// on a throwaway PostgreSQL database, and prints one markdown table per engine. See bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { cpuBetween, type CpuSnapshot, serverCpu } from './cpu.js';
import { buildDataset, type Dataset } from './dataset.js';
import { type LoadResult, runLoad } from './load.js';
import { indexMissing } from '../src/modules/search/indexer.js';

function numEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name}=${raw}: expected a number from ${min} to ${max}`);
  return value;
}

const settings = {
  articles: Math.round(numEnv('BENCH_ARTICLES', 5000, 10, 1_000_000)),
  durationMs: numEnv('BENCH_DURATION', 5, 0.5, 600) * 1000,
  warmupMs: numEnv('BENCH_WARMUP', 1, 0, 60) * 1000,
  concurrency: Math.round(numEnv('BENCH_CONCURRENCY', 10, 1, 256)),
  /** How many times scenario (d) follows links.next before measuring. */
  deepPages: Math.round(numEnv('BENCH_DEEP_PAGES', 20, 1, 10_000)),
  postgresUrl: process.env.BENCH_DATABASE_URL || undefined,
  /** Comma-separated subset of scenario keys (a-j), for quick runs. */
  only: process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean),
  /** Keep the throwaway PostgreSQL database (to EXPLAIN queries by hand); its name is printed. */
  keepDatabase: process.env.BENCH_KEEP_DATABASE === '1',
  /** Before each scenario, EXPLAIN ANALYZE every statement of one request and print the slowest plan. */
  explain: process.env.BENCH_EXPLAIN === '1',
  /** SQL run after the data set is loaded, e.g. a candidate index, to measure a schema idea without a migration. */
  setupSql: process.env.BENCH_SETUP_SQL || undefined,
  /** Serve with the in-process response cache on (RESPONSE_CACHE_MAX_ENTRIES): repeated reads become hits. */
  cache: process.env.BENCH_CACHE === '1',
};

const INCLUDE_ALL = 'include=category,tags,authors,sources,translations';

interface Scenario {
  key: string;
  name: string;
  /** Paths requested round-robin. */
  paths: string[];
}

const SEARCH_EN = ['flood warning', 'river budget', 'school election', 'harbour strike', 'vaccine hospital', 'typhoon coast', 'rice export', 'solar energy'];
const SEARCH_ZH = ['洪水', '预算', '港口', '医院', '铁路', '台风', '法院', '市场'];

async function scenarios(base: string, data: Dataset): Promise<Scenario[]> {
  const first = '/v1/articles?page[size]=20';
  let deep = first;
  for (let i = 0; i < settings.deepPages; i++) {
    const res = await fetch(base + deep);
    if (!res.ok) throw new Error(`GET ${deep} answered ${res.status} while walking to the deep page`);
    const body = (await res.json()) as { links: { next?: string } };
    if (!body.links.next) throw new Error(`The list ended after ${i + 1} pages; lower BENCH_DEEP_PAGES or raise BENCH_ARTICLES`);
    deep = body.links.next;
  }
  return [
    { key: 'a', name: 'list, 20 per page', paths: [first] },
    { key: 'b', name: 'list, 20, all includes', paths: [`/v1/articles?page[size]=20&${INCLUDE_ALL}`] },
    { key: 'c', name: 'list, 100, all includes', paths: [`/v1/articles?page[size]=100&${INCLUDE_ALL}`] },
    { key: 'd', name: `list, 20, page ${settings.deepPages + 1} by cursor`, paths: [deep] },
    {
      key: 'e',
      name: `by slug, all includes (${data.bilingualSlugs.length} slugs)`,
      paths: data.bilingualSlugs.map((slug) => `/v1/articles/by-slug/en/${slug}?${INCLUDE_ALL}`),
    },
    { key: 'f', name: 'category tree, zh', paths: ['/v1/categories?tree=true&locale=zh'] },
    { key: 'g', name: 'site, zh', paths: ['/v1/site?locale=zh'] },
    {
      key: 'h',
      name: 'list, tag + category subtree filter',
      paths: [`/v1/articles?filter[tag]=${data.popularTagSlug}&filter[category][descendants]=${data.rootCategorySlug}`],
    },
    // Search over many different words, so no single posting list stays hot.
    { key: 'i', name: 'search, en, 2 words', paths: SEARCH_EN.map((q) => `/v1/search?locale=en&q=${encodeURIComponent(q)}`) },
    { key: 'j', name: 'search, zh, 2 characters', paths: SEARCH_ZH.map((q) => `/v1/search?locale=zh&q=${encodeURIComponent(q)}`) },
  ];
}

interface Row {
  scenario: Scenario;
  result: LoadResult;
  queries: number;
  sample: { bytes: number };
  /** 1-minute load average when the scenario ended: other work on the machine skews the numbers. */
  load: number;
  /** Server CPU ms while measuring (main thread + PostgreSQL backends), when /proc allows. */
  cpu?: { total: number; postgres?: number };
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function table(rows: Row[]): string {
  const lines = [
    '| | Scenario | req/s | mean ms | p50 ms | p95 ms | p99 ms | non-2xx | SQL/req | resp KB | CPU ms/req | load |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { scenario, result, queries, sample, load, cpu } of rows) {
    const perRequest = (x: number) => ms(x / (result.requests || 1));
    const cpuCell = !cpu ? 'n/a' : cpu.postgres !== undefined ? `${perRequest(cpu.total)} (pg ${perRequest(cpu.postgres)})` : perRequest(cpu.total);
    const lat = result.latencies.slice().sort();
    const mean = lat.reduce((a, b) => a + b, 0) / (lat.length || 1);
    const rps = result.requests / (result.elapsedMs / 1000);
    lines.push(
      `| ${scenario.key} | ${scenario.name} | ${rps.toFixed(0)} | ${ms(mean)} | ${ms(percentile(lat, 50))} | ${ms(percentile(lat, 95))} | ${ms(percentile(lat, 99))} | ${result.errors} | ${queries} | ${(sample.bytes / 1024).toFixed(1)} | ${cpuCell} | ${load.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Records the SQL and parameters Drizzle sends while `capture` is set. openDatabase's onQuery gets
 * the text only, so this wraps the logger it handed to Drizzle (bench-only reach into Drizzle internals).
 */
function statementRecorder(db: Database['db']) {
  const logger = (db as unknown as { _: { session: { logger?: { logQuery(sql: string, params: unknown[]): void } } } })._.session.logger;
  if (!logger) throw new Error('Drizzle has no logger to wrap: open the database with onQuery');
  const original = logger.logQuery.bind(logger);
  const recorder = { capture: undefined as Statement[] | undefined };
  logger.logQuery = (sql, params) => {
    recorder.capture?.push({ sql, params: [...params] });
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

/** A throwaway database on the server, as test/helpers/app.ts makes one. */
async function throwawayDatabase(base: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `dateline_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

async function benchEngine(engine: 'pglite' | 'postgres'): Promise<{ engine: string; data: Dataset; setupMs: number; rows: Row[] }> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const runCleanups = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch((err) => console.error('cleanup failed:', err));
  };
  const onSigint = () => void runCleanups().finally(() => process.exit(130));
  process.once('SIGINT', onSigint);
  try {
    let url: string | undefined;
    let pgDatabase: string | undefined;
    if (engine === 'postgres') {
      const fresh = await throwawayDatabase(settings.postgresUrl!);
      url = fresh.url;
      pgDatabase = fresh.name;
      if (settings.keepDatabase) console.log(`Keeping database ${fresh.name} (BENCH_KEEP_DATABASE=1); drop it by hand.`);
      else cleanups.push(() => fresh.drop());
    }
    let queryCount = 0;
    const database = await openDatabase({ url, onQuery: () => void queryCount++ });
    cleanups.push(() => database.close());
    const recorder = statementRecorder(database.db);
    const t0 = performance.now();
    await database.migrate();
    const data = await buildDataset(database.db, { articles: settings.articles });
    // The dataset is inserted directly, as a bulk import would be; the server's start-up backfill indexes it.
    await indexMissing(database.db);
    if (settings.setupSql) {
      console.log(`[${engine}] BENCH_SETUP_SQL: ${settings.setupSql}`);
      await database.db.execute(sql.raw(settings.setupSql));
      await database.db.execute(sql`ANALYZE`);
    }
    const setupMs = performance.now() - t0;
    console.log(
      `[${engine}] ${data.articles} articles (${data.published} published, ${data.translations} zh translations), ` +
        `${data.categories} categories, ${data.tags} tags, ${data.authors} authors, ${data.sources} sources in ${(setupMs / 1000).toFixed(1)} s`,
    );

    const config = loadConfig({
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: 'http://127.0.0.1',
      // Every request comes from one address: the default 300 a minute would turn the run into 429s.
      ANONYMOUS_RATE_LIMIT: '0',
      ...(settings.cache ? { RESPONSE_CACHE_MAX_ENTRIES: '10000' } : {}),
    });
    const app = await buildApp({ config, database, logger: false });
    cleanups.push(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;

    const rows: Row[] = [];
    for (const scenario of await scenarios(base, data)) {
      if (settings.only && !settings.only.includes(scenario.key)) continue;
      // One request alone first: it must succeed, and it tells how many SQL statements a request costs.
      queryCount = 0;
      recorder.capture = [];
      const res = await fetch(base + scenario.paths[0]);
      const text = await res.text();
      const queries = queryCount;
      const statements = recorder.capture;
      recorder.capture = undefined;
      if (!res.ok) throw new Error(`[${engine}] (${scenario.key}) GET ${scenario.paths[0]} answered ${res.status}: ${text.slice(0, 500)}`);
      const sample = { bytes: Buffer.byteLength(text) };
      if (settings.explain) console.log(`[${engine}] (${scenario.key}) EXPLAIN ANALYZE of one request:\n${await explainStatements(database.db, statements)}`);

      let cpuBefore: CpuSnapshot | undefined;
      const result = await runLoad(
        { urls: scenario.paths.map((p) => base + p), concurrency: settings.concurrency, durationMs: settings.durationMs, warmupMs: settings.warmupMs },
        () => void (cpuBefore = serverCpu(pgDatabase)),
      );
      const cpu = cpuBefore && cpuBetween(cpuBefore, serverCpu(pgDatabase));
      rows.push({ scenario, result, queries, sample, load: os.loadavg()[0], cpu });
      const rps = result.requests / (result.elapsedMs / 1000);
      console.log(`[${engine}] (${scenario.key}) ${scenario.name}: ${rps.toFixed(0)} req/s, ${result.errors} errors`);
      if (result.errors) {
        console.log(table(rows));
        throw new Error(
          `[${engine}] (${scenario.key}) ${result.errors} of ${result.requests} requests failed ` +
            `(statuses ${JSON.stringify(result.statuses)}); first: ${result.firstError}`,
        );
      }
    }
    return { engine, data, setupMs, rows };
  } finally {
    await runCleanups();
    process.removeListener('SIGINT', onSigint);
  }
}

async function main() {
  const engines: Array<'pglite' | 'postgres'> = ['pglite'];
  if (settings.postgresUrl) engines.push('postgres');
  else console.log('BENCH_DATABASE_URL is not set: PGlite only.');
  console.log(
    `${new Date().toISOString()} | node ${process.version} | ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}) | ` +
      `${settings.articles} articles | ${settings.durationMs / 1000} s per scenario after ${settings.warmupMs / 1000} s warm-up | concurrency ${settings.concurrency}` +
      (settings.cache ? ' | response cache on (BENCH_CACHE=1)' : ''),
  );
  const [load1] = os.loadavg();
  if (load1 > os.cpus().length) console.log(`Warning: load average ${load1.toFixed(1)} on ${os.cpus().length} CPUs: something else is busy, numbers will be low and noisy.`);
  const reports: string[] = [];
  for (const engine of engines) {
    const { rows, data, setupMs } = await benchEngine(engine);
    const label = (engine === 'pglite' ? 'PGlite (in memory, one connection)' : 'PostgreSQL (pg pool of 10)') + (settings.cache ? ', response cache on' : '');
    reports.push(`### ${label}: ${data.articles} articles (set up in ${(setupMs / 1000).toFixed(1)} s)\n\n${table(rows)}`);
  }
  console.log('\n' + reports.join('\n\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
