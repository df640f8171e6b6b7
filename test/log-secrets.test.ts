import t from 'tap';
import { auditLog } from '../src/db/schema/index.js';
import { createToken, hashSecret, SCOPES } from '../src/modules/tokens/service.js';
import { buildTestApp } from './helpers/app.js';

t.test('secrets in logs', async (t) => {
  // One app (one database) for both checks: building one is the slow part of this file.
  const { app, logs } = await buildTestApp(t, {}, { captureLogs: true });

  await t.test('token secrets never reach the log or the audit log', async (t) => {
    const { secret } = await createToken(app.db, { name: 'log probe', scopes: SCOPES });
    const authorization = `Bearer ${secret}`;
    const headers = { authorization, 'x-request-id': 'log-probe-1' };

    // Successful writes, a refused one, a failed one, a bad token and a malformed header: every code path that logs.
    const tag = await app.inject({ method: 'POST', url: '/v1/tags', headers, payload: { names: { en: 'Logged' } } });
    t.equal(tag.statusCode, 201);
    const id = tag.json().data.id;
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/tags/${id}`, headers: { ...headers, 'if-match': String(tag.headers.etag) }, payload: { slug: 'logged-2' } })).statusCode, 200);
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/tags/${id}`, headers, payload: { slug: 'logged-3' } })).statusCode, 428);
    t.equal((await app.inject({ method: 'POST', url: '/v1/tags', headers, payload: { slug: 'logged-2', names: { en: 'Dup' } } })).statusCode, 409);
    t.equal((await app.inject({ method: 'POST', url: '/v1/tags', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"names": ' })).statusCode, 400);
    t.equal((await app.inject({ url: '/v1/audit', headers })).statusCode, 200);
    const wrong = `${secret.slice(0, -4)}xxxx`;
    t.equal((await app.inject({ url: '/v1/audit', headers: { authorization: `Bearer ${wrong}` } })).statusCode, 401);
    t.equal((await app.inject({ url: '/v1/audit', headers: { authorization: `Token ${secret}` } })).statusCode, 401);

    const text = logs.join('');
    t.ok(logs.length > 10, 'the log was captured');
    t.match(text, /log-probe-1/, 'request ids are logged, so the capture sees request lines');
    for (const [what, value] of [
      ['the secret', secret],
      ['the mistyped secret', wrong],
      ['the secret hash', hashSecret(secret)],
      ['an Authorization header value', 'Bearer '],
    ]) {
      t.notOk(text.includes(value), `${what} is not in the log`);
    }
    t.notMatch(text, /"authorization"\s*:\s*"(?!\[redacted\])/i, 'no authorization header is logged unredacted');

    const rows = JSON.stringify(await app.db.select().from(auditLog));
    t.match(rows, /tag\.create/, 'the writes were audited');
    t.notOk(rows.includes(secret), 'the secret is not in the audit log');
    t.notOk(rows.includes(hashSecret(secret)), 'nor is its hash');
    t.notOk(rows.includes('Bearer '), 'nor an Authorization header');
  });

  await t.test('the logger censors credential headers whatever options the caller passes', async (t) => {
    // Headers or credentials logged whole, as a careless log line might: pino's redaction still applies.
    app.log.info({ headers: { authorization: 'Bearer dl_visible_if_not_redacted', cookie: 'session=abc', accept: 'text/html' } }, 'probe 1');
    app.log.info({ login: { email: 'a@example.com', password: 'hunter2' }, token: { secret: 'dl_also_visible' } }, 'probe 2');
    const lines = logs.filter((l) => l.includes('"probe '));
    t.equal(lines.length, 2);
    const text = lines.join('');
    t.notMatch(text, /dl_visible_if_not_redacted|session=abc|hunter2|dl_also_visible/);
    t.match(text, /\[redacted\]/);
    t.match(text, /text\/html/, 'other fields stay');
  });
});
