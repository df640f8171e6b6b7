// npm run bench:seed -- --articles N [--database-url URL | --data-dir DIR] [--seed S]
// Fills an empty database with the bench newsroom (bench/newsroom.ts) as fast as the server takes it: secondary
// indexes and constraints dropped, one INSERT ... SELECT FROM unnest() per batch of 1,000 articles, search
// documents built in SQL, then indexes, constraints and VACUUM ANALYZE. Prints the time of each phase.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Database, openDatabase, queryRows } from '../src/db/client.js';
import { systemContext } from '../src/http/context.js';
import { cleanBlocks, renderBody } from '../src/modules/articles/render.js';
import type { Block } from '../src/modules/articles/schemas.js';
import { bodyText, vectorOf } from '../src/modules/search/indexer.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { type ArticleBatch, type GeneratedCounts, generateArticles, makeTaxonomy, type Taxonomy } from './newsroom.js';

export interface SeedOptions {
  articles: number;
  /** A postgres:// URL of an empty (or freshly migrated) database; without it, PGlite in dataDir. */
  url?: string;
  dataDir?: string;
  seed?: number;
  now?: Date;
  batchSize?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  engine: 'postgres' | 'pglite';
  counts: GeneratedCounts;
  phases: Array<{ name: string; ms: number }>;
  totalMs: number;
  databaseBytes: number;
}

