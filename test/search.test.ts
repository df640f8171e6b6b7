import { eq } from 'drizzle-orm';
import t from 'tap';
import { articles, articleSearch } from '../src/db/schema/index.js';
import { systemContext } from '../src/http/context.js';
import { indexMissing } from '../src/modules/search/indexer.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

const HOUR = 3_600_000;
type Result = { id: string; title?: string; search: { score: number; title: string; snippet: string } };

t.test('search', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, auth } = ctx;
  const f = factories(app.db);
  await replaceSiteSettings(
    app.db,
    { ...DEFAULT_SETTINGS, locales: [{ code: 'en', name: 'English' }, { code: 'zh', name: '中文' }, { code: 'vi', name: 'Tiếng Việt' }] },
    systemContext(),
  );
  const now = ctx.clock.now;
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR).toISOString();
  const search = (query: string, headers: Record<string, string> = {}) => app.inject({ url: `/v1/search?${query}`, headers });
  const q = (text: string, rest = '') => search(`q=${encodeURIComponent(text)}${rest}`);
  const ids = (res: { json(): { data: Result[] } }) => res.json().data.map((a) => a.id);

  const rivers = await f.category({ slug: 'rivers' });
  const storms = await f.tag({ slug: 'storms' });
  const floods = await f.article({
    title: 'Floods reach the delta',
    lead: 'Water rose overnight in three provinces.',
    body: [
      { type: 'paragraph', text: 'The river <b>flooded</b> fields that farmers had just planted, and the warning came late.' },
      { type: 'quote', text: 'We saw the water coming.', attribution: 'A farmer' },
    ],
    categoryId: rivers.id,
    tagIds: [storms.id],
    publishedAt: ago(5),
  });
  const mention = await f.article({ title: 'Rice prices steady', lead: 'Markets shrugged off a flood warning.', publishedAt: ago(2) });
  const unrelated = await f.article({ title: 'Football final tonight', lead: 'Fans gather early.', publishedAt: ago(1) });
  const vi = await f.article({
    locale: 'vi',
    slug: 'ha-noi-mua-lon',
    title: 'Hà Nội mưa lớn suốt đêm',
    lead: 'Nhiều tuyến phố ở Hà Nội ngập sâu sau trận mưa.',
    body: [{ type: 'paragraph', text: 'Đường phố Đà Nẵng vẫn khô ráo.' }],
    publishedAt: ago(3),
  });
  const zh = await f.article({
    locale: 'zh',
    slug: 'mekong-zh',
    title: '湄公河三角洲发生洪水',
    lead: '三个省份的农田被淹没。',
    body: [{ type: 'paragraph', text: '农民说，预警系统今年第一次发挥了作用。' }],
    publishedAt: ago(4),
  });
  // Never found: draft, future, embargoed, unpublished — all about floods.
  const draft = await f.article({ status: 'draft', publishedAt: null, title: 'Flood draft' });
  const future = await f.article({ title: 'Flood tomorrow', publishedAt: new Date(now.getTime() + HOUR).toISOString() });
  const embargoed = await f.article({ title: 'Flood under embargo', publishedAt: ago(1) });
  await app.db.update(articles).set({ embargoUntil: new Date(now.getTime() + HOUR) }).where(eq(articles.id, embargoed.id));
  const unpublished = await f.article({ status: 'unpublished', title: 'Flood withdrawn' });
  const zhDraft = await f.article({ locale: 'zh', slug: 'zh-draft', status: 'draft', publishedAt: null, title: '洪水草稿' });
  const hidden = [draft.id, future.id, embargoed.id, unpublished.id, zhDraft.id];

  await t.test('English is stemmed and ranked: title matches first', async (t) => {
    const res = await q('flood', '&locale=en');
    t.equal(res.statusCode, 200, res.body);
    t.same(ids(res), [floods.id, mention.id]);
    t.equal(res.headers['cache-control'], 'public, max-age=60, s-maxage=300, stale-while-revalidate=60');
    const [first] = res.json().data as Result[];
    t.equal(first.search.title, '<mark>Floods</mark> reach the delta');
    t.match(first.search.snippet, /<mark>flooded<\/mark>/);
    t.ok(first.search.score > 0);
    t.same(Object.keys(first).sort(), ['category', 'coverImage', 'id', 'lead', 'locale', 'publishedAt', 'search', 'slug', 'title']);
  });

  await t.test('the site default locale is searched when none is given; other locales never mix in', async (t) => {
    t.same(ids(await q('flood')), [floods.id, mention.id]);
    t.same(ids(await q('flood', '&locale=vi')), []);
  });

  await t.test('Vietnamese without accents finds the accented text and marks it as written', async (t) => {
    const res = await q('ha noi', '&locale=vi');
    t.same(ids(res), [vi.id]);
    const [hit] = res.json().data as Result[];
    t.equal(hit.search.title, '<mark>Hà Nội</mark> mưa lớn suốt đêm');
    t.match(hit.search.snippet, /<mark>Hà Nội<\/mark>/);
    t.same(ids(await q('da nang', '&locale=vi')), [vi.id], 'đ folds to d');
    t.same(ids(await q('Hà Nội', '&locale=vi')), [vi.id], 'accents in the query work too');
  });

  await t.test('Chinese: two characters inside a sentence, longer runs as phrases, one character as a prefix', async (t) => {
    for (const query of ['洪水', '三角洲', '湄公河三角洲', '预警系统', '农田', '湄']) {
      t.same(ids(await q(query, '&locale=zh')), [zh.id], query);
    }
    t.same(ids(await q('河湄', '&locale=zh')), [], 'characters out of order do not match');
    t.same(ids(await q('洪水 预警', '&locale=zh')), [zh.id], 'words are ANDed');
    t.same(ids(await q('洪水 足球', '&locale=zh')), []);
    const [hit] = (await q('洪水', '&locale=zh')).json().data as Result[];
    t.equal(hit.search.title, '湄公河三角洲发生<mark>洪水</mark>');
  });

  await t.test('drafts, scheduled, embargoed and withdrawn articles are never found, even with a token', async (t) => {
    for (const [query, locale] of [['flood', 'en'], ['洪水', 'zh']]) {
      for (const headers of [{}, auth]) {
        const found = ids(await search(`q=${encodeURIComponent(query)}&locale=${locale}`, headers));
        for (const id of hidden) t.notOk(found.includes(id), `${query} ${id}`);
      }
    }
  });

  await t.test('filters, sort and cursors', async (t) => {
    t.same(ids(await q('flood', '&filter[category]=rivers')), [floods.id]);
    t.same(ids(await q('flood', '&filter[tag]=storms')), [floods.id]);
    t.same(ids(await q('flood', `&filter[publishedAt][gte]=${ago(3)}`)), [mention.id]);
    t.same(ids(await q('flood', '&sort=-publishedAt')), [mention.id, floods.id]);
    const first = await q('flood', '&page[size]=1&meta=total');
    t.same(ids(first), [floods.id]);
    t.equal(first.json().meta.total, 2);
    t.match(first.headers.link, /rel="next"/);
    const second = await app.inject({ url: first.json().links.next });
    t.same(ids(second), [mention.id]);
    t.notOk(second.json().links.next);
    const back = await app.inject({ url: second.json().links.prev });
    t.same(ids(back), [floods.id]);
    const withInclude = (await q('flood', '&include=tags&fields=title,tags')).json().data[0];
    t.same(Object.keys(withInclude).sort(), ['id', 'search', 'tags', 'title']);
    t.equal(withInclude.tags[0].slug, 'storms');
  });

  await t.test('awkward queries answer sanely: results, an empty list or a 400, never a 500', async (t) => {
    const cases: Array<[string, number, string[]?]> = [
      ['the and of', 200, []],
      ['!!! ??? ---', 200, []],
      ["flood' OR 1=1; DROP TABLE articles; --", 200],
      ['flood & | ! <-> :* ( )', 200],
      ['"flood warning"', 200, [mention.id]],
      ['flood -markets', 200, [floods.id]],
      ['flood or football', 200, [floods.id, mention.id, unrelated.id]],
      ['x'.repeat(10_000), 400],
      ['', 400],
    ];
    for (const [text, status, expected] of cases) {
      for (const locale of ['en', 'vi', 'zh']) {
        const res = await q(text, `&locale=${locale}`);
        t.equal(res.statusCode, status, `${text.slice(0, 40)} (${locale}): ${res.body.slice(0, 200)}`);
        if (status === 400) {
          t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
          t.equal(res.json().errors[0].pointer, '/query/q');
        }
        if (expected && locale === 'en') t.same(ids(res).sort(), [...expected].sort(), text);
      }
    }
    t.equal((await search('locale=en')).statusCode, 400, 'q is required');
    t.equal((await q('flood', '&sort=title')).statusCode, 400);
    t.equal((await q('flood', '&filter[status]=draft')).statusCode, 400, 'no status filter: search is public only');
    t.equal((await q('flood', '&page[after]=nonsense')).statusCode, 400);
    t.equal((await q('flood', '&include=everything')).statusCode, 400);
    t.equal((await app.db.select().from(articles)).length, 10, 'nothing was dropped');
  });

  await t.test('the index follows edits, deletions and start-up backfill', async (t) => {
    await app.inject({ method: 'GET', url: '/health' });
    const { updateArticle, deleteArticle } = await import('../src/modules/articles/service.js');
    await updateArticle(app.db, unrelated.id, { title: 'Cup final washed out by flood' }, systemContext(now));
    t.ok(ids(await q('flood')).includes(unrelated.id), 'an edited title is searchable at once');
    await updateArticle(app.db, unrelated.id, { title: 'Football final tonight' }, systemContext(now));
    t.notOk(ids(await q('flood')).includes(unrelated.id), 'and the old words are gone');
    await deleteArticle(app.db, mention.id, systemContext(now));
    t.same(ids(await q('flood')), [floods.id]);
    await app.db.delete(articleSearch).where(eq(articleSearch.articleId, floods.id));
    t.same(ids(await q('flood')), []);
    t.equal(await indexMissing(app.db), 1);
    t.same(ids(await q('flood')), [floods.id]);
    t.equal(await indexMissing(app.db), 0);
  });
});

