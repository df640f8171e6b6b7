import t from 'tap';
import { systemContext } from '../src/http/context.js';
import { updateArticle } from '../src/modules/articles/service.js';
import { createToken, SCOPES } from '../src/modules/tokens/service.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

interface Summary {
  number: number;
  reason: string;
  changedFields: string[];
  actor: { type: string; id: string | null; name: string };
  createdAt: string;
}

t.test('revisions', async (t) => {
  const { app, auth, tokenWith } = await buildTestApp(t);
  const f = factories(app.db);
  await f.bilingualSite();
  const desk = await createToken(app.db, { name: 'desk tool', scopes: SCOPES });
  const as = { authorization: `Bearer ${desk.secret}` };

  const [tagA, tagB] = [await f.tag(), await f.tag()];
  const [writer, editor] = [await f.author(), await f.author()];
  const [afp, ap] = [await f.source(), await f.source()];
  const [world, asia] = [await f.category(), await f.category()];

  const etagOf = async (id: string) => String((await app.inject({ url: `/v1/articles/${id}`, headers: auth })).headers.etag);
  const patch = async (id: string, body: object, headers: Record<string, string> = as) =>
    app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: { ...headers, 'if-match': await etagOf(id) }, payload: body });
  const list = async (id: string, query = '') => app.inject({ url: `/v1/articles/${id}/revisions${query}`, headers: auth });
  /** Sends the article's current ETag unless told which headers to send. */
  const restore = async (id: string, rev: number | string, headers?: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/v1/articles/${id}/revisions/${rev}/restore`, headers: headers ?? { ...as, 'if-match': await etagOf(id) } });
  const create = async (body: object = {}) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/articles',
      headers: as,
      payload: {
        locale: 'en',
        title: 'Original headline',
        lead: 'Original lead.',
        body: [{ type: 'paragraph', text: 'Original body.' }],
        categoryId: world.id,
        tagIds: [tagA.id],
        authors: [{ authorId: writer.id, role: 'writer' }],
        sourceIds: [afp.id],
        ...body,
      },
    });
    if (res.statusCode !== 201) throw new Error(`create failed: ${res.body}`);
    return res.json().data as { id: string };
  };

  await t.test('every change stores a revision with the fields it changed and who made it', async (t) => {
    const { id } = await create();
    t.equal((await patch(id, { title: 'Second headline' })).statusCode, 200);
    t.equal((await patch(id, { tagIds: [tagB.id, tagA.id] })).statusCode, 200);
    t.equal((await patch(id, { body: [{ type: 'paragraph', text: 'New body.' }], lead: 'New lead.' })).statusCode, 200);
    t.equal((await patch(id, { authors: [{ authorId: writer.id, role: 'writer' }, { authorId: editor.id, role: 'editor' }], categoryId: asia.id })).statusCode, 200);

    const res = await list(id);
    t.equal(res.statusCode, 200);
    t.equal(res.headers['cache-control'], 'private, no-store');
    const items = res.json().data as Summary[];
    t.same(
      items.map((r) => [r.number, r.reason, r.changedFields]),
      [
        [5, 'update', ['authors', 'category']],
        [4, 'update', ['body', 'bodyHtml', 'lead']],
        [3, 'update', ['tags']],
        [2, 'update', ['title']],
        [1, 'create', items[4].changedFields],
      ],
      'newest first, each naming only what changed',
    );
    t.ok(items[4].changedFields.includes('title') && items[4].changedFields.includes('tags'), 'the first revision lists every field it set');
    t.ok(
      items.every((r) => r.actor.type === 'token' && r.actor.id === desk.id && r.actor.name === 'desk tool'),
      'the actor is the token that wrote',
    );
    t.ok(items.every((r) => !('snapshot' in r)), 'lists carry no snapshots');

    const paged = await list(id, '?page[size]=2&meta=total');
    t.same(paged.json().data.map((r: Summary) => r.number), [5, 4]);
    t.equal(paged.json().meta.total, 5);
    const next = (await app.inject({ url: paged.json().links.next, headers: auth })).json();
    t.same(next.data.map((r: Summary) => r.number), [3, 2]);
    const oldest = await list(id, '?sort=number&page[size]=2');
    t.same(oldest.json().data.map((r: Summary) => r.number), [1, 2], 'sort=number reads oldest first');
    t.equal((await list(id, '?sort=reason')).statusCode, 400);
  });

  await t.test('one revision holds the whole snapshot; diffs compare two revisions field by field', async (t) => {
    const { id } = await create({ title: 'Diff me' });
    await patch(id, { title: 'Diffed' });
    await patch(id, { tagIds: [tagB.id], sourceIds: [ap.id, afp.id] });

    const one = await app.inject({ url: `/v1/articles/${id}/revisions/1`, headers: auth });
    t.equal(one.statusCode, 200);
    const rev = one.json().data;
    t.equal(rev.articleId, id);
    t.equal(rev.number, 1);
    t.equal(rev.reason, 'create');
    t.equal(rev.snapshot.title, 'Diff me');
    t.same(rev.snapshot.tags, [{ id: tagA.id }]);
    t.same(rev.snapshot.authors, [{ id: writer.id, role: 'writer' }]);
    t.equal(rev.snapshot.body[0].text, 'Original body.');

    const diff = (await app.inject({ url: `/v1/articles/${id}/revisions/3/diff`, headers: auth })).json().data;
    t.equal(diff.from, 2, 'against defaults to the revision before');
    t.equal(diff.to, 3);
    t.same(diff.changes, [
      { field: 'sources', from: [{ id: afp.id }], to: [{ id: ap.id }, { id: afp.id }] },
      { field: 'tags', from: [{ id: tagA.id }], to: [{ id: tagB.id }] },
    ]);

    const wide = (await app.inject({ url: `/v1/articles/${id}/revisions/3/diff?against=1`, headers: auth })).json().data;
    t.same(wide.changes.map((c: { field: string }) => c.field), ['sources', 'tags', 'title']);
    const backwards = (await app.inject({ url: `/v1/articles/${id}/revisions/1/diff?against=2`, headers: auth })).json().data;
    t.same(backwards.changes, [{ field: 'title', from: 'Diffed', to: 'Diff me' }], 'against may be newer');
    const first = (await app.inject({ url: `/v1/articles/${id}/revisions/1/diff`, headers: auth })).json().data;
    t.equal(first.from, null);
    t.same(first.changes.find((c: { field: string }) => c.field === 'title'), { field: 'title', from: null, to: 'Diff me' });

    const missing = await app.inject({ url: `/v1/articles/${id}/revisions/3/diff?against=9`, headers: auth });
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().errors[0].pointer, '/query/against');
    t.equal((await app.inject({ url: `/v1/articles/${id}/revisions/3/diff?against=0`, headers: auth })).statusCode, 400);
  });

  await t.test('restoring an old revision is a new revision that brings back content and relations', async (t) => {
    const { id } = await create({ title: 'Before the bad edit', sourceIds: [afp.id, ap.id] });
    await patch(id, { title: 'Bad edit', lead: 'Oops.', tagIds: [tagB.id], authors: [], sourceIds: [], categoryId: null, seo: { title: 'Bad' } });

    const res = await restore(id, 1);
    t.equal(res.statusCode, 200, res.body);
    const body = res.json();
    t.equal(body.meta.revision, 3);
    t.equal(body.data.title, 'Before the bad edit');
    t.equal(body.data.lead, 'Original lead.');
    t.same(body.data.tags, [{ id: tagA.id }]);
    t.same(body.data.authors, [{ id: writer.id, role: 'writer' }]);
    t.same(body.data.sources, [{ id: afp.id }, { id: ap.id }], 'relations come back in their order');
    t.same(body.data.category, { id: world.id });
    t.same(body.data.seo, {});
    t.match(res.headers.etag, /^"v3-/, 'the answer carries the new ETag');

    const history = (await list(id)).json().data as Summary[];
    t.same(history.map((r) => r.number), [3, 2, 1], 'history only grows');
    t.equal(history[0].reason, 'restore of 1');
    t.same(history[0].changedFields, ['authors', 'category', 'lead', 'seo', 'sources', 'tags', 'title']);
    t.equal(history[0].actor.id, desk.id);
    const bad = (await app.inject({ url: `/v1/articles/${id}/revisions/2`, headers: auth })).json().data;
    t.equal(bad.snapshot.title, 'Bad edit', 'the restored-over revision is still there, unchanged');
    const again = (await app.inject({ url: `/v1/articles/${id}/revisions/3/diff?against=1`, headers: auth })).json().data;
    t.same(again.changes, [], 'the new revision has the content of the old one');
  });

  await t.test('restoring content never changes the status or the dates', async (t) => {
    const { id } = await f.article({ title: 'Published once' });
    const before = (await app.inject({ url: `/v1/articles/${id}`, headers: auth })).json().data;
    t.equal(before.status, 'published');
    await updateArticle(app.db, id, { title: 'Pulled', status: 'unpublished' }, systemContext());
    const res = await restore(id, 1);
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.json().data.title, 'Published once');
    t.equal(res.json().data.status, 'unpublished', 'revision 1 was published; the restore does not republish');
    t.equal(res.json().data.firstPublishedAt, before.firstPublishedAt);
    t.equal((await app.inject({ url: `/v1/articles/${id}` })).statusCode, 404, 'still hidden from the public');
  });

  await t.test('restore needs content:write and a current If-Match', async (t) => {
    const { id } = await create({ title: 'Guarded' });
    await patch(id, { title: 'Guarded 2' });
    const etag = await etagOf(id);

    const none = await restore(id, 1, as);
    t.equal(none.statusCode, 428);
    t.equal(none.json().code, 'PRECONDITION_REQUIRED');
    t.equal(none.json().errors[0].pointer, '/headers/if-match');

    await patch(id, { title: 'Guarded 3' });
    const stale = await restore(id, 1, { ...as, 'if-match': etag });
    t.equal(stale.statusCode, 412);
    t.equal(stale.json().code, 'PRECONDITION_FAILED');
    t.equal(stale.json().etag, '"v3"', 'the problem names the current version');

    const reader = await tokenWith(['content:read']);
    t.equal((await restore(id, 1, { authorization: `Bearer ${reader}` })).statusCode, 403, 'scope is checked before If-Match');
    t.equal((await restore(id, 1, {})).statusCode, 401);
    t.equal((await list(id)).json().data.length, 3, 'no refused restore left a revision');
    t.equal((await app.inject({ url: `/v1/articles/${id}`, headers: auth })).json().data.title, 'Guarded 3');
  });

  await t.test('a revision that uses a since-deleted tag cannot be restored, and says which', async (t) => {
    const gone = await f.tag();
    const { id } = await create({ title: 'Tagged', tagIds: [gone.id, tagA.id] });
    await patch(id, { tagIds: [tagA.id] });
    const tagEtag = String((await app.inject({ url: `/v1/tags/${gone.id}` })).headers.etag);
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/tags/${gone.id}`, headers: { ...auth, 'if-match': tagEtag } })).statusCode, 204);

    const res = await restore(id, 1);
    t.equal(res.statusCode, 422);
    t.equal(res.json().code, 'UNPROCESSABLE_ENTITY');
    t.equal(res.json().errors.length, 1);
    t.equal(res.json().errors[0].pointer, '/params/rev');
    t.match(res.json().errors[0].detail, new RegExp(`tag ${gone.id}`));
    t.equal((await list(id)).json().data.length, 2, 'nothing was written');
    t.same((await app.inject({ url: `/v1/articles/${id}`, headers: auth })).json().data.tags, [{ id: tagA.id }]);
  });

  await t.test('unknown articles and revisions are 404, malformed numbers 400', async (t) => {
    const { id } = await create({ title: 'Lonely' });
    const missing = '0198a1b2-0000-7000-8000-00000000beef';
    for (const url of [`/v1/articles/${missing}/revisions`, `/v1/articles/${missing}/revisions/1`, `/v1/articles/${missing}/revisions/1/diff`]) {
      const res = await app.inject({ url, headers: auth });
      t.equal(res.statusCode, 404, url);
      t.equal(res.json().code, 'NOT_FOUND', url);
    }
    t.equal((await restore(missing, 1, { ...as, 'if-match': '"v1"' })).statusCode, 404);
    const noRev = await app.inject({ url: `/v1/articles/${id}/revisions/7`, headers: auth });
    t.equal(noRev.statusCode, 404);
    t.equal(noRev.json().errors[0].pointer, '/params/rev');
    t.equal((await restore(id, 7)).statusCode, 404);
    for (const rev of ['0', 'abc', '1.5', '1e400', '99999999999']) {
      const res = await app.inject({ url: `/v1/articles/${id}/revisions/${rev}`, headers: auth });
      t.equal(res.statusCode, 400, rev);
      t.equal(res.json().errors[0].pointer, '/params/rev', rev);
    }
    t.equal((await list(id, '?page[after]=garbage')).statusCode, 400);
  });

  await t.test('the history outlives a deleted article', async (t) => {
    const { id } = await create({ title: 'Short-lived' });
    const del = await app.inject({ method: 'DELETE', url: `/v1/articles/${id}`, headers: { ...as, 'if-match': await etagOf(id) } });
    t.equal(del.statusCode, 204);
    const res = await list(id);
    t.equal(res.statusCode, 200);
    t.same(res.json().data.map((r: Summary) => r.number), [1]);
    t.equal((await restore(id, 1, { ...as, 'if-match': '"v1"' })).statusCode, 404, 'but there is nothing to restore into');
  });

  await t.test('reading revisions needs content:read', async (t) => {
    const { id } = await create({ title: 'Private history' });
    t.equal((await app.inject({ url: `/v1/articles/${id}/revisions` })).statusCode, 401);
    const writerOnly = await tokenWith(['content:write']);
    const res = await app.inject({ url: `/v1/articles/${id}/revisions/1`, headers: { authorization: `Bearer ${writerOnly}` } });
    t.equal(res.statusCode, 403);
    t.match(res.json().detail, /content:read/);
  });
});
