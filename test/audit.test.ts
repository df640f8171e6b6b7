import t from 'tap';
import { auditLog } from '../src/db/schema/index.js';
import { createToken, hashSecret, SCOPES } from '../src/modules/tokens/service.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

interface Entry {
  id: string;
  at: string;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  actor: { type: string; id: string | null; name: string };
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

t.test('audit log', async (t) => {
  const { app, auth, clock, tokenWith } = await buildTestApp(t);
  const f = factories(app.db);
  await f.bilingualSite();
  const desk = await createToken(app.db, { name: 'desk tool', scopes: SCOPES });
  const as = { authorization: `Bearer ${desk.secret}` };
  let n = 0;
  const audit = async (query = '') => app.inject({ url: `/v1/audit${query}`, headers: auth });
  const entries = async (query: string) => (await audit(query)).json().data as Entry[];
  const total = async (query = '') => (await audit(`?meta=total${query}`)).json().meta.total as number;

  /** A write as the desk tool, with a request id to find it by. */
  const send = (method: 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: object, etag?: string) => {
    const requestId = `audit-${++n}`;
    const headers: Record<string, string> = { ...as, 'x-request-id': requestId };
    if (etag) headers['if-match'] = etag;
    return app.inject({ method, url, headers, payload }).then((res) => ({ res, requestId }));
  };

  await t.test('each write to each resource is logged once, with actor, ip and request id', async (t) => {
    const cases = [
      { path: '/v1/tags', type: 'tag', create: { names: { en: 'Audited tag' } }, update: { names: { en: 'Audited tag 2' } } },
      { path: '/v1/categories', type: 'category', create: { names: { en: 'Audited section' } }, update: { position: 4 } },
      { path: '/v1/authors', type: 'author', create: { name: 'Audited Writer', email: 'private@example.com' }, update: { name: 'Audited Writer II' } },
      { path: '/v1/sources', type: 'source', create: { shortName: 'AUD', fullName: 'Audit Wire', kind: 'agency' }, update: { kind: 'partner' } },
    ];
    for (const c of cases) {
      const created = await send('POST', c.path, c.create);
      t.equal(created.res.statusCode, 201, created.res.body);
      const id = created.res.json().data.id as string;
      const updated = await send('PATCH', `${c.path}/${id}`, c.update, String(created.res.headers.etag));
      t.equal(updated.res.statusCode, 200, updated.res.body);
      const deleted = await send('DELETE', `${c.path}/${id}`, undefined, String(updated.res.headers.etag));
      t.equal(deleted.res.statusCode, 204, deleted.res.body);

      const log = await entries(`?filter[resourceId]=${id}`);
      t.same(log.map((e) => e.action), [`${c.type}.delete`, `${c.type}.update`, `${c.type}.create`], `${c.type}: newest first, once each`);
      t.same(log.map((e) => e.requestId), [deleted.requestId, updated.requestId, created.requestId]);
      for (const e of log) {
        t.same(e.actor, { type: 'token', id: desk.id, name: 'desk tool' });
        t.equal(e.resourceType, c.type);
        t.equal(e.ip, '127.0.0.1');
        t.equal(e.at, clock.now.toISOString());
      }
      t.same(log[1].details, { fields: Object.keys(c.update) }, 'an update names the fields it changed');
    }
    t.notMatch(JSON.stringify(await entries('?filter[resourceType]=author')), /private@example\.com/, 'an author email is not copied into the log');

    const site = (await app.inject({ url: '/v1/site/settings', headers: auth })).json().data;
    const put = await send('PUT', '/v1/site', { ...site, timeZone: 'Asia/Ho_Chi_Minh' });
    t.equal(put.res.statusCode, 200, put.res.body);
    const siteLog = await entries(`?filter[resourceType]=site&filter[resourceId]=default&filter[actor]=${desk.id}`);
    t.same(siteLog.map((e) => [e.action, e.requestId]), [['site.update', put.requestId]]);

    const article = await send('POST', '/v1/articles', { locale: 'en', title: 'Audited story' });
    t.equal(article.res.statusCode, 201);
    const articleLog = await entries(`?filter[resourceId]=${article.res.json().data.id}`);
    t.same(articleLog.map((e) => [e.action, e.requestId]), [['article.create', article.requestId]]);
  });

  await t.test('a refused or failed write leaves no audit entry and no change', async (t) => {
    const tag = await f.tag({ slug: 'fail-tag' });
    const used = await f.tag({ slug: 'used-tag' });
    await f.article({ tagIds: [used.id] });
    const usedEtag = String((await app.inject({ url: `/v1/tags/${used.id}` })).headers.etag);
    const tagEtag = String((await app.inject({ url: `/v1/tags/${tag.id}` })).headers.etag);
    const entriesBefore = await total();
    const tagsBefore = (await app.inject({ url: '/v1/tags?meta=total' })).json().meta.total;

    const attempts = [
      [await send('POST', '/v1/tags', { slug: 'fail-tag', names: { en: 'Duplicate' } }), 409],
      [await send('POST', '/v1/categories', { names: { en: 'Orphan' }, parentId: '0198a1b2-0000-7000-8000-00000000dead' }), 422],
      [await send('PATCH', `/v1/tags/${tag.id}`, { slug: 'used-tag' }, tagEtag), 409],
      [await send('PATCH', `/v1/tags/${tag.id}`, { slug: 'stale' }, '"v9"'), 412],
      [await send('PATCH', `/v1/tags/${tag.id}`, { slug: 'no-precondition' }), 428],
      // The row delete itself fails here (the article still uses the tag): the transaction holding the audit insert rolls back.
      [await send('DELETE', `/v1/tags/${used.id}`, undefined, usedEtag), 409],
      [await send('PUT', '/v1/site', { name: { en: 'X' }, locales: [{ code: 'en', name: 'English' }], defaultLocale: 'fr', timeZone: 'UTC', logoUrl: null, contact: { address: {}, email: null, phone: null, advertising: {}, advertisingEmail: null, advertisingPhone: null }, legalLinks: [], copyright: {} }), 422],
    ] as const;
    for (const [{ res }, status] of attempts) t.equal(res.statusCode, status, res.body);

    t.equal(await total(), entriesBefore, 'no audit entry was written');
    for (const [{ requestId }] of attempts) t.same(await entries(`?filter[resourceType]=tag&page[size]=100`).then((l) => l.filter((e) => e.requestId === requestId)), []);
    t.equal((await app.inject({ url: '/v1/tags?meta=total' })).json().meta.total, tagsBefore, 'no tag was created or deleted');
    const after = (await app.inject({ url: `/v1/tags/${tag.id}` })).json().data;
    t.equal(after.slug, 'fail-tag', 'the tag is unchanged');
    t.equal((await app.inject({ url: '/v1/site' })).json().data.defaultLocale, 'en', 'the site is unchanged');
  });

  await t.test('filters by action, resource, actor and time, with cursors both ways', async (t) => {
    const other = await createToken(app.db, { name: 'other tool', scopes: ['content:write'] });
    const start = new Date(clock.now.getTime() + 60_000);
    clock.set(start);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({ method: 'POST', url: '/v1/tags', headers: { authorization: `Bearer ${other.secret}` }, payload: { slug: `filtered-${i}`, names: { en: `F${i}` } } });
      ids.push(res.json().data.id);
      clock.advance(1000);
    }
    const mine = `&filter[actor]=${other.id}`;
    const all = await entries(`?filter[actor]=${other.id}`);
    t.same(all.map((e) => e.resourceId), [...ids].reverse(), 'newest first');
    t.ok(all.every((e) => e.actor.name === 'other tool'));
    t.same((await entries(`?sort=at${mine}`)).map((e) => e.resourceId), ids, 'sort=at: oldest first');

    const page1 = (await audit(`?page[size]=2${mine}`)).json();
    t.same(page1.data.map((e: Entry) => e.resourceId), [ids[4], ids[3]]);
    const page2 = (await app.inject({ url: page1.links.next, headers: auth })).json();
    t.same(page2.data.map((e: Entry) => e.resourceId), [ids[2], ids[1]]);
    const page3 = (await app.inject({ url: page2.links.next, headers: auth })).json();
    t.same(page3.data.map((e: Entry) => e.resourceId), [ids[0]]);
    t.notOk(page3.links.next);
    const back = (await app.inject({ url: page2.links.prev, headers: auth })).json();
    t.same(back.data.map((e: Entry) => e.resourceId), [ids[4], ids[3]]);

    const window = `&filter[at][gte]=${new Date(start.getTime() + 1000).toISOString()}&filter[at][lt]=${new Date(start.getTime() + 3000).toISOString()}`;
    t.same((await entries(`?filter[resourceType]=tag${window}`)).map((e) => e.resourceId), [ids[2], ids[1]], 'gte is inclusive, lt exclusive');
    t.equal(await total(`&filter[action]=tag.create${mine}`), 5);
    t.equal(await total(`&filter[action]=tag.delete${mine}`), 0);
    t.ok((await total('&filter[action][in]=tag.create,tag.delete')) >= 6);
    t.equal(await total(`&filter[action][in]=tag.create,site.update${mine}`), 5);
    t.equal(await total(`&filter[resourceType]=category${mine}`), 0);
  });

  await t.test('bad parameters are 400', async (t) => {
    for (const [query, pointer] of [
      ['?filter[at][gte]=yesterday', '/query/filter[at][gte]'],
      ['?filter[actor]=someone', '/query/filter[actor]'],
      ['?filter[ip]=127.0.0.1', '/query/filter[ip]'],
      ['?sort=action', '/query/sort'],
      ['?page[size]=101', '/query/page[size]'],
      ['?page[after]=garbage', '/query/page[after]'],
    ]) {
      const res = await audit(query);
      t.equal(res.statusCode, 400, query);
      t.equal(res.json().errors[0].pointer, pointer, query);
    }
  });

  await t.test('only admins read it, and nobody can change it', async (t) => {
    t.equal((await app.inject({ url: '/v1/audit' })).statusCode, 401);
    const editor = await tokenWith(['content:read', 'content:write', 'content:publish', 'settings:write']);
    const res = await app.inject({ url: '/v1/audit', headers: { authorization: `Bearer ${editor}` } });
    t.equal(res.statusCode, 403);
    t.match(res.json().detail, /users:manage/);
    const [entry] = await entries('?page[size]=1');
    for (const [method, url] of [
      ['POST', '/v1/audit'],
      ['PATCH', `/v1/audit/${entry.id}`],
      ['DELETE', `/v1/audit/${entry.id}`],
      ['PUT', `/v1/audit/${entry.id}`],
    ] as const) {
      t.equal((await app.inject({ method, url, headers: auth, payload: {} })).statusCode, 404, `${method} ${url}`);
    }
  });

  await t.test('the log never holds a token secret or its hash', async (t) => {
    const rows = await app.db.select().from(auditLog);
    t.ok(rows.length > 0);
    const text = JSON.stringify(rows);
    t.notOk(text.includes(desk.secret));
    t.notOk(text.includes(hashSecret(desk.secret)));
    t.notOk(/Bearer /.test(text));
  });
});
