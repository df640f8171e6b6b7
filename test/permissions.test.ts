// The permission matrix: every write operation in the OpenAPI spec (so routes added later are covered
// without touching this file) × every kind of credential and every role.
import { randomBytes, randomUUID } from 'node:crypto';
import t from 'tap';
import { type Role, ROLE_SCOPES, type Scope } from '../src/modules/tokens/service.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';
import { makeUser, sessionAs } from './helpers/people.js';

interface Operation {
  security?: Array<Record<string, string[]>>;
  requestBody?: { content?: Record<string, { schema?: { $ref?: string; examples?: unknown[] } }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { examples?: unknown[] }> };
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];
const ROLES: Role[] = ['admin', 'editor', 'author', 'contributor'];
/** Areas only admins manage, whatever scope names they use. */
const ADMIN_ONLY = [/^\/v1\/users/, /^\/v1\/tokens/, /^\/v1\/site/, /^\/v1\/webhooks/, /^\/v1\/audit/];
/** Article sub-resources that are not edits of that article: starting a translation copies it; a preview link only reads it. */
const NOT_AN_EDIT = /\/(translations|preview-links)$/;

const scopeIn = (detail: string) => /"([a-z]+:[a-z]+)" scope/.exec(detail)?.[1] as Scope | undefined;

