import t from 'tap';
import { buildTestApp } from './helpers/app.js';

t.test('tags', async (t) => {
  const { app, auth } = await buildTestApp(t);

  const create = (body: unknown, headers = auth) => app.inject({ method: 'POST', url: '/v1/tags', headers, payload: body as object });

  await t.test('create, read, update, delete', async (t) => {
    const res = await create({ names: { en: 'Climate Change', zh: '气候变化' } });
    t.equal(res.statusCode, 201);
    const tag = res.json().data;
    t.equal(tag.slug, 'climate-change', 'slug made from the English name');
    t.same(tag.names, { en: 'Climate Change', zh: '气候变化' });
    t.equal(res.headers.location, `/v1/tags/${tag.id}`);

    const zh = await app.inject({ url: `/v1/tags/${tag.id}?locale=zh` });
    t.equal(zh.statusCode, 200);
    t.equal(zh.json().data.name, '气候变化');

    // The create response's ETag is good for the first If-Match.
    const upd = await app.inject({ method: 'PATCH', url: `/v1/tags/${tag.id}`, headers: { ...auth, 'if-match': String(res.headers.etag) }, payload: { slug: 'climate' } });
    t.equal(upd.statusCode, 200);
    t.equal(upd.json().data.slug, 'climate');

    const del = await app.inject({ method: 'DELETE', url: `/v1/tags/${tag.id}`, headers: { ...auth, 'if-match': String(upd.headers.etag) } });
    t.equal(del.statusCode, 204);
    t.equal((await app.inject({ url: `/v1/tags/${tag.id}` })).statusCode, 404);
  });

  await t.test('lists page with cursors in both directions', async (t) => {
    for (const s of ['a1', 'a2', 'a3', 'a4', 'a5']) t.equal((await create({ slug: s, names: { en: s.toUpperCase() } })).statusCode, 201);
    const first = await app.inject({ url: '/v1/tags?filter[slug][in]=a1,a2,a3,a4,a5&page[size]=2&meta=total' });
    t.equal(first.statusCode, 200);
    const body = first.json();
    t.same(body.data.map((x: { slug: string }) => x.slug), ['a1', 'a2']);
    t.equal(body.meta.total, 5);
    t.match(first.headers.link, /rel="next"/);
    const second = (await app.inject({ url: body.links.next })).json();
    t.same(second.data.map((x: { slug: string }) => x.slug), ['a3', 'a4']);
    const back = (await app.inject({ url: second.links.prev })).json();
    t.same(back.data.map((x: { slug: string }) => x.slug), ['a1', 'a2']);
    const desc = (await app.inject({ url: '/v1/tags?filter[slug][in]=a1,a2,a3,a4,a5&sort=-slug&page[size]=3' })).json();
    t.same(desc.data.map((x: { slug: string }) => x.slug), ['a5', 'a4', 'a3']);
    const rest = (await app.inject({ url: desc.links.next })).json();
    t.same(rest.data.map((x: { slug: string }) => x.slug), ['a2', 'a1']);
    t.notOk(rest.links.next, 'no next on the last page');
  });

  await t.test('bad input is a problem and changes nothing', async (t) => {
    const before = (await app.inject({ url: '/v1/tags?meta=total' })).json().meta.total;
    const cases: Array<[unknown, number, string]> = [
      [{ names: { en: 'X' }, extra: 1 }, 400, '/body/extra'],
      [{ names: 'X' }, 400, '/body/names'],
      [{ slug: 'Bad Slug', names: { en: 'X' } }, 400, '/body/slug'],
      [{ names: {} }, 400, '/body/names'],
      [{ names: { zh: '中文' } }, 422, '/body/slug'],
      [{ slug: 'a1', names: { en: 'dup' } }, 409, '/body/slug'],
      [{ names: { en: 'nul\u0000byte' } }, 400, '/body/names/en'],
    ];
    for (const [body, status, pointer] of cases) {
      const res = await create(body);
      t.equal(res.statusCode, status, JSON.stringify(body));
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.equal(res.json().errors?.[0]?.pointer, pointer, JSON.stringify(body));
    }
    t.equal((await app.inject({ url: '/v1/tags?meta=total' })).json().meta.total, before);
  });

  await t.test('bad query parameters and cursors are 400', async (t) => {
    for (const [url, pointer] of [
      ['/v1/tags?nope=1', '/query/nope'],
      ['/v1/tags?page[size]=101', '/query/page[size]'],
      ['/v1/tags?page[size]=1e400', '/query/page[size]'],
      ['/v1/tags?page[size]=2.5', '/query/page[size]'],
      ['/v1/tags?page[after]=garbage', '/query/page[after]'],
      ['/v1/tags?sort=names', '/query/sort'],
    ]) {
      const res = await app.inject({ url });
      t.equal(res.statusCode, 400, url);
      t.equal(res.json().errors[0].pointer, pointer, url);
    }
    const notUuid = await app.inject({ url: '/v1/tags/not-a-uuid' });
    t.equal(notUuid.statusCode, 400);
    t.equal(notUuid.json().errors[0].pointer, '/params/id');
  });

  await t.test('writes need a token with content:write', async (t) => {
    t.equal((await create({ names: { en: 'Anon' } }, {} as typeof auth)).statusCode, 401);
    t.equal((await create({ names: { en: 'Bad' } }, { authorization: 'Bearer dl_notarealtokenatallxx' })).statusCode, 401);
  });
});
