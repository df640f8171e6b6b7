// The baseline for S1–S3: Fastify and pg with one hand-written SQL statement per request that builds the whole
// JSON answer (json_build_object / json_agg), no validation, hooks, plugins or ORM: the practical limit of this
// stack on this machine. Same URLs and the same JSON fields as the API (bench/run.ts compares them), except
// that list answers carry no links.next cursor. Run by bench/run.ts as a child process; DATABASE_URL names
// the database, PUBLIC_BASE_URL the front-end base of alternate URLs (as the API's default FRONTEND_URL_PATTERN).
import Fastify from 'fastify';
import pg from 'pg';
import { serveParent } from './servers.js';

/** The article's visibility for anonymous readers, as visibleTo() states it. */
const visible = (a: string) =>
  `${a}.status = 'published' AND ${a}.published_at <= now() AND (${a}.embargo_until IS NULL OR ${a}.embargo_until <= now()) ` +
  `AND (${a}.unpublish_at IS NULL OR ${a}.unpublish_at > now())`;
const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** A localized name: the article's locale, else the site default (en), else ''. */
const name = (col: string, a: string) => `coalesce(${col}->>${a}.locale, ${col}->>'en', '')`;

/** The API's Article object for the row `a`, with category (and ancestors), tags, authors and sources embedded. */
const ARTICLE = (a: string, extra = '') => `json_build_object(
  'id', ${a}.id, 'translationGroupId', ${a}.translation_group_id, 'locale', ${a}.locale, 'slug', ${a}.slug, 'title', ${a}.title,
  'seoTitle', ${a}.seo_title, 'lead', ${a}.lead, 'body', ${a}.body, 'bodyHtml', ${a}.body_html, 'status', ${a}.status,
  'publishedAt', ${iso(`${a}.published_at`)}, 'firstPublishedAt', ${iso(`${a}.first_published_at`)},
  'publishAt', ${iso(`${a}.publish_at`)}, 'unpublishAt', ${iso(`${a}.unpublish_at`)}, 'embargoUntil', ${iso(`${a}.embargo_until`)},
  'corrections', ${a}.corrections, 'createdAt', ${iso(`${a}.created_at`)}, 'updatedAt', ${iso(`${a}.updated_at`)},
  'category', (
    SELECT json_build_object('id', c.id, 'slug', c.slug, 'name', ${name('c.names', a)}, 'parentId', c.parent_id, 'ancestors', coalesce((
      WITH RECURSIVE up AS (
        SELECT p.id, p.slug, p.names, p.parent_id, 1 AS depth FROM categories p WHERE p.id = c.parent_id
        UNION ALL
        SELECT p.id, p.slug, p.names, p.parent_id, up.depth + 1 FROM categories p JOIN up ON p.id = up.parent_id WHERE up.depth < 20
      )
      SELECT json_agg(json_build_object('id', up.id, 'slug', up.slug, 'name', ${name('up.names', a)}) ORDER BY up.depth DESC) FROM up), '[]'))
    FROM categories c WHERE c.id = ${a}.category_id),
  'tags', coalesce((
    SELECT json_agg(json_build_object('id', t.id, 'slug', t.slug, 'name', ${name('t.names', a)}) ORDER BY at.position)
    FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ${a}.id), '[]'),
  'authors', coalesce((
    SELECT json_agg(json_build_object('id', au.id, 'role', aa.role, 'name', au.name, 'slug', au.slug, 'avatarUrl', au.avatar_url,
                                      'bio', ${name('au.bios', a)}) ORDER BY aa.position)
    FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = ${a}.id), '[]'),
  'sources', coalesce((
    SELECT json_agg(json_build_object('id', s.id, 'slug', s.slug, 'shortName', s.short_name, 'fullName', s.full_name, 'url', s.url, 'kind', s.kind)
                    ORDER BY ars.position)
    FROM article_sources ars JOIN sources s ON s.id = ars.source_id WHERE ars.article_id = ${a}.id), '[]'),
  'coverImage', ${a}.cover_image, 'datelinePlace', ${a}.dateline_place, 'originalStory', ${a}.original_story, 'seo', ${a}.seo${extra})`;

/**
 * S1: one article by locale and slug, with its translations and hreflang alternates (the public versions of the
 * story, then x-default: the en version, else the first). $3 is the front-end base URL.
 */
