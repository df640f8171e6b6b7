import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { login, makeUser, PASSWORD, rows, sessionAs } from './helpers/people.js';

t.test('login sessions', async (t) => {
  const ctx = await buildTestApp(t);
  const { app, auth, clock } = ctx;
  const auditText = async () => JSON.stringify(await rows(app, sql`SELECT * FROM audit_log`));

  await t.test('a user logs in with email and password and gets a session token that works as a bearer token', async (t) => {
    const user = await makeUser(app, 'admin');
    const res = await login(app, user.email.toUpperCase(), PASSWORD);
    t.equal(res.statusCode, 200);
    const { token, expiresAt, user: who } = res.json().data;
    t.match(token, /^dls_[A-Za-z0-9_-]{40,}$/);
    t.equal(new Date(expiresAt).getTime(), clock.now.getTime() + 60 * 60_000, 'SESSION_TTL_MINUTES defaults to 60');
    t.same(Object.keys(who).sort(), ['active', 'authorId', 'createdAt', 'displayName', 'email', 'id', 'role', 'updatedAt']);
    t.notMatch(res.body, /argon2|passwordHash/);
    t.equal(res.headers['cache-control'], 'private, no-store');

    const users = await app.inject({ url: '/v1/users', headers: { authorization: `Bearer ${token}` } });
    t.equal(users.statusCode, 200, 'an admin session carries users:manage');

    const [stored] = await rows<{ password_hash: string; th: string }>(app, sql`SELECT password_hash, (SELECT token_hash FROM sessions LIMIT 1) AS th FROM users WHERE id = ${user.id}`);
    t.match(stored.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'argon2id hash');
    t.not(stored.th, token, 'only a hash of the session token is stored');
    const audit = await auditText();
    t.match(audit, /"action":"auth\.login"/);
    t.notOk(audit.includes(PASSWORD), 'the password never reaches the audit log');
    t.notOk(audit.includes(token), 'nor the token');
  });

  await t.test('wrong password, unknown email and deactivated account get the same 401', async (t) => {
    const user = await makeUser(app, 'editor');
    const inactive = await makeUser(app, 'editor', { active: false });
    const bodies = [];
    for (const [email, password] of [
      [user.email, 'not the password at all'],
      ['nobody@example.com', 'not the password at all'],
      [inactive.email, PASSWORD],
      ['not an email', 'x'],
    ]) {
      const res = await login(app, email, password, '10.0.0.2');
      t.equal(res.statusCode, 401, email);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      const { requestId, ...rest } = res.json();
      t.ok(requestId);
      bodies.push(rest);
    }
    for (const b of bodies.slice(1)) t.same(b, bodies[0]);
    t.equal(bodies[0].code, 'UNAUTHORIZED');
    t.match(await auditText(), /"action":"auth\.login_failed"/);
    t.notOk((await auditText()).includes('not the password at all'));
    t.notOk((await auditText()).includes('not an email'), 'input that is not email-shaped (maybe a password) is not recorded');
  });

  await t.test('more than 5 failures for one email in 15 minutes give a 429 with Retry-After, from any IP', async (t) => {
    const user = await makeUser(app, 'author');
    for (let i = 1; i <= 5; i++) t.equal((await login(app, user.email, 'wrong password!', `10.1.0.${i}`)).statusCode, 401, `failure ${i}`);
    const blocked = await login(app, user.email, PASSWORD, '10.1.0.99');
    t.equal(blocked.statusCode, 429, 'even the right password is not checked while blocked');
    t.equal(blocked.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal(blocked.json().code, 'TOO_MANY_REQUESTS');
    t.equal(blocked.headers['retry-after'], String(15 * 60), 'until the oldest failure leaves the window');
    const unknown = await login(app, 'ghost@example.com', 'x', '10.1.1.1');
    t.equal(unknown.statusCode, 401, 'other accounts are not affected');

    clock.advance(5 * 60_000);
    const later = await login(app, user.email, PASSWORD, '10.1.0.99');
    t.equal(later.statusCode, 429);
    t.equal(later.headers['retry-after'], String(10 * 60));
    clock.advance(10 * 60_000);
    t.equal((await login(app, user.email, PASSWORD, '10.1.0.99')).statusCode, 200, 'allowed again once the window has passed');
  });

  await t.test('an unknown email is throttled just like a real one', async (t) => {
    for (let i = 1; i <= 5; i++) t.equal((await login(app, 'ghost2@example.com', 'x', `10.2.0.${i}`)).statusCode, 401);
    t.equal((await login(app, 'ghost2@example.com', 'x', '10.2.0.9')).statusCode, 429);
  });

  await t.test('a successful login clears the account\'s failures', async (t) => {
    const user = await makeUser(app, 'author');
    for (let i = 0; i < 4; i++) t.equal((await login(app, user.email, 'wrong password!', '10.3.0.1')).statusCode, 401);
    t.equal((await login(app, user.email, PASSWORD, '10.3.0.1')).statusCode, 200);
    for (let i = 0; i < 5; i++) t.equal((await login(app, user.email, 'wrong password!', '10.3.0.1')).statusCode, 401, `failure ${i + 1} after the reset`);
    t.equal((await login(app, user.email, 'wrong password!', '10.3.0.1')).statusCode, 429);
  });

  await t.test('more than 20 failures from one IP give a 429, whatever the email', async (t) => {
    const ip = '10.4.0.1';
    for (let i = 0; i < 20; i++) t.equal((await login(app, `nobody${i}@example.com`, 'x', ip)).statusCode, 401);
    const user = await makeUser(app, 'editor');
    const blocked = await login(app, user.email, PASSWORD, ip);
    t.equal(blocked.statusCode, 429);
    t.ok(Number(blocked.headers['retry-after']) > 0);
    t.equal((await login(app, user.email, PASSWORD, '10.4.0.2')).statusCode, 200, 'another IP still logs in');
    clock.advance(15 * 60_000 + 1000);
  });

  await t.test('logout revokes the session at once', async (t) => {
    const s = await sessionAs(app, 'editor');
    t.equal((await app.inject({ url: '/v1/articles', headers: s.auth })).statusCode, 200);
    const out = await app.inject({ method: 'POST', url: '/v1/auth/logout', headers: s.auth });
    t.equal(out.statusCode, 204);
    const after = await app.inject({ url: '/v1/articles', headers: s.auth });
    t.equal(after.statusCode, 401);
    t.equal(after.json().code, 'UNAUTHORIZED');
    t.match(await auditText(), /"action":"auth\.logout"/);

    t.equal((await app.inject({ method: 'POST', url: '/v1/auth/logout' })).statusCode, 401, 'no credential');
    const withToken = await app.inject({ method: 'POST', url: '/v1/auth/logout', headers: auth });
    t.equal(withToken.statusCode, 403, 'an API token is revoked through /v1/tokens, not logged out');
  });

  await t.test('a session expires after SESSION_TTL_MINUTES on the app clock', async (t) => {
    const s = await sessionAs(app, 'editor');
    clock.advance(59 * 60_000);
    t.equal((await app.inject({ url: '/v1/articles', headers: s.auth })).statusCode, 200);
    clock.advance(60_000);
    t.equal((await app.inject({ url: '/v1/articles', headers: s.auth })).statusCode, 401);
  });

  await t.test('deactivating a user ends their sessions at once; a role change applies at once', async (t) => {
    const s = await sessionAs(app, 'admin');
    const patch = (body: object) => app.inject({ method: 'PATCH', url: `/v1/users/${s.user.id}`, headers: auth, payload: body });
    t.equal((await patch({ role: 'editor' })).statusCode, 200);
    t.equal((await app.inject({ url: '/v1/users', headers: s.auth })).statusCode, 403, 'an editor may not manage users');
    t.equal((await patch({ active: false })).statusCode, 200);
    t.equal((await app.inject({ url: '/v1/articles', headers: s.auth })).statusCode, 401);
    t.equal((await patch({ active: true })).statusCode, 200);
    t.equal((await app.inject({ url: '/v1/articles', headers: s.auth })).statusCode, 401, 'reactivation does not revive old sessions');
    t.equal((await login(app, s.user.email, PASSWORD, '10.5.0.1')).statusCode, 200, 'but the user can log in again');
  });

  await t.test('login input is validated; Idempotency-Key never stores a session token', async (t) => {
    const bad = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'a@b.c' } });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().errors[0].pointer, '/body/password');
    const user = await makeUser(app, 'author');
    const headers = { 'idempotency-key': 'login-1' };
    const one = await app.inject({ method: 'POST', url: '/v1/auth/login', headers, payload: { email: user.email, password: PASSWORD } });
    const two = await app.inject({ method: 'POST', url: '/v1/auth/login', headers, payload: { email: user.email, password: PASSWORD } });
    t.equal(one.statusCode, 200);
    t.equal(two.statusCode, 200);
    t.not(one.json().data.token, two.json().data.token, 'each login is a new session, never a replay');
    const stored = JSON.stringify(await rows(app, sql`SELECT * FROM idempotency_keys`));
    t.notOk(stored.includes(one.json().data.token));
  });
});
