import { eq } from 'drizzle-orm';
import t from 'tap';
import { loadConfig } from '../src/config.js';
import { articles } from '../src/db/schema/index.js';
import { systemContext } from '../src/http/context.js';
import { escapeXml } from '../src/http/xml.js';
import { frontendHome, frontendUrl } from '../src/modules/articles/public.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';
import { parseXml } from './helpers/xml.js';

const HOUR = 3_600_000;
const PUBLIC = 'public, max-age=60, s-maxage=300, stale-while-revalidate=60';
/** Every character class a title can trip an XML writer with; \u0007 and \uFFFF are not XML characters at all. */
const AWKWARD = `Tom & Jerry <b>"quoted"</b> 'single' ]]> 🌊 \u200Fمرحبا\u200F \u202Eevil\u202C bell\u0007 end\uFFFF`;
const AWKWARD_AS_XML_TEXT = AWKWARD.replace(/[\u0007\uFFFF]/g, '');

t.test('escapeXml escapes markup and drops what XML 1.0 forbids', async (t) => {
  t.equal(escapeXml(`<a href="x">&'</a>]]>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;]]&gt;');
  t.equal(escapeXml('a\u0000b\u0008c\u000Bd\u000Ce\u001Ff\uFFFEg\uFFFFh'), 'abcdefgh');
  t.equal(escapeXml('tab\tlf\ncr\r'), 'tab\tlf\ncr\r', 'tab, LF and CR are XML characters');
  t.equal(escapeXml('lone \uD800 high, lone \uDC00 low, pair 🌊'), 'lone  high, lone  low, pair 🌊');
  t.equal(escapeXml('\u200F\u202E中文'), '\u200F\u202E中文', 'bidi marks and CJK pass through');
});

t.test('front-end URLs follow FRONTEND_URL_PATTERN', async (t) => {
  const config = loadConfig({ PUBLIC_BASE_URL: 'https://api.news.example' });
  t.equal(config.frontendUrlPattern, 'https://api.news.example/{locale}/{category}/{slug}', 'defaults to PUBLIC_BASE_URL');
  t.equal(loadConfig({}).frontendUrlPattern, 'http://localhost:4000/{locale}/{category}/{slug}', 'on a developer machine: the example reader');
  const pattern = 'https://news.example/{locale}/{category}/{slug}';
  t.equal(loadConfig({ FRONTEND_URL_PATTERN: pattern }).frontendUrlPattern, pattern);
  t.throws(() => loadConfig({ FRONTEND_URL_PATTERN: 'https://news.example/{locale}' }), /FRONTEND_URL_PATTERN.*\{slug\}/);
  t.throws(() => loadConfig({ FRONTEND_URL_PATTERN: 'ftp://news.example/{slug}' }), /FRONTEND_URL_PATTERN/);
  t.equal(frontendUrl(pattern, { locale: 'zh', category: 'world', slug: 'a-b' }), 'https://news.example/zh/world/a-b');
  t.equal(frontendUrl(pattern, { locale: 'en', category: null, slug: 'a-b' }), 'https://news.example/en/uncategorized/a-b');
  t.equal(frontendHome(pattern, 'zh'), 'https://news.example/zh/');
  t.equal(frontendHome('https://news.example/story/{slug}', 'zh'), 'https://news.example/');
  t.equal(frontendHome('https://news.example/{category}/{locale}/{slug}', 'zh'), 'https://news.example/');
});

t.test('feeds', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, auth } = ctx;
  const f = factories(app.db);
  const now = ctx.clock.now;
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR).toISOString();
  await replaceSiteSettings(
    app.db,
    {
      ...DEFAULT_SETTINGS,
      name: { en: 'Dateline & Co <News>', zh: '日界线' },
      description: { en: 'News from the "delta"', zh: '三角洲新闻' },
      locales: [
        { code: 'en', name: 'English' },
        { code: 'zh', name: '中文' },
      ],
      logoUrl: 'https://img.example.com/logo.png',
      copyright: { en: '© Dateline', zh: '© 日界线' },
    },
    systemContext(now),
  );

  const world = await f.category({ slug: 'world', names: { en: 'World', zh: '国际' } });
  const asia = await f.category({ slug: 'asia', parentId: world.id, names: { en: 'Asia', zh: '亚洲' } });
  const sports = await f.category({ slug: 'sports', names: { en: 'Sports', zh: '体育' } });
  const floods = await f.tag({ slug: 'floods', names: { en: 'Floods & rain', zh: '洪水' } });
  const writer = await f.author({ name: 'Lan <Nguyen>', slug: 'lan-nguyen' });

  const awkward = await f.article({
    title: AWKWARD,
    slug: 'awkward-title',
    lead: 'A lead with <script>alert(1)</script> & more',
    body: [{ type: 'paragraph', text: 'Body with ]]> and <b>bold</b>' }],
    categoryId: asia.id,
    tagIds: [floods.id],
    authors: [{ authorId: writer.id, role: 'writer' }],
    coverImage: { url: 'https://img.example.com/a.jpg?w=1&h=2', alt: 'x', width: 800, height: 600 },
    publishedAt: ago(1),
  });
  const inWorld = await f.article({ title: 'In world', categoryId: world.id, publishedAt: ago(2) });
  const inSports = await f.article({ title: 'In sports', categoryId: sports.id, tagIds: [floods.id], publishedAt: ago(3) });
  const uncategorized = await f.article({ title: 'No section', categoryId: null, publishedAt: ago(4) });
  const zh = await f.translation(awkward.id, 'zh', { title: '洪水来了 & <中文>', status: 'published', publishedAt: ago(1) });

  const draft = await f.article({ title: 'Secret draft', status: 'draft', publishedAt: null, categoryId: asia.id, tagIds: [floods.id] });
  const future = await f.article({ title: 'Secret future', categoryId: asia.id, publishedAt: new Date(now.getTime() + HOUR).toISOString() });
  const embargoed = await f.article({ title: 'Secret embargo', categoryId: asia.id, tagIds: [floods.id], publishedAt: ago(1) });
  // No factory sets an embargo yet; the column is what visibleTo() reads.
  await app.db.update(articles).set({ embargoUntil: new Date(now.getTime() + HOUR) }).where(eq(articles.id, embargoed.id));
  const zhDraft = await f.translation(inWorld.id, 'zh', { title: '秘密草稿', status: 'draft' });
  const secrets = [draft, future, embargoed, zhDraft];

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });
  /** Ids and titles of unpublished articles found in a feed: always none. */
  const secretsIn = (body: string) => [...secrets.map((s) => s.id), 'Secret', '秘密'].filter((needle) => body.includes(needle));

  await t.test('RSS 2.0: well-formed, escaped, absolute links, public only', async (t) => {
    const res = await get('/v1/feeds/en/rss.xml');
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.headers['content-type'], 'application/rss+xml; charset=utf-8');
    t.equal(res.headers['cache-control'], PUBLIC);
    t.equal(res.headers['content-language'], 'en');
    const rss = parseXml(res.body, ['item', 'category', 'dc:creator']).rss;
    t.equal(rss['@version'], '2.0');
    const channel = rss.channel;
    t.equal(channel.title, 'Dateline & Co <News>');
    t.equal(channel.description, 'News from the "delta"');
    t.equal(channel.link, 'http://dateline.test/en/');
    t.equal(channel.language, 'en');
    t.equal(channel.copyright, '© Dateline');
    t.equal(channel['atom:link']['@href'], 'http://dateline.test/v1/feeds/en/rss.xml');
    t.equal(channel.lastBuildDate, new Date(channel.lastBuildDate).toUTCString(), 'RFC 822 date');
    t.same(channel.item.map((i: { guid: { '#text': string } }) => i.guid['#text']), [awkward, inWorld, inSports, uncategorized].map((a) => `urn:uuid:${a.id}`));
    const first = channel.item[0];
    t.equal(first.title, AWKWARD_AS_XML_TEXT, 'the title round-trips, minus characters XML cannot carry');
    t.equal(first.guid['@isPermaLink'], 'false');
    t.equal(first.link, 'http://dateline.test/en/asia/awkward-title');
    t.equal(first.description, 'A lead with <script>alert(1)</script> & more');
    const { bodyHtml } = (await get(`/v1/articles/${awkward.id}`)).json().data;
    t.match(bodyHtml, /Body with .*<b>bold<\/b>/);
    t.equal(first['content:encoded'], bodyHtml, 'the HTML body round-trips');
    t.same(first['dc:creator'], ['Lan <Nguyen>']);
    t.same(first.category, ['Asia', 'Floods & rain']);
    t.equal(first['media:content']['@url'], 'https://img.example.com/a.jpg?w=1&h=2');
    t.equal(first.pubDate, new Date(ago(1)).toUTCString());
    t.equal(channel.item[3].link, 'http://dateline.test/en/uncategorized/' + channel.item[3].link.split('/').pop());
    t.same(secretsIn(res.body), []);
  });

  await t.test('Atom 1.0: well-formed, ids and dates', async (t) => {
    const res = await get('/v1/feeds/en/atom.xml');
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8');
    const feed = parseXml(res.body, ['entry', 'link', 'author', 'category']).feed;
    t.equal(feed['@xmlns'], 'http://www.w3.org/2005/Atom');
    t.equal(feed['@xml:lang'], 'en');
    t.equal(feed.title, 'Dateline & Co <News>');
    t.equal(feed.id, 'http://dateline.test/v1/feeds/en/atom.xml');
    t.ok(!Number.isNaN(Date.parse(feed.updated)));
    t.same(feed.link.map((l: Record<string, string>) => l['@rel']).sort(), ['alternate', 'self']);
    t.equal(feed.author[0].name, 'Dateline & Co <News>');
    const entry = feed.entry[0];
    t.equal(entry.id, `urn:uuid:${awkward.id}`);
    t.equal(entry.title, AWKWARD_AS_XML_TEXT);
    t.equal(entry.link[0]['@href'], 'http://dateline.test/en/asia/awkward-title');
    t.equal(entry.published, ago(1));
    t.ok(Date.parse(entry.updated) >= Date.parse(entry.published));
    t.equal(entry.author[0].name, 'Lan <Nguyen>');
    t.same(entry.category.map((c: Record<string, string>) => c['@term']), ['Asia', 'Floods & rain']);
    t.equal(entry.content['@type'], 'html');
    t.equal(entry.content['#text'], (await get(`/v1/articles/${awkward.id}`)).json().data.bodyHtml);
    t.equal(feed.entry.length, 4);
    t.same(secretsIn(res.body), []);
  });

  await t.test('JSON Feed 1.1: required fields', async (t) => {
    const res = await get('/v1/feeds/en/feed.json');
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.headers['content-type'], 'application/feed+json; charset=utf-8');
    const feed = res.json();
    t.equal(feed.version, 'https://jsonfeed.org/version/1.1');
    t.equal(feed.title, 'Dateline & Co <News>');
    t.equal(feed.feed_url, 'http://dateline.test/v1/feeds/en/feed.json');
    t.equal(feed.home_page_url, 'http://dateline.test/en/');
    t.equal(feed.language, 'en');
    t.equal(feed.items.length, 4);
    for (const item of feed.items) {
      t.match(item, { id: /^urn:uuid:/, url: /^http:\/\/dateline\.test\/en\//, title: String, content_html: String });
      t.ok(!Number.isNaN(Date.parse(item.date_published)));
    }
    t.equal(feed.items[0].title, AWKWARD, 'JSON carries every character (escaped by JSON itself)');
    t.equal(feed.items[0].image, 'https://img.example.com/a.jpg?w=1&h=2');
    t.same(feed.items[0].authors, [{ name: 'Lan <Nguyen>' }]);
    t.same(secretsIn(res.body), []);
  });

  await t.test('the zh feed holds zh articles, titled in zh', async (t) => {
    const res = await get('/v1/feeds/zh/rss.xml');
    const channel = parseXml(res.body, ['item']).rss.channel;
    t.equal(channel.title, '日界线');
    t.equal(channel.language, 'zh');
    t.same(channel.item.map((i: { title: string }) => i.title), ['洪水来了 & <中文>']);
    t.equal(channel.item[0].link, 'http://dateline.test/zh/asia/awkward-title');
    t.equal(channel.item[0].guid['#text'], `urn:uuid:${zh.id}`);
    t.same(secretsIn(res.body), []);
  });

  await t.test('category (with subcategories), tag and author filters, by id or slug', async (t) => {
    const titles = async (query: string) =>
      (await get(`/v1/feeds/en/feed.json${query}`)).json().items.map((i: { id: string }) => i.id.replace('urn:uuid:', ''));
    t.same(await titles('?category=world'), [awkward.id, inWorld.id], 'a section feed includes its subsections');
    t.same(await titles(`?category=${asia.id}`), [awkward.id]);
    t.same(await titles('?tag=floods'), [awkward.id, inSports.id]);
    t.same(await titles('?author=lan-nguyen'), [awkward.id]);
    t.same(await titles(`?tag=${floods.id}&category=sports`), [inSports.id]);
    const filtered = await get('/v1/feeds/en/atom.xml?tag=floods&category=world');
    const feed = parseXml(filtered.body).feed;
    t.equal(feed.title, 'Dateline & Co <News> — World — Floods & rain');
    t.equal(feed.id, 'http://dateline.test/v1/feeds/en/atom.xml?category=world&tag=floods');
    t.same(secretsIn(filtered.body), []);
  });

  await t.test('unknown filters, parameters and locales are problems', async (t) => {
    for (const [url, status, pointer] of [
      ['/v1/feeds/en/rss.xml?category=nowhere', 404, '/query/category'],
      ['/v1/feeds/en/atom.xml?tag=nothing', 404, '/query/tag'],
      ['/v1/feeds/en/feed.json?author=nobody', 404, '/query/author'],
      ['/v1/feeds/fr/rss.xml', 404, '/params/locale'],
      ['/v1/feeds/en/rss.xml?page=2', 400, undefined],
      ['/v1/feeds/EN!/rss.xml', 400, '/params/locale'],
      ['/v1/feeds/en/rss.xml?category=', 400, undefined],
    ] as const) {
      const res = await get(url);
      t.equal(res.statusCode, status, url);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', url);
      if (pointer) t.equal(res.json().errors?.[0]?.pointer, pointer, url);
    }
  });

  await t.test('a token changes nothing: still public, still cacheable, still no drafts', async (t) => {
    const anon = await get('/v1/feeds/en/rss.xml');
    const withToken = await get('/v1/feeds/en/rss.xml', auth);
    t.equal(withToken.statusCode, 200);
    t.equal(withToken.headers['cache-control'], PUBLIC);
    t.equal(withToken.body, anon.body);
    const bad = await get('/v1/feeds/en/rss.xml', { authorization: 'Bearer not-a-real-token-at-all' });
    t.equal(bad.statusCode, 401, 'a bad token is refused, never read as anonymous');
  });

  await t.test('conditional GET: same bytes, same ETag, 304', async (t) => {
    for (const url of ['/v1/feeds/en/rss.xml', '/v1/feeds/en/atom.xml', '/v1/feeds/en/feed.json']) {
      const first = await get(url);
      t.ok(first.headers.etag, url);
      const again = await get(url, { 'if-none-match': String(first.headers.etag) });
      t.equal(again.statusCode, 304, url);
      t.equal(again.body, '');
    }
  });

  await t.test('future and embargoed articles show up once their time comes, and the ETag moves', async (t) => {
    const before = await get('/v1/feeds/en/rss.xml');
    ctx.clock.advance(2 * HOUR);
    const after = await get('/v1/feeds/en/rss.xml');
    t.not(after.headers.etag, before.headers.etag);
    const guids = parseXml(after.body, ['item']).rss.channel.item.map((i: { guid: { '#text': string } }) => i.guid['#text']);
    t.equal(guids[0], `urn:uuid:${future.id}`);
    t.ok(guids.includes(`urn:uuid:${embargoed.id}`), 'the embargo has lifted');
    t.notOk(guids.includes(`urn:uuid:${draft.id}`), 'a draft stays out');
    ctx.clock.set(now);
  });

  await t.test('at most 50 items, newest first, in a constant number of queries', async (t) => {
    const bulk = await f.tag({ slug: 'bulk' });
    for (let i = 0; i < 52; i++) await f.article({ title: `Bulk ${i}`, tagIds: [bulk.id], publishedAt: ago(100 + i) });
    ctx.queries.reset();
    const res = await get('/v1/feeds/en/feed.json?tag=bulk');
    const items = res.json().items;
    t.equal(items.length, 50);
    t.equal(items[0].title, 'Bulk 0');
    t.equal(items[49].title, 'Bulk 49');
    t.ok(ctx.queries.count <= 7, `${ctx.queries.count} queries`);
  });
});
