import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';
import { rows, sessionAs } from './helpers/people.js';

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

t.test('API tokens and public read keys', async (t) => {
  // A small public-key budget, so the limit is reached in a few requests.
  const { app, auth, clock, tokenWith } = await buildTestApp(t, { PUBLIC_KEY_RATE_LIMIT: '5' });
  const f = factories(app.db);
  const create = (body: object, headers = auth) => app.inject({ method: 'POST', url: '/v1/tokens', headers, payload: body });
  const revoke = (id: string, headers = auth) => app.inject({ method: 'POST', url: `/v1/tokens/${id}/revoke`, headers });

  await t.test('the secret is shown once, at creation; lists and reads never show it', async (t) => {
    const res = await create({ name: 'Desk tool', scopes: ['content:read', 'content:write'] });
    t.equal(res.statusCode, 201);
    const token = res.json().data;
    t.match(token, { name: 'Desk tool', kind: 'api', scopes: ['content:read', 'content:write'], expiresAt: null, lastUsedAt: null, revokedAt: null, createdByUserId: null });
    t.match(token.secret, /^dl_[A-Za-z0-9_-]{40,}$/);
    t.equal(res.headers.location, `/v1/tokens/${token.id}`);

    const [row] = await rows<{ token_hash: string }>(app, sql`SELECT token_hash FROM api_tokens WHERE id = ${token.id}`);
    const list = await app.inject({ url: '/v1/tokens', headers: auth });
    const one = await app.inject({ url: `/v1/tokens/${token.id}`, headers: auth });
    for (const r of [list, one]) {
      t.equal(r.statusCode, 200);
      t.notOk(r.body.includes(token.secret), 'no secret');
      t.notOk(r.body.includes(row.token_hash), 'no hash');
      t.notMatch(r.body, /"secret"|tokenHash/);
    }
    t.ok(list.json().data.some((x: { id: string }) => x.id === token.id));
    t.same(Object.keys(one.json().data).sort(), ['createdAt', 'createdByUserId', 'expiresAt', 'id', 'kind', 'lastUsedAt', 'name', 'revokedAt', 'scopes']);

    const used = await app.inject({ url: '/v1/articles', headers: bearer(token.secret) });
    t.equal(used.statusCode, 200, 'the new token works');
    t.ok((await app.inject({ url: `/v1/tokens/${token.id}`, headers: auth })).json().data.lastUsedAt, 'last use recorded');
    const audit = JSON.stringify(await rows(app, sql`SELECT * FROM audit_log`));
    t.match(audit, /token\.create/);
    t.notOk(audit.includes(token.secret));
  });

  await t.test('a revoked token stops working at once', async (t) => {
    const { data: token } = (await create({ name: 'Soon gone', scopes: ['content:write'] })).json();
    t.equal((await app.inject({ method: 'POST', url: '/v1/tags', headers: bearer(token.secret), payload: { names: { en: 'Before' } } })).statusCode, 201);
    const res = await revoke(token.id);
    t.equal(res.statusCode, 200);
    t.equal(res.json().data.revokedAt, clock.now.toISOString());
    const after = await app.inject({ method: 'POST', url: '/v1/tags', headers: bearer(token.secret), payload: { names: { en: 'After' } } });
    t.equal(after.statusCode, 401);
    t.equal(after.json().code, 'UNAUTHORIZED');
    t.equal((await app.inject({ url: '/v1/articles', headers: bearer(token.secret) })).statusCode, 401, 'reads too, never anonymous');
    const again = await revoke(token.id);
    t.equal(again.statusCode, 200, 'revoking twice is harmless');
    t.equal(again.json().data.revokedAt, res.json().data.revokedAt);
    t.equal((await revoke(crypto.randomUUID())).statusCode, 404);
    const revoked = (await app.inject({ url: '/v1/tokens?filter[revoked]=true', headers: auth })).json().data;
    t.same(revoked.map((x: { id: string }) => x.id), [token.id]);
  });

  await t.test('a token expires on the app clock', async (t) => {
    const expiresAt = new Date(clock.now.getTime() + 60_000).toISOString();
    const { data: token } = (await create({ name: 'Short', scopes: ['content:read'], expiresAt })).json();
    t.equal((await app.inject({ url: '/v1/articles', headers: bearer(token.secret) })).statusCode, 200);
    clock.advance(61_000);
    t.equal((await app.inject({ url: '/v1/articles', headers: bearer(token.secret) })).statusCode, 401);
  });

  await t.test('creation rules: scopes for api tokens, none for public keys, nothing beyond the caller, future expiry', async (t) => {
    const before = Number((await rows<{ n: number }>(app, sql`SELECT count(*)::int AS n FROM api_tokens`))[0].n);
    const cases: Array<[object, number, string | undefined]> = [
      [{ name: 'x', kind: 'public', scopes: ['content:read'] }, 422, '/body/scopes'],
      [{ name: 'x', kind: 'api', scopes: [] }, 422, '/body/scopes'],
      [{ name: 'x' }, 422, '/body/scopes'],
      [{ name: 'x', scopes: ['content:everything'] }, 400, '/body/scopes/0'],
      [{ name: 'x', scopes: ['content:read', 'content:read'] }, 400, '/body/scopes'],
      [{ name: 'x', scopes: ['content:read'], expiresAt: new Date(clock.now.getTime() - 1000).toISOString() }, 422, '/body/expiresAt'],
      [{ name: '', scopes: ['content:read'] }, 400, '/body/name'],
      [{ name: 'x', scopes: ['content:read'], secret: 'mine' }, 400, '/body/secret'],
    ];
    for (const [body, status, pointer] of cases) {
      const res = await create(body);
      t.equal(res.statusCode, status, JSON.stringify(body));
      t.equal(res.json().errors?.[0]?.pointer, pointer, JSON.stringify(body));
    }
    t.equal(Number((await rows<{ n: number }>(app, sql`SELECT count(*)::int AS n FROM api_tokens`))[0].n), before, 'nothing created');
    const manager = await tokenWith(['tokens:manage', 'content:read']);
    const stronger = await create({ name: 'x', scopes: ['content:read', 'content:write'] }, bearer(manager));
    t.equal(stronger.statusCode, 403, 'a token manager cannot mint a stronger token');
    t.match(stronger.json().detail, /content:write/);
    t.equal((await create({ name: 'x', scopes: ['content:read'] }, bearer(manager))).statusCode, 201, 'within its own scopes it can');
  });

  await t.test('an admin session creates tokens in its own name', async (t) => {
    const admin = await sessionAs(app, 'admin');
    const res = await create({ name: 'From the admin UI', kind: 'public' }, admin.auth);
    t.equal(res.statusCode, 201);
    t.equal(res.json().data.createdByUserId, admin.user.id);
    const editor = await sessionAs(app, 'editor');
    t.equal((await create({ name: 'x', kind: 'public' }, editor.auth)).statusCode, 403);
    t.equal((await app.inject({ url: '/v1/tokens', headers: editor.auth })).statusCode, 403);
  });

  await t.test('a public read key sees only published content, like an anonymous caller', async (t) => {
    const res = await create({ name: 'Website', kind: 'public' });
    t.equal(res.statusCode, 201);
    const key = res.json().data;
    t.match(key, { kind: 'public', scopes: [] });
    t.match(key.secret, /^dlp_/);
    const published = await f.article({}, clock.now);
    const draft = await f.article({ status: 'draft', publishedAt: undefined }, clock.now);
    const future = await f.article({ publishedAt: new Date(clock.now.getTime() + 3_600_000).toISOString() }, clock.now);

    const list = await app.inject({ url: '/v1/articles?page[size]=100', headers: bearer(key.secret) });
    t.equal(list.statusCode, 200);
    const ids = list.json().data.map((a: { id: string }) => a.id);
    t.ok(ids.includes(published.id));
    t.notOk(ids.includes(draft.id), 'no draft');
    t.notOk(ids.includes(future.id), 'nothing published in the future');
    t.equal((await app.inject({ url: `/v1/articles/${draft.id}`, headers: bearer(key.secret) })).statusCode, 404);
    t.equal((await app.inject({ url: `/v1/articles/${published.id}`, headers: bearer(key.secret) })).statusCode, 200);

    const write = await app.inject({ method: 'POST', url: '/v1/tags', headers: bearer(key.secret), payload: { names: { en: 'Nope' } } });
    t.equal(write.statusCode, 403, 'a valid credential without write scopes');
    t.match(write.json().detail, /public read key/);
  });

  await t.test('a public read key has its own rate limit: 429 problem with Retry-After and RateLimit headers', async (t) => {
    const key = (await create({ name: 'Partner', kind: 'public' })).json().data;
    const other = (await create({ name: 'Other partner', kind: 'public' })).json().data;
    for (let i = 1; i <= 5; i++) {
      const res = await app.inject({ url: '/v1/tags', headers: bearer(key.secret) });
      t.equal(res.statusCode, 200, `request ${i}`);
      t.equal(res.headers['ratelimit-policy'], '"public-key";q=5;w=60');
      t.match(res.headers.ratelimit, new RegExp(`^"public-key";r=${5 - i};t=\\d+$`));
    }
    const over = await app.inject({ url: '/v1/tags', headers: bearer(key.secret) });
    t.equal(over.statusCode, 429);
    t.equal(over.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal(over.json().code, 'TOO_MANY_REQUESTS');
    t.ok(Number(over.headers['retry-after']) >= 1 && Number(over.headers['retry-after']) <= 60, `Retry-After ${over.headers['retry-after']}`);
    t.match(over.headers.ratelimit, /^"public-key";r=0;t=\d+$/);
    t.equal((await app.inject({ url: '/v1/tags', headers: bearer(other.secret) })).statusCode, 200, 'each key has its own budget');
    for (let i = 0; i < 7; i++) {
      const res = await app.inject({ url: '/v1/tags', headers: auth });
      t.equal(res.statusCode, 200, 'API tokens are not limited by it');
      t.notOk(res.headers.ratelimit);
    }
    t.equal((await app.inject({ url: '/v1/tags' })).statusCode, 200, 'anonymous callers are not limited by it');

    const spec = app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    t.ok(spec.paths['/v1/tags'].get.responses['429'], '429 is declared on reads');
    t.ok(spec.paths['/v1/articles/{id}'].get.responses['429']);
  });
});
