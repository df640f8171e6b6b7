import t from 'tap';
import { loadConfig } from '../src/config.js';
import { signPreviewToken, verifyPreviewToken } from '../src/modules/articles/preview.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

const SECRET = 'a-shared-secret-of-at-least-32-characters';
const TTL = 1800;

t.test('preview links', async (t) => {
  const ctx = await buildTestApp(t, { PREVIEW_SECRET: SECRET, PREVIEW_TTL_SECONDS: String(TTL) });
  const { app, auth, clock } = ctx;
  const f = factories(app.db);
  await f.bilingualSite();
  const link = (id: string, headers: Record<string, string> = auth) => app.inject({ method: 'POST', url: `/v1/articles/${id}/preview-links`, headers });
  const open = (token: string, query = '') => app.inject({ url: `/v1/preview/${token}${query}` });

  await t.test('a link reads exactly one draft, without credentials, until it expires', async (t) => {
    const draft = await f.article({ status: 'draft', publishedAt: null, title: 'Secret draft' });
    const sibling = await f.translation(draft.id, 'zh', { title: '另一份草稿' });
    const res = await link(draft.id);
    t.equal(res.statusCode, 201, res.body);
    const { token, url, expiresAt } = res.json().data;
    t.equal(url, `http://dateline.test/v1/preview/${token}`);
    t.equal(Date.parse(expiresAt), Math.floor(clock.now.getTime() / 1000) * 1000 + TTL * 1000);

    const read = await app.inject({ url: url.replace('http://dateline.test', '') });
    t.equal(read.statusCode, 200);
    t.match(read.json().data, { id: draft.id, status: 'draft', title: 'Secret draft' });
    t.equal(read.headers['cache-control'], 'private, no-store', 'never cached by a CDN');
    t.same(Object.keys((await open(token, '?fields=title')).json().data).sort(), ['id', 'title'], 'fields work');
    const withTranslations = (await open(token, '?include=translations')).json().data;
    t.same(withTranslations.translations, [], 'the draft sibling stays hidden: the link grants this one article only');
    t.equal((await open(token, '?include=secrets')).statusCode, 400);
    t.equal((await app.inject({ url: `/v1/articles/${draft.id}` })).statusCode, 404, 'the article itself is still not public');

    // Tampering: another article's id, another expiry, another signature.
    const [, exp, sig] = token.split('.');
    const forged = [`${sibling.id}.${exp}.${sig}`, `${draft.id}.${Number(exp) + 86_400}.${sig}`, `${draft.id}.${exp}.${sig.slice(0, -2)}AA`, 'garbage', `${draft.id}.${exp}`];
    for (const bad of forged) {
      const res = await open(bad);
      t.equal(res.statusCode, 401, bad);
      t.equal(res.json().code, 'UNAUTHORIZED');
    }
    const asBearer = await app.inject({ url: `/v1/articles/${draft.id}`, headers: { authorization: `Bearer ${token}` } });
    t.equal(asBearer.statusCode, 401, 'a preview token is not a bearer token');

    clock.set(new Date(Date.parse(expiresAt) - 1000));
    t.equal((await open(token)).statusCode, 200, 'a second before expiry it still works');
    clock.set(new Date(expiresAt));
    const expired = await open(token);
    t.equal(expired.statusCode, 401);
    t.match(expired.json().detail, /expired/);
    clock.set(new Date());
  });

  await t.test('who may make a link, and for what', async (t) => {
    const draft = await f.article({ status: 'draft', publishedAt: null });
    const scheduled = await f.article({ status: 'draft', publishedAt: null });
    await f.walkTo(scheduled.id, 'scheduled', {}, clock.now);
    t.equal((await link(draft.id, {})).statusCode, 401);
    const reader = { authorization: `Bearer ${await ctx.tokenWith(['content:read'])}` };
    const refused = await link(draft.id, reader);
    t.equal(refused.statusCode, 403);
    t.match(refused.json().detail, /preview:read/);
    const writer = { authorization: `Bearer ${await ctx.tokenWith(['content:write'])}` };
    t.equal((await link(draft.id, writer)).statusCode, 201);
    const partner = { authorization: `Bearer ${await ctx.tokenWith(['preview:read'])}` };
    t.equal((await link(scheduled.id, partner)).statusCode, 201, 'a partner may link a scheduled article it can read');
    t.equal((await link(draft.id, partner)).statusCode, 404, 'but not a draft it cannot');
    t.equal((await link('01900000-0000-7000-8000-000000000000')).statusCode, 404);

    const token = (await link(draft.id)).json().data.token;
    await app.inject({ method: 'DELETE', url: `/v1/articles/${draft.id}`, headers: { ...auth, 'if-match': String((await app.inject({ url: `/v1/articles/${draft.id}`, headers: auth })).headers.etag) } });
    t.equal((await open(token)).statusCode, 404, 'a deleted article is gone, link or not');
  });

  await t.test('PREVIEW_SECRET and PREVIEW_TTL_SECONDS', async (t) => {
    // This app was built with both set (above); the links it signs verify under that key alone.
    const { id } = await f.article({ status: 'draft', publishedAt: null });
    const made = (await link(id)).json().data;
    t.equal(Date.parse(made.expiresAt), Math.floor(clock.now.getTime() / 1000) * 1000 + TTL * 1000, 'PREVIEW_TTL_SECONDS sets the lifetime');
    // Nothing is stored: any instance holding the same key accepts the link, and one with another key refuses it.
    t.match(verifyPreviewToken(SECRET, made.token, clock.now), { ok: true, articleId: id });
    t.match(verifyPreviewToken('another-key-of-at-least-32-characters', made.token, clock.now), { ok: false, reason: 'signature' });

    t.equal(loadConfig({}).previewTtlSeconds, 3600, 'an hour by default');
    t.equal(loadConfig({}).previewSecret, undefined, 'unset: the app makes up a key at start');
    const message = (() => {
      try {
        loadConfig({ PREVIEW_SECRET: 'too-short-a-secret' });
      } catch (err) {
        return (err as Error).message;
      }
    })();
    t.equal(message, 'Invalid environment variable PREVIEW_SECRET: must be at least 32 characters', 'named, never echoed');
    t.throws(() => loadConfig({ PREVIEW_TTL_SECONDS: '5' }), /PREVIEW_TTL_SECONDS/);
  });

  t.test('tokens: signature and expiry, checked without the database', async (t) => {
    const id = '01900000-0000-7000-8000-000000000001';
    const now = new Date('2025-08-15T00:00:00Z');
    const token = signPreviewToken('k'.repeat(32), id, new Date(now.getTime() + 60_000));
    t.match(verifyPreviewToken('k'.repeat(32), token, now), { ok: true, articleId: id });
    t.match(verifyPreviewToken('j'.repeat(32), token, now), { ok: false, reason: 'signature' });
    t.match(verifyPreviewToken('k'.repeat(32), token, new Date(now.getTime() + 60_000)), { ok: false, reason: 'expired' });
    t.match(verifyPreviewToken('k'.repeat(32), `${token}x`, now), { ok: false, reason: 'malformed' });
    t.end();
  });
});
