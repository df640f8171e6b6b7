import { eq } from 'drizzle-orm';
import t from 'tap';
import { articles } from '../src/db/schema/index.js';
import { systemContext } from '../src/http/context.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { renderSitemapIndex } from '../src/modules/sitemaps/render.js';
import { listSitemapMonths, loadMonthSitemap, newsLanguage } from '../src/modules/sitemaps/service.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';
import { parseXml } from './helpers/xml.js';

const PUBLIC = 'public, max-age=60, s-maxage=300, stale-while-revalidate=60';
const NOW = '2025-08-20T12:00:00.000Z';
const AWKWARD = `Floods & "storms" <in> the 'delta' ]]> 🌊 \u200Fتجربة\u200F\u0008`;

type Url = { loc: string; lastmod: string; 'xhtml:link'?: Array<Record<string, string>> };

t.test('newsLanguage maps locales to Google News codes', async (t) => {
  t.equal(newsLanguage('en'), 'en');
  t.equal(newsLanguage('pt-BR'), 'pt');
  t.equal(newsLanguage('zh'), 'zh-cn');
  t.equal(newsLanguage('zh-Hans'), 'zh-cn');
  t.equal(newsLanguage('zh-Hant'), 'zh-tw');
  t.equal(newsLanguage('zh-TW'), 'zh-tw');
});

