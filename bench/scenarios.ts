// The scenarios S1–S8: what each one requests, drawn from the seeded database (many different slugs,
// categories, tags and search words, so the database cache is as honest as it gets on one machine).
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows } from '../src/db/client.js';
import { createToken } from '../src/modules/tokens/service.js';
import { makeBody, ROOT_CATEGORY_SLUGS } from './newsroom.js';
import { below, EN, enPhrase, enSentence, prng, type Rng } from './text.js';

export type ScenarioKey = 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'S6' | 'S7' | 'S8';
export const SCENARIO_KEYS: ScenarioKey[] = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8'];
/** Scenarios the baseline answers too. */
export const BASELINE_KEYS: ScenarioKey[] = ['S1', 'S2', 'S3'];

export interface Scenario {
  key: ScenarioKey;
  name: string;
  /** GET paths requested in turn by all connections together; absent for S6. */
  paths?: string[];
  /** S6: one complete iteration (create, submit, approve); throws on any non-2xx answer. */
  iteration?: (base: string) => Promise<void>;
}

/** What the scenarios need from the database, read once before the servers start. */
export interface Inputs {
  /** An API token with content:write and content:publish, for S6. */
  token: string;
  articles: Array<{ locale: string; slug: string }>;
  categorySlugs: string[];
  tagSlugs: string[];
  ids: { categories: string[]; tags: string[]; authors: string[]; sources: string[] };
}

const PUBLIC = sql.raw(
  `status = 'published' AND published_at <= now() AND (embargo_until IS NULL OR embargo_until <= now()) AND (unpublish_at IS NULL OR unpublish_at > now())`,
);

/** Draws `n` distinct items with probability ∝ weight (tags by use: popular topics get more traffic). */
function weightedDistinct<T>(rng: Rng, items: Array<{ item: T; weight: number }>, n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) {
    const total = pool.reduce((a, b) => a + b.weight, 0);
    let x = (rng() / 4294967296) * total;
    const i = pool.findIndex((p) => (x -= p.weight) < 0);
    out.push(pool.splice(i < 0 ? pool.length - 1 : i, 1)[0].item);
  }
  return out;
}

export async function loadInputs(target: { url?: string; dataDir?: string }, o: { articles: number; tags: number }): Promise<Inputs> {
  const database = await openDatabase(target);
  try {
    const db = database.db;
    const { secret } = await createToken(db, { name: 'bench', scopes: ['content:read', 'content:write', 'content:publish'] });
    // md5 of the slug: a fixed, well-mixed sample whatever the run's clock made the ids.
    const articles = await queryRows<{ locale: string; slug: string }>(
      db,
      sql`SELECT locale, slug FROM articles WHERE ${PUBLIC} ORDER BY md5(locale || slug) LIMIT ${o.articles}`,
    );
    const categories = await queryRows<{ id: string; slug: string }>(db, sql`SELECT id, slug FROM categories ORDER BY slug`);
    const tagUse = await queryRows<{ id: string; slug: string; uses: number }>(
      db,
      sql`SELECT t.id, t.slug, count(at.article_id)::int AS uses FROM tags t LEFT JOIN article_tags at ON at.tag_id = t.id GROUP BY t.id, t.slug ORDER BY t.slug`,
    );
    const authors = await queryRows<{ id: string }>(db, sql`SELECT id FROM authors ORDER BY slug`);
    const sources = await queryRows<{ id: string }>(db, sql`SELECT id FROM sources ORDER BY slug`);
    const tagSlugs = weightedDistinct(
      prng(3),
      tagUse.filter((t) => t.uses > 0).map((t) => ({ item: t.slug, weight: t.uses })),
      o.tags,
    );
    return {
      token: secret,
      articles,
      categorySlugs: categories.map((c) => c.slug),
      tagSlugs,
      ids: { categories: categories.map((c) => c.id), tags: tagUse.map((t) => t.id), authors: authors.map((a) => a.id), sources: sources.map((s) => s.id) },
    };
  } finally {
    await database.close();
  }
}

/**
 * Search queries of one or two words at every frequency: a third common words (ranks up to 500, each in 5 % to
 * 50 % of the articles), a third single words from rank 500 to 20,000 (spread evenly in log-rank: from 5 % of
 * the articles down to a few in a thousand), a third a common word and a rarer one.
 */
export function searchQueries(n: number): string[] {
  const rng = prng(11);
  const common = () => EN.words[EN.stopCount + below(rng, 500 - EN.stopCount)];
  const rarer = (max: number) => EN.words[Math.floor(Math.exp(Math.log(500) + (rng() / 4294967296) * (Math.log(max) - Math.log(500))))];
  return Array.from({ length: n }, (_, i) => (i % 3 === 0 ? common() : i % 3 === 1 ? rarer(EN.words.length) : `${common()} ${rarer(5000)}`));
}

export const INCLUDE_ONE = 'include=category,tags,authors,sources,translations';
export const INCLUDE_LIST = 'include=category,tags,authors,sources';

/**
 * S5's URLs: for each section, the cursor URL of page `page` (20 a page) of S2's list, found by walking
 * cursors 100 at a time with only ids (the cursor holds the last row's sort key and id, not the page size).
 * A section with fewer pages gives its deepest full page. Returns the URLs and the pages reached.
 */