/** The slice of pg.Client and PGlite that bulk loading needs: one session, statements in order. */
interface Session {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Tables written in bulk: their secondary indexes and constraints are dropped for the load and rebuilt after. */
const BULK_TABLES = ['articles', 'article_tags', 'article_authors', 'article_sources', 'article_search'];

interface SavedDefinitions {
  indexes: Array<{ name: string; def: string }>;
  constraints: Array<{ table: string; name: string; def: string; kind: 'f' | 'u' }>;
}

/**
 * Drops what makes every inserted row expensive: secondary btree and GIN indexes (random-order inserts into
 * articles_locale_slug_unique, 300 lexemes a row into the GIN index) and foreign keys (a lookup per link row).
 * Primary keys stay: UUIDv7 ids arrive in order, so they are appended. Definitions come from the catalog, so
 * whatever the migrations say is what gets rebuilt.
 */
async function dropSecondary(s: Session): Promise<SavedDefinitions> {
  const constraints = (await s.query(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def, contype AS kind
     FROM pg_constraint WHERE contype IN ('f', 'u') AND conrelid::regclass::text = ANY($1) ORDER BY contype, conname`,
    [BULK_TABLES],
  )).rows as SavedDefinitions['constraints'];
  const indexes = (await s.query(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = 'public' AND tablename = ANY($1)
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))
     ORDER BY indexname`,
    [BULK_TABLES],
  )).rows as SavedDefinitions['indexes'];
  // Foreign keys first ('f' sorts before 'u'): nothing else depends on them.
  for (const c of constraints) await s.query(`ALTER TABLE "${c.table}" DROP CONSTRAINT "${c.name}"`);
  for (const i of indexes) await s.query(`DROP INDEX "${i.name}"`);
  return { indexes, constraints };
}

async function insertTaxonomy(s: Session, t: Taxonomy) {
  const c = t.categories;
  await s.query(
    `INSERT INTO categories (id, parent_id, slug, position, names, descriptions)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[])`,
    [c.map((x) => x.id), c.map((x) => x.parentId), c.map((x) => x.slug), c.map((x) => x.position), c.map((x) => JSON.stringify(x.names)), c.map((x) => JSON.stringify(x.descriptions))],
  );
  await s.query(`INSERT INTO tags (id, slug, names) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])`, [
    t.tags.map((x) => x.id),
    t.tags.map((x) => x.slug),
    t.tags.map((x) => JSON.stringify(x.names)),
  ]);
  const a = t.authors;
  await s.query(
    `INSERT INTO authors (id, slug, name, bios, avatar_url, email)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[])`,
    [a.map((x) => x.id), a.map((x) => x.slug), a.map((x) => x.name), a.map((x) => JSON.stringify(x.bios)), a.map((x) => x.avatarUrl), a.map((x) => x.email)],
  );
  const so = t.sources;
  await s.query(
    `INSERT INTO sources (id, slug, short_name, full_name, url, kind)
     SELECT id, slug, short_name, full_name, url, kind::source_kind FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS r(id, slug, short_name, full_name, url, kind)`,
    [so.map((x) => x.id), so.map((x) => x.slug), so.map((x) => x.shortName), so.map((x) => x.fullName), so.map((x) => x.url), so.map((x) => x.kind)],
  );
}

/**
 * One statement per batch (data-modifying CTEs), so one round trip and one transaction: node-pg sends it at
 * once, and the server works on it while this process generates the next batch.
 */
const BATCH_SQL = `
WITH a AS (
  INSERT INTO articles (id, translation_group_id, locale, slug, title, lead, body, body_html, status, published_at,
                        first_published_at, category_id, cover_image, dateline_place, seo, created_at, updated_at)
  SELECT id, g, l, s, t, ld, b, h, st::article_status, p, p, c, ci, dp, seo, ca, ca
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[],
              $10::timestamptz[], $11::uuid[], $12::jsonb[], $13::text[], $14::jsonb[], $15::timestamptz[])
    AS r(id, g, l, s, t, ld, b, h, st, p, c, ci, dp, seo, ca)
), t AS (
  INSERT INTO article_tags (article_id, tag_id, position, published_at) SELECT * FROM unnest($16::uuid[], $17::uuid[], $18::int[], $30::timestamptz[])
), au AS (
  INSERT INTO article_authors (article_id, author_id, role, position)
  SELECT a, b, r::author_role, p FROM unnest($19::uuid[], $20::uuid[], $21::text[], $22::int[]) AS x(a, b, r, p)
), so AS (
  INSERT INTO article_sources (article_id, source_id, position) SELECT * FROM unnest($23::uuid[], $24::uuid[], $25::int[])
)
-- zh documents as vectorOf() builds them for CJK: the text arrives already cut into bigrams.
INSERT INTO article_search (article_id, document)
SELECT id, setweight(to_tsvector('simple', ti), 'A') || setweight(to_tsvector('simple', le), 'B') || setweight(to_tsvector('simple', bo), 'C')
FROM unnest($26::uuid[], $27::text[], $28::text[], $29::text[]) AS z(id, ti, le, bo)`;

const batchParams = (b: ArticleBatch): unknown[] => {
  const a = b.articles;
  return [
    a.id, a.translationGroupId, a.locale, a.slug, a.title, a.lead, a.body, a.bodyHtml, a.status, a.publishedAt, a.categoryId, a.coverImage, a.datelinePlace, a.seo, a.createdAt,
    b.tags.articleId, b.tags.tagId, b.tags.position,
    b.authors.articleId, b.authors.authorId, b.authors.role, b.authors.position,
    b.sources.articleId, b.sources.sourceId, b.sources.position,
    b.zhSearch.articleId, b.zhSearch.title, b.zhSearch.lead, b.zhSearch.body,
    b.tags.publishedAt,
  ];
};

/**
 * en search documents for every article at once, as vectorOf() builds them (english: title A, lead B, body C).
 * The body text is taken from the stored blocks in the order bodyText() uses; inline HTML left in paragraph
 * text is skipped by the parser (tags are their own token type, which no configuration indexes), so the
 * vector is the same: verify() checks that on a sample.
 */
const EN_SEARCH_SQL = `
INSERT INTO article_search (article_id, document)
SELECT a.id,
  setweight(to_tsvector('english', a.title), 'A') ||
  setweight(to_tsvector('english', a.lead), 'B') ||
  setweight(to_tsvector('english', coalesce((
    SELECT string_agg(concat_ws(E'\\n', b->>'text', b->>'attribution', b->>'caption', b->>'alt', b->>'title',
             (SELECT string_agg(i, E'\\n') FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(b->'items') = 'array' THEN b->'items' END) i)), E'\\n')
    FROM jsonb_array_elements(a.body) b), '')), 'C')
FROM articles a
-- $1 sessions build the documents side by side, each taking its share of the articles.
WHERE a.locale = 'en' AND (hashtext(a.id::text) & 2147483647) % $1::int = $2::int`;

/** Checks a sample against the app's own code: stored blocks are clean, bodyHtml is renderBody's, documents are vectorOf's. */
async function verify(database: Database, expected: number) {
  const db = database.db;
  const [{ articles, documents }] = await queryRows<{ articles: number; documents: number }>(
    db,
    sql`SELECT (SELECT count(*) FROM articles)::int AS articles, (SELECT count(*) FROM article_search)::int AS documents`,
  );
  if (articles !== expected || documents !== expected) throw new Error(`Expected ${expected} articles and search documents, found ${articles} and ${documents}`);
  const [{ stale }] = await queryRows<{ stale: number }>(
    db,
    sql`SELECT count(*)::int AS stale FROM article_tags j JOIN articles a ON a.id = j.article_id WHERE j.published_at IS DISTINCT FROM a.published_at`,
  );
  if (stale) throw new Error(`${stale} tag links do not carry their article's publishedAt`);
  const sample = await queryRows<{ id: string; locale: string; title: string; lead: string; body: Block[]; body_html: string; doc: string }>(
    db,
    sql`SELECT a.id, a.locale, a.title, a.lead, a.body, a.body_html, s.document::text AS doc
        FROM articles a JOIN article_search s ON s.article_id = a.id ORDER BY md5(a.id::text) LIMIT 40`,
  );
  for (const r of sample) {
    if (JSON.stringify(cleanBlocks(r.body)) !== JSON.stringify(r.body)) throw new Error(`Article ${r.id}: body blocks are not what cleanBlocks keeps`);
    if (renderBody(r.body) !== r.body_html) throw new Error(`Article ${r.id}: bodyHtml differs from renderBody(body)`);
    const [app] = await queryRows<{ doc: string }>(
      db,
      sql`SELECT (${vectorOf(r.locale, r.title, 'A')} || ${vectorOf(r.locale, r.lead, 'B')} || ${vectorOf(r.locale, bodyText(r.body), 'C')})::text AS doc`,
    );
    if (app.doc !== r.doc) throw new Error(`Article ${r.id} (${r.locale}): search document differs from the app's indexer`);
  }
}

async function siteSettings(database: Database, now: Date) {
  await replaceSiteSettings(database.db, {
    ...DEFAULT_SETTINGS,
    name: { en: 'Dateline Daily', zh: '日界线日报' },
    locales: [
      { code: 'en', name: 'English' },
      { code: 'zh', name: '中文' },
    ],
    defaultLocale: 'en',
    timeZone: 'Asia/Hong_Kong',
    logoUrl: 'https://cdn.example.com/logo.svg',
    copyright: { en: '© Dateline Daily', zh: '© 日界线日报' },
  }, systemContext(now, 'bench'));
}

export async function seedDatabase(o: SeedOptions): Promise<SeedResult> {
  const log = o.log ?? (() => {});
  const now = o.now ?? new Date();
  const seed = o.seed ?? 20250101;
  const phases: SeedResult['phases'] = [];
  const t0 = performance.now();
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await fn();
    const ms = performance.now() - start;
    phases.push({ name, ms });
    log(`  ${name.padEnd(28)} ${(ms / 1000).toFixed(1).padStart(7)} s`);
    return result;
  };