t.test('relevance ranks the newest SEARCH_RANK_WINDOW matches; date order and the total reach them all', async (t) => {
  const ctx = await buildTestApp(t, { SEARCH_RANK_WINDOW: '2' });
  const { app } = ctx;
  const f = factories(app.db);
  const ago = (hours: number) => new Date(ctx.clock.now.getTime() - hours * HOUR).toISOString();
  // The oldest is the best match (the word in its title); the window leaves it out of the relevance order.
  const best = await f.article({ title: 'Harbour harbour harbour', lead: 'The harbour again.', publishedAt: ago(30) });
  const newer = await f.article({ title: 'Markets open', lead: 'Trading near the harbour.', publishedAt: ago(2) });
  const newest = await f.article({ title: 'Weather', lead: 'Fog over the harbour.', publishedAt: ago(1) });
  await f.article({ title: 'Harbour draft', status: 'draft', publishedAt: null });
  const get = async (query: string) => (await app.inject({ url: `/v1/search?q=harbour&${query}` })).json();
  const found = (body: { data: Array<{ id: string }> }) => body.data.map((a) => a.id);

  const relevance = await get('meta=total');
  t.same(found(relevance).sort(), [newer.id, newest.id].sort(), 'relevance covers the two newest matches');
  t.equal(relevance.meta.total, 3, 'the total counts every public match');
  t.same(found(await get('sort=-publishedAt')), [newest.id, newer.id, best.id], 'date order reaches the older match');
  t.same(found(await get(`filter[publishedAt][lt]=${ago(10)}`)), [best.id], 'a filter moves the window');
});