export async function deepPages(base: string, page: number): Promise<{ paths: string[]; pages: number[] }> {
  const paths: string[] = [];
  const pages: number[] = [];
  const target = (page - 1) * 20;
  for (const slug of ROOT_CATEGORY_SLUGS) {
    const list = `/v1/articles?filter[category][descendants]=${slug}`;
    const get = async (url: string) => {
      const res = await fetch(base + url);
      if (!res.ok) throw new Error(`GET ${url} answered ${res.status} while walking cursors for S5`);
      return (await res.json()) as { data: unknown[]; links: { next?: string } };
    };
    // Cursors after 100, 200, ... items, until the target or the end of the list.
    const cursors: Array<{ after: number; cursor: string }> = [];
    let seen = 0;
    let next: string | undefined = `${list}&fields=id&page[size]=100`;
    while (next && seen + 100 <= target) {
      const body = await get(next);
      seen += body.data.length;
      next = body.links.next;
      const cursor = next ? new URL(next, base).searchParams.get('page[after]') : null;
      if (cursor) cursors.push({ after: seen, cursor });
    }
    let chosen = cursors.filter((c) => c.after + 20 <= (next ? Infinity : seen)).at(-1);
    if (next && seen < target) {
      // The last step is shorter than 100: the cursor right after item `target`.
      const body = await get(`${list}&fields=id&page[size]=${target - seen}${chosen ? `&page[after]=${encodeURIComponent(chosen.cursor)}` : ''}`);
      const cursor = body.links.next ? new URL(body.links.next, base).searchParams.get('page[after]') : null;
      if (cursor) chosen = { after: target, cursor };
    }
    pages.push(chosen ? chosen.after / 20 + 1 : 1);
    paths.push(`${list}&${INCLUDE_LIST}${chosen ? `&page[after]=${encodeURIComponent(chosen.cursor)}` : ''}`);
  }
  return { paths, pages };
}

/** S6: create an article with relations, submit it, approve it (published now): three requests with a token. */
function createAndPublish(inputs: Inputs): (base: string) => Promise<void> {
  const rng = prng(99);
  let n = 0;
  const pick = (list: string[], count: number) => {
    const out = new Set<string>();
    while (out.size < Math.min(count, list.length)) out.add(list[below(rng, list.length)]);
    return [...out];
  };
  const auth = { authorization: `Bearer ${inputs.token}`, 'content-type': 'application/json' };
  const call = async (base: string, path: string, body: unknown, etag?: string) => {
    const res = await fetch(base + path, { method: 'POST', headers: etag ? { ...auth, 'if-match': etag } : auth, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return { etag: res.headers.get('etag') ?? '', data: JSON.parse(text).data as { id: string } };
  };
  return async (base) => {
    const i = n++;
    const title = `${enPhrase(rng, 7)} ${i}`;
    const created = await call(base, '/v1/articles', {
      locale: 'en',
      title,
      // A unique slug per run and iteration: reruns on a kept database must not collide.
      slug: `bench-${Date.now().toString(36)}-${i}`,
      lead: enSentence(rng, 20),
      body: makeBody(rng, false, 'Bench Reporter', i).blocks,
      categoryId: pick(inputs.ids.categories, 1)[0],
      tagIds: pick(inputs.ids.tags, 3 + below(rng, 3)),
      authors: pick(inputs.ids.authors, 1 + below(rng, 2)).map((authorId) => ({ authorId, role: 'writer' })),
      sourceIds: pick(inputs.ids.sources, below(rng, 4)),
      datelinePlace: 'Hong Kong',
    });
    const submitted = await call(base, `/v1/articles/${created.data.id}/submit`, {}, created.etag);
    await call(base, `/v1/articles/${created.data.id}/approve`, {}, submitted.etag);
  };
}

export async function buildScenarios(base: string, inputs: Inputs, o: { s5Page: number; searchQueries: number }): Promise<Scenario[]> {
  const deep = await deepPages(base, o.s5Page);
  const [lo, hi] = [Math.min(...deep.pages), Math.max(...deep.pages)];
  return [
    {
      key: 'S1',
      name: `article by slug, all includes (${inputs.articles.length} slugs)`,
      paths: inputs.articles.map((a) => `/v1/articles/by-slug/${a.locale}/${a.slug}?${INCLUDE_ONE}`),
    },
    {
      key: 'S2',
      name: `latest 20 of a category + descendants, includes (${inputs.categorySlugs.length} categories)`,
      paths: inputs.categorySlugs.map((slug) => `/v1/articles?filter[category][descendants]=${slug}&${INCLUDE_LIST}`),
    },
    {
      key: 'S3',
      name: `latest 20 of a tag, includes (${inputs.tagSlugs.length} tags)`,
      paths: inputs.tagSlugs.map((slug) => `/v1/articles?filter[tag]=${slug}&${INCLUDE_LIST}`),
    },
    {
      key: 'S4',
      name: `search, en, 1–2 words (${o.searchQueries} queries)`,
      paths: searchQueries(o.searchQueries).map((q) => `/v1/search?locale=en&q=${encodeURIComponent(q)}`),
    },
    {
      key: 'S5',
      name: `page ${lo === hi ? lo : `${lo}–${hi}`} of a section by cursor, includes (5 sections)`,
      paths: deep.paths,
    },
    { key: 'S6', name: 'create + submit + approve (per iteration of 3 requests)', iteration: createAndPublish(inputs) },
    {
      key: 'S7',
      name: `RSS of a category, en/zh (${inputs.categorySlugs.length * 2} feeds)`,
      paths: inputs.categorySlugs.flatMap((slug) => [`/v1/feeds/en/rss.xml?category=${slug}`, `/v1/feeds/zh/rss.xml?category=${slug}`]),
    },
    { key: 'S8', name: 'news sitemap (last 48 h)', paths: ['/v1/sitemaps/news.xml'] },
  ];
}
