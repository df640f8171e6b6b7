import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

t.test('authors', async (t) => {
  const { app, auth, tokenWith } = await buildTestApp(t);
  const make = factories(app.db);

  const create = (body: unknown, headers: Record<string, string> = auth) =>
    app.inject({ method: 'POST', url: '/v1/authors', headers, payload: body as object });
  /** PATCH and DELETE need If-Match: the ETag of a fresh read (a made-up one for ids that do not exist). */
  const ifMatch = async (id: string) => ({ ...auth, 'if-match': String((await app.inject({ url: `/v1/authors/${id}`, headers: auth })).headers.etag ?? '"v1"') });
  const patch = async (id: string, body: unknown) =>
    app.inject({ method: 'PATCH', url: `/v1/authors/${id}`, headers: await ifMatch(id), payload: body as object });
  const remove = async (id: string) => app.inject({ method: 'DELETE', url: `/v1/authors/${id}`, headers: await ifMatch(id) });
  const total = async () => (await app.inject({ url: '/v1/authors?meta=total' })).json().meta.total as number;
  const slugs = (body: { data: Array<{ slug: string }> }) => body.data.map((a) => a.slug);

  await t.test('create, read, update, delete', async (t) => {
    const res = await create({
      name: 'Nguyễn Văn Minh',
      bios: { en: 'Economics desk.', vi: 'Ban kinh tế.' },
      avatarUrl: 'https://cdn.example.com/minh.jpg',
      email: 'minh@example.com',
    });
    t.equal(res.statusCode, 201);
    const author = res.json().data;
    t.equal(author.slug, 'nguyen-van-minh', 'slug made from the name');
    t.equal(author.bio, 'Economics desk.');
    t.equal(author.email, 'minh@example.com', 'the editor who created it sees the email');
    t.equal(res.headers.location, `/v1/authors/${author.id}`);

    const vi = await app.inject({ url: `/v1/authors/${author.id}?locale=vi` });
    t.equal(vi.statusCode, 200);
    t.equal(vi.json().data.bio, 'Ban kinh tế.');
    t.equal(vi.json().data.name, 'Nguyễn Văn Minh');

    const upd = await patch(author.id, { slug: 'minh', avatarUrl: null, email: null });
    t.equal(upd.statusCode, 200);
    t.equal(upd.json().data.slug, 'minh');
    t.equal(upd.json().data.avatarUrl, null);
    t.equal(upd.json().data.email, null);
    t.same(upd.json().data.bios, { en: 'Economics desk.', vi: 'Ban kinh tế.' }, 'fields not sent keep their values');

    const del = await remove(author.id);
    t.equal(del.statusCode, 204);
    t.equal((await app.inject({ url: `/v1/authors/${author.id}` })).statusCode, 404);
  });

  await t.test('anonymous readers never see an email; any valid token does', async (t) => {
    const author = await make.author({ slug: 'private-eye', name: 'Private Eye', email: 'eye@newsroom.example' });

    const anonOne = await app.inject({ url: `/v1/authors/${author.id}` });
    t.equal(anonOne.statusCode, 200);
    t.equal(anonOne.headers['content-type'], 'application/json; charset=utf-8');
    t.notOk('email' in anonOne.json().data, 'no email field in a single author');
    t.notMatch(anonOne.body, /newsroom\.example/, 'the address appears nowhere in the body');
    t.equal(anonOne.json().data.name, 'Private Eye', 'the rest of the profile is there');

    const anonList = await app.inject({ url: '/v1/authors?filter[slug]=private-eye' });
    t.equal(anonList.statusCode, 200);
    t.equal(anonList.json().data.length, 1);
    t.notOk('email' in anonList.json().data[0], 'no email field in a list');
    t.notMatch(anonList.body, /newsroom\.example/);

    const editorOne = await app.inject({ url: `/v1/authors/${author.id}`, headers: auth });
    t.equal(editorOne.json().data.email, 'eye@newsroom.example');
    t.match(editorOne.headers['cache-control'], /private/, 'a response with an email is never kept by a shared cache');
    t.match(anonOne.headers.vary, /Authorization/, 'caches keep anonymous and authenticated copies apart');
    const reader = await tokenWith(['content:read']);
    const readerList = await app.inject({ url: '/v1/authors?filter[slug]=private-eye', headers: { authorization: `Bearer ${reader}` } });
    t.equal(readerList.json().data[0].email, 'eye@newsroom.example', 'a read-only token sees it too');

    const noEmail = await make.author({ slug: 'no-email', email: null });
    const editorNoEmail = await app.inject({ url: `/v1/authors/${noEmail.id}`, headers: auth });
    t.equal(editorNoEmail.json().data.email, null, 'authenticated callers get an explicit null');

    const missing = await app.inject({ url: '/v1/authors/0198a1b2-0000-7000-8000-00000000beef' });
    t.equal(missing.statusCode, 404, 'an anonymous miss is still a normal problem');
    t.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal(missing.json().code, 'NOT_FOUND');
  });

  await t.test('lists filter by slug and name, and sort by name', async (t) => {
    await make.author({ slug: 'list-zoe', name: 'Zoë Park' });
    await make.author({ slug: 'list-adam', name: 'Adam 100% Real' });
    await make.author({ slug: 'list-bea', name: 'Bea Parker' });

    const park = (await app.inject({ url: '/v1/authors?filter[name][contains]=PARK' })).json();
    t.same(slugs(park), ['list-bea', 'list-zoe'], 'case-insensitive, ordered by name');
    const percent = (await app.inject({ url: '/v1/authors?filter[name][contains]=0%25' })).json();
    t.same(slugs(percent), ['list-adam'], '% is matched literally');
    const some = (await app.inject({ url: '/v1/authors?filter[slug][in]=list-zoe,list-adam&sort=-name' })).json();
    t.same(slugs(some), ['list-zoe', 'list-adam']);
    t.same(slugs((await app.inject({ url: '/v1/authors?filter[slug]=list-bea' })).json()), ['list-bea']);
    const bySlug = (await app.inject({ url: '/v1/authors?filter[slug][in]=list-zoe,list-adam,list-bea&sort=slug' })).json();
    t.same(slugs(bySlug), ['list-adam', 'list-bea', 'list-zoe']);
  });

  await t.test('lists page with cursors in both directions', async (t) => {
    for (const s of ['p1', 'p2', 'p3', 'p4', 'p5']) await make.author({ slug: `page-${s}`, name: `Paged ${s}` });
    const first = await app.inject({ url: '/v1/authors?filter[name][contains]=Paged&page[size]=2&meta=total' });
    const body = first.json();
    t.same(slugs(body), ['page-p1', 'page-p2']);
    t.equal(body.meta.total, 5);
    t.match(first.headers.link, /rel="next"/);
    const second = (await app.inject({ url: body.links.next })).json();
    t.same(slugs(second), ['page-p3', 'page-p4']);
    const back = (await app.inject({ url: second.links.prev })).json();
    t.same(slugs(back), ['page-p1', 'page-p2']);
    const last = (await app.inject({ url: second.links.next })).json();
    t.same(slugs(last), ['page-p5']);
    t.notOk(last.links.next, 'no next on the last page');
  });

  await t.test('an author credited on an article cannot be deleted', async (t) => {
    const author = await make.author();
    await make.article({ authors: [{ authorId: author.id, role: 'writer' }] });
    const res = await remove(author.id);
    t.equal(res.statusCode, 409);
    t.equal(res.json().code, 'CONFLICT');
    t.equal((await app.inject({ url: `/v1/authors/${author.id}` })).statusCode, 200, 'still there');
  });

  await t.test('bad input is a problem and changes nothing', async (t) => {
    const existing = await make.author({ slug: 'taken' });
    const before = await total();
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'X', extra: 1 }, 400, '/body/extra'],
      [{}, 400, '/body/name'],
      [{ name: '' }, 400, '/body/name'],
      [{ name: 'x'.repeat(201) }, 400, '/body/name'],
      [{ name: 42 }, 400, '/body/name'],
      [{ name: 'X', slug: 'Not A Slug' }, 400, '/body/slug'],
      [{ name: 'X', email: 'not-an-email' }, 400, '/body/email'],
      [{ name: 'X', avatarUrl: 'ftp://files.example.com/a.jpg' }, 400, '/body/avatarUrl'],
      [{ name: 'X', avatarUrl: 'javascript:alert(1)' }, 400, '/body/avatarUrl'],
      [{ name: 'X', bios: { en: 'x'.repeat(2001) } }, 400, '/body/bios/en'],
      [{ name: 'X', bios: ['nope'] }, 400, '/body/bios'],
      [{ name: '王明' }, 422, '/body/slug'],
      [{ name: 'Dup', slug: 'taken' }, 409, '/body/slug'],
      [{ name: 'nul\u0000byte' }, 400, '/body/name'],
    ];
    for (const [body, status, pointer] of cases) {
      const res = await create(body);
      t.equal(res.statusCode, status, JSON.stringify(body));
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.equal(res.json().errors?.[0]?.pointer, pointer, JSON.stringify(body));
    }
    t.equal(await total(), before, 'no author was created');

    for (const [body, status, pointer] of [
      [{}, 400, '/body'],
      [{ email: 'nope' }, 400, '/body/email'],
      [{ slug: 'list-bea' }, 409, '/body/slug'],
    ] as Array<[unknown, number, string]>) {
      const res = await patch(existing.id, body);
      t.equal(res.statusCode, status, JSON.stringify(body));
      t.equal(res.json().errors?.[0]?.pointer, pointer, JSON.stringify(body));
    }
    t.same((await app.inject({ url: `/v1/authors/${existing.id}`, headers: auth })).json().data, existing, 'the author is unchanged');
  });

  await t.test('unknown ids are 404, bad query parameters are 400', async (t) => {
    const missing = '0198a1b2-0000-7000-8000-00000000beef';
    t.equal((await patch(missing, { name: 'Ghost' })).statusCode, 404);
    t.equal((await remove(missing)).statusCode, 404);
    for (const [url, pointer] of [
      ['/v1/authors/not-a-uuid', '/params/id'],
      ['/v1/authors?nope=1', '/query/nope'],
      ['/v1/authors?filter[email]=a@b.c', '/query/filter[email]'],
      ['/v1/authors?page[size]=0', '/query/page[size]'],
      ['/v1/authors?page[before]=garbage', '/query/page[before]'],
      ['/v1/authors?sort=email', '/query/sort'],
      ['/v1/authors?filter[name][contains]=', '/query/filter[name][contains]'],
    ]) {
      const res = await app.inject({ url });
      t.equal(res.statusCode, 400, url);
      t.equal(res.json().errors[0].pointer, pointer, url);
    }
  });

  await t.test('writes need a token with content:write', async (t) => {
    const before = await total();
    t.equal((await create({ name: 'Anon' }, {})).statusCode, 401);
    const reader = await tokenWith(['content:read']);
    t.equal((await create({ name: 'Reader' }, { authorization: `Bearer ${reader}` })).statusCode, 403);
    t.equal(await total(), before);
  });
});
