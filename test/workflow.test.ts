import { and, asc, eq } from 'drizzle-orm';
import t from 'tap';
import { articleRevisions, auditLog } from '../src/db/schema/index.js';
import { systemContext } from '../src/http/context.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { createUser } from '../src/modules/users/service.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

type State = 'draft' | 'in_review' | 'scheduled' | 'published' | 'unpublished' | 'archived';
type Action = 'submit' | 'reject' | 'approve' | 'schedule' | 'publish' | 'unpublish' | 'archive' | 'restore';
const STATES: State[] = ['draft', 'in_review', 'scheduled', 'published', 'unpublished', 'archived'];
const ACTIONS: Action[] = ['submit', 'reject', 'approve', 'schedule', 'publish', 'unpublish', 'archive', 'restore'];

// The state machine as the README documents it: state → action → next state. Anything else is a 409.
const MACHINE: Record<State, Partial<Record<Action, State>>> = {
  draft: { submit: 'in_review', archive: 'archived' },
  in_review: { reject: 'draft', approve: 'published', archive: 'archived' },
  scheduled: { reject: 'draft', schedule: 'scheduled', publish: 'published', archive: 'archived' },
  published: { unpublish: 'unpublished', archive: 'archived' },
  unpublished: { schedule: 'scheduled', publish: 'published', archive: 'archived', restore: 'draft' },
  archived: { restore: 'draft' },
};

