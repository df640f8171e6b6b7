import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

t.test('sources', async (t) => {
  const { app, auth, tokenWith } = await buildTestApp(t);
  const make = factories(app.db);

  const create = (body: unknown, headers: Record<string, string> = auth) =>
    app.inject({ method: 'POST', url: '/v1/sources', headers, payload: body as object });
  /** PATCH and DELETE need If-Match: the ETag of a fresh read (a made-up one for ids that do not exist). */
  const ifMatch = async (id: string) => ({ ...auth, 'if-match': String((await app.inject({ url: `/v1/sources/${id}`, headers: auth })).headers.etag ?? '"v1"') });
  const patch = async (id: string, body: unknown) =>
    app.inject({ method: 'PATCH', url: `/v1/sources/${id}`, headers: await ifMatch(id), payload: body as object });
  const remove = async (id: string) => app.inject({ method: 'DELETE', url: `/v1/sources/${id}`, headers: await ifMatch(id) });
  const total = async () => (await app.inject({ url: '/v1/sources?meta=total' })).json().meta.total as number;
  const slugs = (body: { data: Array<{ slug: string }> }) => body.data.map((s) => s.slug);

  await t.test('create, read, update, delete', async (t) => {
    const res = await create({ shortName: 'AFP', fullName: 'Agence France-Presse', url: 'https://www.afp.com', kind: 'agency' });
    t.equal(res.statusCode, 201);
    const afp = res.json().data;
    t.equal(afp.slug, 'afp', 'slug made from the short name');
    t.equal(afp.kind, 'agency');
    t.equal(res.headers.location, `/v1/sources/${afp.id}`);

    const one = await app.inject({ url: `/v1/sources/${afp.id}` });
    t.equal(one.statusCode, 200);
    t.same(one.json().data, afp);

    const noUrl = await create({ shortName: 'Tuổi Trẻ', fullName: 'Báo Tuổi Trẻ', kind: 'outlet' });
    t.equal(noUrl.statusCode, 201);
    t.equal(noUrl.json().data.url, null, 'url defaults to null');
    t.equal(noUrl.json().data.slug, 'tuoi-tre');

    const upd = await patch(afp.id, { kind: 'partner', url: null, fullName: 'AFP (partner feed)' });
    t.equal(upd.statusCode, 200);
    t.equal(upd.json().data.kind, 'partner');
    t.equal(upd.json().data.url, null);
    t.equal(upd.json().data.shortName, 'AFP', 'fields not sent keep their values');
    t.equal(upd.json().data.slug, 'afp', 'the slug does not follow a renamed source');

    const del = await remove(afp.id);
    t.equal(del.statusCode, 204);
    t.equal((await app.inject({ url: `/v1/sources/${afp.id}` })).statusCode, 404);
  });

  await t.test('lists filter by kind and slug, and sort by short name', async (t) => {
    await make.source({ slug: 'k-reuters', shortName: 'Reuters', kind: 'agency' });
    await make.source({ slug: 'k-ap', shortName: 'AP', kind: 'agency' });
    await make.source({ slug: 'k-bbc', shortName: 'BBC', kind: 'outlet' });
    await make.source({ slug: 'k-vnexpress', shortName: 'VnExpress', kind: 'partner' });
    const mine = 'filter[slug][in]=k-reuters,k-ap,k-bbc,k-vnexpress';

    t.same(slugs((await app.inject({ url: `/v1/sources?${mine}` })).json()), ['k-ap', 'k-bbc', 'k-reuters', 'k-vnexpress'], 'by short name');
    t.same(slugs((await app.inject({ url: `/v1/sources?${mine}&filter[kind]=agency` })).json()), ['k-ap', 'k-reuters']);
    t.same(slugs((await app.inject({ url: `/v1/sources?${mine}&filter[kind][in]=outlet,partner&sort=-shortName` })).json()), [
      'k-vnexpress',
      'k-bbc',
    ]);
    t.same(slugs((await app.inject({ url: '/v1/sources?filter[slug]=k-bbc' })).json()), ['k-bbc']);
    t.same(slugs((await app.inject({ url: `/v1/sources?${mine}&sort=slug` })).json()), ['k-ap', 'k-bbc', 'k-reuters', 'k-vnexpress']);
  });

  await t.test('lists page with cursors in both directions', async (t) => {
    for (const s of ['Q1', 'Q2', 'Q3', 'Q4', 'Q5']) await make.source({ slug: `page-${s.toLowerCase()}`, shortName: s, kind: 'outlet' });
    const mine = 'filter[slug][in]=page-q1,page-q2,page-q3,page-q4,page-q5';
    const first = await app.inject({ url: `/v1/sources?${mine}&page[size]=2&meta=total&sort=-createdAt` });
    t.equal(first.statusCode, 200);
    const body = first.json();
    t.equal(body.meta.total, 5);
    t.equal(body.data.length, 2);
    const second = (await app.inject({ url: body.links.next })).json();
    const third = (await app.inject({ url: second.links.next })).json();
    t.same([...slugs(body), ...slugs(second), ...slugs(third)].sort(), ['page-q1', 'page-q2', 'page-q3', 'page-q4', 'page-q5'], 'every source once');
    t.notOk(third.links.next, 'no next on the last page');
    t.same(slugs((await app.inject({ url: second.links.prev })).json()), slugs(body));
  });

  await t.test('a source cited by an article cannot be deleted', async (t) => {
    const source = await make.source();
    await make.article({ sourceIds: [source.id] });
    const res = await remove(source.id);
    t.equal(res.statusCode, 409);
    t.equal(res.json().code, 'CONFLICT');
    t.equal((await app.inject({ url: `/v1/sources/${source.id}` })).statusCode, 200, 'still there');
  });

  await t.test('bad input is a problem and changes nothing', async (t) => {
    const existing = await make.source({ slug: 'taken' });
    const before = await total();
    const ok = { shortName: 'X', fullName: 'X News', kind: 'outlet' };
    const cases: Array<[unknown, number, string]> = [
      [{ ...ok, extra: 1 }, 400, '/body/extra'],
      [{ shortName: 'X', kind: 'outlet' }, 400, '/body/fullName'],
      [{ ...ok, kind: 'wire' }, 400, '/body/kind'],
      [{ ...ok, shortName: '' }, 400, '/body/shortName'],
      [{ ...ok, shortName: 'x'.repeat(41) }, 400, '/body/shortName'],
      [{ ...ok, fullName: 'x'.repeat(201) }, 400, '/body/fullName'],
      [{ ...ok, url: 'not a url' }, 400, '/body/url'],
      [{ ...ok, url: 'mailto:desk@example.com' }, 400, '/body/url'],
      [{ ...ok, slug: 'UPPER' }, 400, '/body/slug'],
      [{ ...ok, shortName: ['X'] }, 400, '/body/shortName'],
      [{ ...ok, shortName: '新华社' }, 422, '/body/slug'],
      [{ ...ok, slug: 'taken' }, 409, '/body/slug'],
    ];
    for (const [body, status, pointer] of cases) {
      const res = await create(body);
      t.equal(res.statusCode, status, JSON.stringify(body));
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.equal(res.json().errors?.[0]?.pointer, pointer, JSON.stringify(body));
    }
    t.equal(await total(), before, 'no source was created');

    for (const [body, status, pointer] of [
      [{}, 400, '/body'],
      [{ kind: null }, 400, '/body/kind'],
      [{ slug: 'k-bbc' }, 409, '/body/slug'],
    ] as Array<[unknown, number, string]>) {
      const res = await patch(existing.id, body);
      t.equal(res.statusCode, status, JSON.stringify(body));
      t.equal(res.json().errors?.[0]?.pointer, pointer, JSON.stringify(body));
    }
    t.same((await app.inject({ url: `/v1/sources/${existing.id}` })).json().data, existing, 'the source is unchanged');
  });

  await t.test('unknown ids are 404, bad query parameters are 400', async (t) => {
    const missing = '0198a1b2-0000-7000-8000-00000000beef';
    t.equal((await app.inject({ url: `/v1/sources/${missing}` })).statusCode, 404);
    t.equal((await patch(missing, { kind: 'agency' })).statusCode, 404);
    t.equal((await remove(missing)).statusCode, 404);
    for (const [url, pointer] of [
      ['/v1/sources/not-a-uuid', '/params/id'],
      ['/v1/sources?nope=1', '/query/nope'],
      ['/v1/sources?locale=en', '/query/locale'],
      ['/v1/sources?filter[kind]=wire', '/query/filter[kind]'],
      ['/v1/sources?filter[kind][in]=agency,wire', '/query/filter[kind][in]'],
      ['/v1/sources?page[size]=-1', '/query/page[size]'],
      ['/v1/sources?page[after]=garbage', '/query/page[after]'],
      ['/v1/sources?sort=kind', '/query/sort'],
    ]) {
      const res = await app.inject({ url });
      t.equal(res.statusCode, 400, url);
      t.equal(res.json().errors[0].pointer, pointer, url);
    }
  });

  await t.test('writes need a token with content:write', async (t) => {
    const before = await total();
    t.equal((await create({ shortName: 'A', fullName: 'Anon', kind: 'outlet' }, {})).statusCode, 401);
    const reader = await tokenWith(['content:read']);
    t.equal((await create({ shortName: 'R', fullName: 'Reader', kind: 'outlet' }, { authorization: `Bearer ${reader}` })).statusCode, 403);
    t.equal(await total(), before);
  });
});
