// npm run bench: seeds a throwaway database (bench/seed.ts), starts the API and the baseline as child processes
// (bench/servers.ts) and drives S1–S8 (bench/scenarios.ts) with autocannon; prints the tables of bench/RESULTS.md.
// npm run bench:smoke (BENCH_SMOKE=1): a tiny data set on PGlite, every scenario for a second, exit 1 unless
// every answer is 2xx. Settings are environment variables, listed in bench/RESULTS.md.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cpuBetween, serverCpu } from './cpu.js';
import { loadLoop, loadPaths, type Measurement, percentile } from './measure.js';
import { BASELINE_KEYS, buildScenarios, loadInputs, SCENARIO_KEYS, type Scenario, type ScenarioKey } from './scenarios.js';
import { type SeedResult, seedDatabase, summary } from './seed.js';
import { type Server, startServer } from './servers.js';

function numEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name}=${raw}: expected a number from ${min} to ${max}`);
  return value;
}

const smoke = process.env.BENCH_SMOKE === '1';
const postgresUrl = process.env.BENCH_DATABASE_URL || undefined;
const settings = {
  smoke,
  postgresUrl,
  engines: (process.env.BENCH_ENGINES ?? (postgresUrl ? 'postgres,pglite' : 'pglite')).split(',').map((s) => s.trim()) as Array<'postgres' | 'pglite'>,
  articles: Math.round(numEnv('BENCH_ARTICLES', smoke ? 300 : 10_000, 50, 10_000_000)),
  seconds: numEnv('BENCH_DURATION', smoke ? 1 : 10, 0.5, 600),
  warmup: numEnv('BENCH_WARMUP', smoke ? 0 : 2, 0, 60),
  // Smoke: few connections, so that each scenario completes requests within its second even on one PGlite connection.
  connections: Math.round(numEnv('BENCH_CONNECTIONS', smoke ? 5 : 50, 1, 1000)),
  only: process.env.BENCH_ONLY?.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) as ScenarioKey[] | undefined,
  /** Scenarios on PGlite (one connection, measured for the record): S1–S3, all in smoke runs; BENCH_ONLY still applies. */
  pgliteKeys: (process.env.BENCH_PGLITE_ONLY?.split(',').map((s) => s.trim().toUpperCase()) as ScenarioKey[] | undefined) ?? (smoke ? SCENARIO_KEYS : BASELINE_KEYS),
  /** Also S1–S3 with the in-process response cache (RESPONSE_CACHE_MAX_ENTRIES=10000). */
  cache: process.env.BENCH_CACHE !== '0',
  /** BENCH_DATABASE_URL names a database filled by bench:seed: use it as it is (S6 adds articles to it). */
  reuse: process.env.BENCH_REUSE_DATABASE === '1',
  keep: process.env.BENCH_KEEP_DATABASE === '1',
  explain: process.env.BENCH_EXPLAIN === '1',
  s5Page: Math.round(numEnv('BENCH_S5_PAGE', 500, 1, 100_000)),
};
if (settings.engines.includes('postgres') && !postgresUrl) throw new Error('BENCH_ENGINES has postgres but BENCH_DATABASE_URL is not set');

type TargetKind = 'baseline' | 'api' | 'api-cached';
interface Target {
  kind: TargetKind;
  label: string;
  keys: ScenarioKey[];
  env: Record<string, string>;
}

interface Row {
  scenario: Scenario;
  target: Target;
  m: Measurement;
  rps: number;
  p50: number;
  p99: number;
  sqlPerRequest: number;
  peakRssMb: number;
  cpuMsPerRequest?: { total: number; postgres?: number };
  load: number;
}

const PUBLIC_BASE_URL = 'http://127.0.0.1';
/** The heap limit the Dockerfile sets (NODE_OPTIONS): the API runs under it in the benchmark too. */
const DEPLOYED_NODE_ARGS = '--max-old-space-size=192';

function targetsFor(engine: 'postgres' | 'pglite'): Target[] {
  const wanted = (keys: ScenarioKey[]) => keys.filter((k) => !settings.only || settings.only.includes(k));
  const apiKeys = wanted(engine === 'pglite' ? settings.pgliteKeys : SCENARIO_KEYS);
  const common = { PUBLIC_BASE_URL, LOG_LEVEL: 'silent', ANONYMOUS_RATE_LIMIT: '0' };
  const targets: Target[] = [];
  if (engine === 'postgres') targets.push({ kind: 'baseline', label: 'baseline', keys: wanted(BASELINE_KEYS), env: common });
  targets.push({ kind: 'api', label: 'API', keys: apiKeys, env: { ...common, RESPONSE_CACHE_MAX_ENTRIES: '0' } });
  if (settings.cache) {
    targets.push({ kind: 'api-cached', label: 'API, cache on', keys: apiKeys.filter((k) => BASELINE_KEYS.includes(k)), env: { ...common, RESPONSE_CACHE_MAX_ENTRIES: '10000' } });
  }
  return targets.filter((t) => t.keys.length);
}

interface PreparedDatabase {
  url?: string;
  dataDir?: string;
  /** The PostgreSQL database name (to find its backends' CPU time). */
  pgName?: string;
  seed?: SeedResult;
  /** What the servers need to open it. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A database for one engine: a throwaway PostgreSQL database (or the given one) or a PGlite directory, seeded. */
async function prepareDatabase(engine: 'postgres' | 'pglite', log: (s: string) => void): Promise<PreparedDatabase> {
  if (engine === 'pglite') {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dateline-bench-'));
    const cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
    try {
      return { dataDir, seed: await seedDatabase({ articles: settings.articles, dataDir, log }), env: { DATA_DIR: dataDir }, cleanup };
    } catch (err) {
      await cleanup();
      throw err;
    }
  }
  if (settings.reuse) return { url: postgresUrl!, pgName: new URL(postgresUrl!).pathname.slice(1), env: { DATABASE_URL: postgresUrl! }, cleanup: async () => {} };
  const name = `dateline_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sqlText: string) => {
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    try {
      await c.query(sqlText);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl!);
  url.pathname = '/' + name;
  const cleanup = async () => {
    if (settings.keep) console.log(`Keeping database ${name} (BENCH_KEEP_DATABASE=1); drop it by hand.`);
    else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  try {
    const seed = await seedDatabase({ articles: settings.articles, url: url.toString(), log });
    return { url: url.toString(), pgName: name, seed, env: { DATABASE_URL: url.toString() }, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** JSON with object keys sorted: jsonb (the baseline) and the API's serializer order keys differently. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

/** The baseline must answer what the API answers, or the ratio means nothing: compares `data` for one path. */
async function compareWithBaseline(api: Server, baseline: Server, scenario: Scenario): Promise<string | undefined> {
  const path = scenario.paths![0];
  const [a, b] = await Promise.all([api, baseline].map(async (s) => ((await (await fetch(s.base + path)).json()) as { data: unknown }).data));
  return canonical(a) === canonical(b) ? undefined : `${scenario.key}: the baseline's data differs from the API's for ${path}`;
}

/**
 * The statement count once the server is idle: requests still in flight when autocannon stops (it does not wait
 * for them) finish on the server afterwards, and must not be counted in the next scenario.
 */
async function idleQueries(server: Server): Promise<number> {
  let last = await server.queries();
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await server.queries();
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function measure(server: Server, target: Target, scenario: Scenario, pgName: string | undefined): Promise<Row> {
  const load = { connections: settings.connections, seconds: settings.seconds };
  const run = (seconds: number) =>
    scenario.iteration ? loadLoop(() => scenario.iteration!(server.base), { ...load, seconds }) : loadPaths(server.base, scenario.paths!, { ...load, seconds });
  if (scenario.paths) {
    // One request alone first: it must succeed (a clear message beats a table of 404s). Once the server is idle,
    // so that requests left over from the last scenario are not captured with it.
    await idleQueries(server);
    if (settings.explain && target.kind === 'api') await server.capture();
    const res = await fetch(server.base + scenario.paths[0]);
    const text = await res.text();
    if (!res.ok) throw new Error(`${target.label} ${scenario.key}: GET ${scenario.paths[0]} answered ${res.status}: ${text.slice(0, 500)}`);
    if (settings.explain && target.kind === 'api') console.log(`(${scenario.key}) EXPLAIN ANALYZE of one request:\n${await server.explain()}`);
  }
  // The cache is filled by one pass over every path first: what is measured is the steady state, where the
  // working set (2,000 slugs, 20 categories, 300 tags: under RESPONSE_CACHE_MAX_ENTRIES) is in memory.
  if (target.kind === 'api-cached' && scenario.paths) {
    await loadPaths(server.base, scenario.paths, { ...load, connections: Math.min(load.connections, scenario.paths.length), amount: scenario.paths.length });
  }
  if (settings.warmup > 0) await run(settings.warmup);
  const queriesBefore = await idleQueries(server);
  server.resetPeak();
  const cpuBefore = serverCpu(server.pid, pgName);
  const m = await run(settings.seconds);
  const cpu = cpuBetween(cpuBefore, serverCpu(server.pid, pgName));
  const queries = (await idleQueries(server)) - queriesBefore;
  const sorted = m.latencies.slice().sort();
  const n = m.requests || 1;
  const row: Row = {
    scenario,
    target,
    m,
    rps: m.requests / m.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    // Over every request sent: those unanswered when the time was up still ran their statements.
    sqlPerRequest: queries / (m.sent || 1),
    peakRssMb: server.peakRssMb(),
    cpuMsPerRequest: cpu && { total: cpu.total / n, postgres: cpu.postgres === undefined ? undefined : cpu.postgres / n },
    load: os.loadavg()[0],
  };
  const mem = await server.memory();
  const mb = (x: number) => (x / 2 ** 20).toFixed(0);
  console.log(
    `  ${scenario.key} ${target.label.padEnd(14)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${fmt(row.p50)} ms  p99 ${fmt(row.p99)} ms  ` +
      `${m.failures} failures  peak RSS ${row.peakRssMb.toFixed(0)} MB (now: heap ${mb(mem.heapUsed)}/${mb(mem.heapTotal)} MB, external ${mb(mem.external)} MB)`,
  );
  return row;
}

const fmt = (x: number) => (!Number.isFinite(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function table(rows: Row[]): string {
  const lines = [
    '| | Scenario | Server | req/s | p50 ms | p99 ms | req/s ÷ baseline | p99 ÷ baseline | SQL/req | peak RSS MB | CPU ms/req (pg) | KB/resp | non-2xx | load |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const base = rows.find((b) => b.scenario.key === r.scenario.key && b.target.kind === 'baseline');
    const vs = base && r !== base ? [`${(r.rps / base.rps).toFixed(2)}×`, `${(r.p99 / base.p99).toFixed(2)}×`] : ['', ''];
    const cpu = r.cpuMsPerRequest ? `${fmt(r.cpuMsPerRequest.total)}${r.cpuMsPerRequest.postgres !== undefined ? ` (${fmt(r.cpuMsPerRequest.postgres)})` : ''}` : 'n/a';
    const kb = r.m.bytes ? (r.m.bytes / (r.m.requests || 1) / 1024).toFixed(1) : '';
    lines.push(
      `| ${r.scenario.key} | ${r.scenario.name} | ${r.target.label} | ${r.rps.toFixed(0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${vs[0]} | ${vs[1]} | ` +
        `${r.sqlPerRequest.toFixed(1)} | ${r.peakRssMb.toFixed(0)} | ${cpu} | ${kb} | ${r.m.failures} | ${r.load.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

async function benchEngine(engine: 'postgres' | 'pglite'): Promise<{ rows: Row[]; seed?: SeedResult; problems: string[] }> {
  const targets = targetsFor(engine);
  if (!targets.length) {
    console.log(`\n[${engine}] no scenario to run (BENCH_ONLY, BENCH_PGLITE_ONLY)`);
    return { rows: [], problems: [] };
  }
  console.log(`\n[${engine}] seeding ${settings.reuse && engine === 'postgres' ? '(skipped: BENCH_REUSE_DATABASE=1)' : `${settings.articles} articles`}`);
  const db = await prepareDatabase(engine, (line) => console.log(line));
  if (db.seed) console.log(`[${engine}] ${summary(db.seed)}`);
  const servers: Server[] = [];
  const stopAll = async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop().catch((err) => console.error('stopping a server failed:', err))));
  };
  const onSigint = () => void stopAll().then(db.cleanup).finally(() => process.exit(130));
  process.once('SIGINT', onSigint);
  const rows: Row[] = [];
  const problems: string[] = [];
  try {
    const inputs = await loadInputs({ url: db.url, dataDir: db.dataDir }, { articles: settings.smoke ? 100 : 2000, tags: settings.smoke ? 30 : 300 });
    // PostgreSQL: every server at once, taking turns per scenario, so that other load on the machine hits all
    // alike. PGlite: one process per data directory, so one server after the other.
    const groups = engine === 'postgres' ? [targets] : targets.map((t) => [t]);
    let scenarios: Scenario[] | undefined;
    for (const group of groups) {
      // BENCH_API_NODE_ARGS: Node flags for the API's process, e.g. --cpu-prof --cpu-prof-dir=DIR; unset: the
      // Dockerfile's heap limit, so the RSS column is what a deployment sees; empty: Node's defaults.
      const apiArgs = (process.env.BENCH_API_NODE_ARGS ?? DEPLOYED_NODE_ARGS).split(' ').filter(Boolean);
      const starting = await Promise.allSettled(
        group.map((t) => startServer(`${engine} ${t.label}`, t.kind === 'baseline' ? 'baseline' : 'api-server', { ...t.env, ...db.env }, t.kind === 'baseline' ? [] : apiArgs)),
      );
      const started = starting.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      servers.push(...started);
      const failed = starting.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      const api = started[group.findIndex((t) => t.kind !== 'baseline')];
      // S5 walks cursors through the API, so scenarios are built once a server of the API is up.
      scenarios ??= await buildScenarios(api.base, inputs, { s5Page: settings.s5Page, searchQueries: settings.smoke ? 30 : 300 });
      // Writes last: S6 adds published articles, which would change what the reads after it return.
      const ordered = [...scenarios.filter((s) => s.key !== 'S6'), ...scenarios.filter((s) => s.key === 'S6')];
      for (const scenario of ordered) {
        const baselineAt = group.findIndex((t) => t.kind === 'baseline');
        if (baselineAt >= 0 && group[baselineAt].keys.includes(scenario.key)) {
          const problem = await compareWithBaseline(api, started[baselineAt], scenario);
          if (problem) problems.push(problem);
        }
        for (const [i, target] of group.entries()) {
          if (!target.keys.includes(scenario.key)) continue;
          const row = await measure(started[i], target, scenario, db.pgName);
          rows.push(row);
          if (row.m.failures) problems.push(`${engine} ${target.label} ${scenario.key}: ${row.m.failures} of ${row.m.requests} failed (${row.m.firstFailure})`);
        }
      }
      await stopAll();
    }
    return { rows, seed: db.seed, problems };
  } finally {
    await stopAll();
    await db.cleanup();
    process.removeListener('SIGINT', onSigint);
  }
}

async function versions(): Promise<string> {
  const pkg = (name: string) => (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
  let postgres = 'not used';
  if (settings.engines.includes('postgres')) {
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    postgres = (await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version.split(' ')[0];
    await c.end();
  }
  return (
    `${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM; Node ${process.version}, ` +
    `PostgreSQL ${postgres}, PGlite ${pkg('@electric-sql/pglite')}, Fastify ${pkg('fastify')}, drizzle-orm ${pkg('drizzle-orm')}, autocannon ${pkg('autocannon')}`
  );
}

async function main() {
  if (settings.reuse && postgresUrl) {
    // A database loaded by bench:seed is as big as it was loaded (plus what S6 added), whatever BENCH_ARTICLES says.
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    settings.articles = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM articles')).rows[0].n);
    await c.end();
  }
  const header =
    `${new Date().toISOString()} | ${await versions()}\n` +
    `${settings.articles} articles | ${settings.seconds} s per scenario after ${settings.warmup} s of warm-up | ${settings.connections} connections | ` +
    `load average at start ${os.loadavg()[0].toFixed(1)}${settings.smoke ? ' | SMOKE' : ''}`;
  console.log(header);
  const reports: string[] = [];
  const problems: string[] = [];
  for (const engine of settings.engines) {
    const result = await benchEngine(engine);
    problems.push(...result.problems);
    const label = engine === 'postgres' ? 'PostgreSQL' : 'PGlite (a data directory, one connection)';
    reports.push(`### ${label}: ${settings.articles} articles${result.seed ? `\n\nSeed: ${summary(result.seed)}` : ''}\n\n${table(result.rows)}`);
    if (settings.smoke) {
      const keys = [...new Set(result.rows.map((r) => r.scenario.key))];
      const wanted = engine === 'postgres' ? SCENARIO_KEYS : settings.pgliteKeys;
      for (const k of wanted) if (!keys.includes(k) && (!settings.only || settings.only.includes(k))) problems.push(`${engine}: ${k} did not run`);
      for (const r of result.rows) if (!r.m.requests) problems.push(`${engine} ${r.target.label} ${r.scenario.key}: no request completed`);
    }
  }
  console.log(`\n${header}\n\n${reports.join('\n\n')}`);
  if (problems.length) {
    console.error(`\n${problems.length} problem(s):\n${problems.map((p) => `- ${p}`).join('\n')}`);
    process.exitCode = 1;
  } else if (settings.smoke) {
    console.log('\nsmoke: every scenario answered 2xx');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