t.test('editorial workflow', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, auth } = ctx;
  const f = factories(app.db);
  const inHours = (h: number) => new Date(ctx.clock.now.getTime() + h * 3_600_000).toISOString();
  const bodies = (): Record<Action, Record<string, unknown> | undefined> => ({
    submit: undefined,
    reject: { note: 'Needs a second source.' },
    approve: undefined,
    schedule: { publishAt: inHours(2) },
    publish: {},
    unpublish: undefined,
    archive: { note: 'Old news.' },
    restore: undefined,
  });

  const read = (id: string) => app.inject({ url: `/v1/articles/${id}`, headers: auth });
  const etagOf = async (id: string) => String((await read(id)).headers.etag);
  const versionOf = async (id: string) => Number(/^"v(\d+)-/.exec(await etagOf(id))![1]);
  /** POSTs an action with the current ETag (or the headers given). */
  const act = async (id: string, action: string, body?: Record<string, unknown>, headers: Record<string, string> = auth) =>
    app.inject({
      method: 'POST',
      url: `/v1/articles/${id}/${action}`,
      headers: { ...headers, 'if-match': await etagOf(id) },
      ...(body !== undefined ? { payload: body } : {}),
    });
  const draftIn = async (state: State) => {
    const { id } = await f.article({ status: 'draft', publishedAt: null });
    await f.walkTo(id, state, {}, ctx.clock.now);
    return id;
  };

  await t.test('every legal transition moves the state; every illegal one is a 409 listing the allowed actions', async (t) => {
    for (const state of STATES) {
      for (const action of ACTIONS) {
        const id = await draftIn(state);
        const before = await versionOf(id);
        const res = await act(id, action, bodies()[action]);
        const next = MACHINE[state][action];
        const label = `${state} --${action}-->`;
        if (next) {
          t.equal(res.statusCode, 200, `${label} ${next}: ${res.body.slice(0, 200)}`);
          t.equal(res.json().data.status, next, label);
          t.same(res.json().meta.allowedActions.sort(), Object.keys(MACHINE[next]).sort(), `${label} names what may happen next`);
          t.match(String(res.headers.etag), new RegExp(`^"v${before + 1}-`), `${label} answers with the new ETag`);
        } else {
          t.equal(res.statusCode, 409, `${label} is refused`);
          t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
          t.equal(res.json().code, 'CONFLICT');
          t.equal(res.json().status, 409);
          t.same([...res.json().allowed].sort(), Object.keys(MACHINE[state]).sort(), `${label} 409 lists the allowed actions`);
          t.equal(res.json().currentStatus, state);
          t.equal(await versionOf(id), before, `${label} changed nothing`);
        }
      }
    }
  });

  await t.test('each action is one revision and one audit entry; a rejection keeps its note', async (t) => {
    const id = await draftIn('in_review');
    const res = await act(id, 'reject', { note: 'The headline overstates it.' });
    t.equal(res.statusCode, 200);
    const revisions = await app.db.select().from(articleRevisions).where(eq(articleRevisions.articleId, id)).orderBy(asc(articleRevisions.number));
    t.same(revisions.map((r) => r.reason), ['create', 'submit', 'reject: The headline overstates it.']);
    t.same(revisions[2].changedFields, ['status']);
    t.equal(revisions[2].actor.type, 'token');
    const audit = await app.db.select().from(auditLog).where(and(eq(auditLog.resourceId, id), eq(auditLog.action, 'article.reject')));
    t.equal(audit.length, 1);
    t.match(audit[0].details, { from: 'in_review', to: 'draft', note: 'The headline overstates it.' });
    t.ok(audit[0].requestId, 'the audit entry names the request');
  });

  await t.test('firstPublishedAt is set once; publishedAt is the current publication; updatedAt moves every time', async (t) => {
    const id = await draftIn('in_review');
    const first = (await act(id, 'approve')).json().data;
    t.equal(first.status, 'published');
    t.equal(first.publishedAt, ctx.clock.now.toISOString());
    t.equal(first.firstPublishedAt, first.publishedAt);
    ctx.clock.advance(3_600_000);
    const down = (await act(id, 'unpublish')).json().data;
    t.equal(down.updatedAt, ctx.clock.now.toISOString());
    t.equal(down.firstPublishedAt, first.firstPublishedAt);
    ctx.clock.advance(3_600_000);
    const again = (await act(id, 'publish')).json().data;
    t.equal(again.publishedAt, ctx.clock.now.toISOString(), 'republishing is a new publication time');
    t.equal(again.firstPublishedAt, first.firstPublishedAt, 'the first publication never moves');
    t.equal(again.updatedAt, ctx.clock.now.toISOString());
    ctx.clock.set(new Date());
  });

  await t.test('approve schedules when publishAt is in the future; times that make no sense are 422', async (t) => {
    const id = await draftIn('in_review');
    const publishAt = inHours(3);
    const bad: Array<[string, Record<string, unknown>, number, string]> = [
      ['approve', { publishAt, unpublishAt: inHours(2) }, 422, '/body/unpublishAt'],
      ['approve', { publishAt: 'tomorrow' }, 400, '/body/publishAt'],
      ['approve', { publishAt, colour: 'red' }, 400, '/body/colour'],
      ['reject', {}, 400, '/body/note'],
      ['reject', { note: '' }, 400, '/body/note'],
    ];
    for (const [action, body, status, pointer] of bad) {
      const res = await act(id, action, body);
      t.equal(res.statusCode, status, `${action} ${JSON.stringify(body)}`);
      t.equal(res.json().errors?.[0]?.pointer, pointer);
    }
    t.equal(await versionOf(id), 2, 'refused actions changed nothing');

    const scheduled = await act(id, 'approve', { publishAt: publishAt.replace('Z', '+00:00'), embargoUntil: inHours(4) });
    t.equal(scheduled.statusCode, 200);
    t.match(scheduled.json().data, { status: 'scheduled', publishAt, embargoUntil: inHours(4), publishedAt: null });

    const past = await act(id, 'schedule', { publishAt: inHours(-1) });
    t.equal(past.statusCode, 422);
    t.equal(past.json().errors[0].pointer, '/body/publishAt');
    const moved = await act(id, 'schedule', { publishAt: inHours(5), embargoUntil: null });
    t.match(moved.json().data, { status: 'scheduled', publishAt: inHours(5), embargoUntil: null }, 'rescheduled, embargo lifted explicitly');
    const kept = await act(id, 'schedule', { publishAt: inHours(6) });
    t.equal(kept.json().data.unpublishAt, null);

    // Publishing a scheduled article now keeps its embargo unless told otherwise: an embargo is never dropped by accident.
    await act(id, 'schedule', { publishAt: inHours(6), embargoUntil: inHours(8) });
    const now = await act(id, 'publish');
    t.match(now.json().data, { status: 'published', publishAt: null, embargoUntil: inHours(8) });
    const pulled = await act(id, 'unpublish', { note: 'Legal asked.' });
    t.equal(pulled.json().data.status, 'unpublished');
  });

  await t.test('editing a scheduled or published article keeps its dates and its schedule', async (t) => {
    const scheduled = await draftIn('scheduled');
    const before = (await read(scheduled)).json().data;
    ctx.clock.advance(60_000);
    const edited = await app.inject({ method: 'PATCH', url: `/v1/articles/${scheduled}`, headers: { ...auth, 'if-match': await etagOf(scheduled) }, payload: { title: 'A better headline' } });
    t.equal(edited.statusCode, 200);
    t.match(edited.json().data, { status: 'scheduled', publishAt: before.publishAt, publishedAt: null, updatedAt: ctx.clock.now.toISOString() });
    const published = await draftIn('published');
    const live = (await read(published)).json().data;
    ctx.clock.advance(60_000);
    const fixed = await app.inject({ method: 'PATCH', url: `/v1/articles/${published}`, headers: { ...auth, 'if-match': await etagOf(published) }, payload: { lead: 'Sharper.' } });
    t.match(fixed.json().data, { publishedAt: live.publishedAt, firstPublishedAt: live.firstPublishedAt, updatedAt: ctx.clock.now.toISOString() });
    ctx.clock.set(new Date());
  });

  await t.test('If-Match is required and must be current; of two concurrent actions exactly one wins', async (t) => {
    const id = await draftIn('draft');
    const etag = await etagOf(id);
    const missing = await app.inject({ method: 'POST', url: `/v1/articles/${id}/submit`, headers: auth });
    t.equal(missing.statusCode, 428);
    t.equal(missing.json().code, 'PRECONDITION_REQUIRED');
    t.equal(missing.json().errors[0].pointer, '/headers/if-match');

    const post = (action: string, tag: string, payload?: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: `/v1/articles/${id}/${action}`, headers: { ...auth, 'if-match': tag }, ...(payload ? { payload } : {}) });
    const [a, b] = await Promise.all([post('submit', etag), post('submit', etag)]);
    t.same([a.statusCode, b.statusCode].sort(), [200, 412], 'one submit wins, the other is stale');
    const loser = a.statusCode === 412 ? a : b;
    t.equal(loser.json().code, 'PRECONDITION_FAILED');
    t.equal(loser.json().etag, '"v2"', 'the problem names the current version');

    const stale = await post('approve', etag);
    t.equal(stale.statusCode, 412, 'an old ETag is refused');
    const current = await etagOf(id);
    const [approve, reject] = await Promise.all([post('approve', current), post('reject', current, { note: 'No.' })]);
    t.same([approve.statusCode, reject.statusCode].sort(), [200, 412], 'approve and reject at once: exactly one happens');
    const revisions = await app.db.select().from(articleRevisions).where(eq(articleRevisions.articleId, id));
    t.equal(revisions.length, 3, 'create, submit, and one of approve/reject: the losers left no revision');
  });

  await t.test('scopes: content:write submits and restores; approving and publishing need content:publish', async (t) => {
    const writer = { authorization: `Bearer ${await ctx.tokenWith(['content:read', 'content:write'])}` };
    const reader = { authorization: `Bearer ${await ctx.tokenWith(['content:read'])}` };
    const id = await draftIn('draft');
    t.equal((await act(id, 'submit', undefined, reader)).statusCode, 403);
    t.equal((await act(id, 'submit', undefined, writer)).statusCode, 200);
    const refused = await act(id, 'approve', undefined, writer);
    t.equal(refused.statusCode, 403);
    t.match(refused.json().detail, /content:publish/);
    const anonymous = await app.inject({ method: 'POST', url: `/v1/articles/${id}/approve`, headers: { 'if-match': await etagOf(id) } });
    t.equal(anonymous.statusCode, 401);
    t.equal((await act(id, 'approve')).statusCode, 200);
    t.equal((await act(id, 'unpublish', undefined, writer)).statusCode, 403);
    const missing = await app.inject({ method: 'POST', url: '/v1/articles/01900000-0000-7000-8000-000000000000/submit', headers: { ...auth, 'if-match': '"v1"' } });
    t.equal(missing.statusCode, 404);
  });

  await t.test('authors publish their own articles only when the site allows it', async (t) => {
    const profile = await f.author();
    const password = 'correct horse battery staple';
    const user = await createUser(app.db, { email: 'author@example.com', displayName: 'An Author', role: 'author', password, authorId: profile.id }, systemContext());
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'author@example.com', password } });
    t.equal(login.statusCode, 200, login.body);
    const session = { authorization: `Bearer ${login.json().data.token}` };
    const own = await f.article({ status: 'draft', publishedAt: null, authors: [{ authorId: profile.id, role: 'writer' }] });
    const others = await f.article({ status: 'draft', publishedAt: null });
    for (const id of [own.id, others.id]) await f.walkTo(id, 'in_review', {}, ctx.clock.now);

    const denied = await act(own.id, 'approve', undefined, session);
    t.equal(denied.statusCode, 403, 'off by default');
    t.match(denied.json().detail, /authors publish|not let authors/);
    await replaceSiteSettings(app.db, { ...DEFAULT_SETTINGS, locales: [{ code: 'en', name: 'English' }, { code: 'zh', name: '中文' }], workflow: { authorsMayPublish: true } }, systemContext());
    t.equal((await act(others.id, 'approve', undefined, session)).statusCode, 403, "never someone else's");
    const allowed = await act(own.id, 'approve', undefined, session);
    t.equal(allowed.statusCode, 200, allowed.body);
    const [entry] = await app.db.select().from(auditLog).where(and(eq(auditLog.resourceId, own.id), eq(auditLog.action, 'article.approve')));
    t.match(entry.actor, { type: 'user', id: user.id });
    await replaceSiteSettings(app.db, { ...DEFAULT_SETTINGS, locales: [{ code: 'en', name: 'English' }, { code: 'zh', name: '中文' }] }, systemContext());
  });

  await t.test('the API creates drafts only, and PATCH cannot change the status', async (t) => {
    const created = await app.inject({ method: 'POST', url: '/v1/articles', headers: auth, payload: { locale: 'en', title: 'Only a draft' } });
    t.equal(created.statusCode, 201);
    t.equal(created.json().data.status, 'draft');
    const forced = await app.inject({ method: 'POST', url: '/v1/articles', headers: auth, payload: { locale: 'en', title: 'Sneaky', status: 'published' } });
    t.equal(forced.statusCode, 400);
    t.equal(forced.json().errors[0].pointer, '/body/status');
    const id = created.json().data.id;
    for (const payload of [{ status: 'published' }, { publishedAt: '2025-01-01T00:00:00Z' }]) {
      const res = await app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: { ...auth, 'if-match': await etagOf(id) }, payload });
      t.equal(res.statusCode, 400, JSON.stringify(payload));
      t.equal(res.json().errors[0].pointer, `/body/${Object.keys(payload)[0]}`);
    }
    t.equal((await read(id)).json().data.status, 'draft');
  });

  await t.test('corrections: appended to a published article, public, and firstPublishedAt stays', async (t) => {
    const id = await draftIn('published');
    const before = (await read(id)).json().data;
    ctx.clock.advance(7_200_000);
    const correct = (text: string, headers = auth) => act(id, 'corrections', { text }, headers);
    const res = await correct('An earlier version misspelled the minister’s name.');
    t.equal(res.statusCode, 200, res.body);
    const after = res.json().data;
    t.same(after.corrections, [{ text: 'An earlier version misspelled the minister’s name.', at: ctx.clock.now.toISOString() }]);
    t.equal(after.updatedAt, ctx.clock.now.toISOString(), 'updatedAt moves');
    t.equal(after.publishedAt, before.publishedAt, 'publishedAt does not');
    t.equal(after.firstPublishedAt, before.firstPublishedAt, 'firstPublishedAt does not');
    ctx.clock.advance(60_000);
    await correct('A second fix.');
    const pub = (await app.inject({ url: `/v1/articles/${id}` })).json().data;
    t.same(pub.corrections.map((c: { text: string }) => c.text), ['An earlier version misspelled the minister’s name.', 'A second fix.'], 'readers see them, oldest first');

    const writer = { authorization: `Bearer ${await ctx.tokenWith(['content:write'])}` };
    t.equal((await correct('nope', writer)).statusCode, 403);
    t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${id}/corrections`, headers: auth, payload: { text: 'x' } })).statusCode, 428);
    t.equal((await correct('')).statusCode, 400);
    const draft = await draftIn('draft');
    const refused = await act(draft, 'corrections', { text: 'Too early.' });
    t.equal(refused.statusCode, 409);
    t.same(refused.json().allowed.sort(), ['archive', 'submit']);
    ctx.clock.set(new Date());
  });
});
