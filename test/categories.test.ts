import t from 'tap';
import { sql } from 'drizzle-orm';
import { categoryDescendantIds, categoryDescendantsQuery, getCategoryAncestors, updateCategory } from '../src/modules/categories/service.js';
import { systemContext } from '../src/http/context.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

interface Node {
  id: string;
  slug: string;
  name: string;
  children?: Node[];
}

t.test('categories', async (t) => {
  const { app, auth, tokenWith, queries } = await buildTestApp(t);
  const make = factories(app.db);

  const create = (body: unknown, headers: Record<string, string> = auth) =>
    app.inject({ method: 'POST', url: '/v1/categories', headers, payload: body as object });
  /** PATCH and DELETE need If-Match: the ETag of a fresh read (a made-up one for ids that do not exist). */
  const ifMatch = async (id: string) => ({ ...auth, 'if-match': String((await app.inject({ url: `/v1/categories/${id}`, headers: auth })).headers.etag ?? '"v1"') });
  const patch = async (id: string, body: unknown) =>
    app.inject({ method: 'PATCH', url: `/v1/categories/${id}`, headers: await ifMatch(id), payload: body as object });
  const remove = async (id: string) => app.inject({ method: 'DELETE', url: `/v1/categories/${id}`, headers: await ifMatch(id) });
  const get = async (id: string, query = '') => (await app.inject({ url: `/v1/categories/${id}${query}` })).json().data;
  const total = async () => (await app.inject({ url: '/v1/categories?meta=total' })).json().meta.total as number;
  const slugs = (body: { data: Array<{ slug: string }> }) => body.data.map((c) => c.slug);

  await t.test('create, read, update, delete', async (t) => {
    const res = await create({ names: { en: 'World News', zh: '国际' }, descriptions: { en: 'Beyond our borders', zh: '国外' } });
    t.equal(res.statusCode, 201);
    const world = res.json().data;
    t.equal(world.slug, 'world-news', 'slug made from the English name');
    t.equal(world.parentId, null);
    t.equal(world.position, 0, 'position defaults to 0');
    t.equal(world.description, 'Beyond our borders');
    t.same(world.ancestors, []);
    t.equal(res.headers.location, `/v1/categories/${world.id}`);

    const child = await create({ slug: 'asia', parentId: world.id, position: 2, names: { en: 'Asia', zh: '亚洲' } });
    t.equal(child.statusCode, 201);
    const asia = child.json().data;
    t.equal(asia.parentId, world.id);
    t.same(asia.ancestors, [{ id: world.id, slug: 'world-news', name: 'World News' }]);

    const zh = await get(asia.id, '?locale=zh');
    t.equal(zh.name, '亚洲');
    t.same(zh.ancestors, [{ id: world.id, slug: 'world-news', name: '国际' }], 'ancestor names follow ?locale=');
    t.equal((await get(world.id, '?locale=fr')).name, 'World News', 'an unknown locale falls back to the site default');

    const upd = await patch(asia.id, { slug: 'asia-pacific', position: 5, descriptions: { en: 'From Tokyo to Sydney' } });
    t.equal(upd.statusCode, 200);
    t.equal(upd.json().data.slug, 'asia-pacific');
    t.equal(upd.json().data.position, 5);
    t.equal(upd.json().data.description, 'From Tokyo to Sydney');
    t.same(upd.json().data.names, { en: 'Asia', zh: '亚洲' }, 'fields not sent keep their values');

    const del = await remove(asia.id);
    t.equal(del.statusCode, 204);
    t.equal((await app.inject({ url: `/v1/categories/${asia.id}` })).statusCode, 404);
    t.equal((await remove(world.id)).statusCode, 204);
  });

  await t.test('the tree nests children by position then slug, in the requested locale', async (t) => {
    const root = await make.category({ slug: 'tree-root', position: 0, names: { en: 'Sports', zh: '体育' } });
    const tennis = await make.category({ slug: 'tennis', parentId: root.id, position: 2, names: { en: 'Tennis', zh: '网球' } });
    await make.category({ slug: 'golf', parentId: root.id, position: 1, names: { en: 'Golf', zh: '高尔夫' } });
    await make.category({ slug: 'football', parentId: root.id, position: 1, names: { en: 'Football', zh: '足球' } });
    await make.category({ slug: 'wimbledon', parentId: tennis.id, names: { en: 'Wimbledon' } });

    const res = await app.inject({ url: '/v1/categories?tree=true&locale=zh&meta=total' });
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.equal(body.meta.total, await total(), 'meta.total counts every category');
    t.same(body.links, { self: '/v1/categories?tree=true&locale=zh&meta=total' }, 'no next or prev links');
    t.ok(body.data.every((n: Node & { parentId: string | null }) => n.parentId === null), 'data holds only top-level categories');
    const sports: Node = body.data.find((n: Node) => n.slug === 'tree-root');
    t.equal(sports.name, '体育');
    t.same(sports.children!.map((c) => c.slug), ['football', 'golf', 'tennis'], 'equal positions are ordered by slug');
    t.same(sports.children!.map((c) => c.name), ['足球', '高尔夫', '网球']);
    const wimbledon = sports.children![2].children![0];
    t.equal(wimbledon.slug, 'wimbledon');
    t.equal(wimbledon.name, 'Wimbledon', 'a name missing in zh falls back to the site default');
    t.same(wimbledon.children, [], 'leaves have an empty children array');

    const flat = (await app.inject({ url: `/v1/categories?filter[parent]=tree-root` })).json();
    t.notOk('children' in flat.data[0], 'flat lists carry no children');
  });

  await t.test('the tree is never paginated, sorted or filtered', async (t) => {
    for (const [url, pointer] of [
      ['/v1/categories?tree=true&page[size]=5', '/query/page[size]'],
      ['/v1/categories?tree=true&page[after]=abc', '/query/page[after]'],
      ['/v1/categories?tree=true&sort=slug', '/query/sort'],
      ['/v1/categories?tree=true&filter[parent][null]=true', '/query/filter[parent][null]'],
      ['/v1/categories?tree=yes', '/query/tree'],
    ]) {
      const res = await app.inject({ url });
      t.equal(res.statusCode, 400, url);
      t.equal(res.json().code, 'VALIDATION_FAILED', url);
      t.equal(res.json().errors[0].pointer, pointer, url);
    }
    t.equal((await app.inject({ url: '/v1/categories?tree=false&page[size]=5' })).statusCode, 200, 'tree=false is the flat list');
  });

  await t.test('a category shows its parent chain from the root down', async (t) => {
    const a = await make.category({ slug: 'chain-a', names: { en: 'A', zh: '甲' } });
    const b = await make.category({ slug: 'chain-b', parentId: a.id, names: { en: 'B', zh: '乙' } });
    const c = await make.category({ slug: 'chain-c', parentId: b.id, names: { en: 'C', zh: '丙' } });
    t.same((await get(c.id, '?locale=zh')).ancestors, [
      { id: a.id, slug: 'chain-a', name: '甲' },
      { id: b.id, slug: 'chain-b', name: '乙' },
    ]);

    queries.reset();
    const chains = await getCategoryAncestors(app.db, [c.id, b.id, a.id], 'en', 'en');
    t.equal(queries.count, 1, 'ancestors of many categories cost one query');
    t.same(chains.get(c.id)!.map((x) => x.slug), ['chain-a', 'chain-b']);
    t.same(chains.get(b.id)!.map((x) => x.slug), ['chain-a']);
    t.same(chains.get(a.id), []);
    t.equal((await getCategoryAncestors(app.db, [], 'en', 'en')).size, 0);

    queries.reset();
    t.same((await categoryDescendantIds(app.db, 'chain-a')).sort(), [a.id, b.id, c.id].sort(), 'by slug: itself and all below');
    t.equal(queries.count, 1, 'descendants cost one query');
    t.same((await categoryDescendantIds(app.db, b.id)).sort(), [b.id, c.id].sort(), 'by id');
    t.same(await categoryDescendantIds(app.db, 'no-such-category'), []);
    const inQuery = await app.db.execute(sql`SELECT count(*)::int AS n FROM categories WHERE id IN (${categoryDescendantsQuery('chain-b')})`);
    t.equal((inQuery as unknown as { rows: Array<{ n: number }> }).rows[0].n, 2, 'the query embeds in another');
  });

  await t.test('moving a category under itself or its descendants is refused', async (t) => {
    const top = await make.category({ slug: 'cycle-top' });
    const mid = await make.category({ slug: 'cycle-mid', parentId: top.id });
    const low = await make.category({ slug: 'cycle-low', parentId: mid.id });
    for (const [id, parentId] of [
      [top.id, top.id],
      [top.id, low.id],
      [mid.id, low.id],
      [top.id.toUpperCase(), mid.id.toUpperCase()],
    ]) {
      const res = await patch(id, { parentId, position: 9 });
      t.equal(res.statusCode, 422, `${id} under ${parentId}`);
      t.equal(res.json().errors[0].pointer, '/body/parentId');
    }
    t.equal((await get(top.id)).parentId, null, 'nothing moved');
    t.equal((await get(top.id)).position, 0, 'nothing else changed either');

    const moved = await patch(low.id, { parentId: top.id });
    t.equal(moved.statusCode, 200, 'moving up the tree is fine');
    t.same(moved.json().data.ancestors.map((x: Node) => x.slug), ['cycle-top']);
    const detached = await patch(low.id, { parentId: null });
    t.equal(detached.json().data.parentId, null);
    t.same(detached.json().data.ancestors, []);
  });

  await t.test('two simultaneous moves cannot build a cycle between them', async (t) => {
    // Straight to the service: over HTTP the two requests rarely overlap closely enough to race.
    for (let i = 0; i < 5; i++) {
      const a = await make.category();
      const b = await make.category();
      const results = await Promise.allSettled([updateCategory(app.db, a.id, { parentId: b.id }, systemContext()), updateCategory(app.db, b.id, { parentId: a.id }, systemContext())]);
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.status);
      t.same(refused, [422], 'one move wins, the other would close a loop');
      t.ok([(await get(a.id)).parentId, (await get(b.id)).parentId].includes(null), 'one of them is still top level');
    }
  });

  await t.test('a category with subcategories or articles cannot be deleted', async (t) => {
    const parent = await make.category({ slug: 'keep-parent' });
    const child = await make.category({ slug: 'keep-child', parentId: parent.id });
    const res = await remove(parent.id);
    t.equal(res.statusCode, 409);
    t.equal(res.json().code, 'CONFLICT');
    t.match(res.json().detail, /1 subcategories/);
    t.equal((await app.inject({ url: `/v1/categories/${parent.id}` })).statusCode, 200, 'still there');

    await make.article({ categoryId: child.id });
    const used = await remove(child.id);
    t.equal(used.statusCode, 409);
    t.match(used.json().detail, /1 articles/);
    t.equal((await app.inject({ url: `/v1/categories/${child.id}` })).statusCode, 200, 'still there');
  });

  await t.test('lists filter by parent, slug and level, and sort by position', async (t) => {
    const news = await make.category({ slug: 'list-news', position: 3 });
    await make.category({ slug: 'list-c', parentId: news.id, position: 3 });
    await make.category({ slug: 'list-a', parentId: news.id, position: 1 });
    await make.category({ slug: 'list-b', parentId: news.id, position: 2 });

    const bySlug = (await app.inject({ url: '/v1/categories?filter[parent]=list-news' })).json();
    t.same(slugs(bySlug), ['list-a', 'list-b', 'list-c'], 'children of a parent given by slug, by position');
    const byId = (await app.inject({ url: `/v1/categories?filter[parent]=${news.id}&sort=-position` })).json();
    t.same(slugs(byId), ['list-c', 'list-b', 'list-a'], 'parent given by id, sorted descending');
    t.same(slugs((await app.inject({ url: '/v1/categories?filter[parent]=nothing-here' })).json()), []);

    const top = (await app.inject({ url: '/v1/categories?filter[parent][null]=true&page[size]=100' })).json();
    t.ok(top.data.every((c: { parentId: string | null }) => c.parentId === null), 'top level only');
    t.ok(slugs(top).includes('list-news'));
    const below = (await app.inject({ url: '/v1/categories?filter[parent][null]=false&page[size]=100' })).json();
    t.ok(below.data.every((c: { parentId: string | null }) => c.parentId !== null), 'subcategories only');

    t.same(slugs((await app.inject({ url: '/v1/categories?filter[slug]=list-b' })).json()), ['list-b']);
    const some = (await app.inject({ url: '/v1/categories?filter[slug][in]=list-c,list-a&sort=slug' })).json();
    t.same(slugs(some), ['list-a', 'list-c']);
  });

  await t.test('lists page with cursors in both directions', async (t) => {
    const parent = await make.category({ slug: 'paged' });
    for (let i = 1; i <= 5; i++) await make.category({ slug: `paged-${i}`, parentId: parent.id, position: 10 - i });
    const first = await app.inject({ url: `/v1/categories?filter[parent]=paged&page[size]=2&meta=total` });
    t.equal(first.statusCode, 200);
    const body = first.json();
    t.same(slugs(body), ['paged-5', 'paged-4']);
    t.equal(body.meta.total, 5);
    t.match(first.headers.link, /rel="next"/);
    const second = (await app.inject({ url: body.links.next })).json();
    t.same(slugs(second), ['paged-3', 'paged-2']);
    const third = (await app.inject({ url: second.links.next })).json();
    t.same(slugs(third), ['paged-1']);
    t.notOk(third.links.next, 'no next on the last page');
    const back = (await app.inject({ url: second.links.prev })).json();
    t.same(slugs(back), ['paged-5', 'paged-4']);
  });

  await t.test('bad input is a problem and changes nothing', async (t) => {
    const existing = await make.category({ slug: 'taken' });
    const before = await total();
    const cases: Array<[unknown, number, string]> = [
      [{ names: { en: 'X' }, extra: 1 }, 400, '/body/extra'],
      [{ names: 'X' }, 400, '/body/names'],
      [{ names: {} }, 400, '/body/names'],
      [{ slug: 'Bad Slug', names: { en: 'X' } }, 400, '/body/slug'],
      [{ names: { en: 'x'.repeat(101) } }, 400, '/body/names/en'],
      [{ names: { en: 'X' }, descriptions: { en: 'x'.repeat(1001) } }, 400, '/body/descriptions/en'],
      [{ names: { en: 'X' }, position: -1 }, 400, '/body/position'],
      [{ names: { en: 'X' }, position: 1.5 }, 400, '/body/position'],
      [{ names: { en: 'X' }, position: '1' }, 400, '/body/position'],
      [{ names: { en: 'X' }, parentId: 'sports' }, 400, '/body/parentId'],
      [{ names: { zh: '中文' } }, 422, '/body/slug'],
      [{ names: { en: 'X' }, parentId: '0198a1b2-0000-7000-8000-00000000dead' }, 422, '/body/parentId'],
      [{ slug: 'taken', names: { en: 'dup' } }, 409, '/body/slug'],
      [{ names: { en: 'nul\u0000byte' } }, 400, '/body/names/en'],
    ];
    for (const [body, status, pointer] of cases) {
      const res = await create(body);
      t.equal(res.statusCode, status, JSON.stringify(body));
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.equal(res.json().errors?.[0]?.pointer, pointer, JSON.stringify(body));
    }
    t.equal(await total(), before, 'no category was created');

    const updates: Array<[unknown, number, string]> = [
      [{}, 400, '/body'],
      [{ nope: true }, 400, '/body/nope'],
      [{ names: {} }, 400, '/body/names'],
      [{ slug: 'paged' }, 409, '/body/slug'],
      [{ parentId: '0198a1b2-0000-7000-8000-00000000dead' }, 422, '/body/parentId'],
    ];
    for (const [body, status, pointer] of updates) {
      const res = await patch(existing.id, body);
      t.equal(res.statusCode, status, JSON.stringify(body));
      t.equal(res.json().errors?.[0]?.pointer, pointer, JSON.stringify(body));
    }
    t.same(await get(existing.id), existing, 'the category is unchanged');
  });

  await t.test('unknown ids are 404 and malformed ids are 400', async (t) => {
    const missing = '0198a1b2-0000-7000-8000-00000000beef';
    t.equal((await app.inject({ url: `/v1/categories/${missing}` })).statusCode, 404);
    t.equal((await patch(missing, { position: 1 })).statusCode, 404);
    t.equal((await patch(missing, { parentId: missing })).statusCode, 404, 'a missing category is reported before its parent');
    t.equal((await remove(missing)).statusCode, 404);
    const notUuid = await app.inject({ url: '/v1/categories/not-a-uuid' });
    t.equal(notUuid.statusCode, 400);
    t.equal(notUuid.json().errors[0].pointer, '/params/id');
  });

  await t.test('bad query parameters and cursors are 400', async (t) => {
    for (const [url, pointer] of [
      ['/v1/categories?nope=1', '/query/nope'],
      ['/v1/categories?page[size]=101', '/query/page[size]'],
      ['/v1/categories?page[size]=2.5', '/query/page[size]'],
      ['/v1/categories?page[after]=garbage', '/query/page[after]'],
      ['/v1/categories?sort=name', '/query/sort'],
      ['/v1/categories?filter[parent][null]=maybe', '/query/filter[parent][null]'],
      ['/v1/categories?filter[parent]=a%20b', '/query/filter[parent]'],
      ['/v1/categories?filter[slug][in]=a,,b', '/query/filter[slug][in]'],
      ['/v1/categories?filter[name]=x', '/query/filter[name]'],
    ]) {
      const res = await app.inject({ url });
      t.equal(res.statusCode, 400, url);
      t.equal(res.json().errors[0].pointer, pointer, url);
    }
    const bySlug = (await app.inject({ url: '/v1/categories?sort=slug&page[size]=1' })).json();
    const wrongSort = await app.inject({ url: bySlug.links.next.replace('sort=slug', 'sort=position') });
    t.equal(wrongSort.statusCode, 400, 'a cursor only works with the sort it came from');
    t.equal(wrongSort.json().code, 'INVALID_CURSOR');
  });

  await t.test('writes need a token with content:write', async (t) => {
    const before = await total();
    t.equal((await create({ names: { en: 'Anon' } }, {})).statusCode, 401);
    const reader = await tokenWith(['content:read']);
    const res = await create({ names: { en: 'Reader' } }, { authorization: `Bearer ${reader}` });
    t.equal(res.statusCode, 403);
    t.equal(res.json().code, 'FORBIDDEN');
    t.equal(await total(), before);
  });
});
