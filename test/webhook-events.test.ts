// Which webhook events each write puts in the outbox, with which data and for which endpoints; and that a
// write that fails leaves nothing behind.
import { asc, eq } from 'drizzle-orm';
import t from 'tap';
import { v7 as uuidv7 } from 'uuid';
import { articles, webhookDeliveries, webhookEndpoints, webhookEvents } from '../src/db/schema/index.js';
import { systemContext } from '../src/http/context.js';
import { runDueTransitions } from '../src/modules/articles/scheduler.js';
import { deleteArticle, updateArticle } from '../src/modules/articles/service.js';
import { addCorrection, applyAction } from '../src/modules/articles/workflow.js';
import { deleteTag, updateTag } from '../src/modules/tags/service.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { emitEvent } from '../src/modules/webhooks/outbox.js';
import { newSecret } from '../src/modules/webhooks/signature.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

const HOUR = 3_600_000;

t.test('webhook events from writes', async (t) => {
  const { app, clock } = await buildTestApp(t);
  const db = app.db;
  const f = factories(db);
  await f.bilingualSite();
  const endpoint = async (over: Partial<typeof webhookEndpoints.$inferInsert> = {}) => {
    const id = uuidv7();
    await db.insert(webhookEndpoints).values({ id, url: 'https://hooks.example.com/in', events: ['*'], secret: newSecret(), ...over });
    return id;
  };
  const all = await endpoint();
  /** Event types delivered to an endpoint since the last call, in order. */
  let seen = 0;
  const newEvents = async (endpointId = all) => {
    const rows = await db
      .select({ seq: webhookDeliveries.seq, type: webhookEvents.type, data: webhookEvents.data, key: webhookDeliveries.orderingKey })
      .from(webhookDeliveries)
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .where(eq(webhookDeliveries.endpointId, endpointId))
      .orderBy(asc(webhookDeliveries.seq));
    const fresh = rows.filter((r) => r.seq > seen);
    if (endpointId === all && rows.length) seen = rows[rows.length - 1].seq;
    return fresh;
  };
  const types = async () => (await newEvents()).map((e) => e.type);
  const ctx = () => systemContext(clock.now);

  await t.test('the life of an article, event by event', async (t) => {
    const a = await f.article({ status: 'draft', publishedAt: null, title: 'Levee holds' }, clock.now);
    const created = await newEvents();
    t.same(created.map((e) => e.type), ['article.created']);
    t.match(created[0].data, { id: a.id, locale: 'en', slug: 'levee-holds', title: 'Levee holds', status: 'draft', public: false, path: '/v1/articles/by-slug/en/levee-holds' });
    t.equal(created[0].key, `article:${a.id}`);

    await updateArticle(db, a.id, { lead: 'New lead' }, ctx());
    t.same(await types(), ['article.updated']);
    await f.walkTo(a.id, 'in_review', {}, clock.now);
    t.same(await types(), ['article.updated'], 'submit: an editorial change');
    await applyAction(db, a.id, 'approve', {}, ctx());
    const published = await newEvents();
    t.ok(published.some((e) => e.type === 'article.published' && (e.data as { public: boolean }).public), 'published and public');
    await addCorrection(db, a.id, 'An earlier version misnamed the river.', ctx());
    t.same(await types(), ['article.corrected']);
    const zh = await f.translation(a.id, 'zh', { title: '堤坝守住了' }, clock.now);
    const translated = await types();
    t.equal(translated[0], 'translation.created');
    await deleteArticle(db, zh.id, ctx());
    t.same(await types(), ['article.deleted']);
  });

  await t.test('scheduling, the scheduler and embargoes', async (t) => {
    const s = await f.article({ status: 'draft', publishedAt: null }, clock.now);
    await newEvents();
    await f.walkTo(s.id, 'scheduled', {}, clock.now);
    t.ok((await types()).includes('article.scheduled'));
    clock.advance(2 * HOUR);
    await runDueTransitions(db, clock.now);
    t.same(await types(), ['article.published'], 'the scheduler publishes: the outbox row is in its transaction');

    const e = await f.article({ status: 'draft', publishedAt: null }, clock.now);
    await newEvents();
    await f.walkTo(e.id, 'published', { embargoUntil: new Date(clock.now.getTime() + HOUR).toISOString() }, clock.now);
    const underEmbargo = (await newEvents()).filter((x) => x.type === 'article.published');
    t.equal(underEmbargo.length, 1);
    t.equal((underEmbargo[0].data as { public: boolean }).public, false, 'published, but not public yet');
    clock.advance(2 * HOUR);
    await runDueTransitions(db, clock.now);
    const lifted = await newEvents();
    t.same(lifted.map((x) => x.type), ['article.published']);
    t.equal((lifted[0].data as { public: boolean }).public, true, 'the embargo lifted');
  });

  await t.test('categories, tags, authors, sources and the site', async (t) => {
    const tag = await f.tag({ slug: 'river-towns' });
    t.same(await types(), ['tag.created']);
    await updateTag(db, tag.id, { slug: 'river-cities' }, ctx());
    const updated = await newEvents();
    t.same(updated.map((e) => e.type), ['tag.updated']);
    t.match(updated[0].data, { id: tag.id, slug: 'river-cities', version: 2 });
    await deleteTag(db, tag.id, ctx());
    t.same(await types(), ['tag.deleted']);
    await f.category();
    await f.author();
    await f.source();
    t.same(await types(), ['category.created', 'author.created', 'source.created']);
    await replaceSiteSettings(db, { ...DEFAULT_SETTINGS, locales: [{ code: 'en', name: 'English' }, { code: 'zh', name: '中文' }] }, ctx());
    t.same(await types(), ['site.updated']);
  });

  await t.test('a write that fails or rolls back leaves no event', async (t) => {
    const a = await f.article({ slug: 'taken' }, clock.now);
    const b = await f.article({}, clock.now);
    await newEvents();
    /** The HTTP status a refused write carries (undefined if it went through). */
    const refusal = (write: Promise<unknown>) => write.then(() => undefined, (err: { status?: number }) => err.status);
    t.equal(await refusal(updateArticle(db, b.id, { slug: 'taken' }, ctx())), 409);
    t.equal(await refusal(updateArticle(db, a.id, { title: 'x' }, { ...ctx(), expectedVersion: 999 })), 412);
    await t.rejects(
      db.transaction(async (tx) => {
        await emitEvent(tx, { type: 'tag.created', data: {}, orderingKey: 'tag:x' }, clock.now);
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    t.same(await types(), []);
  });

  await t.test('endpoints get only what they subscribe to', async (t) => {
    const world = await f.category({ slug: 'world-news' });
    const onlyPublished = await endpoint({ events: ['article.published'] });
    const onlyTags = await endpoint({ events: ['tag.*'] });
    const onlyZh = await endpoint({ events: ['article.*'], locales: ['zh'] });
    const onlyWorld = await endpoint({ events: ['article.*'], categoryIds: [world.id] });
    const inactive = await endpoint({ active: false });
    const disabled = await endpoint({ disabledAt: clock.now, disabledReason: 'kept failing' });
    const a = await f.article({ categoryId: world.id }, clock.now);
    await f.tag();
    const zh = await f.translation(a.id, 'zh', { title: '世界', status: 'published' }, clock.now);
    const typesOf = async (id: string) => (await newEvents(id)).map((e) => e.type);
    t.same(await typesOf(onlyPublished), ['article.published', 'article.published']);
    t.same(await typesOf(onlyTags), ['tag.created']);
    // article.* is one family and translation.* another: the Chinese version's publication is an article event.
    t.same(await typesOf(onlyZh), ['article.published']);
    t.same(await typesOf(onlyWorld), ['article.created', 'article.published', 'article.published']);
    t.equal((await db.select().from(articles).where(eq(articles.id, zh.id))).length, 1);
    t.same(await typesOf(inactive), []);
    t.same(await typesOf(disabled), []);
  });
});