  const database = await openDatabase({ url: o.url, dataDir: o.dataDir });
  // PostgreSQL: two sessions of our own with bulk-load settings, so that the server can use both cores (the
  // machine has two) for inserts, vectors and index builds. PGlite has one session; it is that.
  const clients = o.url ? [new pg.Client({ connectionString: o.url }), new pg.Client({ connectionString: o.url })] : [];
  try {
    await phase('migrate', () => database.migrate());
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM articles`);
    if (n > 0) throw new Error(`The database already has ${n} articles: seed an empty one`);
    const sessions: Session[] = clients.length ? clients : [(database.db as unknown as { $client: Session }).$client];
    for (const client of clients) {
      await client.connect();
      // Losing the last commits in a crash is harmless here; waiting for each WAL flush is not free.
      await client.query(`SET synchronous_commit = off`);
      // The GIN and btree builds sort in memory instead of spilling to disk.
      await client.query(`SET maintenance_work_mem = '1GB'`);
    }
    const [main] = sessions;
    /** Runs fn(session, k) on every session at once: k of sessions.length splits the work. */
    const eachSession = (fn: (s: Session, k: number) => Promise<unknown>) => Promise.all(sessions.map(fn));

    const saved = await phase('drop indexes, constraints', () => dropSecondary(main));
    const taxonomy = makeTaxonomy(seed, now);
    await phase('site, taxonomy', async () => {
      await siteSettings(database, now);
      await insertTaxonomy(main, taxonomy);
    });

    const counts: GeneratedCounts = { articles: 0, published: 0, drafts: 0, zh: 0, tagLinks: 0, authorLinks: 0, sourceLinks: 0, bodyHtmlBytes: 0 };
    await phase('articles, links, zh search', async () => {
      const inflight: Array<Promise<unknown> | undefined> = sessions.map(() => undefined);
      let turn = 0;
      let reported = 0;
      const started = performance.now();
      // Batches go to the sessions in turn; the next batch is generated while the server inserts the last ones.
      for (const batch of generateArticles(taxonomy, { articles: o.articles, batchSize: o.batchSize ?? 1000, seed, now }, counts)) {
        const k = turn++ % sessions.length;
        await inflight[k];
        inflight[k] = sessions[k].query(BATCH_SQL, batchParams(batch));
        if (counts.articles - reported >= 100_000) {
          reported = counts.articles;
          log(`    ${counts.articles} articles, ${Math.round(counts.articles / ((performance.now() - started) / 1000))}/s`);
        }
      }
      await Promise.all(inflight);
    });
    await phase('en search documents', () => eachSession((s, k) => s.query(EN_SEARCH_SQL, [sessions.length, k])));
    await phase('indexes', async () => {
      // The GIN index (the slowest, built by one process) on one session, the btrees (parallel builds) on the other.
      const gin = saved.indexes.filter((i) => / USING gin /i.test(i.def));
      const btree = saved.indexes.filter((i) => !gin.includes(i));
      const lists = sessions.length > 1 ? [btree, gin] : [[...btree, ...gin]];
      await eachSession(async (s, k) => {
        for (const i of lists[k]) await s.query(i.def);
      });
    });
    await phase('unique, foreign keys', async () => {
      // Unique constraints before the foreign keys ('u' after 'f' in the saved order).
      for (const c of [...saved.constraints].reverse()) await main.query(`ALTER TABLE "${c.table}" ADD CONSTRAINT "${c.name}" ${c.def}`);
    });
    // Sets the visibility map and hint bits as autovacuum would on a live server, and gives the planner statistics.
    await phase('vacuum analyze', () => main.query('VACUUM ANALYZE'));
    await phase('verify sample', () => verify(database, counts.articles));
    const [{ bytes }] = await queryRows<{ bytes: string }>(database.db, sql`SELECT pg_database_size(current_database())::text AS bytes`);
    return { engine: database.engine, counts, phases, totalMs: performance.now() - t0, databaseBytes: Number(bytes) };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await database.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      articles: { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const articles = Number(values.articles);
  const url = values['database-url'] ?? (values['data-dir'] ? undefined : process.env.BENCH_DATABASE_URL || undefined);
  if (!Number.isInteger(articles) || articles < 10) throw new Error('--articles N (at least 10) is required');
  if (!url && !values['data-dir']) throw new Error('Give --database-url URL (or BENCH_DATABASE_URL), or --data-dir DIR for PGlite');
  if (!url && articles > 50_000) console.warn('PGlite is one process and modest data: expect this to be slow and large in memory.');
  console.log(`Seeding ${articles} articles into ${url ? `PostgreSQL ${new URL(url).host}${new URL(url).pathname}` : `PGlite in ${values['data-dir']}`}`);
  const r = await seedDatabase({ articles, url, dataDir: values['data-dir'], seed: values.seed ? Number(values.seed) : undefined, log: console.log });
  console.log(summary(r));
}

export function summary(r: SeedResult): string {
  const c = r.counts;
  const load = r.phases.find((p) => p.name.startsWith('articles'))!;
  return (
    `${c.articles} articles (${c.published} published, ${c.drafts} drafts, ${c.zh} zh), ${c.tagLinks} tag, ${c.authorLinks} author and ` +
    `${c.sourceLinks} source links; bodyHtml ${(c.bodyHtmlBytes / c.articles / 1024).toFixed(1)} KB on average. ` +
    `Total ${(r.totalMs / 1000).toFixed(1)} s (${Math.round(c.articles / (r.totalMs / 1000))} articles/s overall, ` +
    `${Math.round(c.articles / (load.ms / 1000))}/s while inserting); database ${(r.databaseBytes / 2 ** 20).toFixed(0)} MB.`
  );
}

// Run as a command (not when run.ts imports it).
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
