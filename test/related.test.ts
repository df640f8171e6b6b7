import { eq } from 'drizzle-orm';
import t from 'tap';
import { articles } from '../src/db/schema/index.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

const HOUR = 3_600_000;

t.test('related articles', async (t) => {
  const ctx = await buildTestApp(t, { FRONTEND_URL_PATTERN: 'https://news.example/{locale}/{category}/{slug}' });
  const { app, auth } = ctx;
  const f = factories(app.db);
  await f.bilingualSite();
  const now = ctx.clock.now;
  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR).toISOString();
  const related = async (id: string, query = '', headers: Record<string, string> = {}) =>
    app.inject({ url: `/v1/articles/${id}/related${query}`, headers });
  const ids = (res: { json(): { data: Array<{ id: string }> } }) => res.json().data.map((a) => a.id);

  const floods = await f.category();
  const sports = await f.category();
  const [river, rain, other] = [await f.tag(), await f.tag(), await f.tag()];
  const cover = { url: 'https://img.example.com/c.jpg', alt: 'Boats', caption: 'Not in a list', credit: 'Photo: AP', width: 1200, height: 800 };

  const source = await f.article({ categoryId: floods.id, tagIds: [river.id, rain.id], publishedAt: ago(10), title: 'The river crests' });
  const olderSameCategory = await f.article({ categoryId: floods.id, publishedAt: ago(3) });
  const newerSameCategory = await f.article({ categoryId: floods.id, publishedAt: ago(2), coverImage: cover });
  const twoSharedTags = await f.article({ categoryId: sports.id, tagIds: [rain.id, river.id], publishedAt: ago(9) });
  const oneSharedTagNewer = await f.article({ categoryId: sports.id, tagIds: [river.id], publishedAt: ago(1) });
  const oneSharedTagOlder = await f.article({ categoryId: null, tagIds: [rain.id, other.id], publishedAt: ago(4) });
  const unrelated = await f.article({ categoryId: sports.id, tagIds: [other.id], publishedAt: ago(1) });

  // Never in the list: other locale, draft, future, embargoed, unpublished.
  const zhTranslation = await f.translation(source.id, 'zh', { title: '河水', status: 'published', publishedAt: ago(1) });
  const zhSameCategory = await f.article({ locale: 'zh', title: '同类', slug: 'zh-same', categoryId: floods.id, tagIds: [river.id], publishedAt: ago(1) });
  const draft = await f.article({ status: 'draft', publishedAt: null, categoryId: floods.id, tagIds: [river.id, rain.id] });
  const future = await f.article({ categoryId: floods.id, tagIds: [river.id, rain.id], publishedAt: new Date(now.getTime() + 24 * HOUR).toISOString() });
  const unpublished = await f.article({ status: 'unpublished', categoryId: floods.id, tagIds: [river.id] });
  const embargoed = await f.article({ categoryId: floods.id, tagIds: [river.id, rain.id], publishedAt: ago(1) });
  // No factory sets an embargo yet; the column is what visibleTo() reads.
  await app.db.update(articles).set({ embargoUntil: new Date(now.getTime() + HOUR) }).where(eq(articles.id, embargoed.id));
  const hidden = [draft.id, future.id, unpublished.id, embargoed.id, zhTranslation.id, zhSameCategory.id, unrelated.id, source.id];

  await t.test('same category newest first, then the most shared tags, ties newest first', async (t) => {
    const res = await related(source.id);
    t.equal(res.statusCode, 200, res.body);
    t.same(ids(res), [newerSameCategory.id, olderSameCategory.id, twoSharedTags.id, oneSharedTagNewer.id, oneSharedTagOlder.id]);
    t.equal(res.headers['cache-control'], 'public, max-age=60, s-maxage=300, stale-while-revalidate=60');
  });

  await t.test('list fields only, the cover as a thumbnail', async (t) => {
    const [first, second] = (await related(source.id)).json().data;
    t.same(Object.keys(first).sort(), ['category', 'coverImage', 'id', 'lead', 'path', 'publishedAt', 'slug', 'title', 'url']);
    t.same(first.coverImage, { url: cover.url, alt: cover.alt, width: 1200, height: 800 });
    t.equal(second.coverImage, null);
    t.equal(first.path, `/v1/articles/by-slug/en/${first.slug}`);
    t.equal(first.publishedAt, ago(2));
    const read = await app.inject({ url: first.path });
    t.equal(read.json().data.id, newerSameCategory.id, 'path leads to the article');
  });

  await t.test('each headline names its section and its front-end URL, so a front end can link it', async (t) => {
    const list = (await related(source.id)).json().data;
    const floodsName = (await app.inject({ url: `/v1/categories/${floods.id}` })).json().data.name;
    t.same(list[0].category, { id: floods.id, slug: floods.slug, name: floodsName });
    t.equal(list[0].url, `https://news.example/en/${floods.slug}/${list[0].slug}`);
    const sportsItem = list.find((a: { id: string }) => a.id === twoSharedTags.id);
    t.equal(sportsItem.category.slug, sports.slug);
    const uncategorized = list.find((a: { id: string }) => a.id === oneSharedTagOlder.id);
    t.equal(uncategorized.category, null);
    t.equal(uncategorized.url, `https://news.example/en/uncategorized/${uncategorized.slug}`);
  });

  await t.test('limit cuts the list; the category branch can fill it alone', async (t) => {
    t.same(ids(await related(source.id, '?limit=2')), [newerSameCategory.id, olderSameCategory.id]);
    t.same(ids(await related(source.id, '?limit=3')), [newerSameCategory.id, olderSameCategory.id, twoSharedTags.id]);
    t.same(ids(await related(source.id, '?limit=1')), [newerSameCategory.id]);
  });

  await t.test('an article without a category gets tag matches from every category', async (t) => {
    const res = await related(oneSharedTagOlder.id);
    // Shares rain with source and twoSharedTags, other with unrelated: one tag each, newest first.
    t.same(ids(res), [unrelated.id, twoSharedTags.id, source.id]);
  });

  await t.test('drafts, future, embargoed, unpublished and other-locale articles never appear, even for an editor', async (t) => {
    for (const headers of [{}, auth]) {
      const list = ids(await related(source.id, '?limit=50', headers));
      for (const id of hidden) t.notOk(list.includes(id), `${id} is not related`);
    }
    const editor = await related(source.id, '', auth);
    t.equal(editor.headers['cache-control'], 'private, no-store', 'authenticated reads stay out of shared caches');
  });

  await t.test('an article the caller cannot see has no related list', async (t) => {
    for (const id of [draft.id, future.id, embargoed.id, unpublished.id]) {
      const res = await related(id);
      t.equal(res.statusCode, 404);
      t.equal(res.json().code, 'NOT_FOUND');
    }
    const missing = await related('0198a9c2-5b1e-7c3a-9d20-3f6b1a2c4d5e');
    t.equal(missing.statusCode, 404);
    const asEditor = await related(draft.id, '', auth);
    t.equal(asEditor.statusCode, 200, 'an editor may preview a draft’s list');
    t.same(ids(asEditor), [newerSameCategory.id, olderSameCategory.id, source.id, twoSharedTags.id, oneSharedTagNewer.id, oneSharedTagOlder.id].slice(0, 10));
  });

  await t.test('zh articles get zh related articles', async (t) => {
    t.same(ids(await related(zhSameCategory.id)), [zhTranslation.id], 'the zh translation shares the river tag');
  });

  await t.test('bad parameters are 400 problems', async (t) => {
    for (const query of ['?limit=0', '?limit=51', '?limit=1.5', '?limit=abc', '?limit=Infinity', '?limit=1e400', '?limit=NaN', '?page=2']) {
      const res = await related(source.id, query);
      t.equal(res.statusCode, 400, query);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', query);
    }
    const badId = await related('not-a-uuid');
    t.equal(badId.statusCode, 400);
    t.equal(badId.json().errors[0].pointer, '/params/id');
  });

  await t.test('conditional GET and a constant number of queries', async (t) => {
    const first = await related(source.id);
    const again = await related(source.id, '', { 'if-none-match': String(first.headers.etag) });
    t.equal(again.statusCode, 304);
    ctx.queries.reset();
    await related(source.id, '?limit=50');
    t.ok(ctx.queries.count <= 2, `${ctx.queries.count} queries`);
  });
});