const BY_SLUG = `
WITH a AS (SELECT * FROM articles a WHERE a.locale = $1 AND a.slug = $2 AND ${visible('a')}),
sib AS (
  SELECT s.id, s.locale, s.slug, s.title, s.status, $3 || '/' || s.locale || '/' || coalesce(c.slug, 'uncategorized') || '/' || s.slug AS url
  FROM a JOIN articles s ON s.translation_group_id = a.translation_group_id AND ${visible('s')}
  LEFT JOIN categories c ON c.id = s.category_id
)
SELECT json_build_object('data', ${ARTICLE(
  'a',
  `,
  'translations', coalesce((SELECT json_agg(json_build_object('id', id, 'locale', locale, 'slug', slug, 'title', title, 'status', status,
                                                              'path', '/v1/articles/by-slug/' || locale || '/' || slug) ORDER BY locale) FROM sib), '[]'),
  'alternates', coalesce((SELECT json_agg(x.v ORDER BY x.n, x.locale) FROM (
      SELECT 0 AS n, locale, json_build_object('hreflang', locale, 'locale', locale, 'url', url, 'id', id, 'slug', slug, 'title', title) AS v FROM sib
      UNION ALL
      (SELECT 1, '', json_build_object('hreflang', 'x-default', 'locale', locale, 'url', url, 'id', id, 'slug', slug, 'title', title)
       FROM sib ORDER BY locale = 'en' DESC, locale LIMIT 1)) x), '[]')`,
)})::text AS body
FROM a`;

/** S2 and S3: the latest 20 public articles of a category subtree, or of a tag, newest first (the API's default order). */
const page = (where: string) => `
SELECT json_build_object('data', coalesce(json_agg(${ARTICLE('a')} ORDER BY coalesce(a.published_at, '-infinity'::timestamptz) DESC, a.id), '[]'),
                         'meta', json_build_object('page', json_build_object('size', 20)))::text AS body
FROM (
  SELECT * FROM articles a WHERE ${where} AND ${visible('a')}
  ORDER BY coalesce(a.published_at, '-infinity'::timestamptz) DESC, a.id LIMIT 20
) a`;
const BY_CATEGORY = page(`a.category_id IN (
    WITH RECURSIVE sub AS (SELECT id FROM categories WHERE slug = $1 UNION ALL SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id)
    SELECT id FROM sub)`);
// A tag's links carry their article's publishedAt (article_tags_tag_order_idx), so its latest page is an index range.
const BY_TAG = `
SELECT json_build_object('data', coalesce(json_agg(${ARTICLE('a')} ORDER BY coalesce(a.published_at, '-infinity'::timestamptz) DESC, a.id), '[]'),
                         'meta', json_build_object('page', json_build_object('size', 20)))::text AS body
FROM (
  SELECT a.* FROM article_tags at JOIN articles a ON a.id = at.article_id
  WHERE at.tag_id = (SELECT id FROM tags WHERE slug = $1) AND ${visible('a')}
  ORDER BY coalesce(at.published_at, '-infinity'::timestamptz) DESC, at.article_id LIMIT 20
) a`;

export const BASELINE_SQL = { BY_SLUG, BY_CATEGORY, BY_TAG };

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const publicBase = process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1';
  // As many connections as the API's pool (src/db/client.ts).
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  let queries = 0;
  const query = (text: string, params: unknown[]) => {
    queries++;
    return pool.query<{ body: string }>(text, params);
  };
  const app = Fastify({ logger: false });
  app.get<{ Params: { locale: string; slug: string } }>('/v1/articles/by-slug/:locale/:slug', async (request, reply) => {
    const { rows } = await query(BY_SLUG, [request.params.locale, request.params.slug, publicBase]);
    if (!rows.length) return reply.code(404).send({ status: 404 });
    return reply.type('application/json').send(rows[0].body);
  });
  app.get<{ Querystring: Record<string, string> }>('/v1/articles', async (request, reply) => {
    const category = request.query['filter[category][descendants]'];
    const tag = request.query['filter[tag]'];
    if (!category === !tag) return reply.code(400).send({ status: 400, detail: 'filter[category][descendants] or filter[tag]' });
    const { rows } = await query(category ? BY_CATEGORY : BY_TAG, [category ?? tag]);
    return reply.type('application/json').send(rows[0].body);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  serveParent(app, {
    queries: () => queries,
    close: async () => {
      await app.close();
      await pool.end();
    },
  });
}

if (process.send) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
