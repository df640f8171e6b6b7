import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';
import { login, makeUser, PASSWORD, rows, sessionAs } from './helpers/people.js';

t.test('users', async (t) => {
  const { app, auth, tokenWith } = await buildTestApp(t);
  const f = factories(app.db);
  const create = (body: object, headers = auth) => app.inject({ method: 'POST', url: '/v1/users', headers, payload: body });
  const patch = (id: string, body: object, headers = auth) => app.inject({ method: 'PATCH', url: `/v1/users/${id}`, headers, payload: body });
  const count = async () => Number((await rows<{ n: number }>(app, sql`SELECT count(*)::int AS n FROM users`))[0].n);

  await t.test('create, read, update; the password hash never leaves the server', async (t) => {
    const author = await f.author();
    const res = await create({ email: ' Lan.Nguyen@Example.com ', displayName: 'Lan Nguyen', role: 'author', password: 'correct horse battery', authorId: author.id });
    t.equal(res.statusCode, 400, 'surrounding spaces are not an email');
    const ok = await create({ email: 'Lan.Nguyen@Example.com', displayName: 'Lan Nguyen', role: 'author', password: 'correct horse battery', authorId: author.id });
    t.equal(ok.statusCode, 201);
    const user = ok.json().data;
    t.match(user, { email: 'lan.nguyen@example.com', displayName: 'Lan Nguyen', role: 'author', active: true, authorId: author.id });
    t.equal(ok.headers.location, `/v1/users/${user.id}`);
    t.notMatch(ok.body, /password|argon2/i);

    const got = await app.inject({ url: `/v1/users/${user.id}`, headers: auth });
    t.equal(got.statusCode, 200);
    t.same(got.json().data, user);
    t.notMatch(got.body, /password|argon2/i);

    const upd = await patch(user.id, { role: 'editor', displayName: 'Lan N.', authorId: null });
    t.equal(upd.statusCode, 200);
    t.match(upd.json().data, { role: 'editor', displayName: 'Lan N.', authorId: null });
    t.notMatch(upd.body, /password|argon2/i);
    t.equal((await app.inject({ url: `/v1/users/${crypto.randomUUID()}`, headers: auth })).statusCode, 404);
    t.equal((await patch(crypto.randomUUID(), { role: 'editor' })).statusCode, 404);

    const audit = JSON.stringify(await rows(app, sql`SELECT * FROM audit_log WHERE resource_id = ${user.id}`));
    t.match(audit, /user\.create/);
    t.match(audit, /user\.update/);
    t.notOk(audit.includes('correct horse battery'));
  });

  await t.test('a new password works at once and ends the old sessions', async (t) => {
    const s = await sessionAs(app, 'author');
    t.equal((await patch(s.user.id, { password: 'short' })).statusCode, 400, 'at least 12 characters');
    t.equal((await patch(s.user.id, { password: 'a brand new passphrase' })).statusCode, 200);
    t.equal((await app.inject({ url: '/v1/articles', headers: s.auth })).statusCode, 401, 'old session ended');
    t.equal((await login(app, s.user.email, PASSWORD, '10.9.0.1')).statusCode, 401, 'old password refused');
    t.equal((await login(app, s.user.email, 'a brand new passphrase', '10.9.0.1')).statusCode, 200);
  });

  await t.test('lists filter by role, active and email, with cursors', async (t) => {
    const mark = `list${Date.now()}`;
    for (const [i, role] of (['editor', 'editor', 'contributor', 'editor'] as const).entries()) {
      await makeUser(app, role, { email: `${mark}-${i}@example.com`, active: i !== 3 });
    }
    const q = (params: string) => app.inject({ url: `/v1/users?filter[email][contains]=${mark}&${params}`, headers: auth });
    const editors = (await q('filter[role]=editor&filter[active]=true')).json();
    t.same(editors.data.map((u: { email: string }) => u.email), [`${mark}-0@example.com`, `${mark}-1@example.com`]);
    const first = (await q('page[size]=3&meta=total')).json();
    t.equal(first.meta.total, 4);
    t.equal(first.data.length, 3);
    const second = (await app.inject({ url: first.links.next, headers: auth })).json();
    t.same(second.data.map((u: { email: string }) => u.email), [`${mark}-3@example.com`]);
    t.equal((await q('filter[active]=false')).json().data.length, 1);
    t.notMatch((await q('')).body, /password|argon2/i);
    for (const [params, pointer] of [
      ['filter[role]=boss', '/query/filter[role]'],
      ['filter[active]=maybe', '/query/filter[active]'],
      ['sort=password', '/query/sort'],
      ['filter[password]=x', '/query/filter[password]'],
    ]) {
      const res = await q(params);
      t.equal(res.statusCode, 400, params);
      t.equal(res.json().errors[0].pointer, pointer, params);
    }
  });

  await t.test('bad input is a problem with a pointer and changes nothing', async (t) => {
    const author = await f.author();
    const taken = await makeUser(app, 'contributor', { authorId: author.id });
    const base = { displayName: 'New Person', role: 'contributor', password: 'long enough password' };
    const before = await count();
    const cases: Array<[object, number, string]> = [
      [{ ...base, email: taken.email.toUpperCase() }, 409, '/body/email'],
      [{ ...base, email: 'fresh1@example.com', authorId: crypto.randomUUID() }, 422, '/body/authorId'],
      [{ ...base, email: 'fresh2@example.com', authorId: author.id }, 409, '/body/authorId'],
      [{ ...base, email: 'not-an-email' }, 400, '/body/email'],
      [{ ...base, email: 'fresh3@example.com', password: 'elevenchars' }, 400, '/body/password'],
      [{ ...base, email: 'fresh4@example.com', role: 'owner' }, 400, '/body/role'],
      [{ ...base, email: 'fresh5@example.com', passwordHash: 'x' }, 400, '/body/passwordHash'],
      [{ ...base, email: 'fresh6@example.com', displayName: 'nul\u0000' }, 400, '/body/displayName'],
    ];
    for (const [body, status, pointer] of cases) {
      const res = await create(body);
      t.equal(res.statusCode, status, JSON.stringify(body));
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.equal(res.json().errors?.[0]?.pointer, pointer, JSON.stringify(body));
    }
    t.equal(await count(), before);
    const other = await makeUser(app, 'contributor');
    t.equal((await patch(other.id, { email: taken.email })).statusCode, 409);
    t.equal((await patch(other.id, { authorId: author.id })).statusCode, 409);
    t.equal((await patch(other.id, {})).statusCode, 400, 'an empty patch is refused');
  });

  await t.test('the last active admin cannot be demoted or deactivated', async (t) => {
    // The users created so far include admins from other subtests; demote them all through the service first.
    await app.db.execute(sql`UPDATE users SET role = 'editor' WHERE role = 'admin'`);
    const a = await sessionAs(app, 'admin');
    const res = await patch(a.user.id, { role: 'editor' }, a.auth);
    t.equal(res.statusCode, 409);
    t.equal((await patch(a.user.id, { active: false }, a.auth)).statusCode, 409);
    const b = await makeUser(app, 'admin');
    t.equal((await patch(a.user.id, { role: 'editor' }, a.auth)).statusCode, 200, 'fine once another admin exists');
    t.equal((await patch(b.id, { active: false })).statusCode, 409);
  });

  await t.test('only users:manage reaches /v1/users', async (t) => {
    const editor = await sessionAs(app, 'editor');
    const res = await app.inject({ url: '/v1/users', headers: editor.auth });
    t.equal(res.statusCode, 403);
    t.match(res.json().detail, /editor role lacks the "users:manage" scope/);
    t.equal((await app.inject({ url: '/v1/users' })).statusCode, 401);
    const reader = await tokenWith(['content:read', 'content:write']);
    const denied = await app.inject({ url: '/v1/users', headers: { authorization: `Bearer ${reader}` } });
    t.equal(denied.statusCode, 403);
    t.match(denied.json().detail, /lacks the "users:manage" scope/);
  });
});
