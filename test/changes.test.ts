import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { articleChanges, articles, pendingArticleChanges } from '../src/db/schema/index.js';
import { afterArticleWrite } from '../src/modules/articles/after-write.js';
import { runDueTransitions } from '../src/modules/articles/scheduler.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

interface Entry {
  id: string;
  event: string;
  action: 'upsert' | 'delete';
  at: string;
  article: { id: string; locale: string; slug: string; translationGroupId: string };
  links?: { self: string };
}

const HOUR = 3_600_000;

t.test('the partner changes feed', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, auth, clock } = ctx;
  const f = factories(app.db);
  await f.bilingualSite();
  // Time only moves forward in this file, so articles published "an hour ago" stay published.
  const later = (ms: number) => new Date(clock.now.getTime() + ms);
  const run = () => runDueTransitions(app.db, clock.now);

  /** GET /v1/changes anonymously with these query parameters. */
  const changes = (query: Record<string, string | number> = {}) =>
    app.inject({ url: '/v1/changes', query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) });
  /** Every entry after `since` (from the beginning without it), following meta.next while hasMore, and the cursor to poll with. */
  const readFrom = async (since?: string, query: Record<string, string> = {}) => {
    const entries: Entry[] = [];
    let next = since;
    for (;;) {
      const res = await changes({ limit: 1000, ...query, ...(next ? { since: next } : {}) });
      if (res.statusCode !== 200) throw new Error(`GET /v1/changes: ${res.statusCode} ${res.body}`);
      const body = res.json();
      entries.push(...body.data);
      next = body.meta.next as string;
      if (!body.meta.hasMore) return { entries, next };
    }
  };
  const entriesSince = async (since?: string, query: Record<string, string> = {}) => (await readFrom(since, query)).entries;
  /** Where the feed ends now: entries written after this call are read with since=tail(). */
  const tail = async () => (await readFrom()).next;
  /** A partner polling the feed from its current end: each poll() returns what is new since the last. */
  const partner = async () => {
    let since = await tail();
    return {
      async poll() {
        const { entries, next } = await readFrom(since);
        since = next;
        return entries;
      },
    };
  };
  const eventsOf = (entries: Entry[], id: string) => entries.filter((e) => e.article.id === id).map((e) => `${e.action} ${e.event}`);

  const read = (id: string) => app.inject({ url: `/v1/articles/${id}`, headers: auth });
  const etagOf = async (id: string) => String((await read(id)).headers.etag);
  /** POSTs a workflow action with the current ETag, as an editor's tool does. */
  const act = async (id: string, action: string, body?: Record<string, unknown>) => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/articles/${id}/${action}`,
      headers: { ...auth, 'if-match': await etagOf(id) },
      ...(body !== undefined ? { payload: body } : {}),
    });
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.statusCode} ${res.body}`);
    return res;
  };
  const patch = async (id: string, body: Record<string, unknown>, ifMatch?: string) =>
    app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: { ...auth, 'if-match': ifMatch ?? (await etagOf(id)) }, payload: body });
  const remove = async (id: string) =>
    app.inject({ method: 'DELETE', url: `/v1/articles/${id}`, headers: { ...auth, 'if-match': await etagOf(id) } });
  const draft = async (over: Record<string, unknown> = {}) => f.article({ status: 'draft', publishedAt: null, ...over }, clock.now);
  const slugOf = async (id: string) => (await read(id)).json().data.slug as string;
  const changeRows = async () => (await app.db.select({ n: sql<number>`count(*)::int` }).from(articleChanges))[0].n;

  await t.test('publishing through the workflow is an upsert article.published, readable anonymously', async (t) => {
    const since = await tail();
    const { id } = await draft();
    await act(id, 'submit');
    t.same(await entriesSince(since), [], 'nothing while in review');
    clock.advance(1000);
    await act(id, 'approve');
    const res = await changes({ since });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['cache-control'], 'public, max-age=5', 'the same public answer whoever asks, briefly cacheable');
    t.notOk(res.headers.link, 'no rel="next" at the tail');
    const body = res.json();
    const article = (await read(id)).json().data;
    t.same(body.data, [
      {
        id: body.data[0].id,
        event: 'article.published',
        action: 'upsert',
        at: clock.now.toISOString(),
        article: { id, locale: 'en', slug: article.slug, translationGroupId: article.translationGroupId },
        links: { self: `/v1/articles/${id}` },
      },
    ]);
    t.match(body.data[0].id, /^[0-9]+$/);
    t.equal(body.meta.hasMore, false);
    t.not(body.meta.next, since, 'the cursor moved past the entry');
    t.equal(body.links.next, `/v1/changes?since=${body.meta.next}`);
    const withToken = await app.inject({ url: `/v1/changes?since=${since}`, headers: auth });
    t.same(withToken.json().data, body.data, 'a token with every scope sees the same public feed');
  });

  await t.test('edits, corrections, unpublishing and deleting a public article, as a polling partner sees them', async (t) => {
    const { id } = await f.article({}, clock.now);
    const slug = await slugOf(id);
    const feed = await partner();
    const seen = async () => eventsOf(await feed.poll(), id);

    clock.advance(1000);
    t.equal((await patch(id, { title: 'A sharper headline' })).statusCode, 200);
    t.same(await seen(), ['upsert article.updated'], 'an edit');
    await act(id, 'corrections', { text: 'An earlier version misspelled the mayor’s name.' });
    t.same(await seen(), ['upsert article.updated'], 'a correction');
    clock.advance(1000);
    await act(id, 'unpublish');
    const [down] = await feed.poll();
    t.same(down, { id: down.id, event: 'article.unpublished', action: 'delete', at: clock.now.toISOString(), article: down.article });
    t.match(down.article, { id, locale: 'en', slug });
    t.equal((await patch(id, { title: 'Edited while down' })).statusCode, 200);
    t.same(await seen(), [], 'an edit while unpublished is not public');
    await act(id, 'publish', {});
    t.same(await seen(), ['upsert article.published'], 'published again');
    clock.advance(1000);
    t.equal((await remove(id)).statusCode, 204);
    const [gone] = await feed.poll();
    t.same(gone, {
      id: gone.id,
      event: 'article.deleted',
      action: 'delete',
      at: clock.now.toISOString(),
      article: { id, locale: 'en', slug, translationGroupId: down.article.translationGroupId },
    });

    const replay = (await entriesSince()).filter((e) => e.article.id === id);
    t.same(
      replay.map((e) => `${e.action} ${e.event}`),
      ['delete article.deleted', 'delete article.deleted', 'delete article.deleted', 'delete article.unpublished', 'delete article.deleted', 'delete article.deleted'],
      'read later from the start, the upserts of a deleted article read as deletes: nothing invites a fetch',
    );
    t.ok(replay.every((e) => !e.links));
  });

  await t.test('a tombstone outlives the article and names its locale and slug', async (t) => {
    const en = await f.article({}, clock.now);
    const zh = await f.translation(en.id, 'zh', { title: '洪水', slug: `flood-${en.id.slice(-12)}` }, clock.now);
    await f.walkTo(zh.id, 'published', {}, clock.now);
    const since = await tail();
    const group = (await read(en.id)).json().data.translationGroupId;
    t.equal((await remove(zh.id)).statusCode, 204);
    const entries = await entriesSince(since);
    t.same(entries, [
      {
        id: entries[0]?.id,
        event: 'article.deleted',
        action: 'delete',
        at: clock.now.toISOString(),
        article: { id: zh.id, locale: 'zh', slug: `flood-${en.id.slice(-12)}`, translationGroupId: group },
      },
    ]);
    t.same(eventsOf(await entriesSince(since, { 'filter[locale]': 'en' }), zh.id), [], 'filter[locale]=en leaves the zh tombstone out');
    t.same(eventsOf(await entriesSince(since, { 'filter[locale]': 'zh' }), zh.id), ['delete article.deleted']);
  });

  await t.test('an article that was never public never appears, not even its id', async (t) => {
    const { id } = await draft();
    t.equal((await patch(id, { title: 'Still a draft' })).statusCode, 200);
    await act(id, 'submit');
    await act(id, 'reject', { note: 'Needs a second source.' });
    const copy = await f.translation(id, 'zh', { title: '草稿' }, clock.now);
    await f.walkTo(copy.id, 'scheduled', {}, clock.now);
    await act(copy.id, 'reject', { note: 'Not yet.' });
    t.equal((await remove(copy.id)).statusCode, 204);
    t.equal((await remove(id)).statusCode, 204);
    const embargoed = await draft();
    await f.walkTo(embargoed.id, 'published', { embargoUntil: later(HOUR).toISOString() }, clock.now);
    await act(embargoed.id, 'unpublish');
    const all = await entriesSince();
    for (const leaked of [id, copy.id, embargoed.id]) {
      t.same(eventsOf(all, leaked), [], `${leaked} is nowhere in the feed`);
      t.equal((await app.db.select().from(articleChanges).where(eq(articleChanges.articleId, leaked))).length, 0, 'and has no stored row');
    }
    t.equal((await app.db.select().from(pendingArticleChanges).where(eq(pendingArticleChanges.articleId, embargoed.id))).length, 0, 'nor a pending one');
  });

  await t.test('a scheduled article enters the feed when the scheduler publishes it, not before', async (t) => {
    const { id } = await draft();
    const publishAt = later(HOUR);
    await f.walkTo(id, 'scheduled', { publishAt: publishAt.toISOString() }, clock.now);
    const since = await tail();
    clock.set(new Date(publishAt.getTime() - 1000));
    t.notOk((await run()).published.includes(id));
    t.same(await entriesSince(since), [], 'a second before: nothing');
    clock.set(publishAt);
    t.same(await entriesSince(since), [], 'at its time, before the scheduler ran: nothing yet');
    t.ok((await run()).published.includes(id));
    const entries = await entriesSince(since);
    t.same(eventsOf(entries, id), ['upsert article.published']);
    t.equal(entries[0].at, publishAt.toISOString());
    await run();
    t.same(eventsOf(await entriesSince(since), id), ['upsert article.published'], 'a second pass adds nothing');
  });

  await t.test('an embargoed article enters the feed once the embargo lifted and the scheduler released it', async (t) => {
    const { id } = await draft();
    const embargoUntil = later(HOUR);
    await f.walkTo(id, 'published', { embargoUntil: embargoUntil.toISOString() }, clock.now);
    const since = await tail();
    const [pending] = await app.db.select().from(pendingArticleChanges).where(eq(pendingArticleChanges.articleId, id));
    t.equal(pending?.dueAt.toISOString(), embargoUntil.toISOString(), 'due when the embargo lifts');

    clock.set(new Date(embargoUntil.getTime() - 1000));
    t.notOk((await run()).released.includes(id), 'a second before, the scheduler keeps it');
    t.same(await entriesSince(since), [], 'and partners polling see nothing');
    clock.set(new Date(embargoUntil.getTime() + 1000));
    t.equal((await app.inject({ url: `/v1/articles/${id}` })).statusCode, 200, 'public the moment the embargo lifts');
    t.same(await entriesSince(since), [], 'the feed waits for the scheduler (late by one pass, never early)');
    t.ok((await run()).released.includes(id));
    t.same(eventsOf(await entriesSince(since), id), ['upsert article.published']);
    t.notOk((await run()).released.includes(id), 'released once');
    t.same(eventsOf(await entriesSince(since), id), ['upsert article.published']);
    t.equal((await app.db.select().from(pendingArticleChanges).where(eq(pendingArticleChanges.articleId, id))).length, 0);
  });

  await t.test('moving an embargo re-plans the release; a write after it lifted publishes at once', async (t) => {
    const { id } = await draft();
    await f.walkTo(id, 'published', { embargoUntil: later(HOUR).toISOString() }, clock.now);
    const since = await tail();
    const moved = later(2 * HOUR);
    t.equal((await patch(id, { title: 'Still under embargo' })).statusCode, 200);
    await app.db.transaction(async (tx) => {
      // The workflow has no "move embargo" action on a published article; a system write stands in for one.
      const [before] = await tx.select().from(articles).where(eq(articles.id, id));
      await tx.update(articles).set({ embargoUntil: moved }).where(eq(articles.id, id));
      await afterArticleWrite(tx, id, before, clock.now);
    });
    const [pending] = await app.db.select().from(pendingArticleChanges).where(eq(pendingArticleChanges.articleId, id));
    t.equal(pending.dueAt.toISOString(), moved.toISOString());
    clock.set(later(HOUR + 1000));
    t.notOk((await run()).released.includes(id), 'the old time no longer counts');
    t.same(await entriesSince(since), []);
    clock.set(new Date(moved.getTime() + 1000));
    t.equal((await patch(id, { title: 'Out now' })).statusCode, 200, 'edited after the embargo lifted, before the scheduler ran');
    t.same(eventsOf(await entriesSince(since), id), ['upsert article.published'], 'the edit itself reports the publication');
    t.notOk((await run()).released.includes(id), 'and the scheduler has nothing left to release');
    t.same(eventsOf(await entriesSince(since), id), ['upsert article.published']);
  });

  await t.test('an unpublishAt take-down: reported as a delete at once, tombstoned by the scheduler', async (t) => {
    const before = await tail();
    const { id } = await draft();
    const end = later(HOUR);
    await f.walkTo(id, 'published', { unpublishAt: end.toISOString() }, clock.now);
    const since = await tail();
    t.same(eventsOf(await entriesSince(before), id), ['upsert article.published']);

    clock.set(end);
    const early = (await entriesSince(before)).filter((e) => e.article.id === id);
    t.match(early, [{ action: 'delete', event: 'article.unpublished' }], 'no longer public: the upsert reads as a delete before the scheduler ran');
    t.notOk(early[0].links, 'with nothing to fetch');
    t.equal((await app.inject({ url: `/v1/articles/${id}` })).statusCode, 404);

    t.ok((await run()).unpublished.includes(id));
    const entries = await entriesSince(since);
    t.same(eventsOf(entries, id), ['delete article.unpublished'], 'the scheduler writes the tombstone');
    t.equal(entries[0].at, end.toISOString());
    await run();
    t.same(eventsOf(await entriesSince(since), id), ['delete article.unpublished'], 'once');
  });

  await t.test('limit pages walk every entry exactly once, in order; polling the tail returns nothing new', async (t) => {
    for (let i = 0; i < 3; i++) await f.article({}, clock.now);
    const all = await entriesSince();
    t.ok(all.length >= 10, `${all.length} entries in the feed`);
    const ids = all.map((e) => Number(e.id));
    t.same(ids, [...ids].sort((a, b) => a - b), 'oldest first');
    t.equal(new Set(ids).size, ids.length, 'no duplicates');

    const walked: Entry[] = [];
    let since: string | undefined;
    for (;;) {
      const res = await changes({ limit: 2, ...(since ? { since } : {}) });
      const body = res.json();
      t.ok(body.data.length <= 2);
      walked.push(...body.data);
      t.equal(body.links.next, `/v1/changes?limit=2&since=${body.meta.next}`);
      if (body.meta.hasMore) t.equal(res.headers.link, `<http://dateline.test${body.links.next}>; rel="next"`);
      else t.notOk(res.headers.link);
      since = body.meta.next;
      if (!body.meta.hasMore) break;
    }
    t.same(walked, all, 'the pages together are the whole feed');

    const idle = (await changes({ since: since! })).json();
    t.same(idle, { data: [], meta: { next: since, hasMore: false }, links: { self: `/v1/changes?since=${since}`, next: `/v1/changes?since=${since}` } }, 'nothing new: the same cursor back');
    const empty = (await changes({ 'filter[locale]': 'vi' })).json();
    t.same(empty.data, []);
    t.equal((await changes({ since: empty.meta.next })).json().data.length, all.length, 'the start cursor reads from the beginning');
  });

  await t.test('bad parameters are 400 problems pointing at them', async (t) => {
    const numeric = Buffer.from('-1').toString('base64url');
    const cases: Array<[Record<string, string>, string]> = [
      [{ since: 'not a cursor' }, '/query/since'],
      [{ since: Buffer.from('twelve').toString('base64url') }, '/query/since'],
      [{ since: numeric }, '/query/since'],
      [{ since: Buffer.from('007').toString('base64url') }, '/query/since'],
      [{ since: Buffer.from('99999999999999999999').toString('base64url') }, '/query/since'],
      [{ since: 'MA=' }, '/query/since'],
      [{ since: '' }, '/query/since'],
      [{ limit: '0' }, '/query/limit'],
      [{ limit: '1001' }, '/query/limit'],
      [{ limit: '1e400' }, '/query/limit'],
      [{ limit: '2.5' }, '/query/limit'],
      [{ 'filter[locale]': 'English' }, '/query/filter[locale]'],
      [{ 'filter[status]': 'draft' }, '/query/filter[status]'],
    ];
    for (const [query, pointer] of cases) {
      const res = await changes(query);
      t.equal(res.statusCode, 400, JSON.stringify(query));
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.equal(res.json().errors?.[0]?.pointer, pointer, `${JSON.stringify(query)} points at ${pointer}`);
    }
    t.equal((await changes({ since: numeric })).json().code, 'INVALID_CURSOR');
  });

  await t.test('a refused or rolled-back write leaves no entry', async (t) => {
    const { id } = await f.article({}, clock.now);
    const other = await f.article({}, clock.now);
    const rowsBefore = await changeRows();
    const since = await tail();
    const stale = await etagOf(id);
    t.equal((await patch(id, { title: 'First' })).statusCode, 200);
    const afterFirst = await tail();
    t.equal((await patch(id, { title: 'Second' }, stale)).statusCode, 412, 'stale If-Match');
    t.equal((await patch(id, { slug: await slugOf(other.id) })).statusCode, 409, 'duplicate slug');
    t.equal(
      (await app.inject({ method: 'DELETE', url: `/v1/articles/${id}`, headers: { ...auth, 'if-match': stale } })).statusCode,
      412,
      'stale delete',
    );
    t.same(eventsOf(await entriesSince(since), id), ['upsert article.updated'], 'only the write that went through');
    await t.rejects(
      app.db.transaction(async (tx) => {
        const [before] = await tx.select().from(articles).where(eq(articles.id, id));
        await tx.update(articles).set({ title: 'Never committed' }).where(eq(articles.id, id));
        await afterArticleWrite(tx, id, before, clock.now);
        throw new Error('rolled back');
      }),
      { message: 'rolled back' },
    );
    t.same(await entriesSince(afterFirst), [], 'a write rolled back after recording its change leaves nothing');
    t.equal(await changeRows(), rowsBefore + 1);
  });

  await t.test(
    'an entry is readable only after every earlier one: overlapping writers commit in seq order',
    { skip: process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL: PGlite runs one connection, so writers cannot overlap' },
    async (t) => {
      const first = await f.article({}, clock.now);
      const second = await f.article({}, clock.now);
      const since = await tail();
      let recorded!: () => void;
      const firstRecorded = new Promise<void>((resolve) => (recorded = resolve));
      let commit!: () => void;
      const mayCommit = new Promise<void>((resolve) => (commit = resolve));
      const slow = app.db.transaction(async (tx) => {
        const [before] = await tx.select().from(articles).where(eq(articles.id, first.id));
        await tx.update(articles).set({ title: 'Slow writer' }).where(eq(articles.id, first.id));
        await afterArticleWrite(tx, first.id, before, clock.now);
        recorded();
        await mayCommit;
      });
      await firstRecorded;
      let fastDone = false;
      const fast = patch(second.id, { title: 'Fast writer' }).then((res) => {
        fastDone = true;
        return res;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      t.notOk(fastDone, 'the second writer waits for the first to commit');
      t.same(await entriesSince(since), [], 'nothing readable while the first is uncommitted');
      commit();
      await slow;
      t.equal((await fast).statusCode, 200);
      const entries = await entriesSince(since);
      t.same(entries.map((e) => e.article.id), [first.id, second.id], 'in commit order');
    },
  );
});