t.test('permission matrix', async (t) => {
  const { app, auth, token: adminToken, tokenWith } = await buildTestApp(t);
  const f = factories(app.db);
  const spec = app.swagger() as unknown as Spec;

  // Real rows for path parameters, so a refusal is about the credential and not a missing row.
  const ids: Record<string, string> = {
    tags: (await f.tag()).id,
    categories: (await f.category()).id,
    authors: (await f.author()).id,
    sources: (await f.source()).id,
    // Someone else's draft: created by no user, bylined to nobody's profile.
    articles: (await f.article({ status: 'draft', publishedAt: undefined })).id,
    users: (await makeUser(app, 'contributor')).id,
    tokens: (await app.inject({ method: 'POST', url: '/v1/tokens', headers: auth, payload: { name: 'target', kind: 'public' } })).json().data.id,
  };
  const fill = (path: string, realIds: boolean) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (name === 'rev' || name === 'number') return '1';
      if (name === 'id' && realIds) return ids[path.split('/')[2]] ?? randomUUID();
      return randomUUID();
    });
  const exampleBody = (op: Operation): object => {
    const schema = op.requestBody?.content?.['application/json']?.schema;
    const resolved = schema?.$ref ? spec.components.schemas[schema.$ref.split('/').pop()!] : schema;
    return (resolved?.examples?.[0] as object | undefined) ?? {};
  };
  const call = (method: string, url: string, headers: Record<string, string>, payload: object = {}) =>
    app.inject({ method: method.toUpperCase() as 'POST', url, headers, ...(method === 'delete' ? {} : { payload }) });
  const etagOf = async (articleId: string) => (await app.inject({ url: `/v1/articles/${articleId}`, headers: auth })).headers.etag as string;

  const writes: Array<{ method: string; path: string; op: Operation }> = [];
  const open: string[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!WRITE_METHODS.includes(method)) continue;
      const anonymousAllowed = op.security !== undefined && (op.security.length === 0 || op.security.some((s) => Object.keys(s).length === 0));
      if (anonymousAllowed) open.push(`${method.toUpperCase()} ${path}`);
      else writes.push({ method, path, op });
    }
  }
  t.same(open, ['POST /v1/auth/login'], 'logging in is the only write that needs no credential');
  t.ok(writes.length >= 20, `${writes.length} write operations`);

  const publicKey = (await app.inject({ method: 'POST', url: '/v1/tokens', headers: auth, payload: { name: 'site', kind: 'public' } })).json().data.secret;
  const reader = await tokenWith(['content:read']);
  const invalid = `dl_${randomBytes(32).toString('base64url')}`;
  const sessions = Object.fromEntries(
    await Promise.all(
      ROLES.map(async (role) => [role, await sessionAs(app, role, { authorId: role === 'author' || role === 'contributor' ? (await f.author()).id : undefined })] as const),
    ),
  );

  /** The scope each operation needs, read from the 403 a content:read token gets; null: a session is needed instead. */
  const needed = new Map<string, Scope | null>();

  await t.test('without a valid credential: 401, before any other check', async (t) => {
    for (const { method, path } of writes) {
      const url = fill(path, true);
      const none = await call(method, url, {});
      t.equal(none.statusCode, 401, `${method} ${path} anonymous`);
      t.equal(none.json().code, 'UNAUTHORIZED');
      t.equal((await call(method, url, { authorization: `Bearer ${invalid}` })).statusCode, 401, `${method} ${path} unknown token`);
      t.equal((await call(method, url, { authorization: 'Basic dXNlcjpwYXNz' })).statusCode, 401, `${method} ${path} not a bearer token`);
    }
  });

  await t.test('a public read key and a content:read token: 403 naming what is missing, before If-Match and body checks', async (t) => {
    for (const { method, path } of writes) {
      const url = fill(path, true);
      const pub = await call(method, url, { authorization: `Bearer ${publicKey}` });
      t.equal(pub.statusCode, 403, `${method} ${path} public key`);
      t.equal(pub.json().code, 'FORBIDDEN');
      const read = await call(method, url, { authorization: `Bearer ${reader}` });
      t.equal(read.statusCode, 403, `${method} ${path} content:read token`);
      const scope = scopeIn(read.json().detail) ?? null;
      needed.set(`${method} ${path}`, scope);
      if (scope === null) t.match(read.json().detail, /session/, `${method} ${path}: refusal says why`);
    }
  });

  await t.test('an all-scopes token gets past authorization everywhere', async (t) => {
    for (const { method, path } of writes) {
      if (path === '/v1/auth/logout') continue; // needs a session, checked below
      const res = await call(method, fill(path, false), { authorization: `Bearer ${adminToken}` });
      t.notOk([401, 403].includes(res.statusCode) || res.statusCode >= 500, `${method} ${path}: ${res.statusCode}`);
    }
  });

  await t.test('sessions: each role gets exactly the operations its scopes allow; admin-only areas refuse every other role', async (t) => {
    for (const { method, path } of writes) {
      const scope = needed.get(`${method} ${path}`);
      for (const role of ROLES) {
        const label = `${role}: ${method} ${path}`;
        // Session-only operations (logout) end the session: use a throwaway one.
        const headers = scope === null ? (await sessionAs(app, role)).auth : sessions[role].auth;
        const res = await call(method, fill(path, false), headers);
        const adminOnly = ADMIN_ONLY.some((re) => re.test(path));
        const allowed = scope === null || (ROLE_SCOPES[role].includes(scope!) && (role === 'admin' || !adminOnly));
        if (adminOnly && role !== 'admin') t.equal(res.statusCode, 403, `${label} is for admins`);
        if (allowed) t.notOk([401, 403].includes(res.statusCode) || res.statusCode >= 500, `${label}: ${res.statusCode}`);
        else t.equal(res.statusCode, 403, label);
        if (!allowed) t.match(res.json().detail, new RegExp(`${role} role lacks`), `${label}: names the role`);
      }
    }
  });

  await t.test("authors and contributors cannot edit someone else's article; editors and admins can", async (t) => {
    const other = ids.articles;
    for (const role of ['author', 'contributor'] as const) {
      const { auth: headers } = sessions[role];
      const etag = await etagOf(other);
      const edit = await app.inject({ method: 'PATCH', url: `/v1/articles/${other}`, headers: { ...headers, 'if-match': etag }, payload: { title: 'Hijacked' } });
      t.equal(edit.statusCode, 403, `${role} PATCH`);
      t.match(edit.json().detail, /own articles/);
      t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${other}`, headers: { ...headers, 'if-match': etag } })).statusCode, 403, `${role} DELETE`);
      // Every other action on that article (submit, publish, restore a revision...), with a valid If-Match and the spec's example body.
      for (const { method, path, op } of writes) {
        if (!path.startsWith('/v1/articles/{id}/') || NOT_AN_EDIT.test(path)) continue;
        const res = await call(method, fill(path, true), { ...headers, 'if-match': etag }, exampleBody(op));
        t.equal(res.statusCode, 403, `${role} ${method} ${path}`);
      }
    }
    t.equal(await etagOf(other), await etagOf(other), 'nothing changed');
    const article = await app.inject({ url: `/v1/articles/${other}`, headers: auth });
    t.not(article.json().data.title, 'Hijacked');

    for (const role of ['editor', 'admin'] as const) {
      const { auth: headers } = sessions[role];
      const mine = (await f.article({ status: 'draft', publishedAt: undefined })).id;
      const edit = await app.inject({ method: 'PATCH', url: `/v1/articles/${mine}`, headers: { ...headers, 'if-match': await etagOf(mine) }, payload: { title: `Edited by the ${role}` } });
      t.equal(edit.statusCode, 200, `${role} PATCH`);
      const del = await app.inject({ method: 'DELETE', url: `/v1/articles/${mine}`, headers: { ...headers, 'if-match': await etagOf(mine) } });
      t.equal(del.statusCode, 204, `${role} DELETE`);
    }
  });

  await t.test('own articles: authors edit theirs (created or bylined), contributors only while a draft', async (t) => {
    const author = sessions.author;
    const patch = async (id: string, headers: Record<string, string>, title: string) =>
      app.inject({ method: 'PATCH', url: `/v1/articles/${id}`, headers: { ...headers, 'if-match': await etagOf(id) }, payload: { title } });

    const created = await app.inject({ method: 'POST', url: '/v1/articles', headers: author.auth, payload: { locale: 'en', title: 'Mine', body: [] } });
    t.equal(created.statusCode, 201);
    t.equal((await patch(created.json().data.id, author.auth, 'Mine, edited')).statusCode, 200, 'created by the author');

    const bylined = await f.article({ status: 'published', authors: [{ authorId: author.user.authorId!, role: 'writer' }] });
    t.equal((await patch(bylined.id, author.auth, 'Bylined, edited')).statusCode, 200, 'bylined to the author, even published');

    const contributor = sessions.contributor;
    const draft = await app.inject({ method: 'POST', url: '/v1/articles', headers: contributor.auth, payload: { locale: 'en', title: 'Draft', body: [] } });
    const draftId = draft.json().data.id;
    t.equal((await patch(draftId, contributor.auth, 'Draft, edited')).statusCode, 200, "a contributor's own draft");
    const bylinedPublished = await f.article({ status: 'published', authors: [{ authorId: contributor.user.authorId!, role: 'writer' }] });
    const res = await patch(bylinedPublished.id, contributor.auth, 'Too late');
    t.equal(res.statusCode, 403, 'but not once it left the draft state');
    t.match(res.json().detail, /only drafts/);
  });
});
