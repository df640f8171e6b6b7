import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';
import { systemContext } from '../src/http/context.js';
import { updateArticle } from '../src/modules/articles/service.js';
import { applyAction } from '../src/modules/articles/workflow.js';

const ALL = 'category,tags,authors,sources,translations';

t.test('articles', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, auth } = ctx;
  const f = factories(app.db);
  await f.bilingualSite();
  const count = async () => (await app.inject({ url: '/v1/articles?meta=total', headers: auth })).json().meta.total as number;
  /** Headers for a write to one article: the token and the ETag of its current version. */
  const ifMatch = async (id: string) => ({ ...auth, 'if-match': String((await app.inject({ url: `/v1/articles/${id}`, headers: auth })).headers.etag) });
  /** A workflow action (the status changes only through these; see workflow.test.ts). */
  const act = async (id: string, action: string) => app.inject({ method: 'POST', url: `/v1/articles/${id}/${action}`, headers: await ifMatch(id) });

  const world = await f.category({ slug: 'world', names: { en: 'World', zh: '国际' } });
  const asia = await f.category({ slug: 'asia', parentId: world.id, names: { en: 'Asia', zh: '亚洲' } });
  const [t1, t2, t3] = [await f.tag(), await f.tag(), await f.tag()];
  const [writer, photographer] = [await f.author(), await f.author()];
  const [afp, cnn, ap] = [await f.source({ shortName: 'AFP' }), await f.source({ shortName: 'CNN' }), await f.source({ shortName: 'AP' })];

  await t.test('an article keeps its relations in the order they were written', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: auth,
      payload: {
        locale: 'en',
        title: 'Ferry links resume after the storm',
        seoTitle: 'Ferries resume',
        lead: 'Boats sail again.',
        body: [
          { type: 'paragraph', text: 'The first boat left at dawn. <script>alert(1)</script><b>Full</b>.' },
          { type: 'quote', text: 'We waited three days.', attribution: 'A passenger' },
          { type: 'image', url: 'https://img.example.com/a.jpg', alt: 'A ferry', caption: 'Line one\nLine two', credit: 'Photo: AP', width: 1200, height: 800 },
          { type: 'list', style: 'bulleted', items: ['one', 'two'] },
          { type: 'embed', provider: 'youtube', url: 'https://www.youtube.com/watch?v=abc' },
          { type: 'heading', level: 2, text: 'What next' },
        ],
        categoryId: asia.id,
        tagIds: [t3.id, t1.id, t2.id],
        authors: [
          { authorId: photographer.id, role: 'photographer' },
          { authorId: writer.id, role: 'writer' },
        ],
        sourceIds: [cnn.id, afp.id, ap.id],
        coverImage: { url: 'https://img.example.com/c.jpg', alt: 'Cover', caption: 'Harbour', credit: 'Photo: AFP', width: 1200, height: 800 },
        datelinePlace: 'Hai Phong',
        originalStory: { publisher: 'Mother Site', locale: 'vi', url: 'https://mother.example/story-1' },
        seo: { title: 'Ferries', description: 'Boats again', canonicalUrl: 'https://news.example/ferries', ogImageUrl: 'https://img.example.com/og.jpg' },
      },
    });
    t.equal(res.statusCode, 201, res.body);
    t.equal(res.json().data.status, 'draft');
    await act(res.json().data.id, 'submit');
    const created = (await act(res.json().data.id, 'approve')).json().data;
    t.equal(created.slug, 'ferry-links-resume-after-the-storm');
    t.equal(created.publishedAt, created.firstPublishedAt);
    t.notMatch(created.bodyHtml, /script/);
    t.match(created.bodyHtml, /<blockquote><p>We waited three days.<\/p><footer>A passenger<\/footer><\/blockquote>/);
    t.match(created.bodyHtml, /Line one<br \/>Line two|Line one<br>Line two/);
    t.notMatch(JSON.stringify(created.body), /script/, 'stored blocks are cleaned like the HTML');

    const read = await app.inject({ url: `/v1/articles/${created.id}?include=${ALL}` });
    t.equal(read.statusCode, 200);
    const a = read.json().data;
    t.same(a.tags.map((x: { id: string }) => x.id), [t3.id, t1.id, t2.id]);
    t.same(a.authors.map((x: { id: string; role: string }) => [x.id, x.role]), [[photographer.id, 'photographer'], [writer.id, 'writer']]);
    t.same(a.sources.map((x: { shortName: string }) => x.shortName), ['CNN', 'AFP', 'AP']);
    t.equal(a.category.slug, 'asia');
    t.same(a.category.ancestors, [{ id: world.id, slug: 'world', name: 'World' }]);
    t.equal(a.authors[1].bio.length > 0, true);
    t.notOk('email' in a.authors[1], 'author email never appears on an article');
    t.equal(a.originalStory.url, 'https://mother.example/story-1');
    t.equal(a.translations.length, 1);
    t.equal(read.headers['content-language'], 'en');
    t.equal(read.headers['cache-control'], 'public, max-age=60, s-maxage=300, stale-while-revalidate=60');
    t.ok(read.headers.etag);

    const again = await app.inject({ url: `/v1/articles/${created.id}?include=${ALL}`, headers: { 'if-none-match': String(read.headers.etag) } });
    t.equal(again.statusCode, 304);

    const idsOnly = (await app.inject({ url: `/v1/articles/${created.id}` })).json().data;
    t.same(idsOnly.tags, [{ id: t3.id }, { id: t1.id }, { id: t2.id }], 'without include a relation is ids only');
    t.same(idsOnly.category, { id: asia.id });

    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1/articles/${created.id}`,
      headers: await ifMatch(created.id),
      payload: { tagIds: [t2.id], sourceIds: [ap.id, cnn.id] },
    });
    t.equal(patched.statusCode, 200);
    t.same(patched.json().data.tags, [{ id: t2.id }]);
    t.same(patched.json().data.sources, [{ id: ap.id }, { id: cnn.id }]);
    t.equal(patched.json().data.authors.length, 2, 'relations not sent stay as they were');

    const bySlug = await app.inject({ url: `/v1/articles/by-slug/en/${created.slug}?include=category&fields=title,category` });
    t.equal(bySlug.statusCode, 200);
    t.same(Object.keys(bySlug.json().data).sort(), ['category', 'id', 'title']);
  });

  await t.test('firstPublishedAt is set once and never moves', async (t) => {
    const { id } = await f.article({ status: 'draft', publishedAt: null });
    await act(id, 'submit');
    const first = (await act(id, 'approve')).json().data;
    t.ok(first.firstPublishedAt);
    await act(id, 'unpublish');
    const again = (await act(id, 'publish')).json().data;
    t.equal(again.firstPublishedAt, first.firstPublishedAt);
  });

  await t.test('drafts and future articles never reach anonymous readers', async (t) => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const published = await f.article({ categoryId: world.id, tagIds: [t1.id], title: 'Visible one' });
    const draft = await f.article({ status: 'draft', publishedAt: null, categoryId: world.id, tagIds: [t1.id], title: 'Hidden draft' });
    const scheduled = await f.article({ status: 'published', publishedAt: future, categoryId: world.id, title: 'Hidden future' });
    const zhDraft = await f.translation(published.id, 'zh', { title: '草稿', status: 'draft' });

    for (const id of [draft.id, scheduled.id, zhDraft.id]) {
      t.equal((await app.inject({ url: `/v1/articles/${id}` })).statusCode, 404, 'single');
      t.equal((await app.inject({ url: `/v1/articles/${id}/translations` })).statusCode, 404, 'translations of a hidden article');
    }
    const list = (await app.inject({ url: `/v1/articles?filter[category]=world&page[size]=100&include=${ALL}` })).json();
    const text = JSON.stringify(list);
    t.notMatch(text, /Hidden/);
    t.notMatch(text, new RegExp(zhDraft.id), 'a draft translation is not linked from its published sibling');
    const statusFilter = (await app.inject({ url: '/v1/articles?filter[status]=draft' })).json();
    t.equal(statusFilter.data.length, 0, 'asking for drafts anonymously finds none');
    const zhSlug = (await app.inject({ url: `/v1/articles/${zhDraft.id}`, headers: auth })).json().data.slug;
    t.equal((await app.inject({ url: `/v1/articles/by-slug/zh/${zhSlug}` })).statusCode, 404, 'by slug');
    t.equal((await app.inject({ url: `/v1/articles/by-slug/zh/${zhSlug}`, headers: auth })).statusCode, 200, 'by slug, as editor');
    const group = (await app.inject({ url: `/v1/articles/${published.id}/translations` })).json().data;
    t.same(group.map((g: { locale: string }) => g.locale), ['en']);

    // With a token the editor sees everything, privately.
    const editor = await app.inject({ url: `/v1/articles/${draft.id}`, headers: auth });
    t.equal(editor.statusCode, 200);
    t.equal(editor.headers['cache-control'], 'private, no-store');
    const groupForEditor = (await app.inject({ url: `/v1/articles/${published.id}/translations`, headers: auth })).json().data;
    t.same(groupForEditor.map((g: { locale: string }) => g.locale).sort(), ['en', 'zh']);

    // The future article appears once its time has come.
    ctx.clock.set(new Date(Date.parse(future) + 1000));
    t.equal((await app.inject({ url: `/v1/articles/${scheduled.id}` })).statusCode, 200);
    ctx.clock.set(new Date());
  });

  await t.test('translations: a linked draft copy per locale', async (t) => {
    const { id } = await f.article({ categoryId: world.id, tagIds: [t1.id, t2.id], authors: [{ authorId: writer.id, role: 'writer' }] });
    const res = await app.inject({ method: 'POST', url: `/v1/articles/${id}/translations`, headers: auth, payload: { locale: 'zh' } });
    t.equal(res.statusCode, 201);
    const copy = res.json().data;
    t.equal(copy.status, 'draft');
    t.equal(copy.locale, 'zh');
    t.same(copy.tags, [{ id: t1.id }, { id: t2.id }]);
    const dup = await app.inject({ method: 'POST', url: `/v1/articles/${id}/translations`, headers: auth, payload: { locale: 'zh' } });
    t.equal(dup.statusCode, 409);
    t.equal(dup.json().errors[0].pointer, '/body/locale');
    const badLocale = await app.inject({ method: 'POST', url: `/v1/articles/${id}/translations`, headers: auth, payload: { locale: 'fr' } });
    t.equal(badLocale.statusCode, 422);
    const missing = await app.inject({ method: 'POST', url: `/v1/articles/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}/translations`, headers: auth, payload: { locale: 'zh' } });
    t.equal(missing.statusCode, 404);

    await app.inject({ method: 'PATCH', url: `/v1/articles/${copy.id}`, headers: await ifMatch(copy.id), payload: { title: '中文标题' } });
    await act(copy.id, 'submit');
    await act(copy.id, 'approve');
    const zhRead = (await app.inject({ url: `/v1/articles/${copy.id}?include=tags,category,translations` })).json().data;
    t.equal(zhRead.category.name, '国际', 'embedded names follow the article locale');
    t.same(zhRead.translations.map((x: { locale: string }) => x.locale), ['en', 'zh']);
    t.match(zhRead.tags[0].name, /标签/);
  });

  await t.test('filters, sorting and cursors', async (t) => {
    const c = await f.category();
    const child = await f.category({ parentId: c.id });
    const tag = await f.tag();
    const base = Date.parse('2025-01-01T00:00:00Z');
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await f.article({
          categoryId: i < 3 ? c.id : child.id,
          tagIds: i % 2 ? [tag.id] : [],
          authors: i === 0 ? [{ authorId: photographer.id, role: 'photographer' }] : [],
          sourceIds: i === 4 ? [afp.id] : [],
          title: `Filter probe ${i}`,
          publishedAt: new Date(base + i * 3_600_000).toISOString(),
        }),
      );
    }
    const ids = async (query: string) =>
      (await app.inject({ url: `/v1/articles?${query}` })).json().data.map((a: { id: string }) => a.id) as string[];
    t.same(await ids(`filter[category]=${c.slug}`), [made[2].id, made[1].id, made[0].id], 'newest first by default');
    t.same((await ids(`filter[category][descendants]=${c.id}`)).length, 5);
    t.same(await ids(`filter[tag]=${tag.slug}&sort=publishedAt`), [made[1].id, made[3].id]);
    t.same(await ids(`filter[tag][in]=${tag.id},nonexistent&sort=publishedAt`), [made[1].id, made[3].id]);
    t.same(await ids(`filter[author]=${photographer.slug}&filter[title][contains]=probe`), [made[0].id]);
    t.same(await ids(`filter[source]=${afp.slug}&filter[title][contains]=probe`), [made[4].id]);
    t.same(
      await ids(`filter[title][contains]=probe&filter[publishedAt][gte]=2025-01-01T01:00:00Z&filter[publishedAt][lt]=2025-01-01T03:00:00Z&sort=publishedAt`),
      [made[1].id, made[2].id],
    );
    t.same(await ids('filter[title][contains]=PROBE 4'), [made[4].id], 'title contains is case-insensitive');
    t.same(await ids('filter[title][contains]=%25'), [], 'LIKE wildcards are literal');

    const walk: string[] = [];
    let url: string | undefined = `/v1/articles?filter[title][contains]=probe&sort=title&page[size]=2`;
    while (url) {
      const page: { data: Array<{ id: string }>; links: { next?: string } } = (await app.inject({ url })).json();
      walk.push(...page.data.map((a) => a.id));
      url = page.links.next;
    }
    t.same(walk, made.map((m) => m.id), 'cursor pages cover every row once, in order');
  });

  await t.test("a tag's list follows publication order through re-dating, unpublishing and cursors", async (t) => {
    const tag = await f.tag();
    const other = await f.tag();
    const base = Date.parse('2024-06-01T00:00:00Z');
    const at = (hours: number) => new Date(base + hours * 3_600_000).toISOString();
    const made = [];
    for (let i = 0; i < 6; i++) made.push(await f.article({ tagIds: i === 5 ? [other.id] : [other.id, tag.id], publishedAt: at(i) }));
    const draft = await f.article({ tagIds: [tag.id], status: 'draft' });
    const list = async (query: string, headers: Record<string, string> = {}) =>
      (await app.inject({ url: `/v1/articles?filter[tag]=${tag.slug}&${query}`, headers })).json();
    const ids = async (query: string) => (await list(query)).data.map((a: { id: string }) => a.id) as string[];
    t.same(await ids(''), [made[4].id, made[3].id, made[2].id, made[1].id, made[0].id], 'newest first');

    // Re-dating the oldest one moves it to the top; adding the tag later carries the date along.
    await updateArticle(app.db, made[0].id, { publishedAt: at(10) }, systemContext());
    await updateArticle(app.db, made[5].id, { tagIds: [tag.id] }, systemContext());
    t.same(await ids(''), [made[0].id, made[5].id, made[4].id, made[3].id, made[2].id, made[1].id]);
    t.same(await ids('sort=publishedAt'), [made[1].id, made[2].id, made[3].id, made[4].id, made[5].id, made[0].id], 'oldest first');

    const unpublished = made[3];
    await applyAction(app.db, unpublished.id, 'unpublish', {}, systemContext(new Date(), 'test editor'));
    const visible = [made[0].id, made[5].id, made[4].id, made[2].id, made[1].id];
    t.same(await ids(''), visible, 'an unpublished article leaves the list');
    t.same((await list('meta=total')).meta.total, 5, 'the total counts the same articles');

    const walk: string[] = [];
    let url: string | undefined = `/v1/articles?filter[tag]=${tag.id}&page[size]=2`;
    while (url) {
      const page: { data: Array<{ id: string }>; links: { next?: string } } = (await app.inject({ url })).json();
      walk.push(...page.data.map((a) => a.id));
      url = page.links.next;
    }
    t.same(walk, visible, 'cursor pages cover the tag once, in order');
    const page = async (url: string) => (await app.inject({ url })).json() as { data: Array<{ id: string }>; links: { next?: string; prev?: string } };
    const second = await page((await list('page[size]=2')).links.next);
    t.same(second.data.map((a) => a.id), visible.slice(2, 4));
    t.same((await page(second.links.prev as string)).data.map((a) => a.id), visible.slice(0, 2), 'and back again with page[before]');

    const withDrafts = (await list('filter[status][in]=draft,unpublished', auth)).data.map((a: { id: string }) => a.id);
    t.same(withDrafts.sort(), [draft.id, unpublished.id].sort(), 'editors see drafts and unpublished articles of the tag');
    t.same((await app.inject({ url: '/v1/articles?filter[tag]=no-such-tag' })).json().data, [], 'an unknown tag lists nothing');
  });

  await t.test('a page of 100 articles with every include costs a constant number of queries', async (t) => {
    const c = await f.category({ parentId: asia.id });
    for (let i = 0; i < 100; i++) {
      const { id } = await f.article({
        categoryId: c.id,
        tagIds: [t1.id, t2.id],
        authors: [{ authorId: writer.id, role: 'writer' }],
        sourceIds: [afp.id, cnn.id],
      });
      if (i < 3) await f.translation(id, 'zh', { title: `译文 ${i}`, status: 'published' });
    }
    const measure = async (size: number) => {
      ctx.queries.reset();
      const res = await app.inject({ url: `/v1/articles?filter[category]=${c.slug}&filter[locale]=en&page[size]=${size}&include=${ALL}` });
      t.equal(res.json().data.length, size);
      return ctx.queries.count;
    };
    const small = await measure(5);
    const large = await measure(100);
    t.equal(large, small, `same number of queries for 5 and 100 articles (${large})`);
    t.ok(large <= 2, `the page and its relations: at most 2 queries (${large})`);
    const one = (await app.inject({ url: `/v1/articles?filter[category]=${c.slug}&filter[locale]=en&page[size]=1` })).json().data[0];
    ctx.queries.reset();
    const single = await app.inject({ url: `/v1/articles/by-slug/en/${one.slug}?include=${ALL}` });
    t.equal(single.statusCode, 200);
    t.ok(single.json().data.alternates.length > 0, 'with its alternates');
    t.equal(ctx.queries.count, 2, 'a single read with every include and its alternates: the article, then one statement for the rest');
  });

  await t.test('bad input is a precise problem and changes nothing', async (t) => {
    const before = await count();
    const missingId = '01900000-0000-7000-8000-000000000000';
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ locale: 'en' }, 400, '/body/title'],
      [{ locale: 'en', title: 'x', nope: true }, 400, '/body/nope'],
      [{ locale: 'en', title: 5 }, 400, '/body/title'],
      [{ locale: 'en', title: 'x'.repeat(301) }, 400, '/body/title'],
      [{ locale: 'en', title: 'x', status: 'live' }, 400, '/body/status'],
      [{ locale: 'en', title: 'x', body: [{ type: 'video', url: 'x' }] }, 400, '/body/body/0'],
      [{ locale: 'en', title: 'x', body: [{ type: 'image', url: 'javascript:alert(1)', alt: 'a' }] }, 400, '/body/body/0'],
      [{ locale: 'en', title: 'x', tagIds: [t1.id, missingId] }, 422, '/body/tagIds/1'],
      [{ locale: 'en', title: 'x', categoryId: missingId }, 422, '/body/categoryId'],
      [{ locale: 'en', title: 'x', authors: [{ authorId: missingId, role: 'writer' }] }, 422, '/body/authors/0/authorId'],
      [{ locale: 'en', title: 'x', sourceIds: [missingId] }, 422, '/body/sourceIds/0'],
      [{ locale: 'fr', title: 'x' }, 422, '/body/locale'],
      [{ locale: 'en', title: 'Ferry', slug: 'ferry-links-resume-after-the-storm' }, 409, '/body/slug'],
      [{ locale: 'en', title: '中文' }, 422, '/body/slug'],
      [{ locale: 'en', title: 'bad \ud800 text' }, 400, '/body/title'],
    ];
    for (const [payload, status, pointer] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: auth, payload });
      t.equal(res.statusCode, status, JSON.stringify(payload).slice(0, 80));
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.ok(res.json().errors?.some((e: { pointer: string }) => e.pointer.startsWith(pointer)), `${pointer} in ${res.body.slice(0, 300)}`);
    }
    t.equal(await count(), before, 'no article was written');

    const queries: Array<[string, string]> = [
      ['/v1/articles?include=comments', '/query/include'],
      ['/v1/articles?fields=secret', '/query/fields'],
      ['/v1/articles?filter[status]=live', '/query/filter[status]'],
      ['/v1/articles?filter[status][in]=draft,live', '/query/filter[status][in]'],
      ['/v1/articles?filter[publishedAt][gte]=yesterday', '/query/filter[publishedAt][gte]'],
      ['/v1/articles?filter[colour]=red', '/query/filter[colour]'],
      ['/v1/articles?sort=-popularity', '/query/sort'],
      ['/v1/articles?page[before]=abc&page[after]=abc', '/query/page[before]'],
      ['/v1/articles?page[after]=eyJzIjoiLXB1Ymxpc2hlZEF0In0', '/query/page[after]'],
    ];
    for (const [url, pointer] of queries) {
      const res = await app.inject({ url });
      t.equal(res.statusCode, 400, url);
      t.equal(res.json().errors?.[0]?.pointer, pointer, url);
    }
    const unknown = await app.inject({ method: 'PATCH', url: `/v1/articles/${missingId}`, headers: { ...auth, 'if-match': '"v1"' }, payload: { title: 'x' } });
    t.equal(unknown.statusCode, 404);
    const emptyPatch = await app.inject({ method: 'PATCH', url: `/v1/articles/${missingId}`, headers: { ...auth, 'if-match': '"v1"' }, payload: {} });
    t.equal(emptyPatch.statusCode, 400);
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${missingId}`, headers: { ...auth, 'if-match': '"v1"' } })).statusCode, 404);
    t.equal((await app.inject({ method: 'POST', url: '/v1/articles', payload: { locale: 'en', title: 'anon' } })).statusCode, 401);
    const readOnly = await ctx.tokenWith(['content:read']);
    const forbidden = await app.inject({ method: 'POST', url: '/v1/articles', headers: { authorization: `Bearer ${readOnly}` }, payload: { locale: 'en', title: 'ro' } });
    t.equal(forbidden.statusCode, 403);
    t.match(forbidden.json().detail, /content:write/);
    t.equal(await count(), before);
  });

  await t.test('writes need a current If-Match; of two concurrent edits exactly one wins', async (t) => {
    const { id } = await f.article();
    const read = await app.inject({ url: `/v1/articles/${id}`, headers: auth });
    const etag = String(read.headers.etag);
    t.match(etag, /^"v1-/);

    const missing = await app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: auth, payload: { title: 'No precondition' } });
    t.equal(missing.statusCode, 428);
    t.equal(missing.json().errors[0].pointer, '/headers/if-match');
    const garbage = await app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: { ...auth, 'if-match': 'yesterday' }, payload: { title: 'x' } });
    t.equal(garbage.statusCode, 400);

    const [a, b] = await Promise.all([
      app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: { ...auth, 'if-match': etag }, payload: { title: 'Edit A' } }),
      app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: { ...auth, 'if-match': etag }, payload: { title: 'Edit B' } }),
    ]);
    t.same([a.statusCode, b.statusCode].sort(), [200, 412], 'one write wins, the other is told it is stale');
    const loser = a.statusCode === 412 ? a : b;
    const winner = a.statusCode === 200 ? a : b;
    t.equal(loser.json().code, 'PRECONDITION_FAILED');
    t.equal(loser.json().etag, '"v2"', 'the problem names the current version');
    t.match(String(winner.headers.etag), /^"v2-/, 'the write answers with the new ETag');
    const now = (await app.inject({ url: `/v1/articles/${id}`, headers: auth })).json().data;
    t.equal(now.title, winner.json().data.title);

    const stale = await app.inject({ method: 'DELETE', url: `/v1/articles/${id}`, headers: { ...auth, 'if-match': etag } });
    t.equal(stale.statusCode, 412);
    t.equal((await app.inject({ url: `/v1/articles/${id}`, headers: auth })).statusCode, 200, 'a stale delete deletes nothing');
    const anonymous = await app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, payload: { nope: 1 } });
    t.equal(anonymous.statusCode, 401, 'credentials are checked before the body');
  });

  await t.test('delete removes the article and its links', async (t) => {
    const { id } = await f.article({ tagIds: [t1.id] });
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${id}`, headers: await ifMatch(id) })).statusCode, 204);
    t.equal((await app.inject({ url: `/v1/articles/${id}`, headers: auth })).statusCode, 404);
    const tagEtag = String((await app.inject({ url: `/v1/tags/${t2.id}`, headers: auth })).headers.etag);
    const tagDelete = await app.inject({ method: 'DELETE', url: `/v1/tags/${t2.id}`, headers: { ...auth, 'if-match': tagEtag } });
    t.equal(tagDelete.statusCode, 409, 'a tag still used by an article cannot be deleted');
  });
});