t.test('sitemaps', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, auth } = ctx;
  const f = factories(app.db);
  ctx.clock.set(NOW);
  const now = new Date(NOW);
  await replaceSiteSettings(
    app.db,
    {
      ...DEFAULT_SETTINGS,
      name: { en: 'Dateline & Co', zh: '日界线' },
      locales: [
        { code: 'en', name: 'English' },
        { code: 'zh', name: '中文' },
      ],
    },
    systemContext(now),
  );
  const world = await f.category({ slug: 'world' });
  const at = (iso: string) => ({ publishedAt: iso });
  const write = (over: Parameters<typeof f.article>[0]) => f.article(over, now);
  const url = (locale: string, slug: string, category = 'world') => `http://dateline.test/${locale}/${category}/${slug}`;

  // July: an en story whose zh version came out in August, and a story at the very end of July (UTC).
  const julyEn = await write({ title: 'July story', slug: 'july-story', categoryId: world.id, ...at('2025-07-10T08:00:00.000Z') });
  const julyZh = await f.translation(julyEn.id, 'zh', { title: '七月', slug: 'july-story-zh', status: 'published', publishedAt: '2025-08-02T08:00:00.000Z' }, now);
  const julyLast = await write({ title: 'Last of July', slug: 'last-of-july', categoryId: null, ...at('2025-07-31T23:30:00.000Z') });
  // August: a story at 00:00 UTC on the 1st whose zh translation is only a draft, an old one, and two fresh ones.
  const augFirst = await write({ title: 'First of August', slug: 'first-of-august', categoryId: world.id, ...at('2025-08-01T00:00:00.000Z') });
  const augFirstZhDraft = await f.translation(augFirst.id, 'zh', { title: '草稿', slug: 'first-of-august-zh', status: 'draft' }, now);
  const old = await write({ title: 'Three days old', slug: 'three-days-old', categoryId: world.id, ...at('2025-08-17T12:00:00.000Z') });
  const fresh = await write({ title: AWKWARD, slug: 'fresh', categoryId: world.id, ...at('2025-08-19T12:00:00.000Z') });
  const freshZh = await f.translation(fresh.id, 'zh', { title: '新鲜 & <热>', slug: 'fresh-zh', status: 'published', publishedAt: '2025-08-20T10:00:00.000Z' }, now);
  // Never anywhere: a draft, a future story (the only one in September), an embargoed one (the only one in June), a taken-down one.
  const draft = await write({ title: 'Secret draft', slug: 'secret-draft', status: 'draft', publishedAt: null, categoryId: world.id });
  const future = await write({ title: 'Secret future', slug: 'secret-future', categoryId: world.id, ...at('2025-09-05T00:00:00.000Z') });
  const embargoed = await write({ title: 'Secret embargo', slug: 'secret-embargo', categoryId: world.id, ...at('2025-06-05T00:00:00.000Z') });
  // No factory sets an embargo yet; the column is what visibleTo() reads.
  await app.db.update(articles).set({ embargoUntil: new Date('2025-12-01T00:00:00.000Z') }).where(eq(articles.id, embargoed.id));
  const recentDraft = await write({ title: 'Secret recent draft', slug: 'secret-recent', status: 'unpublished', ...at('2025-08-20T09:00:00.000Z') });
  const secretSlugs = ['secret-draft', 'secret-future', 'secret-embargo', 'secret-recent', 'first-of-august-zh'];
  t.ok(draft && future && recentDraft && augFirstZhDraft);

  const get = (path: string, headers: Record<string, string> = {}) => app.inject({ url: path, headers });
  /** Slugs of unpublished articles found in a sitemap: always none. */
  const secretsIn = (body: string) => secretSlugs.filter((slug) => body.includes(slug));
  const urlsOf = (body: string): Url[] => parseXml(body, ['url', 'xhtml:link']).urlset.url ?? [];

  await t.test('the index lists the news sitemap and one sitemap per month with public articles', async (t) => {
    const res = await get('/v1/sitemaps/index.xml');
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.headers['content-type'], 'application/xml; charset=utf-8');
    t.equal(res.headers['cache-control'], PUBLIC);
    const index = parseXml(res.body, ['sitemap']).sitemapindex;
    t.equal(index['@xmlns'], 'http://www.sitemaps.org/schemas/sitemap/0.9');
    t.same(
      index.sitemap.map((s: { loc: string }) => s.loc),
      [
        'http://dateline.test/v1/sitemaps/news.xml',
        'http://dateline.test/v1/sitemaps/articles/2025-08.xml',
        'http://dateline.test/v1/sitemaps/articles/2025-07.xml',
      ],
      'no June (only embargoed) nor September (only future)',
    );
    t.equal(index.sitemap[2].lastmod, NOW, 'lastmod is the newest change in the month');
  });

  await t.test('a month lists its public articles with reciprocal hreflang alternates', async (t) => {
    const july = await get('/v1/sitemaps/articles/2025-07.xml');
    t.equal(july.statusCode, 200, july.body);
    t.equal(july.headers['content-type'], 'application/xml; charset=utf-8');
    const julyUrls = urlsOf(july.body);
    t.same(julyUrls.map((u) => u.loc), [url('en', 'july-story'), `http://dateline.test/en/uncategorized/last-of-july`], 'months are UTC: 23:30 on the 31st is July');
    const alternates = (u: Url) => (u['xhtml:link'] ?? []).map((l) => [l['@rel'], l['@hreflang'], l['@href']]);
    const julyGroup = [
      ['alternate', 'en', url('en', 'july-story')],
      ['alternate', 'zh', url('zh', 'july-story-zh')],
      ['alternate', 'x-default', url('en', 'july-story')],
    ];
    t.same(alternates(julyUrls[0]), julyGroup, 'itself, its translation and x-default');
    t.same(alternates(julyUrls[1]), [], 'no translation, no alternates');

    const august = await get('/v1/sitemaps/articles/2025-08.xml');
    const augUrls = urlsOf(august.body);
    t.same(augUrls.map((u) => u.loc), [
      url('en', 'first-of-august'),
      url('zh', 'july-story-zh'),
      url('en', 'three-days-old'),
      url('en', 'fresh'),
      url('zh', 'fresh-zh'),
    ]);
    t.same(alternates(augUrls[1]), julyGroup, 'the zh version lists the same group: reciprocal across months');
    t.same(alternates(augUrls[0]), [], 'a draft translation is not an alternate');
    t.same(alternates(augUrls[3]), alternates(augUrls[4]));
    for (const u of [...julyUrls, ...augUrls]) t.ok(!Number.isNaN(Date.parse(u.lastmod)), u.loc);
    t.same(secretsIn(july.body + august.body), []);
  });

  await t.test('the news sitemap holds the last 48 hours only', async (t) => {
    const res = await get('/v1/sitemaps/news.xml');
    t.equal(res.statusCode, 200, res.body);
    const urlset = parseXml(res.body, ['url']).urlset;
    t.equal(urlset['@xmlns:news'], 'http://www.google.com/schemas/sitemap-news/0.9');
    t.same(urlset.url.map((u: { loc: string }) => u.loc), [url('zh', 'fresh-zh'), url('en', 'fresh')], 'newest first; three days old is out');
    const [zh, en] = urlset.url.map((u: { 'news:news': Record<string, any> }) => u['news:news']);
    t.same(en['news:publication'], { 'news:name': 'Dateline & Co', 'news:language': 'en' });
    t.same(zh['news:publication'], { 'news:name': '日界线', 'news:language': 'zh-cn' });
    t.equal(en['news:publication_date'], '2025-08-19T12:00:00.000Z');
    t.equal(en['news:title'], AWKWARD.replace('\u0008', ''), 'the title round-trips, minus what XML cannot carry');
    t.equal(zh['news:title'], '新鲜 & <热>');
    t.same(secretsIn(res.body), []);

    ctx.clock.set('2025-08-21T13:00:00.000Z');
    const later = parseXml((await get('/v1/sitemaps/news.xml')).body, ['url']).urlset;
    t.same(later.url.map((u: { loc: string }) => u.loc), [url('zh', 'fresh-zh')], '48 hours after, a story drops out');
    ctx.clock.set('2025-08-25T00:00:00.000Z');
    const empty = await get('/v1/sitemaps/news.xml');
    t.equal(empty.statusCode, 200);
    t.same(urlsOf(empty.body), [], 'an empty news sitemap is still a valid urlset');
    ctx.clock.set(NOW);
  });

  await t.test('months and pages without public articles are 404; malformed ones 400', async (t) => {
    for (const [path, status] of [
      ['/v1/sitemaps/articles/2025-09.xml', 404],
      ['/v1/sitemaps/articles/2025-06.xml', 404],
      ['/v1/sitemaps/articles/2025-08.xml?page=2', 404],
      ['/v1/sitemaps/articles/2025-13.xml', 400],
      ['/v1/sitemaps/articles/0025-08.xml', 400],
      ['/v1/sitemaps/articles/2025-08.xml?page=0', 400],
      ['/v1/sitemaps/articles/2025-08.xml?page=1.5', 400],
      ['/v1/sitemaps/articles/2025-08.xml?foo=1', 400],
      ['/v1/sitemaps/index.xml?foo=1', 400],
      ['/v1/sitemaps/news.xml?locale=en', 400],
      ['/v1/sitemaps/articles/2025.xml', 404],
    ] as const) {
      const res = await get(path);
      t.equal(res.statusCode, status, path);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', path);
    }
  });

  await t.test('an embargo lifting or a future time arriving adds the month', async (t) => {
    ctx.clock.set('2025-12-02T00:00:00.000Z');
    const index = parseXml((await get('/v1/sitemaps/index.xml')).body, ['sitemap']).sitemapindex;
    const locs = index.sitemap.map((s: { loc: string }) => s.loc);
    t.ok(locs.includes('http://dateline.test/v1/sitemaps/articles/2025-06.xml'));
    t.ok(locs.includes('http://dateline.test/v1/sitemaps/articles/2025-09.xml'));
    ctx.clock.set(NOW);
  });

  await t.test('same for a token: public, cacheable, no drafts; 304 on If-None-Match', async (t) => {
    for (const path of ['/v1/sitemaps/index.xml', '/v1/sitemaps/articles/2025-08.xml', '/v1/sitemaps/news.xml']) {
      const anon = await get(path);
      const withToken = await get(path, auth);
      t.equal(withToken.body, anon.body, path);
      t.equal(withToken.headers['cache-control'], PUBLIC, path);
      const again = await get(path, { 'if-none-match': String(anon.headers.etag) });
      t.equal(again.statusCode, 304, path);
    }
  });

  await t.test('a large month is split into pages, each listed in the index', async (t) => {
    const months = await listSitemapMonths(app.db, now, 2);
    t.same(months.map((m) => [m.month, m.pages]), [['2025-07', 1], ['2025-08', 3]]);
    const index = parseXml(renderSitemapIndex('http://x', months), ['sitemap']).sitemapindex;
    t.same(index.sitemap.map((s: { loc: string }) => s.loc.replace('http://x', '')), [
      '/v1/sitemaps/news.xml',
      '/v1/sitemaps/articles/2025-08.xml',
      '/v1/sitemaps/articles/2025-08.xml?page=2',
      '/v1/sitemaps/articles/2025-08.xml?page=3',
      '/v1/sitemaps/articles/2025-07.xml',
    ]);
    const page = (n: number) =>
      loadMonthSitemap(app.db, { year: 2025, month: 8, page: n, now, frontendUrlPattern: app.config.frontendUrlPattern, pageSize: 2 });
    const pages = [await page(1), await page(2), await page(3)];
    t.same(pages.map((p) => p.length), [2, 2, 1]);
    t.same(pages.flat().map((u) => u.url), [url('en', 'first-of-august'), url('zh', 'july-story-zh'), url('en', 'three-days-old'), url('en', 'fresh'), url('zh', 'fresh-zh')]);
    await t.rejects(page(4), { code: 'NOT_FOUND' });
  });

  await t.test('each sitemap costs a fixed number of queries', async (t) => {
    for (const [path, max] of [['/v1/sitemaps/index.xml', 1], ['/v1/sitemaps/articles/2025-08.xml', 3], ['/v1/sitemaps/news.xml', 2]] as const) {
      ctx.queries.reset();
      await get(path);
      t.ok(ctx.queries.count <= max, `${path}: ${ctx.queries.count} queries`);
    }
  });

  await t.test('the XML examples in the spec are well-formed', async (t) => {
    const spec = (await get('/v1/openapi.json')).json();
    let checked = 0;
    for (const [path, item] of Object.entries<Record<string, { responses: Record<string, { content?: Record<string, { schema: { examples?: string[] } }> }> }>>(spec.paths)) {
      if (!/^\/v1\/(feeds|sitemaps)\//.test(path)) continue;
      for (const [type, media] of Object.entries(item.get.responses['200'].content ?? {})) {
        if (!type.endsWith('xml')) continue;
        for (const example of media.schema.examples ?? []) {
          t.doesNotThrow(() => parseXml(example), `${path} ${type}`);
          checked++;
        }
      }
    }
    t.equal(checked, 5, 'rss, atom, index, month and news');
  });

  t.ok(julyZh && julyLast && old && freshZh);
});
