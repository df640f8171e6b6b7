import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { articleRevisions, auditLog } from '../src/db/schema/index.js';
import { runDueTransitions, startScheduler } from '../src/modules/articles/scheduler.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

t.test('scheduling, embargo and take-down', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, auth, clock } = ctx;
  const f = factories(app.db);
  await f.bilingualSite();
  const at = (ms: number) => new Date(clock.now.getTime() + ms);
  const run = (when: Date) => runDueTransitions(app.db, when);
  const statusOf = async (id: string) => (await app.inject({ url: `/v1/articles/${id}`, headers: auth })).json().data.status as string;

  /**
   * Where an article shows up for a caller, on every public read route: itself, a list, by slug, as an
   * included translation of its sibling (single and list) and in the sibling's translations endpoint.
   */
  const sightings = async (target: { id: string; slug: string; locale: string }, sibling: string, headers: Record<string, string> = {}) => {
    const get = (url: string) => app.inject({ url, headers });
    const listed = (await get(`/v1/articles?filter[locale]=${target.locale}&page[size]=100`)).json().data.map((a: { id: string }) => a.id);
    const siblingList = (await get(`/v1/articles?filter[translationGroup]=${(await get(`/v1/articles/${sibling}`)).json().data.translationGroupId}&include=translations`)).json().data;
    const viaListInclude = siblingList.find((a: { id: string }) => a.id === sibling)?.translations.map((x: { id: string }) => x.id) ?? [];
    return {
      single: (await get(`/v1/articles/${target.id}`)).statusCode === 200,
      list: listed.includes(target.id),
      bySlug: (await get(`/v1/articles/by-slug/${target.locale}/${target.slug}`)).statusCode === 200,
      include: (await get(`/v1/articles/${sibling}?include=translations`)).json().data.translations.some((x: { id: string }) => x.id === target.id),
      listInclude: viaListInclude.includes(target.id),
      translations: (await get(`/v1/articles/${sibling}/translations`)).json().data.some((x: { id: string }) => x.id === target.id),
    };
  };
  const nowhere = { single: false, list: false, bySlug: false, include: false, listInclude: false, translations: false };
  const everywhere = { single: true, list: true, bySlug: true, include: true, listInclude: true, translations: true };

  /** A published English story and its Chinese translation, walked to `scheduled` for `publishAt`. */
  const scheduledTranslation = async (publishAt: Date, timing: Record<string, string> = {}) => {
    const en = await f.article({}, clock.now);
    const zh = await f.translation(en.id, 'zh', { title: '定时发布', slug: `scheduled-${en.id.slice(-12)}` }, clock.now);
    await f.walkTo(zh.id, 'scheduled', { publishAt: publishAt.toISOString(), ...timing }, clock.now);
    return { en: en.id, zh: { id: zh.id, slug: `scheduled-${en.id.slice(-12)}`, locale: 'zh' } };
  };

  await t.test('a scheduled article appears at its time and not a second before, on every public route', async (t) => {
    const T = at(3_600_000);
    const { en, zh } = await scheduledTranslation(T);
    t.same(await sightings(zh, en), nowhere, 'hidden while scheduled');

    clock.set(new Date(T.getTime() - 1000));
    t.same(await sightings(zh, en), nowhere, 'one second before, the scheduler not run: hidden');
    t.notOk((await run(clock.now)).published.includes(zh.id), 'one second before, the scheduler does not publish it');
    t.same(await sightings(zh, en), nowhere, 'one second before, after a pass: hidden');

    clock.set(T);
    t.same(await sightings(zh, en), nowhere, 'at its time but before the scheduler ran: still hidden (late by one pass, never early)');
    t.ok((await run(clock.now)).published.includes(zh.id), 'the pass at its time publishes it');
    t.same(await sightings(zh, en), everywhere, 'at its time, after the pass: everywhere');

    const data = (await app.inject({ url: `/v1/articles/${zh.id}` })).json().data;
    t.match(data, { status: 'published', publishedAt: T.toISOString(), firstPublishedAt: T.toISOString(), publishAt: null });
    const [revision] = await app.db.select().from(articleRevisions).where(and(eq(articleRevisions.articleId, zh.id), eq(articleRevisions.reason, 'publish (scheduled)')));
    t.match(revision.actor, { type: 'system', name: 'scheduler' });
    t.same(revision.changedFields, ['firstPublishedAt', 'publishAt', 'publishedAt', 'status']);
    const audit = await app.db.select().from(auditLog).where(and(eq(auditLog.resourceId, zh.id), eq(auditLog.action, 'article.publish')));
    t.equal(audit.length, 1);
    t.match(audit[0], { actor: { type: 'system', name: 'scheduler' }, details: { scheduled: true, publishAt: T.toISOString() } });
    t.notOk((await run(clock.now)).published.includes(zh.id), 'a second pass does not publish it again');
    clock.set(new Date());
  });

  await t.test('partners with preview:read read scheduled and embargoed articles; content:read reads everything', async (t) => {
    const { en, zh } = await scheduledTranslation(at(3_600_000));
    const partner = { authorization: `Bearer ${await ctx.tokenWith(['preview:read'])}` };
    const seen = await sightings(zh, en, partner);
    t.same(seen, everywhere, 'a partner sees the scheduled translation on every route');
    const single = await app.inject({ url: `/v1/articles/${zh.id}`, headers: partner });
    t.equal(single.headers['cache-control'], 'private, no-store', 'never in a shared cache');
    const draft = await f.article({ status: 'draft', publishedAt: null });
    t.equal((await app.inject({ url: `/v1/articles/${draft.id}`, headers: partner })).statusCode, 404, 'but not drafts');
    const reader = { authorization: `Bearer ${await ctx.tokenWith(['content:read'])}` };
    t.equal((await app.inject({ url: `/v1/articles/${draft.id}`, headers: reader })).statusCode, 200);
  });

  await t.test('an embargo holds a published article back from the public until it lifts', async (t) => {
    const embargoUntil = at(1_800_000);
    const en = await f.article({}, clock.now);
    const zh = await f.translation(en.id, 'zh', { title: '禁发', slug: `embargoed-${en.id.slice(-12)}` }, clock.now);
    await f.walkTo(zh.id, 'published', { embargoUntil: embargoUntil.toISOString() }, clock.now);
    const target = { id: zh.id, slug: `embargoed-${en.id.slice(-12)}`, locale: 'zh' };
    t.equal(await statusOf(zh.id), 'published');
    t.same(await sightings(target, en.id), nowhere, 'published but embargoed: invisible anonymously');
    const partner = { authorization: `Bearer ${await ctx.tokenWith(['preview:read'])}` };
    t.same(await sightings(target, en.id, partner), everywhere, 'visible to a preview:read partner');

    clock.set(new Date(embargoUntil.getTime() - 1000));
    t.same(await sightings(target, en.id), nowhere, 'one second before the embargo lifts: hidden');
    clock.set(embargoUntil);
    t.same(await sightings(target, en.id), everywhere, 'the moment it lifts: public, with no scheduler pass needed');
    clock.set(new Date());
  });

  await t.test('a scheduled article with a later embargo goes live at the embargo, not at publishAt', async (t) => {
    const T = at(600_000);
    const embargo = at(1_200_000);
    const { en, zh } = await scheduledTranslation(T, { embargoUntil: embargo.toISOString() });
    clock.set(T);
    t.ok((await run(clock.now)).published.includes(zh.id));
    t.same(await sightings(zh, en), nowhere, 'published by the scheduler, still under embargo');
    clock.set(embargo);
    t.same(await sightings(zh, en), everywhere);
    clock.set(new Date());
  });

  await t.test('unpublishAt takes an article down at its time, even before the scheduler runs', async (t) => {
    const end = at(3_600_000);
    const en = await f.article({}, clock.now);
    const zh = await f.translation(en.id, 'zh', { title: '限时', slug: `timed-${en.id.slice(-12)}` }, clock.now);
    await f.walkTo(zh.id, 'published', { unpublishAt: end.toISOString() }, clock.now);
    const target = { id: zh.id, slug: `timed-${en.id.slice(-12)}`, locale: 'zh' };
    t.same(await sightings(target, en.id), everywhere);
    clock.set(new Date(end.getTime() - 1000));
    t.same(await sightings(target, en.id), everywhere, 'one second before: still up');
    clock.set(end);
    t.same(await sightings(target, en.id), nowhere, 'at its time, before any pass: gone from every route');
    t.same((await run(clock.now)).unpublished, [zh.id]);
    t.equal(await statusOf(zh.id), 'unpublished');
    const [entry] = await app.db.select().from(auditLog).where(and(eq(auditLog.resourceId, zh.id), eq(auditLog.action, 'article.unpublish')));
    t.match(entry, { actor: { name: 'scheduler' }, details: { scheduled: true, unpublishAt: end.toISOString() } });
    clock.set(new Date());
  });

  await t.test('both times passed while no instance ran: published, then taken down, and the history says so', async (t) => {
    const { zh } = await scheduledTranslation(at(60_000), { unpublishAt: at(120_000).toISOString() });
    const result = await run(at(600_000));
    t.ok(result.published.includes(zh.id) && result.unpublished.includes(zh.id), 'both in one pass');
    const data = (await app.inject({ url: `/v1/articles/${zh.id}`, headers: auth })).json().data;
    t.match(data, { status: 'unpublished', firstPublishedAt: at(60_000).toISOString(), unpublishAt: null });
  });

  await t.test('two passes at once publish each due article exactly once', async (t) => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { id } = await f.article({ status: 'draft', publishedAt: null }, clock.now);
      await f.walkTo(id, 'scheduled', { publishAt: at(60_000 + i).toISOString() }, clock.now);
      ids.push(id);
    }
    const [a, b] = await Promise.all([run(at(120_000)), run(at(120_000))]);
    const all = [...a.published, ...b.published].filter((id) => ids.includes(id));
    t.same(all.sort(), ids.slice().sort(), 'every due article published, none twice');
    for (const id of ids) {
      const revisions = await app.db.select().from(articleRevisions).where(and(eq(articleRevisions.articleId, id), eq(articleRevisions.reason, 'publish (scheduled)')));
      t.equal(revisions.length, 1, 'one revision per publication');
    }
  });

  await t.test('an article the seed creates as scheduled is published by the scheduler at its time', async (t) => {
    const when = at(60_000);
    const { id } = await f.article({ status: 'scheduled', publishedAt: when.toISOString() }, clock.now);
    const data = (await app.inject({ url: `/v1/articles/${id}`, headers: auth })).json().data;
    t.match(data, { status: 'scheduled', publishAt: when.toISOString(), publishedAt: null });
    t.ok((await run(when)).published.includes(id));
    t.equal(await statusOf(id), 'published');
  });

  await t.test('startScheduler publishes on its own within a few ticks and stops cleanly', async (t) => {
    const { id } = await f.article({ status: 'draft', publishedAt: null }, clock.now);
    await f.walkTo(id, 'scheduled', { publishAt: at(1000).toISOString() }, clock.now);
    const scheduler = startScheduler(app, 10);
    t.teardown(() => scheduler.stop());
    clock.advance(2000);
    const deadline = Date.now() + 5000;
    while ((await statusOf(id)) !== 'published' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    t.equal(await statusOf(id), 'published');
    await scheduler.stop();

    const later = await f.article({ status: 'draft', publishedAt: null }, clock.now);
    await f.walkTo(later.id, 'scheduled', { publishAt: at(1000).toISOString() }, clock.now);
    clock.advance(2000);
    await new Promise((r) => setTimeout(r, 100));
    t.equal(await statusOf(later.id), 'scheduled', 'a stopped scheduler does nothing');
    clock.set(new Date());
  });
});
